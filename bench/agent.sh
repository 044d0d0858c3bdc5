#!/usr/bin/env bash
# Benchmark (not a test): ships one generated 1M-line syslog file (sshd, sudo, cron and kernel
# lines, about 120 bytes each) to a librdkafka mock cluster on loopback, in the same run and
# against the same brokers, with:
#   - soc-agent (file tail, envelope JSON, lz4, idempotent acks=all, checkpoints every second);
#   - Debian's rsyslog with rsyslog-kafka (imfile -> omkafka, lz4, a JSON template of the same
#     fields: host, read time, source, message);
#   - kcat -P -l (no envelope, no checkpoint): the raw ceiling of librdkafka on this machine.
# For each: wall seconds until the last line is in the topic, CPU seconds (user + system, all
# threads), lines per CPU-second and peak RSS (GNU time). Ends with name=value lines.
#
#   bench/agent.sh [BUILD_DIR]        (default: ./build; needs soc-agent and soc-test-broker)
# Env: LINES=1000000, KEEP=1 keeps the work directory.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=$(cd "${1:-build}" && pwd)
BIN="$BUILD/bin"
LINES=${LINES:-1000000}
for p in "$BIN/soc-agent" "$BIN/soc-test-broker"; do
  [ -x "$p" ] || { echo "bench: $p missing: build first (scripts/build.sh)" >&2; exit 1; }
done

# Peers: rsyslog with its Kafka output, GNU time. Installed here only, not by install-deps.
need=()
for p in rsyslog rsyslog-kafka kcat time bc systemd-journal-remote; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "bench: install ${need[*]} (as root)" >&2; exit 1; }
  echo "bench: installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null; }
fi

W=$(mktemp -d /tmp/soc-bench.XXXXXX)
BROKER_PID=""
cleanup() {
  [ -z "$BROKER_PID" ] || kill "$BROKER_PID" 2>/dev/null || true
  [ "${KEEP:-0}" = 1 ] || rm -rf "$W"
}
trap cleanup EXIT

echo "bench: generating $LINES lines"
awk -v n="$LINES" 'BEGIN {
  srand(20261123)
  split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", mon, " ")
  for (i = 1; i <= n; i++) {
    t = sprintf("%s %2d %02d:%02d:%02d", mon[11], 23, int(i / 36000) % 24, int(i / 600) % 60, int(i / 10) % 60)
    h = sprintf("web%02d", i % 17)
    k = i % 10
    ip = sprintf("203.0.%d.%d", int(rand() * 255), int(rand() * 255))
    if (k < 4)
      printf "%s %s sshd[%d]: Failed password for invalid user admin%d from %s port %d ssh2\n", t, h, 1000 + i % 30000, i % 97, ip, 30000 + i % 30000
    else if (k < 6)
      printf "%s %s sshd[%d]: Accepted publickey for deploy from %s port %d ssh2: ED25519 SHA256:Xy%06d\n", t, h, 1000 + i % 30000, ip, 30000 + i % 30000, i % 999999
    else if (k < 8)
      printf "%s %s sudo:   deploy : TTY=pts/%d ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/systemctl restart app%d\n", t, h, i % 9, i % 50
    else if (k < 9)
      printf "%s %s CRON[%d]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=%d)\n", t, h, 2000 + i % 30000, i % 3
    else
      printf "%s %s kernel: [%d.%06d] [UFW BLOCK] IN=eth0 OUT= SRC=%s DST=10.0.0.%d PROTO=TCP DPT=%d\n", t, h, i / 100, i % 1000000, ip, i % 250, 1 + i % 65535
  }
}' >"$W/bench.log"
bytes=$(stat -c %s "$W/bench.log")
echo "bench: $(wc -l <"$W/bench.log") lines, $((bytes / LINES)) bytes per line on average"

"$BIN/soc-test-broker" --bootstrap-file "$W/bootstrap" --topic bench.agent:4 --topic bench.rsyslog:4 \
  --topic bench.kcat:4 --topic bench.journald:4 --topic soc.agents:1 2>"$W/broker.log" &
BROKER_PID=$!
for _ in $(seq 100); do [ -s "$W/bootstrap" ] && break; sleep 0.1; done
BS=$(cat "$W/bootstrap")

# Messages in a topic: the sum of its partitions' end offsets.
in_topic() {
  kcat -Q -b "$BS" -t "$1:0:-1" -t "$1:1:-1" -t "$1:2:-1" -t "$1:3:-1" 2>/dev/null |
    awk '/offset/ { s += $NF } END { print s + 0 }'
}

