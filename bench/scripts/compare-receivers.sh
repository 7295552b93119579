#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Runs the same rwload against a reference Prometheus 2.42 remote-write receiver, a single-node
# VictoriaMetrics and Sluice, one after the other on this machine (REPEAT=n alternates them n
# times), and prints samples/s, latency, resident memory and the load generator's CPU of each run
# plus Sluice's throughput ratio to each peer in every pass. Everything listens on 127.0.0.1 only.
#
# VictoriaMetrics (Debian: apt-get install -y victoria-metrics; 1.79 takes POST /api/v1/write)
# buffers samples in memory and has no WAL, so it does less work per sample than Sluice and
# Prometheus, which log every sample before they answer.
#
# Usage:
#   bench/scripts/compare-receivers.sh [rwload options]
#   e.g. bench/scripts/compare-receivers.sh --series 100000 --rounds 41 --shards 4
#
# rwload options are passed through unchanged to both runs (the script sets --url itself).
# Build first: ./mvnw -B -q -pl server,bench -am package -DskipTests
#
# Environment:
#   RECEIVERS    receivers to run, in order (default: "prometheus victoriametrics sluice",
#                victoriametrics left out when its binary is not installed)
#   REPEAT       passes over RECEIVERS (default: 1)
#   VICTORIAMETRICS  VictoriaMetrics binary (default: victoria-metrics on PATH)
#   VICTORIAMETRICS_ARGS  extra flags for VictoriaMetrics
#   PROMETHEUS   Prometheus binary (default: prometheus on PATH; Debian: apt-get install prometheus)
#   PROMETHEUS_ARGS  extra flags for Prometheus (e.g. "--enable-feature=native-histograms", which
#                a 2.42 receiver needs for rwload --histograms: without it it answers 500)
#   SLUICE_JAR   Sluice server jar (default: server/target/sluice.jar)
#   SLUICE_JAVA_OPTS  extra JVM options for Sluice (e.g. "-Xmx2g")
#   SLUICE_ARGS  extra flags for sluice receive (e.g. "--tsdb.wal-fsync")
#   BENCH_JAR    rwload jar (default: bench/target/sluice-bench.jar)
#   READY_TIMEOUT  seconds to wait for /-/ready (default: 120)
#   KEEP_TMP=1   keep the temporary directory (data, logs, JSON results)
#
# Ports: Prometheus 19090; VictoriaMetrics 18428; Sluice 19291 (remote write), 10902 (HTTP), 10901 (gRPC).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PROMETHEUS=${PROMETHEUS:-prometheus}
VICTORIAMETRICS=${VICTORIAMETRICS:-victoria-metrics}
if [[ -z "${RECEIVERS:-}" ]]; then
  RECEIVERS="prometheus victoriametrics sluice"
  command -v "$VICTORIAMETRICS" >/dev/null 2>&1 || RECEIVERS="prometheus sluice"
fi
REPEAT=${REPEAT:-1}
SLUICE_JAR=${SLUICE_JAR:-$ROOT/server/target/sluice.jar}
BENCH_JAR=${BENCH_JAR:-$ROOT/bench/target/sluice-bench.jar}
READY_TIMEOUT=${READY_TIMEOUT:-120}

PROM_ADDR=127.0.0.1:19090
VM_ADDR=127.0.0.1:18428
SLUICE_RW_ADDR=127.0.0.1:19291
SLUICE_HTTP_ADDR=127.0.0.1:10902
SLUICE_GRPC_ADDR=127.0.0.1:10901

die() {
  echo "compare-receivers: $*" >&2
  exit 2
}

# ---- arguments ---------------------------------------------------------------------------------

RWLOAD_ARGS=()
for a in "$@"; do
  case "$a" in
    --url | --url=*) die "do not pass --url; the script points rwload at each receiver" ;;
    --json) ;; # the script reads the JSON line that rwload always prints last
    --sink-port | --sink-port=*) die "--sink-port runs a sink, not a load; run RwLoad directly" ;;
    *) RWLOAD_ARGS+=("$a") ;;
  esac
done

# ---- a JDK 21+ ---------------------------------------------------------------------------------

