# Helpers for the agent tests, sourced after lib.sh: a stand-alone mock Kafka cluster
# (soc-test-broker, whose brokers go down on SIGUSR1 and up on SIGUSR2) instead of the collector,
# agent configs with extra sections, and /metrics read without curl.
BROKER_PID=""
METRICS_PORT=$((20000 + RANDOM % 20000))

agent_cleanup() {
  [ -n "$BROKER_PID" ] && kill -TERM "$BROKER_PID" 2>/dev/null || true
  cleanup
}
trap agent_cleanup EXIT

# start_test_broker [ARGS...]: starts soc-test-broker writing its address to $T/bootstrap.
start_test_broker() {
  rm -f "$T/bootstrap"
  "$SOC_BIN/soc-test-broker" --bootstrap-file "$T/bootstrap" "$@" 2>>"$T/broker.log" &
  BROKER_PID=$!
  wait_until 20 test -s "$T/bootstrap" || fail "soc-test-broker did not write its bootstrap file"
}
brokers_down() { kill -USR1 "$BROKER_PID"; }
brokers_up() { kill -USR2 "$BROKER_PID"; }

# write_agent_yaml FILE...: like write_agent_config, plus metrics on $METRICS_PORT, a fast poll,
# and whatever $AGENT_EXTRA holds (YAML appended as it is).
write_agent_yaml() {
  write_agent_config "$@"
  sed -i 's/^limits:$/limits:\n  poll_interval_ms: 50/' "$T/agent.yaml"
  {
    echo "metrics:"
    echo "  listen: 127.0.0.1:$METRICS_PORT"
    [ -z "${AGENT_EXTRA:-}" ] || printf '%s\n' "$AGENT_EXTRA"
  } >>"$T/agent.yaml"
}

# metrics: the agent's /metrics page (empty when it does not answer).
metrics() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$METRICS_PORT" || exit 0
    printf 'GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n' >&3
    timeout 5 cat <&3
  ) 2>/dev/null || true
}
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
