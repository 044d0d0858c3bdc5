#!/usr/bin/env bash
# An almost empty agent config (org, host, state_dir, brokers: no input at all) reads the journal
# for the security units and identifiers: an sshd failure written to the journal reaches
# soc.events and raises its alert, while an unrelated program's entry stays on the host. The
# journal comes from a test directory through SOC_AGENT_JOURNAL_DIRECTORY, the documented seam of
# the default input (CI has no system journal of its own); the config file itself names no journal.
# Also: the shipped example config and a --discover proposal pass --check-config.
source "$(dirname "$0")/lib.sh"

JR=/lib/systemd/systemd-journal-remote
[ -x "$JR" ] || JR=/usr/lib/systemd/systemd-journal-remote
[ -x "$JR" ] || fail "systemd-journal-remote is not installed (scripts/install-deps.sh)"
JDIR="$T/journal"
mkdir -p "$JDIR"
BOOT=0123456789abcdef0123456789abcdef

# entry MESSAGE FIELD=VALUE...: one export-format entry stamped now.
entry() {
  local msg=$1 t
  shift
  t=$(date +%s%6N)
  printf '__REALTIME_TIMESTAMP=%s\n__MONOTONIC_TIMESTAMP=%s\n_BOOT_ID=%s\n' "$t" "$((t - 1700000000000000))" "$BOOT"
  printf '%s\n' "$@"
  printf 'MESSAGE=%s\n\n' "$msg"
}
jwrite() { "$JR" -o "$JDIR/system.journal" - 2>>"$T/journal-remote.log" || fail "journal-remote failed"; }

# The collector compiles the whole rule pack before it opens its broker: slow on a loaded CI
# machine, so it starts first and is waited for, with a generous deadline, after step 1.
write_collector_config
"$SOC_BIN/soc-collector" --config "$T/collector.yaml" 2>>"$T/collector.log" &
COLLECTOR_PID=$!

# --- 1. The shipped example and a discovered proposal pass --check-config -----------------------
"$SOC_BIN/soc-agent" --check-config "$SOC_SRC/config/agent.yaml" >"$T/check.out" 2>&1 ||
  fail "config/agent.yaml fails --check-config on a host without TLS files: $(cat "$T/check.out")"
mkdir -p "$T/root/var/log/nginx"
echo '203.0.113.9 - - [01/Jan/2026:00:00:00 +0700] "GET / HTTP/1.1" 200 1 "-" "-"' >"$T/root/var/log/nginx/access.log"
"$SOC_BIN/soc-agent" --discover --discover-root "$T/root" --org TEST-ORG \
  --write "$T/discovered.yaml" 2>"$T/discover.log" || fail "--discover --write failed: $(cat "$T/discover.log")"
[ "$(stat -c %a "$T/discovered.yaml")" = 640 ] || fail "discovered config is not mode 0640"
grep -qx '  - path: "/var/log/nginx/access.log"' "$T/discovered.yaml" ||
  fail "the nginx access log was not proposed: $(cat "$T/discovered.yaml")"
"$SOC_BIN/soc-agent" --check-config "$T/discovered.yaml" >/dev/null 2>"$T/check.err" ||
  fail "the discovered config fails --check-config: $(cat "$T/check.err")"
! "$SOC_BIN/soc-agent" --discover --discover-root "$T/root" --write "$T/discovered.yaml" 2>/dev/null ||
  fail "--write replaced an existing config"

# --- 2. The minimal config ---------------------------------------------------------------------
cat >"$T/agent.yaml" <<YAML
org: TEST-ORG
host: it-host.example.gov.vn
state_dir: $T/agent-state
kafka:
  brokers: embedded:$T/bootstrap
YAML
out=$(SOC_AGENT_JOURNAL_DIRECTORY=$JDIR "$SOC_BIN/soc-agent" --check-config "$T/agent.yaml") ||
  fail "the minimal config fails --check-config"
grep -q "no input configured: the journal's security entries" <<<"$out" ||
  fail "--check-config does not say the journal default applies: $out"

wait_until 120 test -s "$T/bootstrap" || fail "collector did not write its bootstrap file"
export SOC_AGENT_JOURNAL_DIRECTORY=$JDIR
start_agent
unset SOC_AGENT_JOURNAL_DIRECTORY
# The journal is empty when the agent starts, so it reads from the first entry written.
wait_until 30 grep -q "first start: reading from the oldest entry" "$T/agent.log" ||
  fail "the agent did not open the default journal"
grep -q "no input configured: reading the $JDIR journal" "$T/agent.log" ||
  fail "the agent did not log that the journal default applies"

sshd_fields=(_HOSTNAME=web01 SYSLOG_IDENTIFIER=sshd _COMM=sshd _UID=0 _SYSTEMD_UNIT=ssh.service PRIORITY=6)
{
  entry "minimal-config unrelated app entry" SYSLOG_IDENTIFIER=myapp _HOSTNAME=web01 _SYSTEMD_UNIT=myapp.service
  for i in $(seq 1 8); do
    entry "Failed password for root from 198.51.100.23 port $((40000 + i)) ssh2" "${sshd_fields[@]}" "_PID=$((5000 + i))"
  done
  entry "pam_unix(sudo:session): session opened for user root(uid=0) by admin(uid=1000)" SYSLOG_IDENTIFIER=sudo _HOSTNAME=web01 _PID=6001
} | jwrite

sudo_shipped() { events_dump | grep -q 'pam_unix(sudo:session)'; }
wait_until 30 sudo_shipped || fail "the sudo entry (the last one written) did not reach soc.events"
[ "$(events_dump | grep -c 'Failed password for root from 198.51.100.23')" = 8 ] ||
  fail "the sshd failures did not all reach soc.events: $(events_dump)"
events_dump | grep -F 'Failed password' | head -n 1 | jq -e --arg src "journald:$JDIR" \
  '.src == $src and .fields.SYSLOG_IDENTIFIER == "sshd" and .org == "TEST-ORG"' >/dev/null ||
  fail "the sshd envelope lacks its journal source: $(events_dump | head -n 2)"
events_dump | grep -q 'unrelated app entry' && fail "an entry of another program was shipped"
brute() { [ "$(rule_alerts ssh-brute-force)" -ge 1 ]; }
wait_until 30 brute || fail "no ssh-brute-force alert from the minimal config: $(alerts_json)"

echo "agent_minimal_config: ok: example and discovered configs pass --check-config; minimal config ships sshd/sudo from the journal (not other programs) and raises ssh-brute-force"