# Prints the major version of the java binary $1, or nothing if it does not run.
java_major() {
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 |
    awk -F'= ' '/java\.specification\.version/ {print $2; exit}') || return 0
  case "$v" in
    1.*) echo "${v#1.}" ;;
    *) echo "$v" ;;
  esac
}

# $JAVA_HOME, else java on PATH if it is 21+, else the newest /usr/lib/jvm/*/bin/java that is 21+.
find_java() {
  local candidate major best="" best_major=0
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    major=$(java_major "$JAVA_HOME/bin/java")
    if [[ -n "$major" && "$major" -ge 21 ]]; then
      echo "$JAVA_HOME/bin/java"
      return
    fi
    echo "compare-receivers: ignoring JAVA_HOME ($JAVA_HOME): Java ${major:-?} < 21" >&2
  fi
  if candidate=$(command -v java 2>/dev/null); then
    major=$(java_major "$candidate")
    if [[ -n "$major" && "$major" -ge 21 ]]; then
      echo "$candidate"
      return
    fi
  fi
  for candidate in /usr/lib/jvm/*/bin/java; do
    [[ -x "$candidate" ]] || continue
    major=$(java_major "$candidate")
    if [[ -n "$major" && "$major" -ge 21 && "$major" -gt "$best_major" ]]; then
      best=$candidate
      best_major=$major
    fi
  done
  [[ -n "$best" ]] || die "no Java 21 or newer found (set JAVA_HOME)"
  echo "$best"
}

JAVA=$(find_java)
JAVA_MAJOR=$(java_major "$JAVA")
# snappy-java loads a native library; protobuf-java still uses sun.misc.Unsafe (warns on 23+).
JAVA_OPTS=(--enable-native-access=ALL-UNNAMED)
if [[ "$JAVA_MAJOR" -ge 23 ]]; then
  JAVA_OPTS+=(--sun-misc-unsafe-memory-access=allow)
fi

[[ -f "$BENCH_JAR" ]] || die "$BENCH_JAR not found; build it: ./mvnw -B -q -pl bench -am package -DskipTests"

# ---- helpers -----------------------------------------------------------------------------------

# Succeeds if GET http://$1$2 answers 2xx.
http_ok() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -o /dev/null --max-time 2 "http://$1$2" 2>/dev/null
  else
    local host=${1%:*} port=${1##*:} status
    exec 3<>"/dev/tcp/$host/$port" 2>/dev/null || return 1
    printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$2" "$1" >&3
    read -r -t 2 _ status _ <&3 || status=0
    exec 3>&-
    [[ "$status" == 2* ]]
  fi
}

# Succeeds if something accepts connections on $1 (host:port).
port_busy() {
  (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null
}

# Prints field $2 of the flat JSON object in file $1 (numbers and strings only).
json_field() {
  sed -n 's/.*"'"$2"'":"\{0,1\}\([^,"}]*\)"\{0,1\}[,}].*/\1/p' "$1" | head -n 1
}

