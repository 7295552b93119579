#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Runs the same rwload against one Sluice with replication factor 1 and then against the first of
# three Sluice processes forming a ketama hashring with replication factor 3 (every sample is
# appended three times: once locally, twice on peers over gRPC), on this machine, one after the
# other, and prints accepted samples/s of each and the ring/single ratio. 127.0.0.1 only.
#
# Usage:
#   bench/scripts/ring-vs-single.sh [rwload options]
#   e.g. bench/scripts/ring-vs-single.sh --series 100000 --rounds 21 --shards 4
# Build first: ./mvnw -B -q -pl server,bench -am package -DskipTests
#
# It also prints each process' CPU seconds when its load ends (THREADS=1: per group of threads), so
# that the cost per sample of each role is visible even when the machine is shared.
#
# Environment: SLUICE_JAR, BENCH_JAR, SLUICE_JAVA_OPTS (per process, default -Xmx2g), RING_ARGS
# (more flags for the ring's nodes), THREADS=1, KEEP_TMP=1 keeps the temporary directory.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SLUICE_JAR=${SLUICE_JAR:-$ROOT/server/target/sluice.jar}
BENCH_JAR=${BENCH_JAR:-$ROOT/bench/target/sluice-bench.jar}
# 2 GiB each, so that no node nears the memory guard's new-series mark (60% of the heap): from
# there on every request is looked up twice (once to see whether it creates series), which would
# measure the guard, not the ring. Before forwards waited for a worker of their peer, the ingress
# reached that mark with 1 GiB, holding 25-45 copies of requests whose last forward was queued.
JAVA_OPTS=${SLUICE_JAVA_OPTS:--Xmx2g}

java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
JAVA=""
for c in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
  v=$( [ -x "$c" ] && java_major "$c" || true ); v=${v%%.*}
  if [ -n "$v" ] && [ "$v" -ge 21 ]; then JAVA=$c; fi
done
[ -n "$JAVA" ] || { echo "ring-vs-single: no JDK 21+ found" >&2; exit 2; }
[ -f "$SLUICE_JAR" ] && [ -f "$BENCH_JAR" ] || { echo "ring-vs-single: build first" >&2; exit 2; }

TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  [ "${KEEP_TMP:-0}" = 1 ] && echo "kept $TMP" || rm -rf "$TMP"
}
trap cleanup EXIT

# start NAME RW HTTP GRPC [flags...]
start() {
  local name=$1 rw=$2 http=$3 grpc=$4; shift 4
  "$JAVA" -XX:+ExitOnOutOfMemoryError $JAVA_OPTS --enable-native-access=ALL-UNNAMED \
    -jar "$SLUICE_JAR" receive --remote-write.address=127.0.0.1:$rw \
    --http-address=127.0.0.1:$http --grpc-address=127.0.0.1:$grpc \
    --tsdb.path="$TMP/$name" --label="replica=\"$name\"" "$@" >"$TMP/$name.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$http/-/ready" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "ring-vs-single: $name not ready" >&2; cat "$TMP/$name.log" >&2; exit 1
}

stop_all() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
}

load() {
  "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$BENCH_JAR" io.sluice.bench.rwload.RwLoad \
    --url "http://127.0.0.1:$1/api/v1/receive" "${@:2}" | tee "$TMP/load-$1.txt" | tail -1
}

# cpu PID: user+system CPU seconds the process has used so far
cpu() { awk -v t="$(getconf CLK_TCK)" '{printf "%.1f", ($14+$15)/t}' "/proc/$1/stat" 2>/dev/null || echo "?"; }

# threads PID: CPU seconds per group of threads (digits of the name folded), with THREADS=1
threads() {
  [ "${THREADS:-0}" = 1 ] || return 0
  for f in /proc/"$1"/task/*/stat; do
    sed -E 's/^[0-9]+ \((.*)\) [A-Za-z] (.*)$/\1|\2/' "$f" 2>/dev/null
  done | awk -F'|' -v t="$(getconf CLK_TCK)" '{ split($2, a, " "); n = $1; gsub(/[0-9]+/, "N", n)
      c[n] += (a[11] + a[12]) / t }
    END { for (k in c) if (c[k] >= 0.2) printf "  %6.1f s  %s\n", c[k], k }' | sort -k1,1nr >&2
}

sps() { sed -n 's/.*"samplesPerSecond":\([0-9.]*\).*/\1/p' "$TMP/load-$1.txt" | tail -1; }

echo "== single node, replication factor 1" >&2
start single 29291 29902 29901
load 29291 "$@" >/dev/null
single=$(sps 29291)
echo "single node CPU: $(cpu "${PIDS[0]}") s" >&2
threads "${PIDS[0]}"
stop_all

echo "== three nodes, ketama, replication factor 3, load on node 0" >&2
cat >"$TMP/hashrings.json" <<EOF
[{"hashring": "default", "endpoints": ["127.0.0.1:29911", "127.0.0.1:29912", "127.0.0.1:29913"]}]
EOF
ring=(--receive.hashrings-file="$TMP/hashrings.json" --receive.hashrings-algorithm=ketama
  --receive.replication-factor=3 ${RING_ARGS:-})
start n1 29391 29921 29911 "${ring[@]}" --receive.local-endpoint=127.0.0.1:29911
start n2 29392 29922 29912 "${ring[@]}" --receive.local-endpoint=127.0.0.1:29912
start n3 29393 29923 29913 "${ring[@]}" --receive.local-endpoint=127.0.0.1:29913
load 29391 "$@" >/dev/null
ringsps=$(sps 29391)
echo "ring CPU: n1 (ingress) $(cpu "${PIDS[0]}") s, n2 $(cpu "${PIDS[1]}") s, n3 $(cpu "${PIDS[2]}") s" >&2
threads "${PIDS[0]}"
[ "${THREADS:-0}" = 1 ] && echo "  -- n2:" >&2
threads "${PIDS[1]}"
for h in 29921 29922 29923; do
  m=$(curl -s "http://127.0.0.1:$h/metrics")
  echo "node :$h head series: $(sed -n 's/^prometheus_tsdb_head_series{tenant="default-tenant"} //p' <<<"$m")," \
    "memory pressure level: $(sed -n 's/^sluice_receive_memory_pressure_level //p' <<<"$m")" >&2
done
stop_all

printf 'single RF=1: %s samples/s\nring RF=3:   %s samples/s\nratio:       %s\n' \
  "$single" "$ringsps" "$(awk -v a="$ringsps" -v b="$single" 'BEGIN{printf "%.2f", a/b}')"
