#!/usr/bin/env bash
# Nothing that came from a log reaches the analyst's terminal raw: lines carrying an OSC sequence
# (it retitles the terminal), NEL, 8-bit CSI, DEL, a right-to-left override, a line separator, a
# zero-width space and a BOM, in a field value and in a JSON field name, go through a real
# collector into the store; `socctl rules test` and `socctl alerts list|show` in text and JSON
# then show them escaped, and the JSON still decodes to the original text.
source "$(dirname "$0")/lib.sh"

CTL="$SOC_BIN/socctl"

# Bytes a terminal acts on: C0 (ESC, BEL...; a line break cannot be on a grep line), DEL, C1 as
# UTF-8, U+200B..U+200F, U+2028..U+202E, U+2066..U+2069, U+FEFF.
UNSAFE='[\x00-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8b-\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]|\xef\xbb\xbf'
assert_escaped() { # FILE WHAT
  if LC_ALL=C grep -naP "$UNSAFE" "$1" >"$T/unsafe.txt"; then
    fail "$2: raw terminal controls in the output: $(head -c 600 "$T/unsafe.txt" | od -c | head -20)"
  fi
  [ -s "$1" ] || fail "$2: no output"
}
# The decoded JSON holds the hostile text again (so the test did carry it through).
assert_carries_hostile() { # FILE WHAT
  LC_ALL=C grep -qaP '\x1b\]0;pwned\x07' "$1" || fail "$2: the OSC sequence is not in the data"
  LC_ALL=C grep -qaP '\xc2\x85' "$1" || fail "$2: NEL is not in the data"
  LC_ALL=C grep -qaP '\xe2\x80\xae' "$1" || fail "$2: U+202E is not in the data"
}

# The hostile text, as raw bytes and as JSON \u escapes (for inside a JSON log line).
H=$(printf '\033]0;pwned\007 \302\205 \302\2332J \177 \342\200\256txt \342\200\250 \342\200\213 \357\273\277end')
HJ='\u001b]0;pwned\u0007 \u0085 \u009b2J \u007f \u202etxt \u2028 \u200b \ufeffend'

mkdir -p "$T/rules"
# A rule title from a user rule file may carry the same (YAML escapes).
cat >"$T/rules/hostile.yml" <<'YML'
- id: hostile-marker
  title: "Marker \e]0;rule-title\a \u0085 \u202E"
  severity: high
  match:
    message: {contains: soc-escape-marker}
  group_by: [user.name]
YML
{
  printf 'Nov 23 12:00:00 web01 app[1]: soc-escape-marker raw %s\n' "$H"
  printf '{"message":"soc-escape-marker json","user":{"name":"%s"},"%s":"%s"}\n' "$HJ" "$HJ" "$HJ"
} >"$T/hostile.log"

# --- rules test ---------------------------------------------------------------------------------
"$CTL" rules test --rules "$T/rules" "$T/hostile.log" >"$T/test.txt" 2>&1 || fail "rules test (text)"
assert_escaped "$T/test.txt" "rules test text"
grep -qF '\x1b]0;pwned\x07 \u0085 \u009b2J \x7f \u202etxt \u2028 \u200b \ufeffend' "$T/test.txt" ||
  fail "rules test text: the escapes are not shown: $(cat "$T/test.txt")"
# The JSON line's field name is escaped too (it used to be printed raw).
grep -qF '  \x1b]0;pwned\x07 \u0085' "$T/test.txt" || fail "rules test text: field name: $(cat "$T/test.txt")"
"$CTL" rules test --rules "$T/rules" --format json "$T/hostile.log" >"$T/test.json" 2>&1 ||
  fail "rules test (json)"
assert_escaped "$T/test.json" "rules test json"
jq -r '.fields | to_entries[] | "\(.key)=\(.value)"' "$T/test.json" >"$T/test.decoded" ||
  fail "rules test json does not parse: $(cat "$T/test.json")"
assert_carries_hostile "$T/test.decoded" "rules test json"
[ "$(jq -r 'select(.n == 2) | .fields["user.name"]' "$T/test.json")" = "$H" ] ||
  fail "rules test json: user.name does not decode to the original text"

# --- alerts in a store --------------------------------------------------------------------------
RULES_DIR="$T/rules" write_collector_config
start_collector
now=$(date --iso-8601=seconds)
n=0
while IFS= read -r line; do
  n=$((n + 1))
  jq -nc --arg m "$line" --argjson seq "$n" --arg ts "$now" \
    '{v:1, agent:"it-agent", host:"web01", org:"TEST-ORG", src:"file:/var/log/app.log", seq:$seq, ts:$ts, msg:$m}' |
    jq -r '"\(.agent)\t\(. | tojson)"'
done <"$T/hostile.log" >"$T/publish.tsv"
kcat -P -b "$(cat "$T/bootstrap")" -t soc.events -K '\t' -l "$T/publish.tsv" || fail "kcat could not publish"
two_alerts() { [ "$(rule_alerts hostile-marker)" = 2 ]; }
wait_until 30 two_alerts || fail "expected 2 hostile-marker alerts, got: $(alerts_json)"

"$CTL" alerts list >"$T/list.txt" 2>&1 || fail "alerts list"
assert_escaped "$T/list.txt" "alerts list"
grep -qF 'Marker \x1b]0;rule-title\x07 \u0085 \u202e' "$T/list.txt" || fail "alerts list title: $(cat "$T/list.txt")"
"$CTL" alerts list --format json >"$T/list.json" 2>&1 || fail "alerts list --format json"
assert_escaped "$T/list.json" "alerts list json"
jq -r '.[] | .title, .group[].value, .evidence[].msg' "$T/list.json" >"$T/list.decoded" ||
  fail "alerts list json does not parse"
assert_carries_hostile "$T/list.decoded" "alerts list json"
for id in $(jq -r '.[].id' "$T/list.json"); do
  "$CTL" alerts show "$id" >"$T/show.txt" 2>&1 || fail "alerts show $id"
  assert_escaped "$T/show.txt" "alerts show"
  "$CTL" alerts show --format json "$id" >"$T/show.json" 2>&1 || fail "alerts show --format json $id"
  assert_escaped "$T/show.json" "alerts show json"
  jq -e . "$T/show.json" >/dev/null || fail "alerts show json does not parse"
done
# The raw syslog line's evidence and the JSON line's group key decode to the original text.
jq -e --arg h "$H" '[.[] | .evidence[].msg | contains($h)] | any' "$T/list.json" >/dev/null ||
  fail "evidence does not decode to the original line"
jq -e --arg h "$H" '[.[] | .group[] | .value == $h] | any' "$T/list.json" >/dev/null ||
  fail "group does not decode to the original user.name"

# An id given on the command line is quoted escaped in the error.
set +e
"$CTL" alerts show "$(printf 'x\033]0;id\007')" >/dev/null 2>"$T/noid.err"
set -e
assert_escaped "$T/noid.err" "alerts show of an unknown id"

echo "PASS ctl_escaping"
