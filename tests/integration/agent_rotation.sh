#!/usr/bin/env bash
# 1000 rotations under a steady stream, alternating rename-and-create and copytruncate (rotated
# files kept as app.log.N, the oldest removed beyond KEEP like logrotate's `rotate 200`): every
# line reaches soc.events. Rotations come faster than the agent polls, so it must find
# generations renamed away before it opened them and the copies holding what truncation took.
# KEEP bounds how far the agent may fall behind: with 50, a CI run on a loaded 2-core machine once
# stalled the agent long enough for three generations to be deleted unread (the agent counted
# them as `deleted`; the lines were gone, as they would be in production).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"
ROTATIONS=${ROTATIONS:-1000}
PER=${PER:-20}
KEEP=${KEEP:-200}

mkdir -p "$T/logs"
log="$T/logs/app.log"
: >"$log"
start_test_broker
write_agent_yaml "$log"
start_agent
# Rotations start once the agent follows the file: a marker line it has shipped proves it.
echo "rotation-ready marker" >>"$log"
following() { topic_dump | grep -q 'rotation-ready marker'; }
wait_until 60 following || fail "the agent did not ship the marker line"

# The writer rotates itself, between two writes, as logrotate would with the application
# reopening its log (rename) or not (copytruncate).
n=0
for r in $(seq 1 "$ROTATIONS"); do
  awk -v s="$n" -v k="$PER" 'BEGIN { for (i = 1; i <= k; i++) printf "line %07d of the rotation stream\n", s + i }' >>"$log"
  n=$((n + PER))
  if [ $((r % 2)) = 1 ]; then
    mv "$log" "$log.$r"
    : >"$log"
  else
    cp "$log" "$log.$r"
    : >"$log"
  fi
  [ "$r" -le "$KEEP" ] || rm -f "$log.$((r - KEEP))"
  [ $((r % 50)) != 0 ] || sleep 0.05
done
awk -v s="$n" 'BEGIN { for (i = 1; i <= 20; i++) printf "line %07d of the rotation stream\n", s + i }' >>"$log"
total=$((n + 20))

delivered() { topic_dump | grep -o 'line [0-9]\{7\}' | sort -u | wc -l; }
all_delivered() { [ "$(delivered)" -ge "$total" ]; }
if ! wait_until 120 all_delivered; then
  topic_dump | grep -o 'line [0-9]\{7\}' | sort -u | awk '{print $2+0}' >"$T/got.txt"
  missing=$(seq 1 "$total" | comm -23 <(sort) <(sort "$T/got.txt") | head -20 | tr '\n' ' ')
  fail "only $(delivered) of $total lines after $ROTATIONS rotations; first missing: $missing;" \
    "files deleted before the agent finished them: $(metric "soc_agent_input_total{input=\"file:$log\",counter=\"deleted\"}")"
fi
all=$(topic_dump | grep -c 'line [0-9]\{7\}')
c() { metric "soc_agent_input_total{input=\"file:$log\",counter=\"$1\"}"; }
echo "agent_rotation: ok: $total lines, $ROTATIONS rotations, $((all - total)) duplicates;" \
  "agent saw rotations=$(c rotations) truncations=$(c truncations) caught_up_files=$(c caught_up_files)"
