#!/usr/bin/env bash
# The collector restarts (SIGKILL, then SIGTERM, each started again at once) under a steady stream
# of sudo root-shell lines, one user per line so that each line is its own alert; the agent is
# never restarted.
#   collector_restart.sh external: soc-test-broker (three brokers) outlives the collector. Every
#     line becomes exactly one alert with count 1.
#   collector_restart.sh embedded: the broker lives in the collector and comes back on a new port;
#     the agent follows the bootstrap file by itself. Every line written from the signal on
#     becomes exactly one alert. A SIGTERM loses nothing: the stopping collector makes its broker
#     refuse new events (the agent keeps them) and detects what the broker holds before it exits.
#     After a SIGKILL, lines the old broker had acknowledged but the old collector had not yet
#     consumed die with it (documented in the README): only lines without their alert at the
#     signal may be missing.
MODE=${1:-external}
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"

: >"$T/in.log"
: >"$T/written.txt"
if [ "$MODE" = external ]; then
  start_test_broker --brokers 3 --topic soc.events:12 --topic soc.agents:1
  write_collector_config
  sed -i "s|^  brokers: embedded$|  brokers: $(cat "$T/bootstrap")|; /^embedded_broker:/,+1d" "$T/collector.yaml"
  restart_collector() { "$SOC_BIN/soc-collector" --config "$T/collector.yaml" 2>>"$T/collector.log" & COLLECTOR_PID=$!; }
  restart_collector
else
  write_collector_config
  # Compiling the rule pack takes a while on a loaded machine: wait longer than start_collector.
  restart_collector() {
    rm -f "$T/bootstrap"
    "$SOC_BIN/soc-collector" --config "$T/collector.yaml" 2>>"$T/collector.log" &
    COLLECTOR_PID=$!
    wait_until 180 test -s "$T/bootstrap" || fail "collector did not write its bootstrap file"
  }
  restart_collector
fi
AGENT_EXTRA=$'spool:\n  after: 2s' write_agent_yaml "$T/in.log"
consuming() { [ "$(grep -c "consuming soc.events" "$T/collector.log")" -ge "$1" ]; }
wait_until 120 consuming 1 || fail "collector did not start"
start_agent
AGENT_FIRST_PID=$AGENT_PID

writer() {
  local n=0
  while [ ! -e "$T/stop-writer" ]; do
    n=$((n + 1))
    printf '%s web01 sudo:    u%06d : TTY=pts/1 ; PWD=/home/ops ; USER=root ; COMMAND=/bin/bash\n' \
      "$(syslog_now)" "$n" >>"$T/in.log"
    echo "$n $(date +%s.%N)" >>"$T/written.txt"
    sleep 0.5
  done
}
writer &
WRITER_PID=$!
trap 'kill "$WRITER_PID" 2>/dev/null || true; agent_cleanup' EXIT

# users (line numbers) with a sudo-root-shell alert, and the count of each: "N COUNT" per line
alerted() {
  "$SOC_BIN/socctl" alerts list --format json --limit 100000 2>/dev/null |
    jq -r '.[] | select(.rule_id == "sudo-root-shell") | "\(.group[0].value | ltrimstr("u") | tonumber) \(.count)"' ||
    true
}
# alerted_upto N: every line up to N has its alert (minus the allowed losses in $T/may-lose)
alerted_upto() {
  alerted | awk -v n="$1" -v allow="$T/may-lose" '
    BEGIN { while ((getline l < allow) > 0) ok[l] = 1 }
    { seen[$1] = 1 }
    END { for (i = 1; i <= n; i++) if (!(i in seen) && !(i in ok)) exit 1 }'
}
last_written() { tail -n 1 "$T/written.txt" | cut -d' ' -f1; }

: >"$T/may-lose"
wait_until 120 alerted_upto 3 || fail "no alerts before the restarts"
starts=1
for sig in KILL TERM; do
  sleep 4
  t0=$(date +%s.%N)
  if [ "$MODE" = embedded ] && [ "$sig" = KILL ]; then
    # Lines not yet alerted may sit acknowledged, unconsumed, in the killed broker's memory.
    alerted >"$T/alerted-at-kill"
    awk 'NR == FNR { a[$1] = 1; next } !($1 in a) { print $1 }' "$T/alerted-at-kill" \
      "$T/written.txt" >>"$T/may-lose"
  fi
  kill -"$sig" "$COLLECTOR_PID"
  wait "$COLLECTOR_PID" 2>/dev/null || true
  restart_collector
  starts=$((starts + 1))
  wait_until 180 consuming "$starts" || fail "collector did not start again after SIG$sig"
  sleep 3
  upto=$(last_written)
  wait_until 120 alerted_upto "$upto" ||
    fail "after SIG$sig: lines missing: $(alerted | awk -v n="$upto" '{ s[$1] = 1 } END { for (i = 1; i <= n; i++) if (!(i in s)) printf "%d ", i }')"
  kill -0 "$AGENT_FIRST_PID" || fail "the agent died"
  echo "after SIG$sig: all $upto lines alerted"
done
touch "$T/stop-writer"
wait "$WRITER_PID"
total=$(last_written)
wait_until 120 alerted_upto "$total" || fail "not every line became an alert"
dups=$(alerted | awk '$2 != 1' | wc -l)
[ "$dups" = 0 ] || fail "$dups alerts counted a line more than once: $(alerted | awk '$2 != 1' | head -5)"
[ "$(alerted | cut -d' ' -f1 | sort | uniq -d | wc -l)" = 0 ] || fail "a line has two alerts"
[ "$AGENT_PID" = "$AGENT_FIRST_PID" ] && kill -0 "$AGENT_PID" || fail "the agent was restarted or died"
lost=$(alerted | awk -v n="$total" '{ s[$1] = 1 } END { for (i = 1; i <= n; i++) if (!(i in s)) c++; print c + 0 }')
if [ "$MODE" = embedded ]; then
  grep -q "the broker moved" "$T/agent.log" || fail "the agent did not follow the new broker address"
  echo "agent reconnects: $(grep -c "the broker moved" "$T/agent.log")"
fi
echo "collector_restart $MODE: ok: $total lines, each one alert with count 1; $lost lost (embedded: acknowledged by the dying broker)"
