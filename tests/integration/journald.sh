#!/usr/bin/env bash
# The journald input end to end, on real journal files written by systemd-journal-remote (no
# running journald): entries reach soc.events with their trusted fields; multi-line and binary
# messages keep their bytes; an sshd brute force in the journal raises the alert with the right
# host and address; SIGKILLs lose nothing; a vacuumed journal resumes at its oldest entry and the
# gap is counted.
source "$(dirname "$0")/lib.sh"

JR=/lib/systemd/systemd-journal-remote
[ -x "$JR" ] || JR=/usr/lib/systemd/systemd-journal-remote
[ -x "$JR" ] || fail "systemd-journal-remote is not installed (scripts/install-deps.sh)"

JDIR="$T/journal"
mkdir -p "$JDIR"
BOOT=0123456789abcdef0123456789abcdef
export LC_ALL=C

# Entries share one boot id, so the reader orders entries of different files by monotonic time:
# derive it from the realtime so that it always grows.
now_usec() { date +%s%6N; }

# jwrite NAME: appends the export-format entries on stdin to $JDIR/NAME.journal.
jwrite() { "$JR" -o "$JDIR/$1.journal" - 2>>"$T/journal-remote.log" || fail "journal-remote failed"; }

# entry MESSAGE FIELD=VALUE...: one export-format entry stamped now.
entry() {
  local msg=$1 t
  shift
  t=$(now_usec)
  printf '__REALTIME_TIMESTAMP=%s\n__MONOTONIC_TIMESTAMP=%s\n_BOOT_ID=%s\n' "$t" "$((t - 1700000000000000))" "$BOOT"
  printf '%s\n' "$@"
  printf 'MESSAGE=%s\n\n' "$msg"
}

# entry_binary FILE FIELD=VALUE...: an entry whose MESSAGE is FILE's bytes, in export format's
# binary form (name, newline, little-endian 64-bit length, bytes, newline).
entry_binary() {
  local file=$1 t n i
  shift
  t=$(now_usec)
  n=$(stat -c %s "$file")
  printf '__REALTIME_TIMESTAMP=%s\n__MONOTONIC_TIMESTAMP=%s\n_BOOT_ID=%s\n' "$t" "$((t - 1700000000000000))" "$BOOT"
  printf '%s\n' "$@"
  printf 'MESSAGE\n'
  for i in 0 1 2 3 4 5 6 7; do printf "\\$(printf %03o $(((n >> (8 * i)) & 255)))"; done
  cat "$file"
  printf '\n\n'
}

sshd_fields=(_HOSTNAME=web01 SYSLOG_IDENTIFIER=sshd _COMM=sshd _EXE=/usr/sbin/sshd _UID=0
  _SYSTEMD_UNIT=ssh.service PRIORITY=6 _CMDLINE=sshd)

cat >"$T/agent.yaml" <<YAML
org: TEST-ORG
host: it-host.example.gov.vn
state_dir: $T/agent-state
kafka:
  brokers: embedded:$T/bootstrap
limits:
  checkpoint_interval_ms: 200
journald:
  directory: $JDIR
  start: beginning
YAML

# --- 1. Fields, multi-line and binary messages --------------------------------------------------
printf 'Traceback (most recent call last):\n  File "app.py", line 1\nValueError: bad' >"$T/multi.msg"
printf 'bin\000ary\377 end\nsecond' >"$T/binary.msg"
{
  for i in $(seq 1 5); do
    entry "Accepted publickey for deploy from 10.20.0.5 port $((50000 + i)) ssh2" "${sshd_fields[@]}" "_PID=$((1000 + i))"
  done
  entry_binary "$T/multi.msg" SYSLOG_IDENTIFIER=app _HOSTNAME=web01 PRIORITY=3
  entry_binary "$T/binary.msg" SYSLOG_IDENTIFIER=app _HOSTNAME=web01 PRIORITY=4
} | jwrite a

write_collector_config
start_collector
start_agent

events_at_least() { [ "$(events_dump | wc -l)" -ge "$1" ]; }
wait_until 60 events_at_least 7 || fail "journal entries did not reach soc.events"
first=$(events_dump | head -n 1)
echo "$first" | jq -e --arg src "journald:$JDIR" '
  .src == $src and .host == "it-host.example.gov.vn"
  and .msg == "Accepted publickey for deploy from 10.20.0.5 port 50001 ssh2"
  and .fields._HOSTNAME == "web01" and .fields.SYSLOG_IDENTIFIER == "sshd"
  and .fields._PID == "1001" and .fields._UID == "0" and .fields._COMM == "sshd"
  and .fields._EXE == "/usr/sbin/sshd" and .fields._SYSTEMD_UNIT == "ssh.service"
  and .fields.PRIORITY == "6" and (.fields.__REALTIME_TIMESTAMP | test("^[0-9]{16}$"))
  and (.fields | has("_CMDLINE") | not)' >/dev/null ||
  fail "first envelope lacks its journald fields: $first"
[ "$(events_dump | jq -r 'select(.fields.SYSLOG_IDENTIFIER == "app" and .fields.PRIORITY == "3") | .msg')" = "$(cat "$T/multi.msg")" ] ||
  fail "multi-line MESSAGE changed: $(events_dump | grep -F Traceback)"
# The agent escapes the invalid byte 0xFF as the text \xff; the NUL is JSON's \u0000.
events_dump | jq -e 'select(.fields.PRIORITY == "4") | .msg == "bin\u0000ary\\xff end\nsecond"' >/dev/null ||
  fail "binary MESSAGE changed: $(events_dump | grep -F '"4"')"

