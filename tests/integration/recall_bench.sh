#!/usr/bin/env bash
# bench/recall_bench on a small fixture (tests/data/recall) with its own rules, so the tool that
# measures detection coverage (bench/recall.sh) cannot rot: entries of fail2ban's test log format,
# a threshold alert counting the lines it folds, a multi-line entry, quiet entries, a file
# without labels, and the alert count over benign lines.
source "$(dirname "$0")/lib.sh"

data=$SOC_SRC/tests/data/recall
"$SOC_BIN/recall_bench" --rules "$data/rules" --labelled "$data/labelled" \
  --benign "$data/benign.log" --misses 5 >"$T/out.txt" 2>&1 ||
  fail "recall_bench failed: $(cat "$T/out.txt")"
cat "$T/out.txt"
expect() {
  grep -qxE "$1" "$T/out.txt" || fail "no line matching '$1' in: $(cat "$T/out.txt")"
}
# service attacks detected recall quiet alerted
expect 'sshd +6 +5 +0\.833 +2 +1'
expect '    missed: .*Failed password for root from 198\.51\.100\.7 .*'
expect 'services below 0\.5 \(0\):'
if grep -q '^unlabelled' "$T/out.txt"; then fail "a file without failJSON was counted"; fi
expect 'benign .*benign\.log: 4 lines, 1 alerts'
expect ' +2 fixture-ssh-root-login'
expect 'fail2ban_entries=6'
expect 'fail2ban_detected=5'
expect 'fail2ban_quiet_alerted=1'
expect 'fail2ban_recall=0\.833'
expect 'benign_alerts_per_10k=2500\.00'
[ "$(tail -n 1 "$T/out.txt")" = "benign_alerts_per_10k=2500.00" ] || fail "not the last line"
echo "PASS recall_bench"
