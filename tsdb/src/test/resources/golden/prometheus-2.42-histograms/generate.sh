#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Regenerates the golden histogram block of this directory with Debian's Prometheus 2.42 (see
# README.md). Usage: sh generate.sh   (from this directory; needs prometheus, curl and a JDK 21+)
set -eu

PROTOBUF_JAR=${PROTOBUF_JAR:-$HOME/.m2/repository/com/google/protobuf/protobuf-java/4.31.1/protobuf-java-4.31.1.jar}
SNAPPY_JAR=${SNAPPY_JAR:-$HOME/.m2/repository/org/xerial/snappy/snappy-java/1.1.10.7/snappy-java-1.1.10.7.jar}
PORT=${PORT:-19494}
here=$(pwd)

prometheus --version 2>&1 | head -1

tmp=$(mktemp -d)
printf 'global:\n  scrape_interval: 15s\nscrape_configs: []\n' > "$tmp/p.yml"
prometheus --config.file="$tmp/p.yml" --storage.tsdb.path="$tmp/data" \
  --web.listen-address=127.0.0.1:$PORT --web.enable-remote-write-receiver \
  --storage.tsdb.retention.time=100y \
  --enable-feature=native-histograms > "$tmp/prometheus.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
i=0
until curl -sf "http://127.0.0.1:$PORT/-/ready" > /dev/null; do
  i=$((i + 1))
  if [ $i -gt 300 ]; then echo "prometheus not ready"; cat "$tmp/prometheus.log"; kill $pid; exit 1; fi
  sleep 0.1
done
java -cp "$PROTOBUF_JAR:$SNAPPY_JAR" GoldenHistograms.java \
  "http://127.0.0.1:$PORT/api/v1/write" "$here/samples.tsv"
# The commit that makes the head span more than 3 h signals the compactor; the minutely check
# would do it too. Wait for the block's meta.json, written last.
i=0
until ls "$tmp"/data/01*/meta.json > /dev/null 2>&1; do
  i=$((i + 1))
  if [ $i -gt 1800 ]; then echo "no block"; cat "$tmp/prometheus.log"; kill $pid; exit 1; fi
  sleep 0.1
done
kill -TERM $pid
wait $pid || true
grep -E 'level=(warn|error)' "$tmp/prometheus.log" || true
rm -rf block
mkdir block
cp -r "$tmp"/data/01* block/
ls -lR block
rm -rf "$tmp"
