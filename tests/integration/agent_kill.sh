#!/usr/bin/env bash
# A killed agent loses nothing: SIGKILL at random moments (30 times) during a steady stream,
# restart, and every line written to the tailed file reaches soc.events at least once.
# Prints how many lines were delivered twice.
source "$(dirname "$0")/lib.sh"

log="$T/logs/app.log"
mkdir -p "$T/logs"
: >"$log"
write_collector_config
write_agent_config "$log"
start_collector
start_agent

min_total=${TOTAL:-100000}
kills=${KILLS:-30}
# Writer: numbered lines in bursts of 250, about 5000 lines a second, in the background, at least
# min_total lines and on until every kill is done: each kill comes mid-stream however slowly a
# loaded machine restarts the agent.
(
  ts=$(syslog_now)
  burst=0
  while [ $((burst * 250)) -lt "$min_total" ] || [ ! -e "$T/stop-writer" ]; do
    awk -v b="$burst" -v ts="$ts" 'BEGIN { for (i = 1; i <= 250; i++) printf "%s web01 app[77]: line %07d of the steady stream\n", ts, b * 250 + i }'
    burst=$((burst + 1))
    sleep 0.1
  done >>"$log"
) &
writer=$!

# Byte offset the agent has checkpointed (acknowledged by Kafka), 0 before the first save.
acked_offset() {
  local v
  v=$(awk -F'\t' 'index($1, "file:") == 1 { split($2, p, " "); print p[3] }' "$T/agent-state/checkpoint" 2>/dev/null)
  echo "${v:-0}"
}
# Progress, or nothing left to make progress on (the writer is done and all is acknowledged).
advanced_past() { [ "$(acked_offset)" -gt "$1" ] || ! kill -0 "$writer" 2>/dev/null; }
mid=0
for k in $(seq 1 $kills); do
  # Kill mid-stream: only once this agent has had lines acknowledged, at a random moment after.
  before=$(acked_offset)
  wait_until 60 advanced_past "${before:-0}" || fail "agent made no progress before kill $k"
  sleep 0.$((RANDOM % 5))$((RANDOM % 10))
  ! kill -0 "$writer" 2>/dev/null || mid=$((mid + 1))
  kill -KILL "$AGENT_PID"
  wait "$AGENT_PID" 2>/dev/null || true
  start_agent
done
touch "$T/stop-writer"
wait "$writer"
total=$(grep -c . "$log")

delivered() { events_dump | grep -o 'line [0-9]\{7\}' | sort -u | wc -l; }
all_delivered() { [ "$(delivered)" -ge $total ]; }
wait_until 120 all_delivered ||
  fail "only $(delivered) of $total distinct lines reached soc.events after $kills kills"

all=$(events_dump | grep -c 'line [0-9]\{7\}')
distinct=$(delivered)
[ "$distinct" = "$total" ] || fail "expected $total distinct lines, got $distinct"
# Sequence numbers are never reused across restarts.
seqs=$(events_dump | jq -r .seq | sort -n | uniq -d | wc -l)
[ "$seqs" = 0 ] || fail "$seqs sequence numbers were used twice"
[ "$mid" = "$kills" ] || fail "only $mid of the kills came while the stream ran"
echo "agent_kill: ok: $total lines, $kills SIGKILLs ($mid mid-stream), $((all - distinct)) duplicates delivered"