# --- 2. Detection: an sshd brute force in the journal ------------------------------------------
{
  for i in $(seq 1 8); do
    entry "Failed password for root from 203.0.113.45 port $((40000 + i)) ssh2" "${sshd_fields[@]}" "_PID=$((4000 + i))"
  done
} | jwrite a
# The alert exists from the threshold's fifth failure on; wait until it has folded all eight.
brute_count() { alerts_json | jq '[.[] | select(.rule_id == "ssh-brute-force") | .count] | max // 0'; }
brute_folded() { [ "$(brute_count)" -ge 8 ]; }
wait_until 120 brute_folded || fail "no ssh-brute-force alert with 8 failures from the journal: $(alerts_json)"
brute=$(alerts_json | jq -c '.[] | select(.rule_id == "ssh-brute-force")')
[ "$(echo "$brute" | jq -r '.host')" = web01 ] || fail "alert host is not _HOSTNAME: $brute"
echo "$brute" | jq -e '[.group[] | select(.key == "source.ip" and .value == "203.0.113.45")] | length == 1' >/dev/null ||
  fail "alert is not grouped by source.ip 203.0.113.45: $brute"
[ "$(echo "$brute" | jq -r '.count')" = 8 ] || fail "brute force alert should fold 8 failures: $brute"
[ "$(rule_alerts ssh-brute-force)" = 1 ] || fail "one attacker must give one alert: $(alerts_json)"
"$SOC_BIN/socctl" alerts show "$(echo "$brute" | jq -r .id)" | grep -F "journald:$JDIR" |
  grep -q "Failed password for root from 203.0.113.45" || fail "alert evidence lacks the journal entries"

# --- 3. SIGKILL mid-stream, restart: nothing lost ------------------------------------------------
total=3000
(
  for b in $(seq 0 $((total / 100 - 1))); do
    awk -v b="$b" -v t="$(now_usec)" -v boot="$BOOT" 'BEGIN {
      for (i = 1; i <= 100; i++) {
        printf "__REALTIME_TIMESTAMP=%.0f\n__MONOTONIC_TIMESTAMP=%.0f\n_BOOT_ID=%s\n", t + i, t + i - 1700000000000000, boot
        printf "SYSLOG_IDENTIFIER=app\n_HOSTNAME=web01\nMESSAGE=kill-test entry %06d\n\n", b * 100 + i
      } }' | jwrite a
    sleep 0.03
  done
) &
writer=$!
cursor() { awk -F'\t' -v k="journald:$JDIR" '$1 == k { print $2 }' "$T/agent-state/checkpoint" 2>/dev/null; }
advanced() { [ "$(cursor)" != "$1" ] || ! kill -0 "$writer" 2>/dev/null; }
for k in 1 2 3; do
  before=$(cursor)
  wait_until 60 advanced "$before" || fail "agent made no progress before kill $k"
  sleep 0.$((RANDOM % 3))$((RANDOM % 10))
  kill -KILL "$AGENT_PID"
  wait "$AGENT_PID" 2>/dev/null || true
  start_agent
done
wait "$writer"
delivered() { events_dump | grep -o 'kill-test entry [0-9]\{6\}' | sort -u | wc -l; }
all_delivered() { [ "$(delivered)" -ge $total ]; }
wait_until 120 all_delivered || fail "only $(delivered) of $total journal entries reached soc.events after 3 kills"
dups=$(($(events_dump | grep -c 'kill-test entry') - total))
seqs=$(events_dump | jq -r .seq | sort -n | uniq -d | wc -l)
[ "$seqs" = 0 ] || fail "$seqs sequence numbers were used twice"

# --- 4. Vacuum: the saved cursor's file is deleted while the agent is down -------------------------
kill -TERM "$AGENT_PID"
wait "$AGENT_PID" || fail "agent exited with status $? on SIGTERM"
AGENT_PID=""
saved=$(cursor)
[ -n "$saved" ] || fail "no cursor saved at shutdown"
{ for i in 1 2 3; do entry "gap entry $i" SYSLOG_IDENTIFIER=app; done; } | jwrite a     # never read
{ for i in 1 2 3 4 5; do entry "after-vacuum entry $i" SYSLOG_IDENTIFIER=app; done; } | jwrite b
rm "$JDIR/a.journal"
: >"$T/agent.log"
start_agent
after_vacuum() { [ "$(events_dump | grep -c 'after-vacuum entry')" -ge 5 ]; }
wait_until 60 after_vacuum || fail "entries after the vacuum did not arrive"
kill -TERM "$AGENT_PID"
wait "$AGENT_PID" || fail "agent exited with status $? on SIGTERM"
AGENT_PID=""
grep -q "saved cursor is no longer in the journal" "$T/agent.log" || fail "the lost cursor was not logged"
grep -q "cursor_lost=1" "$T/agent.log" || fail "cursor_lost was not counted"
[ "$(events_dump | grep -c 'gap entry')" = 0 ] || fail "entries of the deleted file appeared"
[ "$(events_dump | grep -c 'after-vacuum entry')" = 5 ] || fail "after-vacuum entries duplicated"
[ "$(cursor)" != "$saved" ] || fail "the cursor did not move past the vacuum"

echo "journald: ok: fields, multi-line/binary, brute force alert on web01, $total entries through 3 SIGKILLs ($dups duplicates), vacuum gap counted"
