#!/usr/bin/env bash
# Benchmark (not a test): the gap in detection when the collector restarts. One agent ships one
# sudo root-shell line every half second (a distinct user per line, so each line is its own
# alert); the collector is restarted with SIGKILL, then with SIGTERM, each time started again at
# once. For each restart:
#   gap_s        time from the signal to the first alert for a line written after it;
#   max_delay_s  the longest time from a line being written to its alert, over the lines written
#                from 10 s before the signal to 20 s after it;
#   startup_s    of that, how long the new collector took to start (rules compiled, consuming);
#   handover_s   gap_s - startup_s: the consumer group handing the partitions over, and the
#                agent finding the new broker (embedded) - what the Kafka settings decide;
#   lost         lines of that span that never became an alert (60 s deadline).
# Modes: `external` (collector and agent on soc-test-broker, a three-broker mock cluster that
# outlives the collector; the collector's default consumer settings), `external-mock-tuned` (the
# same with the settings that suit librdkafka's mock coordinator: see docs/sysadmin-guide.md) and
# `embedded` (the broker lives in the collector; the agent follows its new address by itself).
# Ends with name=value lines, the last two for the external cluster with the default settings.
#
#   bench/restart.sh [BUILD_DIR]      (default: ./build; needs soc-collector, soc-agent, socctl,
#                                      soc-test-broker)
# Env: MODES="external external-mock-tuned embedded", KEEP=1 keeps the work directory.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$(pwd)
BUILD=$(cd "${1:-build}" && pwd)
BIN="$BUILD/bin"
MODES=${MODES:-external external-mock-tuned embedded}
for p in soc-collector soc-agent socctl soc-test-broker; do
  [ -x "$BIN/$p" ] || { echo "bench: $BIN/$p missing: build first" >&2; exit 1; }
done
command -v jq >/dev/null || { echo "bench: needs jq" >&2; exit 1; }

W=$(mktemp -d /tmp/soc-bench-restart.XXXXXX)
BROKER_PID="" COLLECTOR_PID="" AGENT_PID="" WRITER_PID=""
cleanup() {
  for p in $WRITER_PID $AGENT_PID $COLLECTOR_PID $BROKER_PID; do kill -KILL "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ "${KEEP:-0}" = 1 ] || rm -rf "$W"
}
trap cleanup EXIT

now() { date +%s.%N; }
# seconds since the epoch, with milliseconds, of an RFC 3339 UTC time such as 2026-12-07T18:33:13.619Z
alerts_tsv() {
  "$BIN/socctl" alerts list --format json --limit 100000 --store "$D/store" 2>/dev/null |
    jq -r '.[] | select(.rule_id == "sudo-root-shell") |
      [(.group[0].value | ltrimstr("u") | tonumber),
       ((.created_at[0:19] + "Z" | fromdate) + (.created_at[20:23] | tonumber) / 1000), .count] | @tsv' ||
    true
}

start_collector() {
  [ "$MODE" = embedded ] && rm -f "$D/bootstrap"
  "$BIN/soc-collector" --config "$D/collector.yaml" 2>>"$D/collector.log" &
  COLLECTOR_PID=$!
}
# Time the collector logged "consuming ..." for the Nth time (N = 1, 2, ...).
consuming_at() {
  local line
  line=$(grep "consuming soc.events" "$D/collector.log" | sed -n "${1}p" | cut -d' ' -f1)
  [ -n "$line" ] && date -d "$line" +%s.%N
}

writer() {
  local n=0
  while [ ! -e "$D/stop-writer" ]; do
    n=$((n + 1))
    printf '%s web01 sudo:    u%06d : TTY=pts/1 ; PWD=/home/ops ; USER=root ; COMMAND=/bin/bash\n' \
      "$(TZ=Asia/Ho_Chi_Minh date '+%b %e %H:%M:%S')" "$n" >>"$D/in.log"
    echo "$n $(now)" >>"$D/written.txt"
    sleep 0.5
  done
}

