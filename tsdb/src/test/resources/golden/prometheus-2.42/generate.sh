#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Regenerates the golden WALs of this directory with Debian's Prometheus 2.42 (see README.md).
# Usage: sh generate.sh   (from this directory; needs prometheus, curl and a JDK 21+ `java`)
set -eu

PROTOBUF_JAR=${PROTOBUF_JAR:-$HOME/.m2/repository/com/google/protobuf/protobuf-java/4.31.1/protobuf-java-4.31.1.jar}
SNAPPY_JAR=${SNAPPY_JAR:-$HOME/.m2/repository/org/xerial/snappy/snappy-java/1.1.10.7/snappy-java-1.1.10.7.jar}
PORT=${PORT:-19493}
here=$(pwd)

prometheus --version 2>&1 | head -1

for mode in uncompressed compressed; do
  # A kingpin boolean flag: --flag sets it, --no-flag clears it.
  if [ "$mode" = compressed ]; then compress=storage.tsdb.wal-compression; else compress=no-storage.tsdb.wal-compression; fi
  tmp=$(mktemp -d)
  printf 'global:\n  scrape_interval: 15s\nscrape_configs: []\n' > "$tmp/p.yml"
  prometheus --config.file="$tmp/p.yml" --storage.tsdb.path="$tmp/data" \
    --web.listen-address=127.0.0.1:$PORT --web.enable-remote-write-receiver \
    --$compress \
    --enable-feature=exemplar-storage,native-histograms > "$tmp/prometheus.log" 2>&1 &
  pid=$!
  i=0
  until curl -sf "http://127.0.0.1:$PORT/-/ready" > /dev/null; do
    i=$((i + 1))
    if [ $i -gt 100 ]; then echo "prometheus not ready"; cat "$tmp/prometheus.log"; kill $pid; exit 1; fi
    sleep 0.1
  done
  java -cp "$PROTOBUF_JAR:$SNAPPY_JAR" GoldenRemoteWrite.java \
    "http://127.0.0.1:$PORT/api/v1/write" "$here/expected-samples.tsv"
  kill -TERM $pid
  wait $pid || true
  grep -E 'level=(warn|error)' "$tmp/prometheus.log" || true
  rm -rf "wal-$mode"
  mkdir "wal-$mode"
  cp "$tmp/data/wal/"0* "wal-$mode/"
  ls -l "wal-$mode"
  rm -rf "$tmp"
done