# Prints "VmRSS VmHWM" of process $1 in MiB.
rss_mib() {
  awk '/^VmRSS:/ {rss = $2} /^VmHWM:/ {hwm = $2}
       END {printf "%.0f %.0f\n", rss / 1024, hwm / 1024}' "/proc/$1/status" 2>/dev/null ||
    echo "? ?"
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/compare-receivers.XXXXXX")
PIDS=()

stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    stop_pid "$pid"
  done
  if [[ "${KEEP_TMP:-0}" == 1 ]]; then
    echo "compare-receivers: kept $TMP" >&2
  else
    rm -rf "$TMP"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- receivers ---------------------------------------------------------------------------------

# start_<name> starts the receiver in the background and sets PID, URL, READY_ADDR, READY_PATH.

start_prometheus() {
  command -v "$PROMETHEUS" >/dev/null 2>&1 ||
    die "$PROMETHEUS not found (Debian: apt-get install -y prometheus)"
  port_busy "$PROM_ADDR" && die "$PROM_ADDR is already in use"
  printf 'global:\n  scrape_interval: 15s\nscrape_configs: []\n' >"$TMP/prom.yml"
  # shellcheck disable=SC2086 # PROMETHEUS_ARGS is a word list on purpose
  "$PROMETHEUS" --config.file="$TMP/prom.yml" --storage.tsdb.path="$TMP/prom-data-$PASS" \
    --web.listen-address="$PROM_ADDR" --web.enable-remote-write-receiver ${PROMETHEUS_ARGS:-} \
    >"$TMP/prometheus.log" 2>&1 &
  PID=$!
  URL=http://$PROM_ADDR/api/v1/write
  READY_ADDR=$PROM_ADDR
  READY_PATH=/-/ready
}

start_victoriametrics() {
  command -v "$VICTORIAMETRICS" >/dev/null 2>&1 ||
    die "$VICTORIAMETRICS not found (Debian: apt-get install -y victoria-metrics)"
  port_busy "$VM_ADDR" && die "$VM_ADDR is already in use"
  # shellcheck disable=SC2086 # VICTORIAMETRICS_ARGS is a word list on purpose
  "$VICTORIAMETRICS" -httpListenAddr="$VM_ADDR" -storageDataPath="$TMP/vm-data-$PASS" \
    -retentionPeriod=100y ${VICTORIAMETRICS_ARGS:-} >"$TMP/victoriametrics.log" 2>&1 &
  PID=$!
  URL=http://$VM_ADDR/api/v1/write
  READY_ADDR=$VM_ADDR
  READY_PATH=/health
}

start_sluice() {
  [[ -f "$SLUICE_JAR" ]] ||
    die "$SLUICE_JAR not found; build it: ./mvnw -B -q -pl server -am package -DskipTests"
  local addr
  for addr in "$SLUICE_RW_ADDR" "$SLUICE_HTTP_ADDR" "$SLUICE_GRPC_ADDR"; do
    port_busy "$addr" && die "$addr is already in use"
  done
  # shellcheck disable=SC2086 # SLUICE_JAVA_OPTS / SLUICE_ARGS are word lists on purpose
  "$JAVA" "${JAVA_OPTS[@]}" ${SLUICE_JAVA_OPTS:-} -jar "$SLUICE_JAR" receive \
    --tsdb.path="$TMP/sluice-data-$PASS" \
    --remote-write.address="$SLUICE_RW_ADDR" --http-address="$SLUICE_HTTP_ADDR" \
    --grpc-address="$SLUICE_GRPC_ADDR" --label='replica="bench"' ${SLUICE_ARGS:-} \
    >"$TMP/sluice.log" 2>&1 &
  PID=$!
  URL=http://$SLUICE_RW_ADDR/api/v1/receive
  READY_ADDR=$SLUICE_HTTP_ADDR
  READY_PATH=/-/ready
}

# Waits until $READY_ADDR$READY_PATH answers 2xx; fails if process $PID exits first.
wait_ready() {
  local name=$1 deadline=$((SECONDS + READY_TIMEOUT))
  until http_ok "$READY_ADDR" "$READY_PATH"; do
    if ! kill -0 "$PID" 2>/dev/null; then
      echo "compare-receivers: $name exited before it was ready; last log lines:" >&2
      tail -n 20 "$TMP/$name.log" >&2 || true
      return 1
    fi
    if ((SECONDS >= deadline)); then
      echo "compare-receivers: $name not ready after ${READY_TIMEOUT}s; last log lines:" >&2
      tail -n 20 "$TMP/$name.log" >&2 || true
      return 1
    fi
    sleep 0.2
  done
}

declare -A RESULT RSS HWM

for name in $RECEIVERS; do
  case "$name" in
    prometheus | victoriametrics | sluice) ;;
    *) die "unknown receiver '$name' (use prometheus, victoriametrics and/or sluice)" ;;
  esac
done

