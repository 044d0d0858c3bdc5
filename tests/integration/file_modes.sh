#!/usr/bin/env bash
# File modes do not follow the caller's umask: under umask 022 the collector's alert store and the
# agent's state, spool and checkpoint files are still owner-only (a state directory left 0755 is
# narrowed at start), the embedded broker's address stays world-readable on purpose, and a
# redaction salt that others can read, or one written inline in the config, stops the agent.
source "$(dirname "$0")/lib.sh"
umask 022

mode() { stat -c %a "$1"; }
# open_to_others DIR: files or directories under DIR that group or others may access.
open_to_others() { find "$1" -perm /077 -printf '%m %p\n'; }

write_collector_config
start_collector
wait_until 20 test -s "$T/store/CURRENT" || fail "no alert store"
[ "$(mode "$T/store")" = 700 ] || fail "alert store directory mode $(mode "$T/store"), not 700"
[ -z "$(open_to_others "$T/store")" ] || fail "alert store files open to others: $(open_to_others "$T/store")"
[ "$(mode "$T/bootstrap")" = 644 ] || fail "bootstrap file mode $(mode "$T/bootstrap"), not 644"
echo "ok: alert store 0700 with owner-only files; bootstrap file 0644"

mkdir -m 0755 "$T/agent-state"  # as an older version, or a sysadmin, left it
echo "Nov 23 10:00:00 web01 app: hello" >"$T/app.log"
write_agent_config "$T/app.log"
start_agent
wait_until 20 test -s "$T/agent-state/checkpoint" || fail "no checkpoint written"
wait_until 20 test -s "$T/agent-state/seq" || fail "no sequence file written"
[ "$(mode "$T/agent-state")" = 700 ] || fail "state directory mode $(mode "$T/agent-state"), not 700"
[ "$(mode "$T/agent-state/spool")" = 700 ] || fail "spool directory mode $(mode "$T/agent-state/spool")"
for f in checkpoint seq agent_id; do
  [ "$(mode "$T/agent-state/$f")" = 600 ] || fail "$f mode $(mode "$T/agent-state/$f"), not 600"
done
[ -z "$(open_to_others "$T/agent-state")" ] || fail "agent state open to others: $(open_to_others "$T/agent-state")"
grep -q "agent-state: mode 0755 was too open, now 0700" "$T/agent.log" || fail "narrowing not logged"
echo "ok: agent state and spool 0700, checkpoint, seq and agent id 0600 under umask 022"

# Secrets: a world-readable salt file and an inline salt are refused; 0640 is accepted.
head -c 32 /dev/urandom | base64 >"$T/salt"  # umask 022: 0644
{ cat "$T/agent.yaml"; printf 'redaction:\n  salt: {file: %s}\n' "$T/salt"; } >"$T/salted.yaml"
out=$("$SOC_BIN/soc-agent" --check-config "$T/salted.yaml" 2>&1) && fail "a 0644 salt file was accepted"
[[ "$out" == *"secret file $T/salt: mode 0644 lets other users read or change it"* ]] ||
  fail "unclear error for a 0644 salt file: $out"
[[ "$out" != *"$(cat "$T/salt")"* ]] || fail "the error shows the salt"
chmod 0640 "$T/salt"
"$SOC_BIN/soc-agent" --check-config "$T/salted.yaml" >/dev/null || fail "a 0640 salt file was refused"
{ cat "$T/agent.yaml"; printf 'redaction:\n  salt: inline-salt-0123456789\n'; } >"$T/inline.yaml"
out=$("$SOC_BIN/soc-agent" --check-config "$T/inline.yaml" 2>&1) && fail "an inline salt was accepted"
[[ "$out" == *"'redaction.salt' must not be written in the configuration"* ]] ||
  fail "unclear error for an inline salt: $out"
echo "ok: salt file open to others and inline salt refused, 0640 accepted"
