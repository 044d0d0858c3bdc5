#!/usr/bin/env bash
# socctl rules check / test / import-sigma with the real binary: a broken rule is named by
# file:line:column and fails the check; `rules test` decodes raw lines with the real decoder and
# reports the rules and alerts (a threshold firing on the 5th failure); Sigma rules convert, the
# refused ones are counted with reasons, and the converted rules raise alerts carrying the author.
# `decoders list` prints the built-in decoders (table and JSON) with their programs and formats.
source "$(dirname "$0")/lib.sh"

CTL="$SOC_BIN/socctl"

# --- rules check -----------------------------------------------------------------------------
"$CTL" rules check "$SOC_SRC/rules" >"$T/check_pack.out" 2>&1 ||
  fail "rules check of the shipped pack failed: $(cat "$T/check_pack.out")"
grep -q ", 0 errors$" "$T/check_pack.out" || fail "pack check: $(cat "$T/check_pack.out")"

mkdir -p "$T/bad/sub"
cat >"$T/bad/good.yml" <<'YAML'
- id: good-rule
  title: Good
  severity: low
  match: {process.name: sshd}
YAML
cat >"$T/bad/sub/broken.yml" <<'YAML'
# line 1
- id: broken-condition
  title: Broken
  severity: low
  selections:
    a: {process.name: sshd}
  condition: a and not typo
- id: broken-severity
  title: Broken too
  severity: urgent
  match: {process.name: sshd}
YAML
set +e
"$CTL" rules check "$T/bad" >"$T/check_bad.out" 2>"$T/check_bad.err"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "rules check of a broken directory exited $rc, expected 1"
grep -qxF "$T/bad/sub/broken.yml:7:24: condition: unknown selection 'typo'" "$T/check_bad.err" ||
  fail "missing file:line:col for the condition error: $(cat "$T/check_bad.err")"
grep -qF "$T/bad/sub/broken.yml:10:13: bad severity 'urgent'" "$T/check_bad.err" ||
  fail "missing file:line:col for the severity error: $(cat "$T/check_bad.err")"
grep -q "2 files, 1 rules loaded .*, 2 errors$" "$T/check_bad.out" ||
  fail "unexpected counts: $(cat "$T/check_bad.out")"

# An unterminated quote is a YAML error at its line, not a "missing severity" further on.
mkdir -p "$T/quote"
cat >"$T/quote/open.yml" <<'YAML'
- id: open-quote
  title: "unterminated
  severity: low
  match: {process.name: sshd}
YAML
set +e
"$CTL" rules check "$T/quote" >"$T/check_quote.out" 2>"$T/check_quote.err"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "rules check of an unterminated quote exited $rc, expected 1"
grep -qxF "$T/quote/open.yml:2:10: YAML syntax error: quoted string not closed before the end of the file" \
  "$T/check_quote.err" || fail "unterminated quote not reported at its line: $(cat "$T/check_quote.err")"
if grep -q "missing required key" "$T/check_quote.err"; then
  fail "unterminated quote reported as a missing key: $(cat "$T/check_quote.err")"
fi

set +e
"$CTL" rules check "$T/no-such-dir" >/dev/null 2>&1
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "rules check of a missing directory exited $rc"

# --- rules test ------------------------------------------------------------------------------
# Its own rules, so that the shipped pack can grow without changing what this test expects.
mkdir -p "$T/rules"
cat >"$T/rules/pack.yml" <<'YML'
- id: ssh-brute-force
  title: SSH brute force
  severity: high
  mitre: [T1110.001]
  match:
    process.name: sshd
    message: {startswith: "Failed password for "}
  group_by: [source.ip]
  threshold: {count: 5, within: 60s}
- id: ssh-root-login-success
  title: Root login
  severity: high
  mitre: [T1078.003]
  match: {process.name: sshd, user.name: root, event.outcome: success}
- id: sudo-root-shell
  title: sudo to a root shell
  severity: medium
  mitre: [T1548.003]
  match: {process.name: sudo, process.command_line: {endswith: [/bash, /sh]}}
- id: download-to-tmp
  title: A download into /tmp by root
  severity: high
  mitre: [T1105]
  match:
    process.executable: {endswith: [/curl, /wget]}
    process.command_line: {contains: " /tmp/"}
    user.id: "0"
YML
cat >"$T/auth.log" <<'LOG'
Nov 23 12:00:00 web01 sshd[1234]: Failed password for root from 203.0.113.7 port 52211 ssh2
Nov 23 12:00:05 web01 sshd[1234]: Failed password for admin from 203.0.113.7 port 52212 ssh2
Nov 23 12:00:10 web01 sshd[1234]: Failed password for root from 203.0.113.7 port 52213 ssh2
Nov 23 12:00:15 web01 sshd[1234]: Failed password for root from 203.0.113.7 port 52214 ssh2

