#!/usr/bin/env bash
# SIGHUP makes the agent re-read its configuration without losing a line: a file added to the
# config is followed, the file it already followed keeps flowing, and a broken configuration is
# reported with its line while the agent carries on with the previous one.
source "$(dirname "$0")/lib.sh"

a="$T/logs/a.log"
b="$T/logs/b.log"
mkdir -p "$T/logs"
: >"$a"
: >"$b"
write_collector_config
write_agent_config "$a"
start_collector
start_agent
pid=$AGENT_PID

# A steady stream into a.log while the agent reloads three times: 100 lines every 0.05 s, one
# time stamp per 100 (a `date` per line made the writer take minutes on a loaded machine).
(
  for b in $(seq 0 29); do
    awk -v b="$b" -v ts="$(syslog_now)" 'BEGIN { for (i = 1; i <= 100; i++) printf "%s web01 app[1]: a-line %06d\n", ts, b * 100 + i }'
    sleep 0.05
  done >>"$a"
) &
writer=$!

# The agent logs "shipping to" once its signal handlers are set: a SIGHUP before that would kill
# it (the default action). Some lines shipped first, so the reload comes mid-stream.
started() { grep -q " shipping to " "$T/agent.log"; }
wait_until 60 started || fail "the agent did not start"
some_shipped() { [ "$(events_dump | grep -c 'a-line')" -ge 1 ]; }
wait_until 60 some_shipped || fail "nothing shipped before the reload"
write_agent_config "$a" "$b"
kill -HUP "$pid"
for i in $(seq 1 200); do printf 'b-line %06d\n' "$i"; done >>"$b"
# Signals that arrive while a reload is under way fold into it: wait for each to finish.
reloads() { [ "$(grep -c 'reload done' "$T/agent.log")" -ge "$1" ]; }
wait_until 60 reloads 1 || fail "the agent did not reload"
kill -HUP "$pid"
wait_until 60 reloads 2 || fail "the agent did not reload twice"
# A broken configuration: reported with file and line, the previous configuration stays.
cp "$T/agent.yaml" "$T/agent.good"
printf 'bogus_key: 1\n' >>"$T/agent.yaml"
kill -HUP "$pid"
reported() { grep -q "reload: $T/agent.yaml:[0-9]*:[0-9]*" "$T/agent.log"; }
wait_until 60 reported || fail "the broken configuration was not reported with its line"
cp "$T/agent.good" "$T/agent.yaml"
wait "$writer"
for i in $(seq 201 300); do printf 'b-line %06d\n' "$i"; done >>"$b"

kill -0 "$pid" 2>/dev/null || fail "the agent died on SIGHUP"
count() { events_dump | grep -o "$1-line [0-9]\{6\}" | sort -u | wc -l; }
all_there() { [ "$(count a)" -ge 3000 ] && [ "$(count b)" -ge 300 ]; }
wait_until 120 all_there || fail "after reloads: $(count a) of 3000 a-lines, $(count b) of 300 b-lines"
grep -q "reload failed: starting again with the previous configuration" "$T/agent.log" ||
  fail "the broken configuration did not fall back to the previous one"
echo "agent_reload: ok: 3 reloads (one refused), 3000 + 300 lines, none lost"
