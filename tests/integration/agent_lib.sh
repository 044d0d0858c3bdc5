# Helpers for the agent tests, sourced after lib.sh: a stand-alone mock Kafka cluster
# (soc-test-broker, whose brokers go down on SIGUSR1 and up on SIGUSR2) instead of the collector,
# agent configs with extra sections, and /metrics read without curl.
BROKER_PID=""

# The agent and the collector stop first, the broker last: a consumer leaving its group needs it.
agent_cleanup() {
  local broker=$BROKER_PID
  cleanup
  [ -n "$broker" ] && kill -TERM "$broker" 2>/dev/null || true
}
trap agent_cleanup EXIT

# start_test_broker [ARGS...]: starts soc-test-broker writing its address to $T/bootstrap.
start_test_broker() {
  rm -f "$T/bootstrap"
  "$SOC_BIN/soc-test-broker" --bootstrap-file "$T/bootstrap" "$@" 2>>"$T/broker.log" &
  BROKER_PID=$!
  wait_until 60 test -s "$T/bootstrap" || fail "soc-test-broker did not write its bootstrap file"
}
# brokers_down / brokers_up: signal soc-test-broker and wait until it says the brokers are down
# (up), so that what the test does next happens during the outage (after it).
broker_said() { [ "$(grep -c "all brokers $1" "$T/broker.log" || true)" -ge "$2" ]; }
brokers_switch() {
  local state=$1 signal=$2 before
  before=$(grep -c "all brokers $state" "$T/broker.log" || true)
  kill "-$signal" "$BROKER_PID"
  wait_until 60 broker_said "$state" $((before + 1)) || fail "soc-test-broker did not take the brokers $state"
}
brokers_down() { brokers_switch down USR1; }
brokers_up() { brokers_switch up USR2; }

# write_agent_yaml FILE...: like write_agent_config, plus metrics on a port the kernel picks (no
# collision with tests running in parallel), a fast poll, and whatever $AGENT_EXTRA holds (YAML
# appended as it is).
write_agent_yaml() {
  write_agent_config "$@"
  sed -i 's/^limits:$/limits:\n  poll_interval_ms: 50/' "$T/agent.yaml"
  {
    echo "metrics:"
    echo "  listen: 127.0.0.1:0"
    [ -z "${AGENT_EXTRA:-}" ] || printf '%s\n' "$AGENT_EXTRA"
  } >>"$T/agent.yaml"
}

# metrics_port: the port the latest agent's /metrics listens on, from its log (empty before it
# logged it).
metrics_port() {
  sed -n 's|.*metrics on http://127\.0\.0\.1:\([0-9]*\)/metrics.*|\1|p' "$T/agent.log" 2>/dev/null | tail -n 1
}
# http_get PATH: the agent's answer to GET PATH (empty when it does not answer).
http_get() {
  local port
  port=$(metrics_port)
  [ -n "$port" ] || return 0
  (
    exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 0
    printf 'GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n' "$1" >&3
    timeout 30 cat <&3
  ) 2>/dev/null || true
}
# metrics: the agent's /metrics page (empty when it does not answer).
metrics() { http_get /metrics; }
# metric NAME_WITH_LABELS: one value from /metrics, 0 when absent.
metric() {
  local v
  v=$(metrics | awk -v n="$1" '$1 == n { print $2 }')
  echo "${v:-0}"
}

# All message values of a topic (default soc.events).
topic_dump() {
  kcat -C -b "$(cat "$T/bootstrap")" -t "${1:-soc.events}" -o beginning -e -q -f '%s\n' 2>/dev/null
}

# check_order FILE_TAG DUMP: the first delivery of each line of one file comes in line order
# (a resent duplicate may come later; a new line never comes before an older one).
check_order() {
  local tag=$1 dump=$2
  jq -r --arg t "$tag" 'select(.msg | startswith($t + " ")) | .msg | split(" ")[1]' <"$dump" |
    awk '{ n = $1 + 0; if (n > max) { if (n != max + 1 && !(n in seen)) gap++; max = n } else if (!(n in seen)) late++; seen[n] = 1 }
         END { if (late > 0) { print "new line after a later one: " late; exit 1 } }'
}
