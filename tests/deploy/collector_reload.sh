#!/usr/bin/env bash
# SIGHUP makes the running collector reload its configuration and rule pack:
# - a rule added before the signal fires on the next line, and not on lines processed before;
# - a broken rule (or a broken collector.yaml) is reported with file:line and the previous rules
#   keep working;
# - reloads while events flow lose and duplicate nothing (every line is counted exactly once).
# Real collector (embedded broker) and agent, as in tests/integration.
source "$SOC_SRC/tests/integration/lib.sh"

log="$T/logs/app.log"
mkdir -p "$T/logs" "$T/rules"
: >"$log"
cat >"$T/rules/before.yml" <<'YAML'
- id: reload-before
  title: Marker of the rule present from the start
  severity: low
  match:
    event.original: {contains: "SOC-RELOAD-BEFORE"}
YAML
RULES_DIR="$T/rules" write_collector_config
write_agent_config "$log"
start_collector
# Agents on the host run as other users: the embedded broker's address must be world-readable.
# (The collector writes the file 0640 and chmods it 644 after: wait for the second step.)
bootstrap_readable() { [ "$(stat -c %a "$T/bootstrap")" = 644 ]; }
wait_until 60 bootstrap_readable || fail "bootstrap file mode $(stat -c %a "$T/bootstrap"), not 644"
start_agent

line() { echo "$(syslog_now) web01 app[7]: $*" >>"$log"; }
# Sum of the counts of RULE's alerts (one per suppress window; a run may straddle two).
rule_count() { alerts_json | jq --arg r "$1" '[.[] | select(.rule_id == $r) | .count] | add // 0'; }
count_is() { [ "$(rule_count "$1")" = "$2" ]; }
# log_count PATTERN: lines of the collector log matching PATTERN.
log_count() { grep -cE "$1" "$T/collector.log" || true; }
log_count_is() { [ "$(log_count "$1")" -ge "$2" ]; }
sighup() { kill -HUP "$COLLECTOR_PID"; }

# 1. Before the reload the new rule's marker raises nothing. The line after it (same file, so
#    same partition, consumed in order) tells when it has been processed.
line "SOC-RELOAD-AFTER 0"
line "SOC-RELOAD-BEFORE 0"
wait_until 120 count_is reload-before 1 || fail "the initial rule did not fire: $(alerts_json)"
count_is reload-after 0 || fail "reload-after fired before it existed: $(alerts_json)"

# 2. Add a rule file, SIGHUP: the next line matching only the new rule raises an alert.
cat >"$T/rules/after.yml" <<'YAML'
- id: reload-after
  title: Marker of the rule added by a reload
  severity: low
  match:
    event.original: {contains: "SOC-RELOAD-AFTER"}
YAML
sighup
wait_until 60 log_count_is "reload done: 2 rules in use" 1 || fail "no 'reload done' after SIGHUP"
line "SOC-RELOAD-AFTER 1"
wait_until 60 count_is reload-after 1 || fail "the reloaded rule did not fire: $(alerts_json)"
kill -0 "$COLLECTOR_PID" || fail "collector died on SIGHUP"

# 3. A broken rule: the reload is refused with the rule's file:line, the old rules keep working.
cat >"$T/rules/broken.yml" <<'YAML'
- id: reload-broken
  title: A regex Hyperscan refuses
  severity: high
  match:
    event.original: {regex: "a(b"}
YAML
sighup
wait_until 60 log_count_is "reload failed: still running the previous 2 rules" 1 ||
  fail "a broken rule on reload was not reported as a failed reload"
grep -q "reload: .*$T/rules/broken.yml:5:[0-9]*" "$T/collector.log" ||
  fail "the reload error does not name broken.yml:5: $(grep reload "$T/collector.log")"
kill -0 "$COLLECTOR_PID" || fail "collector died on a broken rule"
line "SOC-RELOAD-AFTER 2"
line "SOC-RELOAD-BEFORE 1"
wait_until 60 count_is reload-after 2 || fail "old rules stopped working after a failed reload: $(alerts_json)"
wait_until 60 count_is reload-before 2 || fail "old rules stopped working after a failed reload: $(alerts_json)"

# 4. A broken collector.yaml: refused with its file:line, nothing changes.
rm "$T/rules/broken.yml"
cp "$T/collector.yaml" "$T/collector.yaml.good"
printf 'log_level: info\nkafka:\n  brokers: embedded\nstorez: 1\n' >"$T/collector.yaml"
sighup
wait_until 60 log_count_is "reload failed: still running the previous 2 rules" 2 ||
  fail "a broken collector.yaml on reload was not reported"
grep -q "reload: $T/collector.yaml:4:1: unknown key 'storez'" "$T/collector.log" ||
  fail "the reload error does not name collector.yaml:4: $(grep reload "$T/collector.log")"
mv "$T/collector.yaml.good" "$T/collector.yaml"

# 5. Reloads while events flow: 10 reloads interleaved with 300 lines; each line counts once.
done_before=$(log_count "reload done")
for chunk in $(seq 1 10); do
  for i in $(seq 1 30); do line "SOC-RELOAD-AFTER burst $chunk.$i"; done
  sighup
  sleep 0.3
done
wait_until 120 count_is reload-after 302 ||
  fail "expected 302 reload-after events after the burst, got $(rule_count reload-after)"
wait_until 60 log_count_is "reload done" $((done_before + 10)) ||
  fail "expected 10 more reloads, saw $(($(log_count "reload done") - done_before))"
# A last line, consumed after the burst (same partition): once it is counted, every burst line
# has been processed, and none may have been counted twice.
line "SOC-RELOAD-BEFORE 2"
wait_until 60 count_is reload-before 3 || fail "the line after the burst was not counted: $(alerts_json)"
count_is reload-after 302 || fail "events were counted twice: $(rule_count reload-after)"
stop_collector
echo "collector_reload: ok ($(log_count "reload done") reloads, $(rule_count reload-after) events counted once)"