# run NAME TOPIC COMMAND...: runs the command under GNU time until TOPIC holds every line (or the
# command exits), stops it with SIGTERM, and records wall, CPU and peak RSS.
declare -A WALL CPU RSS
# TARGET (default LINES) is how many messages make the run complete.
run() {
  local name=$1 topic=$2 want=${TARGET:-$LINES}
  shift 2
  echo "bench: $name"
  local start end pid
  start=$(date +%s.%N)
  /usr/bin/time -v -o "$W/$name.time" "$@" >"$W/$name.out" 2>"$W/$name.err" &
  pid=$!
  local deadline=$((SECONDS + 600))
  until [ "$(in_topic "$topic")" -ge "$want" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    [ $SECONDS -lt $deadline ] || { echo "bench: $name did not finish in 600 s" >&2; break; }
    sleep 0.1
  done
  end=$(date +%s.%N)
  local got
  got=$(in_topic "$topic")
  # /usr/bin/time's child is the measured process: signal it, then let time report.
  pkill -TERM -P "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ "$got" -ge "$want" ] || echo "bench: WARNING: $name delivered only $got of $want lines" >&2
  WALL[$name]=$(printf '%.2f' "$(echo "$end - $start" | bc -l)")
  CPU[$name]=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.2f", u + s }' "$W/$name.time")
  RSS[$name]=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$W/$name.time")
  printf '  %-8s wall %6.2f s  cpu %6.2f s  %9.0f lines/cpu-s  peak rss %6d KiB  (%s lines in %s)\n' \
    "$name" "${WALL[$name]}" "${CPU[$name]}" "$(echo "$want / ${CPU[$name]}" | bc -l)" "${RSS[$name]}" "$got" "$topic"
}

# soc-agent: the shipped defaults (checkpoint every second, spool on, lz4), its own topic.
cat >"$W/agent.yaml" <<YAML
org: BENCH
host: bench.example.gov.vn
state_dir: $W/agent-state
log_level: warn
kafka:
  brokers: embedded:$W/bootstrap
topic: bench.agent
files:
  - path: $W/bench.log
    start: beginning
YAML
run agent bench.agent "$BIN/soc-agent" --config "$W/agent.yaml"

# rsyslog: imfile -> omkafka, lz4, a JSON message like the envelope.
mkdir -p "$W/rsyslog"
cat >"$W/rsyslog.conf" <<CONF
global(workDirectory="$W/rsyslog" maxMessageSize="64k")
module(load="imfile")
module(load="omkafka")
template(name="envelope" type="list") {
  constant(value="{\"host\":\"") property(name="hostname" format="json")
  constant(value="\",\"ts\":\"") property(name="timegenerated" dateFormat="rfc3339")
  constant(value="\",\"src\":\"file:$W/bench.log\",\"msg\":\"") property(name="msg" format="json")
  constant(value="\"}")
}
input(type="imfile" File="$W/bench.log" Tag="bench" ruleset="tokafka" freshStartTail="off")
ruleset(name="tokafka") {
  action(type="omkafka" broker=["$BS"] topic="bench.rsyslog" template="envelope"
         confParam=["compression.codec=lz4", "queue.buffering.max.ms=20"])
}
CONF
run rsyslog bench.rsyslog rsyslogd -n -f "$W/rsyslog.conf" -i "$W/rsyslog.pid"

# kcat: one message per line, lz4, nothing else: the ceiling.
run kcat bench.kcat kcat -P -b "$BS" -t bench.kcat -z lz4 -l "$W/bench.log"

# journald: the same agent reading a journal of JOURNAL_LINES sshd-like entries, written with
# systemd-journal-remote (no running journald needed), to its own topic.
JLINES=${JOURNAL_LINES:-200000}
"$(dirname "$0")/journald_gen.sh" "$JLINES" "$W/journal" >/dev/null
cat >"$W/agent-journald.yaml" <<YAML
org: BENCH
host: bench.example.gov.vn
state_dir: $W/agent-journald-state
log_level: warn
kafka:
  brokers: embedded:$W/bootstrap
topic: bench.journald
journald:
  directory: $W/journal
  start: beginning
YAML
TARGET=$JLINES run journald bench.journald "$BIN/soc-agent" --config "$W/agent-journald.yaml"

cpu_model=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
echo
echo "machine: $(nproc) cores ($cpu_model), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"), librdkafka $(dpkg-query -W -f='${Version}' librdkafka1 2>/dev/null)"
for n in agent rsyslog kcat; do
  echo "${n}_wall_s=${WALL[$n]}"
  echo "${n}_cpu_s=${CPU[$n]}"
  printf '%s_lines_per_cpu_s=%.0f\n' "$n" "$(echo "$LINES / ${CPU[$n]}" | bc -l)"
  echo "${n}_peak_rss_kib=${RSS[$n]}"
done
printf 'ratio_vs_rsyslog=%.2f\n' "$(echo "${CPU[rsyslog]} / ${CPU[agent]}" | bc -l)"
echo "journald_entries=$JLINES"
echo "journald_wall_s=${WALL[journald]}"
echo "journald_cpu_s=${CPU[journald]}"
printf 'journald_entries_per_cpu_s=%.0f\n' "$(echo "$JLINES / ${CPU[journald]}" | bc -l)"
echo "journald_peak_rss_kib=${RSS[journald]}"
