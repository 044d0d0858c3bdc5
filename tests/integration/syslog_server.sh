#!/usr/bin/env bash
# The agent's syslog server accepts RFC 3164 and RFC 5424 over UDP, TCP (newline framing and octet
# counting) and TLS (with and without client certificates); every message reaches soc.events with
# its sender as `peer`, and an SSH brute force forwarded over syslog raises ssh-brute-force with the
# attacker's address. Senders are Debian base tools: logger (util-linux) and openssl s_client.
source "$(dirname "$0")/lib.sh"

command -v logger >/dev/null || fail "logger (util-linux bsdutils) is needed"
command -v openssl >/dev/null || fail "the openssl command is needed (scripts/install-deps.sh)"

# Throwaway CA, server certificate for 127.0.0.1 and a client certificate, made for this run.
tls="$T/tls"
mkdir -p "$tls"
(
  cd "$tls"
  ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.pem -days 1 -subj "/CN=soc test CA"
  openssl req "${ec[@]}" -keyout server.key -out server.csr -subj "/CN=127.0.0.1"
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 \
    -extfile server.ext -out server.pem
  openssl req "${ec[@]}" -keyout client.key -out client.csr -subj "/CN=router01.example.gov.vn"
  openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 \
    -out client.pem
) >"$T/openssl.log" 2>&1 || fail "could not make test certificates: $(cat "$T/openssl.log")"

# Five ports in a row, starting somewhere random below the kernel's ephemeral range (outgoing
# connections never take those): parallel runs rarely collide, and a port some other process
# listens on ("Address already in use") is met by picking five others and trying again.
read -r ephemeral_low _ </proc/sys/net/ipv4/ip_local_port_range
pick_ports() {
  local span=$((ephemeral_low > 12000 ? ephemeral_low - 10010 : 20000))
  local base=$((10000 + RANDOM % span))
  udp_port=$base tcp_port=$((base + 1)) oct_port=$((base + 2)) tls_port=$((base + 3)) mtls_port=$((base + 4))
}
pick_ports

write_collector_config
write_syslog_agent_config() {
  cat >"$T/agent.yaml" <<YAML
org: TEST-ORG
host: syslog-relay.example.gov.vn
state_dir: $T/agent-state
kafka:
  brokers: embedded:$T/bootstrap
limits:
  checkpoint_interval_ms: 200
syslog:
  - protocol: udp
    listen: 127.0.0.1:$udp_port
  - protocol: tcp
    listen: 127.0.0.1:$tcp_port
  - protocol: tcp
    listen: 127.0.0.1:$oct_port
    framing: octet-counting
  - protocol: tls
    listen: 127.0.0.1:$tls_port
    tls: {cert: $tls/server.pem, key: $tls/server.key}
  - protocol: tls
    listen: 127.0.0.1:$mtls_port
    tls: {cert: $tls/server.pem, key: $tls/server.key, ca: $tls/ca.pem}
YAML
}
write_syslog_agent_config
"$SOC_BIN/soc-agent" --check-config "$T/agent.yaml" >/dev/null || fail "agent config rejected"

# A missing certificate stops the agent at start-up with the listener named (the listeners before
# it bind their ports first).
for attempt in 1 2 3 4 5; do
  sed "s|$tls/server.pem, key: $tls/server.key}|$tls/nope.pem, key: $tls/server.key}|" \
    "$T/agent.yaml" >"$T/bad-agent.yaml"
  set +e
  timeout 120 "$SOC_BIN/soc-agent" --config "$T/bad-agent.yaml" 2>"$T/bad-agent.out"
  rc=$?
  set -e
  grep -q "already in use" "$T/bad-agent.out" || break
  pick_ports
  write_syslog_agent_config
done
[ $rc -ne 0 ] && grep -q "syslog tls listener 127.0.0.1:$tls_port: certificate $tls/nope.pem" \
  "$T/bad-agent.out" || fail "missing certificate not reported (rc $rc): $(cat "$T/bad-agent.out")"

