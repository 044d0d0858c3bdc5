#!/usr/bin/env bash
# The demo command: installs, builds, then runs the product on its embedded default:
# soc-collector with the embedded broker, soc-agent tailing a sample log, a few attacks appended,
# and the alerts they raise. Stops on Ctrl-C, or right away with --once.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
once=false
[ "${1:-}" = "--once" ] && once=true

scripts/install-deps.sh
scripts/build.sh

run="$root/demo-run"
rm -rf "$run"
mkdir -p "$run/logs" "$run/agent-state"
cp scripts/demo/sample-auth.log "$run/logs/auth.log"

cat > "$run/collector.yaml" <<YAML
log_level: info
kafka:
  brokers: embedded
embedded_broker:
  bootstrap_file: $run/kafka-bootstrap
store:
  path: $run/store
rules:
  dir: $root/rules
YAML
cat > "$run/agent.yaml" <<YAML
org: DEMO-STTTT
state_dir: $run/agent-state
kafka:
  brokers: embedded:$run/kafka-bootstrap
files:
  - path: $run/logs/auth.log
    start: beginning
YAML

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

build/bin/soc-collector --config "$run/collector.yaml" 2>"$run/collector.log" &
pids+=($!)
for _ in $(seq 100); do [ -s "$run/kafka-bootstrap" ] && break; sleep 0.1; done
[ -s "$run/kafka-bootstrap" ] || { cat "$run/collector.log"; echo "collector did not start" >&2; exit 1; }
build/bin/soc-agent --config "$run/agent.yaml" 2>"$run/agent.log" &
pids+=($!)

echo "demo: collector and agent running; logs in $run/*.log"
echo "demo: appending an SSH brute force from 203.0.113.45 and a sudo to a root shell"
# Syslog (RFC 3164) lines carry no zone: the collector reads them in decoders.timezone, by default
# Asia/Ho_Chi_Minh, as a host in a Vietnamese agency writes them.
now() { TZ=Asia/Ho_Chi_Minh date '+%b %e %H:%M:%S'; }
for i in $(seq 1 8); do
  echo "$(now) web01 sshd[31$i]: Failed password for root from 203.0.113.45 port $((40000 + i)) ssh2" >>"$run/logs/auth.log"
done
echo "$(now) web01 sudo:    alice : TTY=pts/1 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash" >>"$run/logs/auth.log"

export SOC_STORE="$run/store"
for _ in $(seq 300); do
  n=$(build/bin/socctl alerts list --format json 2>/dev/null | jq length 2>/dev/null || echo 0)
  [ "${n:-0}" -ge 2 ] && break
  sleep 0.1
done
build/bin/socctl alerts list
if $once; then
  exit 0
fi
echo
echo "demo: running. Append lines to $run/logs/auth.log and list alerts with:"
echo "  SOC_STORE=$run/store build/bin/socctl alerts list"
echo "demo: Ctrl-C stops everything."
wait