Nov 23 12:00:20 web01 sshd[1234]: Failed password for root from 203.0.113.7 port 52215 ssh2
Nov 23 12:01:00 web01 sshd[1250]: Accepted password for root from 198.51.100.4 port 40000 ssh2
Nov 23 12:02:00 web01 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash
Nov 23 12:03:00 web01 CRON[99]: (root) CMD (run-parts /etc/cron.hourly)
type=SYSCALL msg=audit(1795410000.123:456): arch=c000003e syscall=59 success=yes exit=0 a0=55 a1=56 a2=57 a3=0 items=1 ppid=100 pid=101 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=1 comm="curl" exe="/usr/bin/curl" key="exec"
type=EXECVE msg=audit(1795410000.123:456): argc=3 a0="curl" a1="-o" a2="/tmp/x"
type=PATH msg=audit(1795410000.123:456): item=0 name="/usr/bin/curl" inode=1 dev=08:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL
type=EOE msg=audit(1795410000.123:456):
LOG

"$CTL" rules test --rules "$T/rules" --format json "$T/auth.log" >"$T/test.json" ||
  fail "rules test failed"
# One object per non-empty line, the four records of the audit event making one.
[ "$(wc -l <"$T/test.json")" -eq 9 ] || fail "expected one JSON object per non-empty line"
# [line number, rules that matched, alerts raised]
got=$(jq -c '[.n, [.matches[].rule], [.alerts[] | "\(.rule):\(.count):\(.severity)"]]' "$T/test.json")
expected='[1,["ssh-brute-force"],[]]
[2,["ssh-brute-force"],[]]
[3,["ssh-brute-force"],[]]
[4,["ssh-brute-force"],[]]
[6,["ssh-brute-force"],["ssh-brute-force:5:high"]]
[7,["ssh-root-login-success"],["ssh-root-login-success:1:high"]]
[8,["sudo-root-shell"],["sudo-root-shell:1:medium"]]
[9,[],[]]
[10,["download-to-tmp"],["download-to-tmp:1:high"]]'
[ "$got" = "$expected" ] || fail "rules test JSON:
$got
expected:
$expected"
# The threshold state and the decoded fields are reported.
[ "$(jq -c 'select(.n == 3) | .matches[0].threshold | [.have, .need, .within_seconds]' "$T/test.json")" = "[3,5,60]" ] ||
  fail "threshold state on line 3: $(sed -n 3p "$T/test.json")"
[ "$(jq -r 'select(.n == 6) | .fields["source.ip"]' "$T/test.json")" = "203.0.113.7" ] ||
  fail "decoded source.ip missing"
[ "$(jq -c 'select(.n == 6) | .alerts[0].mitre' "$T/test.json")" = '["T1110.001"]' ] ||
  fail "alert mitre ids missing"

# Text output from stdin: why a rule matched, and the threshold progress.
"$CTL" rules test --rules "$T/rules" - <"$T/auth.log" >"$T/test.txt" || fail "rules test (text) failed"
grep -q "message startswith 'Failed password for '" "$T/test.txt" || fail "text: no pattern shown"
grep -q "threshold: 3/5 events within 60s (group source.ip=203.0.113.7)" "$T/test.txt" ||
  fail "text: no threshold state: $(cat "$T/test.txt")"
grep -q "ALERT ssh-brute-force high \[T1110.001\] id=[0-9a-f]\{32\} count=5" "$T/test.txt" ||
  fail "text: no alert line"
grep -q "^--- line 10: type=SYSCALL .*\\x0atype=EXECVE .*\\x0atype=EOE" "$T/test.txt" ||
  fail "text: the audit event is not shown as one: $(cat "$T/test.txt")"

# A JSON envelope line is taken as it is (its host wins over --host).
printf '%s\n' '{"v":1,"agent":"a1","host":"db01.example","org":"ORG","src":"file:/var/log/auth.log","seq":1,"ts":"2026-11-23T12:00:00+07:00","msg":"Nov 23 12:00:00 db01 sshd[1]: Accepted publickey for root from 192.0.2.1 port 1 ssh2"}' |
  "$CTL" rules test --rules "$T/rules" --format json - >"$T/env.json" || fail "envelope line"
[ "$(jq -r '.fields["organization.id"] + " " + .alerts[0].rule' "$T/env.json")" = "ORG ssh-root-login-success" ] ||
  fail "envelope line not used as is: $(cat "$T/env.json")"

