#!/usr/bin/env bash
# Detection benchmark (not a test): events per second per core through decode + match + detector
# with the shipped rule pack plus the SigmaHQ rules imported from ../shared/data/sigma (when that
# folder is there), beside the raw Hyperscan block-scan rate of the same patterns over the same
# lines (the ceiling) and GNU grep -E -f over the same patterns.
#
# The 1M-line mix is built from the real logs in ../shared/data when the folder is there (an
# Apache access log, sshd and syslog from loghub, an Apache error log, plus generated auditd exec
# events: see SharedMix in detect_bench.cpp), else generated (attack-heavy: brute force from 20
# addresses, 5 % web attacks). With the real mix the generated one is measured too and printed
# with a `generated_` prefix.
#
#   bench/detect.sh
#   LINES=200000 bench/detect.sh
#
# Ends with name=value lines, including rules_compile_cold_s and rules_load_warm_s (rules loaded
# and engine built with an empty, then a warm, database cache), socctl_test_line_cold_s and
# socctl_test_line_warm_s (`socctl rules test` on one line, same two cases), mix,
# detect_eps_per_core, hyperscan_raw_lines_per_s, ratio_vs_raw and grep_lines_per_s.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DSOC_BENCH=ON -DSOC_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench -j "$(nproc)" --target detect_bench socctl >/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
lines=${LINES:-1000000}
rules=(--rules rules)
data=../shared/data
sigma=$data/sigma
if [ -d "$sigma/rules" ]; then
  build-bench/bin/socctl rules import-sigma "$sigma/rules" "$sigma/rules-emerging-threats" \
    "$sigma/rules-threat-hunting" "$tmp/sigma" >"$tmp/import.txt" 2>&1 || true
  grep -iE "converted|refused" "$tmp/import.txt" | tail -n 2 || true
  rules+=(--rules "$tmp/sigma")
else
  echo "no $sigma: measuring the shipped pack only"
fi

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
mix=generated
mix_args=()
if [ -f "$data/elastic-apache-access/apache_logs" ] && [ -d "$data/loghub" ]; then
  mix=shared
  mix_args=(--shared "$data")
fi
# One core: the figure is per core.
if [ "$mix" = shared ]; then
  echo "== generated mix"
  taskset -c 0 build-bench/bin/detect_bench "${rules[@]}" --lines "$lines" --rounds 5 |
    tee "$tmp/generated.txt"
fi
echo "== $mix mix"
taskset -c 0 build-bench/bin/detect_bench "${rules[@]}" "${mix_args[@]}" --lines "$lines" \
  --rounds 5 --dump-lines "$tmp/lines.txt" --dump-patterns "$tmp/patterns.ere" | tee "$tmp/out.txt"

# GNU grep over the same patterns: drop those it cannot read as POSIX ERE (PCRE-only syntax such
# as (?i), \d or \xNN, which ERE would misread, some as "match anything"), and give it the first
# 100k lines.
: >"$tmp/valid.ere"
skipped=0
while IFS= read -r p; do
  case "$p" in *'(?'* | *'\d'* | *'\D'* | *'\x'* | *'\A'* | *'\z'* | *'\Z'* | '') skipped=$((skipped + 1)); continue ;; esac
  if LC_ALL=C grep -E -e "$p" /dev/null >/dev/null 2>&1 || [ $? -eq 1 ]; then
    printf '%s\n' "$p" >>"$tmp/valid.ere"
  else
    skipped=$((skipped + 1))
  fi
done <"$tmp/patterns.ere"
head -n 100000 "$tmp/lines.txt" >"$tmp/grep-lines.txt"
n=$(wc -l <"$tmp/grep-lines.txt")
start=$(date +%s.%N)
if timeout 600 taskset -c 0 env LC_ALL=C grep -E -c -f "$tmp/valid.ere" "$tmp/grep-lines.txt" >"$tmp/grep.txt"; then
  end=$(date +%s.%N)
  grep_lps=$(awk -v n="$n" -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", n / (b - a) }')
else
  grep_lps=0
fi
printf 'grep_patterns=%s grep_patterns_skipped=%s grep_matching_lines=%s\n' \
  "$(wc -l <"$tmp/valid.ere")" "$skipped" "$(cat "$tmp/grep.txt" 2>/dev/null || echo -)"
printf 'grep_lines_per_s=%.0f\n' "$grep_lps"
if [ "$mix" = shared ]; then
  grep -E '^(detect_eps_per_core|ratio_vs_raw)=' "$tmp/generated.txt" | sed 's/^/generated_/'
fi
# The rule author's loop: `socctl rules test` on one line with the same rules, cold then warm.
printf 'Nov 23 10:00:01 web01 sshd[1]: Failed password for root from 203.0.113.9 port 1 ssh2\n' \
  >"$tmp/one.log"
# socctl takes one rule directory: the pack and the Sigma rules side by side in one.
mkdir -p "$tmp/all"
cp -r rules "$tmp/all/pack"
if [ -d "$tmp/sigma" ]; then cp -r "$tmp/sigma" "$tmp/all/sigma"; fi
for run in cold warm; do
  start=$(date +%s.%N)
  build-bench/bin/socctl rules test --rules "$tmp/all" --cache-dir "$tmp/socctl-cache" \
    "$tmp/one.log" >/dev/null
  end=$(date +%s.%N)
  awk -v r="$run" -v a="$start" -v b="$end" 'BEGIN { printf "socctl_test_line_%s_s=%.2f\n", r, b - a }'
done
echo "mix=$mix"
grep -E '^(rules_compile_cold_s|rules_load_warm_s)=' "$tmp/out.txt"
grep -E '^(decode_eps|match_only_eps|detect_eps_per_core|hyperscan_raw_lines_per_s|ratio_vs_raw)=' \
  "$tmp/out.txt"
detect=$(sed -n 's/^detect_eps_per_core=//p' "$tmp/out.txt")
awk -v d="$detect" -v g="$grep_lps" 'BEGIN { printf "ratio_vs_grep=%.1f\n", (g > 0 ? d / g : 0) }'
