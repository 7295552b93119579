#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# What a small tenant costs a running receiver: starts one Sluice (127.0.0.1 only, a temporary data
# directory), reads its RSS once it is ready and has taken one request for its default tenant, sends
# one request of SERIES series to each of TENANTS new tenants (TenantFootprint with a URL), waits for
# the heads to settle, and prints the RSS growth per tenant, as VmRSS from /proc.
#
# Usage: bench/scripts/small-tenants.sh [TENANTS] [SERIES]   (default 500 10)
# It also prints the live heap growth per tenant (jcmd GC.run, then GC.heap_info): the RSS figure
# includes the heap G1 keeps committed after the garbage of the requests.
# Build first: ./mvnw -B -q -pl server,bench -am package -DskipTests
# Environment: SLUICE_JAR, BENCH_JAR, SLUICE_JAVA_OPTS (default -Xmx1g), KEEP_TMP=1.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SLUICE_JAR=${SLUICE_JAR:-$ROOT/server/target/sluice.jar}
BENCH_JAR=${BENCH_JAR:-$ROOT/bench/target/sluice-bench.jar}
JAVA_OPTS=${SLUICE_JAVA_OPTS:--Xmx1g}
TENANTS=${1:-500}
SERIES=${2:-10}

java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
JAVA=""
for c in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
  v=$( [ -x "$c" ] && java_major "$c" || true ); v=${v%%.*}
  if [ -n "$v" ] && [ "$v" -ge 21 ]; then JAVA=$c; fi
done
[ -n "$JAVA" ] || { echo "small-tenants: no JDK 21+ found" >&2; exit 2; }
[ -f "$SLUICE_JAR" ] && [ -f "$BENCH_JAR" ] || { echo "small-tenants: build first" >&2; exit 2; }

TMP=$(mktemp -d)
PID=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  [ "${KEEP_TMP:-0}" = 1 ] && echo "kept $TMP" || rm -rf "$TMP"
}
trap cleanup EXIT

"$JAVA" -XX:+ExitOnOutOfMemoryError $JAVA_OPTS --enable-native-access=ALL-UNNAMED \
  -jar "$SLUICE_JAR" receive --remote-write.address=127.0.0.1:29591 \
  --http-address=127.0.0.1:29592 --grpc-address=127.0.0.1:29593 \
  --tsdb.path="$TMP/data" --label='replica="0"' >"$TMP/sluice.log" 2>&1 &
PID=$!
for _ in $(seq 1 600); do
  curl -fs http://127.0.0.1:29592/-/ready >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs http://127.0.0.1:29592/-/ready >/dev/null || { cat "$TMP/sluice.log" >&2; exit 1; }

rss() { awk '/^VmRSS:/ {print $2}' "/proc/$PID/status"; }
# Live heap (KB) after a full collection, with the jcmd of the JDK that runs Sluice.
JCMD=$(dirname "$JAVA")/jcmd
live() { "$JCMD" "$PID" GC.run >/dev/null; "$JCMD" "$PID" GC.heap_info | sed -n 's/.* used \([0-9]*\)K.*/\1/p' | head -1; }
URL=http://127.0.0.1:29591/api/v1/receive
# Warm the write path on one tenant first, so that the growth is the new tenants' own.
"$JAVA" -cp "$BENCH_JAR" io.sluice.bench.jmh.TenantFootprint 1 "$SERIES" "$URL" >/dev/null
sleep 3
before=$(rss)
heap_before=$(live)
"$JAVA" -cp "$BENCH_JAR" io.sluice.bench.jmh.TenantFootprint "$TENANTS" "$SERIES" "$URL" >/dev/null
sleep 5
after=$(rss)
heap_after=$(live)
heads=$(curl -s http://127.0.0.1:29592/metrics | grep -c '^prometheus_tsdb_head_series{' || true)
awk -v b="$before" -v a="$after" -v hb="$heap_before" -v ha="$heap_after" -v n="$TENANTS" \
  -v s="$SERIES" -v t="$heads" 'BEGIN {
  printf "%d heads of %d series: RSS %.1f -> %.1f MB, %.1f KB per tenant; live heap %.1f -> %.1f MB, %.1f KB per tenant\n",
    t, s, b / 1024, a / 1024, (a - b) / n, hb / 1024, ha / 1024, (ha - hb) / n }'
