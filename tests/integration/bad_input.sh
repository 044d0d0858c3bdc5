#!/usr/bin/env bash
# Bad configuration and bad rules give one clear message naming the file (and line), and a
# non-zero exit, never a crash.
source "$(dirname "$0")/lib.sh"

# expect_error WHAT PATTERN COMMAND...: the command fails (not by a signal) and its stderr
# matches PATTERN.
expect_error() {
  local what=$1 pattern=$2
  shift 2
  set +e
  "$@" >"$T/out.txt" 2>"$T/err.txt"
  local rc=$?
  set -e
  [ $rc -ne 0 ] || fail "$what: exit status 0"
  [ $rc -lt 128 ] || fail "$what: killed by signal $((rc - 128))"
  grep -qE "$pattern" "$T/err.txt" || fail "$what: stderr does not match '$pattern': $(cat "$T/err.txt")"
  echo "ok: $what: $(head -n 3 "$T/err.txt" | tr '\n' ' ')"
}

A="$SOC_BIN/soc-agent"
C="$SOC_BIN/soc-collector"

expect_error "agent: missing config" "$T/nope.yaml: cannot open" "$A" --config "$T/nope.yaml"
printf 'org: X\nstate_dir: /tmp\nkafka: [unclosed\n' >"$T/syntax.yaml"
expect_error "agent: YAML syntax" "$T/syntax.yaml:[0-9]+:[0-9]+: YAML syntax error" "$A" --config "$T/syntax.yaml"
printf 'org: X\nstate_dir: %s/st\nkafka:\n  brokers: embedded:%s/b\nfiles:\n  - path: /var/log/x\nfilez: 1\n' "$T" "$T" >"$T/unknown.yaml"
expect_error "agent: unknown key" "$T/unknown.yaml:7:1: unknown key 'filez'" "$A" --config "$T/unknown.yaml"
printf 'org: X\nstate_dir: %s/st\nkafka:\n  brokers: embedded:%s/b\nfiles:\n  - path: relative.log\n' "$T" "$T" >"$T/rel.yaml"
expect_error "agent: relative path" "$T/rel.yaml:6:5: file path must be absolute" "$A" --check-config "$T/rel.yaml"

# An unreadable log file: a directory where a file is expected, and (when not root-exempt) a
# file without read permission.
mkdir -p "$T/adir"
printf 'org: X\nstate_dir: %s/st\nkafka:\n  brokers: embedded:%s/b\nfiles:\n  - path: %s/adir\n' "$T" "$T" "$T" >"$T/dir.yaml"
expect_error "agent: log path is a directory" "$T/adir: is a directory" "$A" --config "$T/dir.yaml"
(umask 777 && echo secret >"$T/noperm.log") # unreadable from its creation on
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
  chmod 777 "$T"
  (umask 022 && printf 'org: X\nstate_dir: %s/st2\nkafka:\n  brokers: embedded:%s/b\nfiles:\n  - path: %s/noperm.log\n' "$T" "$T" "$T" >"$T/perm.yaml")
  expect_error "agent: permission denied" "$T/noperm.log: cannot open for reading: Permission denied" \
    setpriv --reuid=65534 --regid=65534 --clear-groups "$A" --config "$T/perm.yaml"
fi

# The agent's check mode accepts a valid file.
printf 'org: X\nstate_dir: %s/st\nkafka:\n  brokers: embedded:%s/b\nfiles:\n  - /var/log/auth.log\n' "$T" "$T" >"$T/good.yaml"
"$A" --check-config "$T/good.yaml" >/dev/null || fail "agent: valid config rejected"

# Collector: missing config, bad rules.
expect_error "collector: missing config" "$T/nope.yaml: cannot open" "$C" --config "$T/nope.yaml"
mkdir -p "$T/rules-syntax" "$T/rules-regex"
printf -- '- id: broken\n  title: x\n  severity: high\n  match: {message: [unclosed\n' >"$T/rules-syntax/bad.yml"
printf -- '- id: ok-rule\n  title: fine\n  severity: low\n  match:\n    message: {contains: hello}\n- id: bad-regex\n  title: bad\n  severity: high\n  match:\n    message: {regex: "a(b"}\n' >"$T/rules-regex/rules.yml"
RULES_DIR="$T/rules-syntax" write_collector_config
expect_error "collector: rule YAML syntax" "$T/rules-syntax/bad.yml:[0-9]+:[0-9]+" "$C" --config "$T/collector.yaml"
RULES_DIR="$T/rules-regex" write_collector_config
expect_error "collector: rule regex error" "$T/rules-regex/rules.yml:[0-9]+:[0-9]+.*bad-regex|$T/rules-regex/rules.yml:(6|10|11)" "$C" --config "$T/collector.yaml"
# --skip-broken-rules loads the rest and reports what it skipped.
"$C" --check-config "$T/collector.yaml" --skip-broken-rules >"$T/out.txt" 2>"$T/err.txt" ||
  fail "collector: --skip-broken-rules should accept the valid rule: $(cat "$T/err.txt")"
grep -q "1 rules" "$T/out.txt" || fail "collector: expected 1 rule loaded: $(cat "$T/out.txt")"
grep -q "rules-regex/rules.yml" "$T/err.txt" || fail "collector: skipped rule not reported: $(cat "$T/err.txt")"

# A broken user decoder names its file and line.
mkdir -p "$T/decoders"
printf 'decoders:\n  - name: bad\n    regex: "(?<user>unclosed"\n' >"$T/decoders/bad.yml"
write_collector_config
printf 'decoders:\n  dir: %s/decoders\n' "$T" >>"$T/collector.yaml"
expect_error "collector: user decoder regex error" "$T/decoders/bad.yml:[0-9]+:[0-9]+" "$C" --check-config "$T/collector.yaml"

# An unknown time zone for zone-less timestamps names the line.
write_collector_config
printf 'decoders:\n  timezone: Asia/Hanoi_City\n' >>"$T/collector.yaml"
expect_error "collector: unknown time zone" "$T/collector.yaml:[0-9]+:[0-9]+: unknown time zone 'Asia/Hanoi_City'" \
  "$C" --check-config "$T/collector.yaml"

# socctl on a store that does not exist.
expect_error "socctl: missing store" "$T/no-store" "$SOC_BIN/socctl" alerts list --store "$T/no-store"
echo "bad_input: ok"
