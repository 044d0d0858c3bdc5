#!/usr/bin/env bash
# Bad input never stops the agent, and its counters tell what happened: an oversize line (cut,
# flagged), binary bytes (escaped), a log file replaced by a directory, a file it may not read
# (the agent runs as nobody when the test runs as root), and a disk that fills up under the spool
# (a 256 KiB tmpfs when mounting is allowed, else a file size limit: the same write errors).
# Last, a spool too small for an outage under `drop_oldest` drops lines and counts every one.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"

mkdir -p "$T/logs" "$T/agent-state"
# Every file is created with its final mode: the agent may open it at any moment after.
for f in big swap perm; do install -m 644 /dev/null "$T/logs/$f.log"; done
start_test_broker
chmod 644 "$T/bootstrap"

# The spool lives on a tiny file system: writes to it fail with ENOSPC once it is full.
mkdir -p "$T/spoolfs"
ulimit_kb=""
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=256k,mode=0700 tmpfs "$T/spoolfs" 2>/dev/null; then
  MOUNTED="$T/spoolfs"
  disk="256 KiB tmpfs"
else
  ulimit_kb=256 # no mount: a 256 KiB file size limit gives EFBIG instead of ENOSPC
  disk="256 KiB file size limit"
fi
unmount_spoolfs() {
  [ -z "$AGENT_PID" ] || { kill -KILL "$AGENT_PID" 2>/dev/null; wait "$AGENT_PID" 2>/dev/null; } || true
  [ -z "${MOUNTED:-}" ] || umount "$MOUNTED" 2>/dev/null || true
  agent_cleanup
}
trap unmount_spoolfs EXIT

AGENT_EXTRA=$(printf 'spool:\n  dir: %s\n  after: 2s\n  max_bytes: 64MiB\n  segment_bytes: 1MiB\n  when_full: block' "$T/spoolfs")
write_agent_yaml "$T/logs/big.log" "$T/logs/swap.log" "$T/logs/perm.log"
sed -i 's/^limits:$/limits:\n  max_line_bytes: 1024/' "$T/agent.yaml"

as_nobody=""
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  chmod 755 "$T" "$T/logs"
  chown -R 65534:65534 "$T/agent-state" "$T/spoolfs"
  chmod 644 "$T/agent.yaml"
  as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
start_agent_here() {
  (
    [ -z "$ulimit_kb" ] || ulimit -f "$ulimit_kb"
    exec $as_nobody "$SOC_BIN/soc-agent" --config "$T/agent.yaml" 2>>"$T/agent.log"
  ) &
  AGENT_PID=$!
}
start_agent_here
alive() { kill -0 "$AGENT_PID" 2>/dev/null || fail "the agent died: $(tail -5 "$T/agent.log")"; }
in_metric() { metric "soc_agent_input_total{input=\"file:$T/logs/$1.log\",counter=\"$2\"}"; }
shipped() { topic_dump | jq -r .msg | grep -c -- "$1" || true; }
has_metrics() { [ -n "$(metrics)" ]; }
wait_until 60 has_metrics || fail "no /metrics"

# Oversize line: cut at max_line_bytes, flagged, counted.
{ printf 'big-start '; head -c 5000 /dev/zero | tr '\0' 'x'; printf '\nafter-big\n'; } >>"$T/logs/big.log"
got_big() { [ "$(shipped after-big)" -ge 1 ]; }
wait_until 60 got_big || fail "lines after an oversize line not shipped"
big=$(topic_dump | jq -c 'select(.msg | startswith("big-start"))')
[ "$(echo "$big" | jq -r .trunc)" = true ] || fail "oversize line not flagged trunc: $big"
[ "$(echo "$big" | jq -r '.msg | length')" = 1024 ] || fail "oversize line not cut at 1024 bytes"
[ "$(in_metric big truncated_lines)" = 1 ] || fail "truncated_lines counter: $(in_metric big truncated_lines)"
echo "ok: oversize line cut at 1024 bytes, flagged and counted"

# Binary data and invalid UTF-8: escaped, never dropped.
printf 'bin-start \xff\xfe\x01\x02\xc3\x28 bin-end\n' >>"$T/logs/big.log"
got_bin() { [ "$(shipped bin-end)" -ge 1 ]; }
wait_until 60 got_bin || fail "binary line not shipped"
topic_dump | grep -F 'bin-start \\xff\\xfe\u0001\u0002\\xc3( bin-end' >/dev/null ||
  fail "binary bytes not escaped as expected: $(topic_dump | grep bin-start)"
echo "ok: binary bytes escaped (\\xNN, \\u00NN)"

# A log file replaced by a directory: logged, counted, retried; a file there again is followed.
echo "swap-1" >>"$T/logs/swap.log"
got_swap1() { [ "$(shipped swap-1)" -ge 1 ]; }
wait_until 60 got_swap1 || fail "swap-1 not shipped"
rm "$T/logs/swap.log"
mkdir "$T/logs/swap.log"
open_error() { [ "$(in_metric swap open_errors)" -ge 1 ]; }
wait_until 60 open_error || fail "a directory in place of the log was not counted"
alive
rmdir "$T/logs/swap.log"
(umask 022 && echo "swap-2" >"$T/logs/swap.log")
got_swap2() { [ "$(shipped swap-2)" -ge 1 ]; }
wait_until 60 got_swap2 || fail "the file that replaced the directory was not followed"
echo "ok: file replaced by a directory: open_errors=$(in_metric swap open_errors), deleted=$(in_metric swap deleted), followed again"