for ((PASS = 1; PASS <= REPEAT; PASS++)); do
  for name in $RECEIVERS; do
    key=$name-$PASS
    echo "=== $name (pass $PASS of $REPEAT)"
    "start_$name"
    PIDS+=("$PID")
    if ! wait_ready "$name"; then
      stop_pid "$PID"
      RESULT[$key]=failed
      continue
    fi
    echo "$name ready (pid $PID); running rwload ${RWLOAD_ARGS[*]}"
    set +e
    "$JAVA" "${JAVA_OPTS[@]}" -cp "$BENCH_JAR" io.sluice.bench.rwload.RwLoad --url "$URL" \
      "${RWLOAD_ARGS[@]}" | tee "$TMP/$key.out"
    rc=${PIPESTATUS[0]}
    set -e
    if [[ "$rc" == 2 ]]; then
      die "rwload rejected its arguments"
    fi
    tail -n 1 "$TMP/$key.out" >"$TMP/$key.json"
    if [[ "$rc" != 0 ]] || ! grep -q '"tool":"rwload"' "$TMP/$key.json"; then
      echo "compare-receivers: rwload failed against $name (exit $rc)" >&2
      RESULT[$key]=failed
    else
      RESULT[$key]=$TMP/$key.json
    fi
    if kill -0 "$PID" 2>/dev/null; then
      read -r RSS[$key] HWM[$key] < <(rss_mib "$PID")
    else
      echo "compare-receivers: $name died during the run; last log lines:" >&2
      tail -n 20 "$TMP/$name.log" >&2 || true
      RSS[$key]="?" HWM[$key]="?"
    fi
    stop_pid "$PID"
    [[ "${KEEP_TMP:-0}" == 1 ]] || rm -rf "$TMP"/*-data-"$PASS"
  done
done

# ---- report ------------------------------------------------------------------------------------

echo
printf '%-17s %12s %9s %9s %9s %9s %8s %7s %8s %9s %8s\n' \
  receiver samples/s req/s p50_ms p90_ms p99_ms non2xx errors rss_MiB peak_MiB gen_cpu
for ((PASS = 1; PASS <= REPEAT; PASS++)); do
  for name in $RECEIVERS; do
    key=$name-$PASS
    f=${RESULT[$key]:-failed}
    if [[ "$f" == failed ]]; then
      printf '%-17s %12s\n' "$key" "(failed)"
      continue
    fi
    # gen_cpu: the load generator's CPU seconds over the timed phase's wall seconds (of 1 core)
    printf '%-17s %12.0f %9.1f %9s %9s %9s %8s %7s %8s %9s %8s\n' "$key" \
      "$(json_field "$f" samplesPerSecond)" "$(json_field "$f" requestsPerSecond)" \
      "$(json_field "$f" latencyP50Ms)" "$(json_field "$f" latencyP90Ms)" \
      "$(json_field "$f" latencyP99Ms)" "$(json_field "$f" non2xx)" "$(json_field "$f" errors)" \
      "${RSS[$key]}" "${HWM[$key]}" \
      "$(awk -v c="$(json_field "$f" generatorCpuSeconds)" -v t="$(json_field "$f" timedSeconds)" \
        'BEGIN { if (t > 0) printf "%.2f", c / t; else print "?" }')"
  done
done
for ((PASS = 1; PASS <= REPEAT; PASS++)); do
  s=${RESULT[sluice-$PASS]:-failed}
  [[ "$s" != failed ]] || continue
  for peer in $RECEIVERS; do
    [[ "$peer" != sluice ]] || continue
    p=${RESULT[$peer-$PASS]:-failed}
    [[ "$p" != failed ]] || continue
    awk -v s="$(json_field "$s" samplesPerSecond)" -v p="$(json_field "$p" samplesPerSecond)" \
      -v name="$peer" -v pass="$PASS" \
      'BEGIN { if (p > 0) printf "pass %d: sluice/%s samples/s: %.2f\n", pass, name, s / p;
               else printf "pass %d: sluice/%s samples/s: n/a (%s accepted nothing)\n", pass, name, name }'
  done
done
for name in $RECEIVERS; do
  f=${RESULT[$name-1]:-failed}
  if [[ "$f" != failed && "$(json_field "$f" protocol)" == v2 && "$name" == prometheus ]]; then
    echo "note: Prometheus 2.42 has no remote write 2.0; it answers 204 to v2 bodies and stores nothing"
  fi
done
