#!/usr/bin/env bash
# All brokers down for 60 s under a steady stream into two files: lines go to the disk spool,
# nothing is lost, the spool drains once the brokers are back, and each file's lines arrive in
# order. Then a second, shorter outage with the agent SIGKILLed while spooling and again while
# draining: still nothing lost (duplicates counted).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"
DOWN_SECONDS=${DOWN_SECONDS:-60}

mkdir -p "$T/logs"
: >"$T/logs/a.log"
: >"$T/logs/b.log"
start_test_broker --brokers 3 --topic soc.events:12 --topic soc.agents:1
AGENT_EXTRA=$'spool:\n  after: 2s\n  max_bytes: 64MiB\n  segment_bytes: 1MiB' \
  write_agent_yaml "$T/logs/a.log" "$T/logs/b.log"
sed -i 's/^limits:$/limits:\n  max_in_flight: 2000/' "$T/agent.yaml"
start_agent

# Writer: 20 lines into each file every 0.1 s (about 400 lines a second) until told to stop.
writer() {
  local b=$(($(wc -l <"$T/logs/a.log") / 20))
  while [ ! -e "$T/stop-writer" ]; do
    awk -v b="$b" 'BEGIN { for (i = 1; i <= 20; i++) printf "a %06d steady stream line\n", b * 20 + i }' >>"$T/logs/a.log"
    awk -v b="$b" 'BEGIN { for (i = 1; i <= 20; i++) printf "b %06d steady stream line\n", b * 20 + i }' >>"$T/logs/b.log"
    b=$((b + 1))
    sleep 0.1
  done
}
writer &
WRITER_PID=$!
written() { wc -l <"$T/logs/$1.log"; }
distinct() { topic_dump | jq -r '.msg | split(" ")[0:2] | join(" ")' | sort -u | wc -l; }

shipped() { [ "$(distinct)" -gt 0 ]; }
wait_until 60 shipped || fail "nothing shipped before the outage"
brokers_down
down_at=$SECONDS
echo "brokers down for ${DOWN_SECONDS}s"
spooling() { [ "$(metric soc_agent_spooling)" = 1 ]; }
wait_until 60 spooling || fail "agent is not spooling in the outage: $(metrics | grep -v '^#')"
spooled_some() { [ "$(metric soc_agent_lines_spooled_total)" -gt 1000 ]; }
wait_until 120 spooled_some || fail "only $(metric soc_agent_lines_spooled_total) lines spooled during the outage"
# The outage lasts DOWN_SECONDS (or longer, when a loaded machine took longer to spool).
[ $((SECONDS - down_at)) -ge "$DOWN_SECONDS" ] || sleep $((DOWN_SECONDS - (SECONDS - down_at)))
spooled=$(metric soc_agent_lines_spooled_total)
spool_bytes=$(metric soc_agent_spool_bytes)
brokers_up
echo "brokers up: $spooled lines spooled ($spool_bytes bytes)"
sleep 5
touch "$T/stop-writer"
wait "$WRITER_PID"
total=$(($(written a) + $(written b)))
all_delivered() { [ "$(distinct)" -ge "$total" ]; }
wait_until 120 all_delivered || fail "only $(distinct) of $total lines delivered after the outage"
drained() { [ "$(metric soc_agent_spooling)" = 0 ] && [ "$(metric soc_agent_spool_bytes)" -lt 2000000 ]; }
wait_until 60 drained || fail "spool not drained: $(metrics | grep spool)"
topic_dump >"$T/dump1.jsonl"
check_order a "$T/dump1.jsonl" || fail "a.log lines out of order"
check_order b "$T/dump1.jsonl" || fail "b.log lines out of order"
dups1=$(($(grep -c . "$T/dump1.jsonl") - total))
echo "phase 1 ok: $total lines, $spooled spooled, order kept, $dups1 duplicates"

# Phase 2: crashes while spooling and while draining.
rm -f "$T/stop-writer"
writer &
WRITER_PID=$!
brokers_down
wait_until 60 spooling || fail "not spooling in the second outage"
sleep 2
kill -KILL "$AGENT_PID"
wait "$AGENT_PID" 2>/dev/null || true
start_agent
sleep 4
brokers_up
sleep 0.$((RANDOM % 10))
kill -KILL "$AGENT_PID"
wait "$AGENT_PID" 2>/dev/null || true
start_agent
sleep 2
touch "$T/stop-writer"
wait "$WRITER_PID"
total=$(($(written a) + $(written b)))
wait_until 120 all_delivered || fail "only $(distinct) of $total lines delivered after crashes during the outage"
all=$(topic_dump | grep -c .)
grep -q "torn tail\|spool: .* to drain" "$T/agent.log" && echo "spool recovery: $(grep -c 'torn tail' "$T/agent.log") torn tail(s) cut"
echo "agent_broker_down: ok: $total lines, ${DOWN_SECONDS}s outage, $spooled spooled, $((all - total)) duplicates in all"
