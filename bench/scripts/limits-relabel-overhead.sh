#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# What configuring write limits and ingress relabelling costs: the same rwload against one Sluice
# without them and one with a limits file (request size/series/samples limits, a head-series limit
# and max_concurrency, none of which the load reaches) and relabel rules, alternating the two
# processes ROUNDS times on this machine (127.0.0.1 only), then prints the median samples/s of
# each, the ratio and each process' CPU seconds per million samples.
#
# Two rule sets: RULES=keep (default) filters: a drop by metric name, a keep by job and a
# labeldrop that match no series of the load, so every series is checked and none rewritten, as
# most deployments' rules do; RULES=rewrite adds a label to every series (each series is rebuilt
# and hashed again: the expensive case).
#
# Usage:
#   bench/scripts/limits-relabel-overhead.sh [rwload options]
#   e.g. ROUNDS=3 bench/scripts/limits-relabel-overhead.sh --series 100000 --rounds 60 --shards 4
# Build first: ./mvnw -B -q -pl server,bench -am package -DskipTests
#
# Environment: SLUICE_JAR, BENCH_JAR, SLUICE_JAVA_OPTS (default -Xmx1g), ROUNDS (default 2),
# RULES (keep|rewrite), ONLY=limits|relabel (configure only one of the two), KEEP_TMP=1 keeps the temporary directory.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SLUICE_JAR=${SLUICE_JAR:-$ROOT/server/target/sluice.jar}
BENCH_JAR=${BENCH_JAR:-$ROOT/bench/target/sluice-bench.jar}
JAVA_OPTS=${SLUICE_JAVA_OPTS:--Xmx1g}
ROUNDS=${ROUNDS:-2}
RULES=${RULES:-keep}

java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
JAVA=""
for c in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
  v=$( [ -x "$c" ] && java_major "$c" || true ); v=${v%%.*}
  if [ -n "$v" ] && [ "$v" -ge 21 ]; then JAVA=$c; fi
done
[ -n "$JAVA" ] || { echo "limits-relabel-overhead: no JDK 21+ found" >&2; exit 2; }
[ -f "$SLUICE_JAR" ] && [ -f "$BENCH_JAR" ] || { echo "limits-relabel-overhead: build first" >&2; exit 2; }

TMP=$(mktemp -d)
PID=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  [ "${KEEP_TMP:-0}" = 1 ] && echo "kept $TMP" || rm -rf "$TMP"
}
trap cleanup EXIT

cat >"$TMP/limits.yaml" <<'EOF'
write:
  global:
    max_concurrency: 64
  default:
    request:
      size_bytes_limit: 16777216
      series_limit: 50000
      samples_limit: 50000
    head_series_limit: 50000000
EOF
case "$RULES" in
  keep) cat >"$TMP/relabel.yaml" <<'EOF'
- source_labels: [__name__]
  regex: go_gc_.*|process_.*|scrape_.*
  action: drop
- source_labels: [job]
  regex: .+
  action: keep
- regex: pod_template_hash|controller_revision_hash
  action: labeldrop
EOF
  ;;
  rewrite) cat >"$TMP/relabel.yaml" <<'EOF'
- source_labels: [__name__]
  regex: go_gc_.*|process_.*|scrape_.*
  action: drop
- source_labels: [cluster]
  target_label: region
  regex: (.*)
  replacement: eu-$1
  action: replace
EOF
  ;;
  *) echo "limits-relabel-overhead: RULES must be keep or rewrite" >&2; exit 2 ;;
esac

# start NAME [flags...]: one Sluice on the fixed bench ports, ready
start() {
  local name=$1; shift
  rm -rf "${TMP:?}/$name"
  "$JAVA" -XX:+ExitOnOutOfMemoryError $JAVA_OPTS --enable-native-access=ALL-UNNAMED \
    -jar "$SLUICE_JAR" receive --remote-write.address=127.0.0.1:29591 \
    --http-address=127.0.0.1:29592 --grpc-address=127.0.0.1:29593 \
    --tsdb.path="$TMP/$name" --label="replica=\"$name\"" "$@" >"$TMP/$name.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:29592/-/ready" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "limits-relabel-overhead: $name not ready" >&2; cat "$TMP/$name.log" >&2; exit 1
}

stop() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=""; }

cpu() { awk -v t="$(getconf CLK_TCK)" '{printf "%.1f", ($14+$15)/t}' "/proc/$1/stat"; }

# run NAME [flags...]: one load against a fresh process; appends "sps cpu samples" to NAME.runs
run() {
  local name=$1; shift
  start "$name" "$@"
  "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$BENCH_JAR" io.sluice.bench.rwload.RwLoad \
    --url "http://127.0.0.1:29591/api/v1/receive" --json "${LOAD[@]}" >"$TMP/load.json"
  local sps samples c
  sps=$(sed -n 's/.*"samplesPerSecond":\([0-9.]*\).*/\1/p' "$TMP/load.json")
  samples=$(sed -n 's/.*"samplesSent":\([0-9]*\).*/\1/p' "$TMP/load.json")
  c=$(cpu "$PID")
  grep -q '"non2xx":0,' "$TMP/load.json" || echo "limits-relabel-overhead: $name: some requests were not 2xx" >&2
  stop
  echo "$sps $c $samples" >>"$TMP/$name.runs"
  echo "  $name: $sps samples/s, $c s CPU" >&2
}

LOAD=("$@")
CONFIGURED=()
case "${ONLY:-}" in
  limits) CONFIGURED=(--receive.limits-config-file="$TMP/limits.yaml") ;;
  relabel) CONFIGURED=(--receive.relabel-config-file="$TMP/relabel.yaml") ;;
  "") CONFIGURED=(--receive.limits-config-file="$TMP/limits.yaml"
    --receive.relabel-config-file="$TMP/relabel.yaml") ;;
  *) echo "limits-relabel-overhead: ONLY must be limits or relabel" >&2; exit 2 ;;
esac
for i in $(seq 1 "$ROUNDS"); do
  echo "== round $i" >&2
  run plain
  run configured "${CONFIGURED[@]}"
done

median() { sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
p=$(cut -d' ' -f1 "$TMP/plain.runs" | median)
c=$(cut -d' ' -f1 "$TMP/configured.runs" | median)
pc=$(awk '{c+=$2; s+=$3} END{printf "%.2f", c/(s/1e6)}' "$TMP/plain.runs")
cc=$(awk '{c+=$2; s+=$3} END{printf "%.2f", c/(s/1e6)}' "$TMP/configured.runs")
printf 'without limits and relabelling: %s samples/s (%s s of process CPU per 1M timed samples)\n' "$p" "$pc"
printf 'with limits and relabelling (%s): %s samples/s (%s s of process CPU per 1M timed samples)\n' "$RULES" "$c" "$cc"
printf 'ratio: %s\n' "$(awk -v a="$c" -v b="$p" 'BEGIN{printf "%.2f", a/b}')"