# Permission denied: the log is rotated and the new file is unreadable; counted, then read once
# its mode is fixed. Root reads anything, so this part needs the agent to run as nobody.
if [ -n "$as_nobody" ] || [ "$(id -u)" != 0 ]; then
  echo "perm-1" >>"$T/logs/perm.log"
  got_perm1() { [ "$(shipped perm-1)" -ge 1 ]; }
  wait_until 60 got_perm1 || fail "perm-1 not shipped"
  mv "$T/logs/perm.log" "$T/logs/perm.log.1"
  # Created unreadable (mode 000 from the start): created readable and then chmod'ed, the agent
  # could open it in between and never meet the error.
  (umask 777 && echo "perm-2" >"$T/logs/perm.log")
  denied() { [ "$(in_metric perm open_errors)" -ge 1 ]; }
  wait_until 60 denied || fail "permission denied not counted"
  denied_logged() { grep -q "perm.log: cannot open: Permission denied; retrying" "$T/agent.log"; }
  wait_until 60 denied_logged || fail "permission denied not logged"
  alive
  chmod 644 "$T/logs/perm.log"
  got_perm2() { [ "$(shipped perm-2)" -ge 1 ]; }
  wait_until 60 got_perm2 || fail "file not read after its permission was fixed"
  echo "ok: permission denied logged, counted (open_errors=$(in_metric perm open_errors)), retried"
else
  echo "skip: permission denied (root without setpriv)"
fi

# Disk full under the spool: brokers down, 4000 lines (about 1.5 MB of envelopes) for a 256 KiB
# disk. Writes fail, the agent keeps running and stops reading (block), and once the brokers are
# back every line arrives.
brokers_down
awk 'BEGIN { for (i = 1; i <= 4000; i++) printf "full %06d a line written while the brokers were down and the disk was full\n", i }' >>"$T/logs/big.log"
write_errors() { [ "$(metric 'soc_agent_events_total{event="spool_write_errors"}')" -ge 1 ]; }
wait_until 120 write_errors || fail "no spool write error counted on a full disk: $(metrics | grep spool)"
# The agent keeps running and keeps retrying the write: more errors are counted.
errors=$(metric 'soc_agent_events_total{event="spool_write_errors"}')
more_write_errors() { [ "$(metric 'soc_agent_events_total{event="spool_write_errors"}')" -gt "$errors" ]; }
wait_until 60 more_write_errors || fail "the agent stopped retrying the spool on a full disk: $(metrics | grep spool)"
alive
errors=$(metric 'soc_agent_events_total{event="spool_write_errors"}')
brokers_up
full_delivered() { [ "$(topic_dump | jq -r .msg | grep '^full ' | sort -u | wc -l)" -ge 4000 ]; }
wait_until 120 full_delivered ||
  fail "after the disk-full outage only $(topic_dump | jq -r .msg | grep '^full ' | sort -u | wc -l) of 4000 lines arrived"
echo "ok: spool on a full disk ($disk): $errors write errors counted, agent kept running, all 4000 lines delivered"

# drop_oldest: a 128 KiB spool for the same outage drops whole segments; every line is either
# delivered or counted as dropped.
kill -TERM "$AGENT_PID"
wait "$AGENT_PID" || true
AGENT_EXTRA=$(printf 'spool:\n  dir: %s/spool-small\n  after: 2s\n  max_bytes: 128KiB\n  segment_bytes: 32KiB\n  when_full: drop_oldest' "$T")
write_agent_yaml "$T/logs/big.log" "$T/logs/swap.log" "$T/logs/perm.log"
sed -i 's/^limits:$/limits:\n  max_line_bytes: 1024/' "$T/agent.yaml"
mkdir -p "$T/spool-small"
[ -z "$as_nobody" ] || chown 65534:65534 "$T/spool-small"
ulimit_kb=""
start_agent_here
wait_until 60 has_metrics || fail "no /metrics after restart"
brokers_down
awk 'BEGIN { for (i = 1; i <= 3000; i++) printf "drop %06d a line that may be dropped by a spool too small for the outage\n", i }' >>"$T/logs/big.log"
dropped() { [ "$(metric 'soc_agent_lines_dropped_total{reason="spool_full"}')" -ge 1 ]; }
wait_until 120 dropped || fail "nothing dropped from a 128 KiB spool: $(metrics | grep -i 'spool\|dropped')"
sleep 2
brokers_up
ndropped=$(metric 'soc_agent_lines_dropped_total{reason="spool_full"}')
accounted() {
  local got
  got=$(topic_dump | jq -r .msg | grep '^drop ' | sort -u | wc -l)
  [ $((got + $(metric 'soc_agent_lines_dropped_total{reason="spool_full"}'))) -ge 3000 ]
}
wait_until 120 accounted || fail "lines neither delivered nor counted: delivered $(topic_dump | jq -r .msg | grep -c '^drop '), dropped $(metric 'soc_agent_lines_dropped_total{reason="spool_full"}')"
got=$(topic_dump | jq -r .msg | grep '^drop ' | sort -u | wc -l)
alive
echo "agent_bad_input: ok (drop_oldest: $got delivered + $ndropped counted as dropped >= 3000 written)"
