#!/usr/bin/env bash
# What an operator sees: heartbeats on soc.agents (identity, uptime, counters, per-file lag),
# /metrics in Prometheus text (404 elsewhere), personal data redacted before it leaves the host
# (same value, same tag), files matching a glob picked up when they appear, and --check-config
# naming the line of each new kind of error.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"
A="$SOC_BIN/soc-agent"

mkdir -p "$T/logs/apps"
: >"$T/logs/auth.log"
: >"$T/logs/apps/one.log"
(umask 077 && head -c 32 /dev/urandom | base64 >"$T/salt")  # a secret file: 0600 or refused
start_test_broker
AGENT_EXTRA=$(printf 'heartbeat:\n  interval: 1s\nredaction:\n  salt: {file: %s}\n  patterns:\n    - name: TOKEN\n      regex: "api_key=[A-Za-z0-9]+"' "$T/salt")
write_agent_yaml "$T/logs/auth.log" "$T/logs/apps/*.log"
start_agent
has_metrics() { [ -n "$(metrics)" ]; }
wait_until 60 has_metrics || fail "no /metrics"

# Redaction.
cat >>"$T/logs/auth.log" <<'LINES'
citizen 001203004567 called from 0912345678 mail Nguyen.Van.A@Example.gov.vn api_key=abc123XYZ
again +84 912 345 678 and nguyen.van.a@example.gov.vn, order 202611231322 stays
LINES
redacted() { [ "$(topic_dump | grep -c 'CCCD\|again')" -ge 2 ]; }
wait_until 60 redacted || fail "redacted lines not shipped"
l1=$(topic_dump | jq -r .msg | grep '^citizen')
l2=$(topic_dump | jq -r .msg | grep '^again')
echo "redacted: $l1"
echo "redacted: $l2"
for secret in 001203004567 0912345678 Nguyen.Van.A abc123XYZ '912 345 678' nguyen.van.a; do
  ! topic_dump | grep -qi -- "$secret" || fail "'$secret' left the host"
done
[[ "$l1" =~ ^citizen\ \[CCCD:[0-9a-f]{8}\]\ called\ from\ \[PHONE:([0-9a-f]{8})\]\ mail\ \[EMAIL:([0-9a-f]{8})\]\ \[TOKEN:[0-9a-f]{8}\]$ ]] ||
  fail "unexpected redaction: $l1"
phone=${BASH_REMATCH[1]} email=${BASH_REMATCH[2]}
[[ "$l2" == "again [PHONE:$phone] and [EMAIL:$email], order 202611231322 stays" ]] ||
  fail "the same phone and address must get the same tags (and 202611231322 is no CCCD): $l2"
[ "$(metric 'soc_agent_redactions_total{kind="cccd"}')" = 1 ] || fail "cccd redactions not counted"
[ "$(metric 'soc_agent_redactions_total{kind="phone"}')" = 2 ] || fail "phone redactions not counted"
[ "$(metric soc_agent_lines_redacted_total)" = 2 ] || fail "redacted lines not counted"
[ "$(metric 'soc_agent_events_total{event="redaction_failed"}')" = 0 ] || fail "no redaction failed"
echo "ok: redaction with stable salted tags, counted"

# Glob: a file appearing later is followed from its start.
echo "one: first" >>"$T/logs/apps/one.log"
(umask 022 && echo "two: born later" >"$T/logs/apps/two.log")
globbed() { [ "$(topic_dump | jq -r .msg | grep -c '^one: first$\|^two: born later$')" = 2 ]; }
wait_until 60 globbed || fail "glob files not shipped: $(topic_dump | jq -r .src | sort | uniq -c)"
topic_dump | jq -r 'select(.msg == "two: born later") | .src' | grep -qx "file:$T/logs/apps/two.log" ||
  fail "src of a glob file should be the file itself"
echo "ok: glob input picked up a file created later"

# Heartbeat: wait for one sent after all the above was read and acknowledged.
heartbeat_complete() {
  hb=$(topic_dump soc.agents | tail -n 1)
  [ -n "$hb" ] && echo "$hb" | jq -e --arg id "$(cat "$T/agent-state/agent_id")" '
  .type == "heartbeat" and .agent == $id and .host == "it-host.example.gov.vn" and .org == "TEST-ORG"
  and (.version | length > 0) and .uptime_s >= 1 and .counters.lines_read >= 4
  and .counters.lines_acked >= 4 and (.dropped | has("spool_full")) and (.dropped | has("kafka_refused"))
  and ([.inputs[] | select(.name | endswith("auth.log")) | .lag_bytes] | length == 1)
  and ([.inputs[] | .name] | index("file:'"$T"'/logs/apps/two.log") != null)' >/dev/null
}
hb=""
wait_until 60 heartbeat_complete || fail "no heartbeat with all fields on soc.agents: ${hb:-none}"
periodic() { [ "$(topic_dump soc.agents | wc -l)" -ge 2 ]; }
wait_until 60 periodic || fail "heartbeats are not periodic"
echo "ok: heartbeat: $(echo "$hb" | jq -c '{uptime_s, counters: {lines_read: .counters.lines_read}, inputs: [.inputs[] | {name, lag_bytes}]}')"

