#!/usr/bin/env bash
# Threat-intelligence lists (rules.intel_dir): a login from a listed address raises
# intel-auth-from-malicious-address; a new feed takes effect on SIGHUP, its bad lines logged with
# file:line and counted.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/logs" "$T/rules" "$T/feeds"
log="$T/logs/auth.log"
: >"$log"
cp "$SOC_SRC/rules/intel.yml" "$T/rules/"
(umask 022; printf '# test feed\n192.0.2.66\n' >"$T/feeds/malicious-ips.txt")
RULES_DIR="$T/rules" write_collector_config
echo "  intel_dir: $T/feeds" >>"$T/collector.yaml"
write_agent_config "$log"
start_collector
start_agent

intel_alerts_from() {
  alerts_json | jq --arg ip "$1" \
    '[.[] | select(.rule_id == "intel-auth-from-malicious-address" and (.group | tostring | contains($ip)))] | length'
}
failed_login() {
  echo "$(syslog_now) web01 sshd[$2]: Failed password for root from $1 port 4$2 ssh2" >>"$log"
}

# Not listed yet, then listed: the second alert tells the first line was processed.
failed_login 198.51.100.23 1001
failed_login 192.0.2.66 1002
listed_alert() { [ "$(intel_alerts_from 192.0.2.66)" = 1 ]; }
wait_until 120 listed_alert || fail "no alert for the listed 192.0.2.66: $(alerts_json)"
[ "$(intel_alerts_from 198.51.100.23)" = 0 ] || fail "alert for an address on no list"
grep -q "intel lists: 1 lists, 1 entries, 0 bad lines from $T/feeds" "$T/collector.log" ||
  fail "lists not loaded from rules.intel_dir: $(grep intel "$T/collector.log")"

# A new feed, replaced atomically as a download script would, with one bad line; then SIGHUP.
(umask 022; printf '198.51.100.0/24 ; SBL1\nnot-an-entry!\n' >"$T/feeds/new.tmp")
mv "$T/feeds/new.tmp" "$T/feeds/malicious-ips.txt"
kill -HUP "$COLLECTOR_PID"
reloaded() { grep -q "reload done" "$T/collector.log"; }
wait_until 120 reloaded || fail "no reload: $(tail -n 5 "$T/collector.log")"
grep -q "intel list: $T/feeds/malicious-ips.txt:2: not an IP address, CIDR range, domain or hash: 'not-an-entry!'" "$T/collector.log" ||
  fail "the bad line is not reported with file:line: $(grep intel "$T/collector.log")"
grep -q "intel lists: 1 lists, 1 entries, 1 bad lines" "$T/collector.log" || fail "bad line not counted"

failed_login 198.51.100.23 1003
new_alert() { [ "$(intel_alerts_from 198.51.100.23)" = 1 ]; }
wait_until 120 new_alert || fail "the reloaded feed did not apply: $(alerts_json)"
echo "intel_reload: ok"
