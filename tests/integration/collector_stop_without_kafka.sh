#!/usr/bin/env bash
# A collector whose brokers are all gone still stops on SIGTERM, within seconds and with a clear
# log line: rd_kafka_consumer_close() waits for a group coordinator that never answers, so the
# collector bounds that wait (10 s) and exits with its store closed. Before the bound it hung
# until systemd's stop timeout (or for ever, by hand).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"

start_test_broker --brokers 3 --topic soc.events:4
write_collector_config
sed -i "s|^  brokers: embedded$|  brokers: $(cat "$T/bootstrap")|; /^embedded_broker:/,+1d" "$T/collector.yaml"
"$SOC_BIN/soc-collector" --config "$T/collector.yaml" 2>>"$T/collector.log" &
COLLECTOR_PID=$!
assigned() { grep -q "assigned partitions" "$T/collector.log"; }
wait_until 180 assigned || fail "the collector was never assigned its partitions"

# Every broker goes away for good while the collector is a member of the group.
kill -TERM "$BROKER_PID"
wait "$BROKER_PID" 2>/dev/null || true
BROKER_PID=""
down() { grep -q "brokers are down" "$T/collector.log"; }
wait_until 60 down || fail "the collector did not notice the brokers going away"

kill -TERM "$COLLECTOR_PID"
gone() { ! kill -0 "$COLLECTOR_PID" 2>/dev/null; }
wait_until 60 gone || fail "the collector did not stop within 60 s of SIGTERM with Kafka gone"
wait "$COLLECTOR_PID" && rc=0 || rc=$?
COLLECTOR_PID=""
[ "$rc" = 0 ] || fail "the collector exited with status $rc"
grep -q "stopped cleanly" "$T/collector.log" || fail "no 'stopped cleanly' line"
# The store was closed cleanly: socctl opens it.
"$SOC_BIN/socctl" alerts list --format json >/dev/null || fail "the store does not open after the stop"
echo "collector_stop_without_kafka: ok ($(grep -c "did not answer" "$T/collector.log") bounded close)"
