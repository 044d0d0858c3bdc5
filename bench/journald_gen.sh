#!/usr/bin/env bash
# Generates a journal directory of N sshd-like entries for the agent's journald benchmark, with
# systemd-journal-remote (no running journald). Prints the last entry's cursor: the agent has
# shipped everything once its checkpoint holds that cursor.
#
#   bench/journald_gen.sh 200000 /tmp/jbench   # -> /tmp/jbench/bench*.journal (replaced)
#
# To measure (beside the file input): start a collector, then an agent whose config has only
#   journald: {directory: /tmp/jbench, start: beginning}
# and time from its start until `awk -F'\t' '$1 == "journald:/tmp/jbench" {print $2}'
# STATE_DIR/checkpoint` prints the cursor this script printed; entries/s = N / that time.
set -euo pipefail

n=${1:?usage: journald_gen.sh N DIR}
dir=${2:?usage: journald_gen.sh N DIR}
jr=/lib/systemd/systemd-journal-remote
[ -x "$jr" ] || jr=/usr/lib/systemd/systemd-journal-remote
[ -x "$jr" ] || { echo "journald_gen: install systemd-journal-remote" >&2; exit 1; }

mkdir -p "$dir"
# journal-remote rotates its output at about 55 MB: bench@*.journal files are ours too.
rm -f "$dir"/bench.journal "$dir"/bench@*.journal
start=$(date +%s%6N)
# One entry per microsecond from now; monotonic time follows realtime so the order is the same.
# %.0f, not %d: mawk's %d stops at 2^31.
awk -v n="$n" -v t="$start" 'BEGIN {
  for (i = 1; i <= n; i++) {
    printf "__REALTIME_TIMESTAMP=%.0f\n__MONOTONIC_TIMESTAMP=%.0f\n", t + i, t + i - 1700000000000000
    printf "_BOOT_ID=0123456789abcdef0123456789abcdef\n_HOSTNAME=bench01\n"
    printf "SYSLOG_IDENTIFIER=sshd\n_COMM=sshd\n_EXE=/usr/sbin/sshd\n_SYSTEMD_UNIT=ssh.service\n"
    printf "_PID=%d\n_UID=0\nPRIORITY=6\n", 1000 + i % 30000
    printf "MESSAGE=Failed password for invalid user u%d from 198.51.100.%d port %d ssh2\n\n", i, i % 250, 1024 + i % 60000
  } }' | "$jr" -o "$dir/bench.journal" - 2>/dev/null
journalctl --directory="$dir" -n 1 -o export | sed -n 's/^__CURSOR=//p'