# /metrics.
metrics | grep -q '^HTTP/1.1 200 OK' || fail "/metrics status"
metrics | grep -q '^# TYPE soc_agent_lines_read_total counter$' || fail "/metrics lacks TYPE lines"
no_lag() { metrics | grep -q "^soc_agent_input_lag_bytes{input=\"file:$T/logs/auth.log\"} 0$"; }
wait_until 60 no_lag || fail "/metrics lacks lag"
other=$(http_get /nope)
[[ "$other" == "HTTP/1.1 404"* ]] || fail "/nope should be 404: $other"
echo "ok: /metrics"

# --check-config names the line of each new error.
expect_bad() {
  local what=$1 pattern=$2
  set +e
  "$A" --check-config "$T/bad.yaml" >/dev/null 2>"$T/err.txt"
  local rc=$?
  set -e
  [ $rc = 2 ] || fail "$what: exit $rc"
  grep -qE "$pattern" "$T/err.txt" || fail "$what: '$(cat "$T/err.txt")' does not match '$pattern'"
  echo "ok: check-config: $(cat "$T/err.txt")"
}
base() { printf 'org: X\nstate_dir: %s/st\nkafka:\n  brokers: embedded:%s/bootstrap\nfiles:\n  - /var/log/x.log\n' "$T" "$T"; }
{ base; printf 'spool:\n  when_full: sometimes\n'; } >"$T/bad.yaml"
expect_bad "spool policy" "bad.yaml:8:14: 'spool.when_full' must be 'block' or 'drop_oldest'"
{ base; printf 'spool:\n  max_bytes: 12 parsecs\n'; } >"$T/bad.yaml"
expect_bad "spool size" "bad.yaml:8:14: 'spool.max_bytes' must be a size"
printf 'org: X\nstate_dir: %s/st\nkafka:\n  brokers: embedded:%s/bootstrap\n  properties:\n    security.protocol: ssl\n    ssl.ca.location: %s/ca.pem\nfiles:\n  - /var/log/x.log\n' "$T" "$T" "$T" >"$T/bad.yaml"
expect_bad "missing CA file" "bad.yaml:7:22: kafka property 'ssl.ca.location': file .*/ca.pem does not exist"
printf 'org: X\nstate_dir: %s/st\nkafka:\n  brokers: b:9093\n  properties:\n    security.protocol: sasl_ssl\n    sasl.mechanisms: SCRAM-SHA-512\n    sasl.username: agent\nfiles:\n  - /var/log/x.log\n' "$T" >"$T/bad.yaml"
expect_bad "SCRAM without password" "bad.yaml:6:5: kafka: sasl.mechanisms SCRAM-SHA-512 needs sasl.username and sasl.password"
{ base; printf 'redaction:\n  salt: {env: SOC_NO_SUCH_SALT}\n'; } >"$T/bad.yaml"
expect_bad "missing salt" "bad.yaml:8:15: 'redaction.salt': environment variable SOC_NO_SUCH_SALT is not set"
{ base; printf 'redaction:\n  salt: {file: %s}\n  patterns:\n    - name: x\n      regex: "a(b"\n' "$T/salt"; } >"$T/bad.yaml"
expect_bad "bad regex" "bad.yaml:11:14: redaction pattern 'x': invalid regex"
{ base; printf 'metrics:\n  listen: 127.0.0.1:http\n'; } >"$T/bad.yaml"
expect_bad "metrics address" "bad.yaml:8:11: 'metrics.listen': 'http' is not a port number"
printf 'org: X\nstate_dir: %s/st\nkafka:\n  brokers: b:9093\n  properties:\n    compression.type: lz5\nfiles:\n  - /var/log/x.log\n' "$T" >"$T/bad.yaml"
expect_bad "compression" "bad.yaml:6:23: kafka property 'compression.type'"
# Good: mTLS + SCRAM + zstd from config, certificates present.
touch "$T/ca.pem" "$T/agent.pem"
(umask 077 && touch "$T/agent.key")  # a private key: 0600 or refused
printf 'org: X\nstate_dir: %s/st\nkafka:\n  brokers: b:9093\n  properties:\n    security.protocol: sasl_ssl\n    sasl.mechanisms: SCRAM-SHA-512\n    sasl.username: agent\n    sasl.password: {file: %s}\n    ssl.ca.location: %s/ca.pem\n    ssl.certificate.location: %s/agent.pem\n    ssl.key.location: %s/agent.key\n    compression.type: zstd\nfiles:\n  - /var/log/x.log\n' "$T" "$T/salt" "$T" "$T" "$T" >"$T/good.yaml"
"$A" --check-config "$T/good.yaml" >/dev/null || fail "mTLS + SCRAM + zstd config rejected"
echo "agent_observability: ok"
