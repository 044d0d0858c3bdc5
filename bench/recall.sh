#!/usr/bin/env bash
# Detection coverage (not a test; issue 12): recall of the shipped rule pack over the labelled
# attack lines of fail2ban's test logs, and alerts per 10,000 benign lines (loghub's Thunderbird
# syslog sample and an Apache access log), measured by bench/recall_bench.cpp through the
# collector's DetectChain. With SIGMA=1 a second run adds the SigmaHQ rules imported from
# ../shared/data/sigma (as `socctl rules import-sigma` converts them).
#
#   bench/recall.sh
#   SIGMA=1 MISSES=3 bench/recall.sh   # with Sigma; print 3 missed lines per service
#
# Prints recall per service (file) and overall, the services below 0.5, the rules firing on the
# benign lines, and ends with fail2ban_recall= and benign_alerts_per_10k= lines. Without
# ../shared/data it says so and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
data=../shared/data
labelled=$data/fail2ban-testlogs
benign=("$data/loghub/Thunderbird/Thunderbird_2k.log" "$data/elastic-apache-access/apache_logs")
if [ ! -d "$labelled" ] || [ ! -f "${benign[0]}" ] || [ ! -f "${benign[1]}" ]; then
  echo "recall.sh: $data (fail2ban-testlogs, loghub, elastic-apache-access) is missing: no figures"
  exit 0
fi
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DSOC_BENCH=ON -DSOC_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench -j "$(nproc)" --target recall_bench socctl >/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=(--labelled "$labelled" --benign "${benign[0]}" --benign "${benign[1]}"
  --cache-dir "$tmp/cache" --misses "${MISSES:-0}")
echo "== shipped pack (rules/)"
build-bench/bin/recall_bench --rules rules "${args[@]}" | tee "$tmp/pack.txt"
if [ "${SIGMA:-0}" = 1 ]; then
  sigma=$data/sigma
  if [ -d "$sigma/rules" ]; then
    build-bench/bin/socctl rules import-sigma --quiet "$sigma/rules" "$sigma/rules-emerging-threats" \
      "$sigma/rules-threat-hunting" "$tmp/sigma" >"$tmp/import.txt" 2>&1 || true
    echo "== shipped pack + imported Sigma rules"
    build-bench/bin/recall_bench --rules rules --rules "$tmp/sigma" "${args[@]}" |
      sed -E 's/^(fail2ban_|benign_)/sigma_\1/'
  else
    echo "no $sigma/rules: no Sigma run"
  fi
fi
# The shipped pack's figures last.
grep -E '^(fail2ban_recall|benign_alerts_per_10k)=' "$tmp/pack.txt"
