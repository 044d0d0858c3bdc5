# Shared helpers for integration tests: real soc-collector (embedded broker) and soc-agent
# processes in a temporary directory. Sourced by each test; needs SOC_BIN and SOC_SRC.
set -euo pipefail

: "${SOC_BIN:?SOC_BIN must point at the build directory}"
: "${SOC_SRC:?SOC_SRC must point at the source directory}"
SOC_BIN=$(cd "$SOC_BIN" && pwd)
SOC_SRC=$(cd "$SOC_SRC" && pwd)

T=$(mktemp -d /tmp/soc-it.XXXXXX)
COLLECTOR_PID=""
AGENT_PID=""
export SOC_STORE="$T/store"

fail() {
  echo "FAIL: $*" >&2
  for f in "$T"/*.log; do
    [ -f "$f" ] || continue
    echo "--- tail of $f" >&2
    tail -n 30 "$f" >&2
  done
  exit 1
}

cleanup() {
  [ -n "$AGENT_PID" ] && kill -KILL "$AGENT_PID" 2>/dev/null || true
  [ -n "$COLLECTOR_PID" ] && kill -TERM "$COLLECTOR_PID" 2>/dev/null || true
  [ -n "$COLLECTOR_PID" ] && wait "$COLLECTOR_PID" 2>/dev/null || true
  [ "${KEEP_TMP:-0}" = 1 ] || rm -rf "$T"
}
trap cleanup EXIT

# wait_until SECONDS COMMAND...: polls every 0.1 s until COMMAND succeeds. Wait for the state a
# check needs (never sleep and hope), with a generous limit: CI is a loaded 2-core machine and
# the call returns as soon as the state holds.
wait_until() {
  local limit=$1
  shift
  local deadline=$((SECONDS + limit))
  until "$@"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}

write_collector_config() {
  cat >"$T/collector.yaml" <<YAML
log_level: ${COLLECTOR_LOG_LEVEL:-info}
kafka:
  brokers: embedded
embedded_broker:
  bootstrap_file: $T/bootstrap
store:
  path: $T/store
rules:
  dir: ${RULES_DIR:-$SOC_SRC/rules}
YAML
}

# write_agent_config FILE...: tails the given files from their beginning.
write_agent_config() {
  {
    echo "org: TEST-ORG"
    echo "host: it-host.example.gov.vn"
    echo "state_dir: $T/agent-state"
    echo "kafka:"
    echo "  brokers: embedded:$T/bootstrap"
    echo "limits:"
    echo "  partial_line_flush: 1s"
    echo "  checkpoint_interval_ms: 200"
    echo "files:"
    for f in "$@"; do
      echo "  - path: $f"
      echo "    start: beginning"
    done
  } >"$T/agent.yaml"
}

start_collector() {
  rm -f "$T/bootstrap"
  "$SOC_BIN/soc-collector" --config "$T/collector.yaml" 2>>"$T/collector.log" &
  COLLECTOR_PID=$!
  wait_until 90 test -s "$T/bootstrap" || fail "collector did not write its bootstrap file"
}

start_agent() {
  "$SOC_BIN/soc-agent" --config "$T/agent.yaml" 2>>"$T/agent.log" &
  AGENT_PID=$!
}

stop_collector() {
  kill -TERM "$COLLECTOR_PID"
  wait "$COLLECTOR_PID" || fail "collector exited with status $? on SIGTERM"
  COLLECTOR_PID=""
}

alerts_json() { "$SOC_BIN/socctl" alerts list --format json --limit 1000 2>/dev/null || echo '[]'; }
alert_count() { alerts_json | jq length; }
# Number of alerts of RULE.
rule_alerts() { alerts_json | jq --arg r "$1" '[.[] | select(.rule_id == $r)] | length'; }

# Every message value currently in soc.events, read over the Kafka protocol with kcat.
events_dump() {
  kcat -C -b "$(cat "$T/bootstrap")" -t soc.events -o beginning -e -q -f '%s\n' 2>/dev/null
}

# RFC 3164 lines carry no zone; the collector reads them in Asia/Ho_Chi_Minh by default.
syslog_now() { TZ=Asia/Ho_Chi_Minh date '+%b %e %H:%M:%S'; }