# --- import-sigma ----------------------------------------------------------------------------
"$CTL" rules import-sigma "$SOC_SRC/tests/data/sigma/convert" "$SOC_SRC/tests/data/sigma/refuse" \
  "$T/sigma" >"$T/import.out" 2>&1 || fail "import-sigma failed: $(cat "$T/import.out")"
grep -q "^Sigma rules: 27 read, 10 converted, 17 refused" "$T/import.out" ||
  fail "import-sigma counts: $(cat "$T/import.out")"
grep -q "^refused .*refuse/unmapped_field.yml: unmapped field: field 'Hashes'" "$T/import.out" ||
  fail "import-sigma does not print the refusal reason"
grep -q "^  mapped .*convert/proxy_exploit.yml: proxy -> proxy+webserver" "$T/import.out" ||
  fail "import-sigma does not list the rule it mapped across log sources"
grep -q "engine: all 10 converted rules compile together" "$T/import.out" ||
  fail "converted rules do not compile together"
[ "$(find "$T/sigma" -name '*.yml' | wc -l)" -eq 10 ] || fail "expected 10 converted rule files"
"$CTL" rules check "$T/sigma" >/dev/null 2>&1 || fail "converted rules do not pass rules check"

# The converted rules work with the real decoder, and their alerts carry the Sigma author.
cat >"$T/web.log" <<'LOG'
Nov 23 12:00:00 web01 sshd[1]: error in libcrypto
Nov 23 12:00:00 web01 myapp[1]: error in libcrypto
LOG
"$CTL" rules test --rules "$T/sigma" --format json "$T/web.log" >"$T/sigma.json" || fail "rules test (sigma)"
[ "$(jq -r 'select(.n == 1) | .alerts[0] | .rule + "|" + .author' "$T/sigma.json")" = "sigma-keywords_sshd|Test Author" ] ||
  fail "sigma alert without rule or author: $(cat "$T/sigma.json")"
[ "$(jq -c 'select(.n == 2) | .alerts' "$T/sigma.json")" = "[]" ] ||
  fail "a service-scoped Sigma rule fired on another program"

# --- decoders list ---------------------------------------------------------------------------
"$CTL" decoders list >"$T/decoders.out" 2>&1 || fail "decoders list failed: $(cat "$T/decoders.out")"
head -1 "$T/decoders.out" | grep -qE '^NAME +PROGRAMS +FORMATS +DESCRIPTION$' ||
  fail "decoders list header: $(head -1 "$T/decoders.out")"
grep -qE '^sshd +sshd sshd-session sshd-auth +OpenSSH sshd messages; PAM messages +OpenSSH' \
  "$T/decoders.out" || fail "decoders list has no sshd row: $(cat "$T/decoders.out")"
"$CTL" decoders list --format json >"$T/decoders.json" || fail "decoders list --format json failed"
[ "$(jq -r '[.[].name] | join(" ")' "$T/decoders.json")" = \
  "mail-files sshd sudo su account cron login pam auditd firewall fail2ban portsentry web json laurel kernel systemd docker scanlogd xinetd ftp dns proxy slapd vpn samba dropbear doas database voip remote_access lighttpd php webapp_auth postfix dovecot exim sendmail courier cyrus imapd roundcube solid-pop3d qmail sogo horde kerio assp domino perdition webmail-files zimbra" ] ||
  fail "decoder names: $(jq -c '[.[].name]' "$T/decoders.json")"
[ "$(jq -r '.[] | select(.name == "web") | .programs | index("nginx") != null' "$T/decoders.json")" = true ] ||
  fail "web decoder without nginx: $(cat "$T/decoders.json")"
[ "$(jq '[.[].programs[]] | length == (unique | length)' "$T/decoders.json")" = true ] ||
  fail "a program is listed by two decoders"
[ "$(jq '[.[] | select(.description == "" or (.formats | length) == 0)] | length' "$T/decoders.json")" = 0 ] ||
  fail "a decoder without description or formats"
# The line-shape rule is the registry's: listed after the table, in the order it is tried.
sed -n '/^by line shape/,$p' "$T/decoders.out" | grep -qE '^json +.\{' ||
  fail "decoders list shows no line shapes: $(cat "$T/decoders.out")"
[ "$(jq -r '[.[] | select(.shape != "") | .name] | join(" ")' "$T/decoders.json")" = \
  "mail-files pam auditd fail2ban portsentry web json" ] || fail "line shapes: $(jq -c '[.[] | {name, shape}]' "$T/decoders.json")"
if "$CTL" decoders list --format xml >/dev/null 2>&1; then fail "decoders list accepted --format xml"; fi

echo "PASS rules_cli"