declare -A RESULT
run_mode() {
  MODE=$1
  D="$W/$MODE"
  mkdir -p "$D"
  : >"$D/in.log"
  : >"$D/written.txt"
  local brokers extra=""
  if [ "$MODE" = embedded ]; then
    brokers=embedded
    extra=$'embedded_broker:\n  bootstrap_file: '"$D/bootstrap"
  else
    "$BIN/soc-test-broker" --bootstrap-file "$D/bootstrap" --brokers 3 2>>"$D/broker.log" &
    BROKER_PID=$!
    for _ in $(seq 100); do [ -s "$D/bootstrap" ] && break; sleep 0.1; done
    brokers=$(cat "$D/bootstrap")
  fi
  {
    echo "log_level: info"
    echo "kafka:"
    echo "  brokers: $brokers"
    if [ "$MODE" = external-mock-tuned ]; then
      echo "  instance_id: none"
      echo "  properties: {session.timeout.ms: 3000, heartbeat.interval.ms: 1000}"
    fi
    [ -z "$extra" ] || echo "$extra"
    echo "store:"
    echo "  path: $D/store"
    echo "rules:"
    echo "  dir: $SRC/rules"
  } >"$D/collector.yaml"
  cat >"$D/agent.yaml" <<YAML
org: BENCH
host: bench-host
state_dir: $D/agent-state
kafka:
  brokers: embedded:$D/bootstrap
limits:
  poll_interval_ms: 50
  checkpoint_interval_ms: 200
spool:
  after: 2s
files:
  - path: $D/in.log
    start: beginning
YAML
  start_collector
  for _ in $(seq 600); do [ -s "$D/bootstrap" ] && grep -q "consuming" "$D/collector.log" && break; sleep 0.1; done
  "$BIN/soc-agent" --config "$D/agent.yaml" 2>>"$D/agent.log" &
  AGENT_PID=$!
  writer &
  WRITER_PID=$!
  # Steady state: alerts flowing.
  for _ in $(seq 600); do [ -n "$(alerts_tsv)" ] && break; sleep 0.1; done
  local restarts=1
  for sig in KILL TERM; do
    sleep 8
    local t0
    t0=$(now)
    kill -"$sig" "$COLLECTOR_PID"
    wait "$COLLECTOR_PID" 2>/dev/null || true
    start_collector
    restarts=$((restarts + 1))
    # First alert for a line written after the signal.
    local first=""
    for _ in $(seq 900); do
      first=$(alerts_tsv | awk -v t0="$t0" 'NR == FNR { w[$1] = $2; next } ($1 in w) && w[$1] > t0 { if (m == "" || $2 < m) m = $2 } END { print m }' "$D/written.txt" -)
      [ -n "$first" ] && break
      sleep 0.1
    done
    sleep 20
    # Every line of [t0 - 10 s, t0 + 20 s] should have its alert by now; wait up to 60 s more.
    local span_lost=0 max_delay="" startup
    for _ in $(seq 60); do
      read -r span_lost max_delay < <(alerts_tsv | awk -v t0="$t0" '
        NR == FNR { if ($2 >= t0 - 10 && $2 <= t0 + 20) w[$1] = $2; next }
        ($1 in w) { d = $2 - w[$1]; if (d > m) m = d; seen[$1] = 1 }
        END { lost = 0; for (k in w) if (!(k in seen)) lost++; printf "%d %.1f\n", lost, m }' "$D/written.txt" -)
      [ "$span_lost" = 0 ] && break
      sleep 1
    done
    startup=$(consuming_at "$restarts")
    local key
    key=$(echo "$sig" | tr 'A-Z' 'a-z')
    RESULT[$MODE.$key.gap]=$(printf '%.1f' "$(echo "${first:-$t0} - $t0" | bc -l)")
    RESULT[$MODE.$key.max]=$max_delay
    RESULT[$MODE.$key.startup]=$(printf '%.1f' "$(echo "${startup:-$t0} - $t0" | bc -l)")
    RESULT[$MODE.$key.lost]=$span_lost
    RESULT[$MODE.$key.handover]=$(printf '%.1f' "$(echo "${first:-$t0} - ${startup:-$t0}" | bc -l)")
    [ -n "$first" ] || RESULT[$MODE.$key.gap]="none"
    printf 'bench: %-20s after SIG%-4s gap %5s s = start-up %5s s + handover %5s s; max delay %5s s; lost %s\n' \
      "$MODE" "$sig" "${RESULT[$MODE.$key.gap]}" "${RESULT[$MODE.$key.startup]}" \
      "${RESULT[$MODE.$key.handover]}" "$max_delay" "$span_lost"
  done
  local dups
  dups=$(alerts_tsv | awk '$3 > 1' | wc -l)
  RESULT[$MODE.dups]=$dups
  RESULT[$MODE.reconnects]=$(grep -c "the broker moved" "$D/agent.log" || true)
  echo "bench: $MODE: alerts with count > 1: $dups; agent reconnects without restart: ${RESULT[$MODE.reconnects]}"
  touch "$D/stop-writer"
  wait "$WRITER_PID" 2>/dev/null || true
  kill -TERM "$AGENT_PID" "$COLLECTOR_PID" 2>/dev/null || true
  wait "$AGENT_PID" "$COLLECTOR_PID" 2>/dev/null || true
  [ -z "$BROKER_PID" ] || { kill -TERM "$BROKER_PID"; wait "$BROKER_PID" 2>/dev/null || true; }
  WRITER_PID="" AGENT_PID="" COLLECTOR_PID="" BROKER_PID=""
}

for m in $MODES; do run_mode "$m"; done

echo
cpu_model=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
echo "machine: $(nproc) cores ($cpu_model), load average $(cut -d' ' -f1-3 /proc/loadavg), librdkafka $(dpkg-query -W -f='${Version}' librdkafka1 2>/dev/null)"
for m in $MODES; do
  for k in kill term; do
    echo "${m//-/_}_gap_after_${k}_s=${RESULT[$m.$k.gap]}"
    echo "${m//-/_}_max_delay_after_${k}_s=${RESULT[$m.$k.max]}"
    echo "${m//-/_}_startup_after_${k}_s=${RESULT[$m.$k.startup]}"
    echo "${m//-/_}_handover_after_${k}_s=${RESULT[$m.$k.handover]}"
    echo "${m//-/_}_lost_after_${k}=${RESULT[$m.$k.lost]}"
  done
done
last=external
case " $MODES " in *" external "*) ;; *) last=${MODES##* } ;; esac
echo "gap_after_kill_s=${RESULT[$last.kill.gap]}"
echo "gap_after_term_s=${RESULT[$last.term.gap]}"
