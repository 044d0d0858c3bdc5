#!/usr/bin/env bash
# Events the broker drops before the collector reads them are noticed: counted (lost_events),
# logged once with the partition and offset range, and raised as a `pipeline-loss` alert. An
# event whose key holds a newline and ESC never writes a raw control into the collector's log.
# The embedded broker refuses a message above embedded_broker.max_message_bytes.
#
# Deterministic overflow: a stand-alone mock cluster (soc-test-broker, the same librdkafka mock as
# the embedded broker, ~5 MiB kept per partition) outlives the collector, so events can be
# produced while the collector is stopped: it committed offset 1 of partition 0, then 8 sshd
# failures and ~8 MB of filler arrive, and the log start moves past offset 1.
source "$(dirname "$0")/lib.sh"

BROKER_PID=""
stop_broker() {
  [ -n "$BROKER_PID" ] && kill -TERM "$BROKER_PID" 2>/dev/null || true
  [ -n "$BROKER_PID" ] && wait "$BROKER_PID" 2>/dev/null || true
  BROKER_PID=""
}
trap 'cleanup; stop_broker' EXIT  # the collector leaves its group while the broker is up

"$SOC_BIN/soc-test-broker" --bootstrap-file "$T/tb" --topic soc.events:2 2>>"$T/broker.log" &
BROKER_PID=$!
wait_until 20 test -s "$T/tb" || fail "test broker did not start"
ADDR=$(cat "$T/tb")

mkdir -p "$T/rules"
cat >"$T/rules/it.yml" <<'YAML'
- id: it-hello
  title: integration marker
  severity: low
  match:
    message: {contains: it-hello-marker}
YAML
cat >"$T/collector.yaml" <<YAML
log_level: info
kafka:
  brokers: $ADDR
store:
  path: $T/store
rules:
  dir: $T/rules
YAML

start_real_collector() {
  "$SOC_BIN/soc-collector" --config "$T/collector.yaml" 2>>"$T/collector.log" &
  COLLECTOR_PID=$!
}

# envelope SEQ MSG: one valid envelope line (MSG is JSON-safe).
envelope() {
  printf '{"v":1,"agent":"it-agent","host":"it-host","src":"file:/var/log/auth.log","seq":%d,"ts":"2026-12-07T10:00:00.000+07:00","msg":"%s"}\n' "$1" "$2"
}
produce_p0() { kcat -P -b "$ADDR" -t soc.events -p 0 -X linger.ms=50 2>>"$T/kcat.log"; }

# 1. The collector reads offset 0 of partition 0 and commits 1.
start_real_collector
envelope 0 "it-hello-marker" | produce_p0
marker_detected() { [ "$(rule_alerts it-hello)" -ge 1 ]; }
wait_until 120 marker_detected || fail "the first event was not detected"

# 2. An envelope whose fields key holds a newline and ESC: rejected, logged escaped.
printf '{"v":1,"agent":"a","host":"h","src":"s","seq":1,"ts":"t","msg":"m","fields":{"k\\n2026-12-07T00:00:00.000+07:00 soc-collector info forged\\u001b[31m":1}}\n' |
  kcat -P -b "$ADDR" -t soc.events -p 1 2>>"$T/kcat.log"
wait_until 120 grep -q "bad event skipped" "$T/collector.log" || fail "bad event not reported"
grep -q "soc-collector info forged" "$T/collector.log" || fail "the bad key is not in the log"
if grep -v "kafka" "$T/collector.log" | grep -q "^2026-12-07T00:00:00.000+07:00 soc-collector info forged"; then
  fail "the event's key forged a line in the collector log"
fi
if grep -q $'\x1b\[31m' "$T/collector.log"; then fail "raw ESC from an event in the collector log"; fi
grep -q 'forged\\x1b\[31m' "$T/collector.log" || fail "ESC not shown escaped"
stop_collector

# 3. While it is stopped: 8 sshd failures, then ~8 MB of filler, all on partition 0.
filler=$(printf 'x%.0s' $(seq 1 1000))
{
  for i in $(seq 1 8); do
    envelope "$i" "Dec  7 10:00:0$i web01 sshd[40$i]: Failed password for root from 203.0.113.45 port 4000$i ssh2"
  done
  for i in $(seq 9 8008); do envelope "$i" "filler $filler"; done
} | produce_p0

# 4. Restarted, it finds its committed offset trimmed away: loss counted, logged, alerted.
start_real_collector
wait_until 120 grep -q "events lost before detection" "$T/collector.log" ||
  fail "the trimmed events were not reported"
loss_alerted() { [ "$(rule_alerts pipeline-loss)" -ge 1 ]; }
wait_until 120 loss_alerted || fail "no pipeline-loss alert"
alert=$(alerts_json | jq -c '[.[] | select(.rule_id == "pipeline-loss")][0]')
echo "pipeline-loss alert: $(echo "$alert" | jq -c '{severity, title_vi, group}')"
[ "$(echo "$alert" | jq -r .severity)" = high ] || fail "pipeline-loss is not high: $alert"
offsets=$(echo "$alert" | jq -r '.group | from_entries | .["kafka.offsets"]')
lost=$(echo "$alert" | jq -r '.group | from_entries | .lost_events')
[ "${offsets%%-*}" = 1 ] || fail "the gap should start at offset 1 (committed), got $offsets"
[ "$lost" -ge 9 ] || fail "the sshd failures (offsets 1..8) and more are lost, got $lost"
[ "$(grep -c "events lost before detection" "$T/collector.log")" = 1 ] ||
  fail "the gap should be logged once"
stop_collector
grep -q "counters: .*lost_events=$lost offset_resets=[1-9]" "$T/collector.log" ||
  fail "lost_events=$lost and the offset reset not counted"

# 5. A restart does not count the same gap again (offsets were committed past it). The marker
# is detected after the assignment, and its check of the watermarks runs before the loop stops.
start_real_collector
envelope 9000 "it-hello-marker again" | produce_p0
marker_again() { [ "$(alerts_json | jq '[.[] | select(.rule_id == "it-hello")][0].count')" -ge 2 ]; }
wait_until 120 marker_again || fail "the marker after the restart was not detected"
stop_collector
[ "$(rule_alerts pipeline-loss)" = 1 ] || fail "the gap was alerted twice"
[ "$(grep -c "events lost before detection" "$T/collector.log")" = 1 ] || fail "gap logged twice"
stop_broker

# 6. The embedded broker refuses a message above max_message_bytes instead of keeping it.
RULES_DIR="$T/rules" write_collector_config
sed -i '/^  bootstrap_file:/a\  max_message_bytes: 65536' "$T/collector.yaml"
start_collector
big=$(head -c 200000 /dev/zero | tr '\0' 'y')
set +e
envelope 1 "$big" | kcat -P -b "$(cat "$T/bootstrap")" -t soc.events -p 0 \
  -X message.max.bytes=1000000 -X message.timeout.ms=5000 -X retries=1 >"$T/kcat-big.log" 2>&1
set -e
grep -qi "fail\|error" "$T/kcat-big.log" || fail "the oversized message was not refused: $(cat "$T/kcat-big.log")"
[ -z "$(events_dump)" ] || fail "the oversized message was stored"
envelope 2 "small and fine" | kcat -P -b "$(cat "$T/bootstrap")" -t soc.events -p 0 2>>"$T/kcat.log"
[ "$(events_dump | wc -l)" = 1 ] || fail "a normal message after it was not accepted"
stop_collector
echo "pipeline_loss: ok"