start_collector
listening() { [ "$(grep -c ": listening (max message" "$T/agent.log")" -ge 5 ]; }
listening_or_dead() { listening || ! kill -0 "$AGENT_PID" 2>/dev/null; }
for attempt in 1 2 3 4 5; do
  : >"$T/agent.log"
  start_agent
  wait_until 60 listening_or_dead || fail "the agent's syslog listeners did not start"
  listening && break
  wait "$AGENT_PID" || true
  AGENT_PID=""
  grep -q "already in use" "$T/agent.log" || fail "the agent did not start: $(tail -n 5 "$T/agent.log")"
  pick_ports
  write_syslog_agent_config
done
listening || fail "no free ports for the syslog listeners in 5 attempts"

expected=()     # "peer-prefix<TAB>message" for every message sent, checked in soc.events below
expect() { expected+=("$1"$'\t'"$2"); }
log() { logger --server 127.0.0.1 "$@"; }

# UDP: RFC 3164 and RFC 5424, one datagram each.
log --port $udp_port --udp --rfc3164 -t cron --id=501 -p cron.info "udp bsd message"
expect "udp:127.0.0.1:" "udp bsd message"
log --port $udp_port --udp --rfc5424 -t app --id=502 -p user.notice "udp ietf message"
expect "udp:127.0.0.1:" "udp ietf message"

# TCP, newline framing (logger's default over TCP), both formats.
printf 'tcp bsd line %s\n' 1 2 3 | log --port $tcp_port --tcp --rfc3164 -t app --id=503
for i in 1 2 3; do expect "tcp:127.0.0.1:" "tcp bsd line $i"; done
log --port $tcp_port --tcp --rfc5424 -t app --id=504 "tcp ietf line"
expect "tcp:127.0.0.1:" "tcp ietf line"

# TCP, RFC 6587 octet counting: on the auto listener and on the octet-counting one.
printf 'octet auto %s\n' 1 2 | log --port $tcp_port --tcp --octet-count --rfc5424 -t app --id=505
for i in 1 2; do expect "tcp:127.0.0.1:" "octet auto $i"; done
printf 'octet forced %s\n' 1 2 | log --port $oct_port --tcp --octet-count --rfc3164 -t app --id=506
for i in 1 2; do expect "tcp:127.0.0.1:" "octet forced $i"; done

# SSH brute force from one address, forwarded over TCP as sshd on a router would.
for i in $(seq 1 8); do
  echo "Failed password for root from 203.0.113.77 port $((41000 + i)) ssh2"
done | log --port $tcp_port --tcp --rfc3164 -t sshd --id=4242 -p auth.info
for i in $(seq 1 8); do expect "tcp:127.0.0.1:" "Failed password for root from 203.0.113.77 port $((41000 + i)) ssh2"; done

# TLS: newline framing and octet counting over one connection, both formats.
tls_send() { # PORT [s_client options...] < messages
  local port=$1
  shift
  timeout 60 openssl s_client -quiet -no_ign_eof -connect 127.0.0.1:"$port" -CAfile "$tls/ca.pem" \
    -verify_return_error "$@" >/dev/null 2>>"$T/s_client.log"
}
m5424="<14>1 $(date -u +%Y-%m-%dT%H:%M:%SZ) fw01 filterlog 77 - - tls ietf counted"
{
  echo "<38>$(syslog_now) fw01 sshd[900]: tls bsd line"
  printf '%d %s' "${#m5424}" "$m5424"
  echo "<38>$(syslog_now) fw01 sshd[900]: tls after counted"
} | tls_send $tls_port || fail "openssl s_client could not send over TLS: $(cat "$T/s_client.log")"
expect "tls:127.0.0.1:" "tls bsd line"
expect "tls:127.0.0.1:" "tls ietf counted"
expect "tls:127.0.0.1:" "tls after counted"

# Mutual TLS: a client certificate from the CA gets in; a client without one does not.
echo "<38>$(syslog_now) fw02 app: mtls with client cert" |
  tls_send $mtls_port -cert "$tls/client.pem" -key "$tls/client.key" ||
  fail "mutual TLS with a client certificate failed: $(cat "$T/s_client.log")"
expect "tls:127.0.0.1:" "mtls with client cert"
echo "<38>$(syslog_now) fw02 app: mtls WITHOUT client cert" | tls_send $mtls_port || true

# Every message in soc.events exactly as sent: src names the listener, peer the sender.
# (A kcat read takes about a second: the last one also lets any unexpected extra arrive.)
events_have_all() {
  events_dump | { grep '"src":"syslog:' || true; } >"$T/events.jsonl"
  [ "$(wc -l <"$T/events.jsonl")" -ge ${#expected[@]} ]
}
wait_until 120 events_have_all ||
  fail "expected ${#expected[@]} syslog events, got: $(cat "$T/events.jsonl")"
events_dump | grep '"src":"syslog:' >"$T/events.jsonl"
[ "$(wc -l <"$T/events.jsonl")" -eq ${#expected[@]} ] ||
  fail "expected ${#expected[@]} syslog events, got $(wc -l <"$T/events.jsonl"): $(cat "$T/events.jsonl")"
for e in "${expected[@]}"; do
  peer=${e%%$'\t'*} text=${e#*$'\t'}
  match=$(jq -c --arg t "$text" 'select(.msg | endswith($t))' "$T/events.jsonl")
  [ "$(echo "$match" | grep -c .)" = 1 ] || fail "'$text' should be in soc.events once: $match"
  echo "$match" | jq -e --arg p "$peer" '.peer | startswith($p) and test(":[0-9]+$")' >/dev/null ||
    fail "'$text' has the wrong peer (want $peer...): $match"
  echo "$match" | jq -e '.msg | startswith("<")' >/dev/null || fail "'$text' lost its <PRI>: $match"
  proto=${peer%%:*}
  echo "$match" | jq -e --arg s "syslog:$proto:127.0.0.1:" '.src | startswith($s)' >/dev/null ||
    fail "'$text' has the wrong src: $match"
done
# RFC 5424 kept as received, structured data and all.
jq -s -e 'map(select(.msg | endswith("udp ietf message")))[0].msg |
  test("^<13>1 [0-9T:.+-]+ [^ ]+ app 502 - \\[timeQuality ")' "$T/events.jsonl" >/dev/null || fail "RFC 5424 message altered: $(grep 'udp ietf' "$T/events.jsonl")"
# The TLS sender's two listeners differ: src names each.
jq -s -e --arg s "syslog:tls:127.0.0.1:$mtls_port" \
  'map(select(.msg | endswith("mtls with client cert")))[0].src == $s' "$T/events.jsonl" \
  >/dev/null || fail "mTLS event has the wrong src"

# The brute force, decoded from the forwarded syslog lines, is an alert on the attacker's address.
brute_alert() { [ "$(rule_alerts ssh-brute-force)" -ge 1 ]; }
wait_until 120 brute_alert || fail "no ssh-brute-force alert from syslog input: $(alerts_json)"
alerts_json | jq -e '[.[] | select(.rule_id == "ssh-brute-force") | .group[] |
  select(.key == "source.ip" and .value == "203.0.113.77")] | length == 1' >/dev/null ||
  fail "ssh-brute-force alert lacks source.ip 203.0.113.77: $(alerts_json)"

# Counters at shutdown: the client without a certificate failed its handshake; nothing dropped.
# (The server may finish that handshake after s_client has returned: wait for its log line.)
handshake_failed() { grep -q "TLS handshake with .* failed" "$T/agent.log"; }
wait_until 60 handshake_failed || fail "the handshake without a client certificate did not fail"
kill -TERM "$AGENT_PID"
wait "$AGENT_PID" || fail "agent exited with status $? on SIGTERM"
AGENT_PID=""
grep -q "tls_handshake_failures=1" "$T/agent.log" || fail "handshake failure not counted"
grep -q "dropped_queue_full=0" "$T/agent.log" || fail "messages dropped"
echo "syslog_server: ok (${#expected[@]} messages over udp, tcp newline, tcp octet-counting, tls, mtls)"
