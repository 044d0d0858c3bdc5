#!/usr/bin/env bash
# The Debian packages: cpack packages the binaries already built in SOC_BUILD (no compilation)
# into a temporary directory; dpkg-deb then checks what a sysadmin gets:
# - soc-agent: the agent, its unit, its docs with the example config, no conffile (postinst
#   writes /etc/soc/agent.yaml with --discover), and nothing of the collector (no collector
#   binary, no Hyperscan/RocksDB libraries in Depends);
# - soc-collector: collector and socctl, unit, /etc/soc/collector.yaml as a conffile, every
#   shipped rule under /usr/share/soc/rules, docs;
# - maintainer scripts that create the system user idempotently, call systemctl only when
#   systemd runs, and on purge remove what policy allows;
# - binaries that run (--version matches the package version), configs that pass
#   --check-config, and a packaged rule pack that compiles.
set -euo pipefail
: "${SOC_BUILD:?SOC_BUILD must point at the build directory}"
: "${SOC_SRC:?SOC_SRC must point at the source directory}"

T=$(mktemp -d /tmp/soc-pkg.XXXXXX)
trap '[ "${KEEP_TMP:-0}" = 1 ] || rm -rf "$T"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
for tool in cpack dpkg-deb dpkg-shlibdeps; do
  command -v $tool >/dev/null || fail "$tool not found (scripts/install-deps.sh installs it)"
done

cpack -G DEB --config "$SOC_BUILD/CPackConfig.cmake" -B "$T/out" >"$T/cpack.log" 2>&1 ||
  fail "cpack failed: $(tail -n 20 "$T/cpack.log")"
version=$(sed -n 's/^project(soc VERSION \([0-9.]*\).*/\1/p' "$SOC_SRC/CMakeLists.txt")
[ -n "$version" ] || fail "cannot read the project version from CMakeLists.txt"
arch=$(dpkg --print-architecture)

for pkg in agent collector; do
  deb="$T/out/soc-${pkg}_${version}-1_${arch}.deb"
  [ -f "$deb" ] || fail "soc-$pkg package not built: $(ls "$T/out")"
  dpkg-deb -c "$deb" >"$T/$pkg.list"
  dpkg-deb -e "$deb" "$T/$pkg.ctl"
  dpkg-deb -x "$deb" "$T/$pkg.root"
  [ "$(dpkg-deb -f "$deb" Package)" = "soc-$pkg" ] || fail "$deb: wrong Package field"
  [ "$(dpkg-deb -f "$deb" Version)" = "$version-1" ] || fail "$deb: wrong Version field"
  # Every file belongs to root; configs and units are not writable by others.
  awk '$2 != "root/root" { print; bad = 1 } END { exit bad }' "$T/$pkg.list" >&2 ||
    fail "soc-$pkg: files not owned by root/root"
done

# has PKG PATH...: the package holds each path (as dpkg-deb -c prints it, "./usr/bin/x").
has() {
  local pkg=$1
  shift
  for p in "$@"; do
    awk -v p="$p" '$NF == p { found = 1 } END { exit !found }' "$T/$pkg.list" ||
      fail "soc-$pkg lacks $p"
  done
}
lacks() {
  local pkg=$1
  shift
  for p in "$@"; do
    ! awk -v p="$p" '$NF == p { found = 1 } END { exit !found }' "$T/$pkg.list" ||
      fail "soc-$pkg must not contain $p"
  done
}

has agent ./usr/bin/soc-agent ./usr/lib/systemd/system/soc-agent.service \
  ./usr/share/doc/soc-agent/sysadmin-guide.md ./usr/share/doc/soc-agent/architecture.md \
  ./usr/share/doc/soc-agent/agent.yaml.example
lacks agent ./usr/bin/soc-collector ./usr/bin/socctl ./etc/soc/collector.yaml ./etc/soc/agent.yaml
has collector ./usr/bin/soc-collector ./usr/bin/socctl ./etc/soc/collector.yaml \
  ./usr/lib/systemd/system/soc-collector.service ./usr/share/soc/rules/README.md \
  ./usr/share/doc/soc-collector/sysadmin-guide.md \
  ./usr/share/doc/soc-collector/rule-authors-guide.md \
  ./usr/share/doc/soc-collector/architecture.md
lacks collector ./usr/bin/soc-agent ./etc/soc/agent.yaml
# Every rule file of the source pack, at the same relative path.
n_rules=0
while IFS= read -r f; do
  has collector "./usr/share/soc/rules/${f#"$SOC_SRC"/rules/}"
  n_rules=$((n_rules + 1))
done < <(find "$SOC_SRC/rules" -type f \( -name '*.yml' -o -name '*.yaml' \))
[ $n_rules -gt 0 ] || fail "no rule files found in $SOC_SRC/rules"
# Packaged files are the sources, byte for byte.
cmp -s "$T/agent.root/usr/lib/systemd/system/soc-agent.service" "$SOC_SRC/systemd/soc-agent.service" ||
  fail "packaged soc-agent.service differs from systemd/soc-agent.service"
cmp -s "$T/collector.root/etc/soc/collector.yaml" "$SOC_SRC/config/collector.yaml" ||
  fail "packaged collector.yaml differs from config/collector.yaml"
cmp -s "$T/agent.root/usr/share/doc/soc-agent/agent.yaml.example" "$SOC_SRC/config/agent.yaml" ||
  fail "packaged agent.yaml.example differs from config/agent.yaml"

# Conffiles: the collector's config; none for the agent, whose config postinst writes.
[ ! -s "$T/agent.ctl/conffiles" ] || fail "soc-agent conffiles: $(cat "$T/agent.ctl/conffiles")"
[ "$(cat "$T/collector.ctl/conffiles")" = /etc/soc/collector.yaml ] ||
  fail "soc-collector conffiles: $(cat "$T/collector.ctl/conffiles")"

# Depends: computed from the binaries. The agent stays light: no Hyperscan, no RocksDB codecs,
# no simdjson.
agent_deps=$(dpkg-deb -f "$T/out/soc-agent_${version}-1_${arch}.deb" Depends)
collector_deps=$(dpkg-deb -f "$T/out/soc-collector_${version}-1_${arch}.deb" Depends)
for d in adduser librdkafka1 libyaml-cpp libssl3 libc6; do
  grep -q "\b$d" <<<"$agent_deps" || fail "soc-agent Depends lacks $d: $agent_deps"
done
grep -qE 'hyperscan|vectorscan|simdjson|snappy|rocksdb' <<<"$agent_deps" &&
  fail "soc-agent depends on collector-only libraries: $agent_deps"
for d in adduser librdkafka1 libsimdjson libyaml-cpp; do
  grep -q "\b$d" <<<"$collector_deps" || fail "soc-collector Depends lacks $d: $collector_deps"
done
grep -qE 'libhyperscan|libvectorscan' <<<"$collector_deps" ||
  fail "soc-collector Depends lacks Hyperscan: $collector_deps"

# Maintainer scripts: executable POSIX sh that parses; users created only when missing; state
# directories owned by the user; systemctl only when systemd runs; purge handled.
for pkg in agent collector; do
  c="$T/$pkg.ctl"
  user=soc-$pkg
  for s in postinst prerm postrm; do
    [ -x "$c/$s" ] || fail "soc-$pkg: $s missing or not executable"
    head -n 1 "$c/$s" | grep -qx '#!/bin/sh' || fail "soc-$pkg $s: not a /bin/sh script"
    sh -n "$c/$s" || fail "soc-$pkg $s: syntax error"
    grep -q '^set -e' "$c/$s" || fail "soc-$pkg $s: no set -e"
  done
  grep -q "getent passwd $user" "$c/postinst" || fail "soc-$pkg postinst: user creation not guarded"
  grep -q "adduser --system .*$user" "$c/postinst" || fail "soc-$pkg postinst: no system user"
  grep -q "addgroup --system .*$user" "$c/postinst" || fail "soc-$pkg postinst: no system group"
  grep -q "install -d -o $user -g $user -m 0700 /var/lib/$user" "$c/postinst" ||
    fail "soc-$pkg postinst: state directory not owned by $user"
  grep -q '\[ -d /run/systemd/system \]' "$c/postinst" ||
    fail "soc-$pkg postinst: systemctl not guarded by a running systemd"
  grep -q 'systemctl --system daemon-reload' "$c/postinst" || fail "soc-$pkg postinst: no daemon-reload"
  grep -q "try-restart $user.service" "$c/postinst" || fail "soc-$pkg postinst: no restart on upgrade"
  grep -q "systemctl stop $user.service" "$c/prerm" || fail "soc-$pkg prerm: does not stop the service"
  grep -q '^ *purge)' "$c/postrm" || fail "soc-$pkg postrm: no purge case"
  grep -q "deluser --system .*$user" "$c/postrm" || fail "soc-$pkg postrm: purge keeps the user"
done
grep -q 'rm -rf /var/lib/soc-agent' "$T/agent.ctl/postrm" || fail "soc-agent purge keeps its state"
grep -q 'rm -f /etc/soc/agent.yaml' "$T/agent.ctl/postrm" ||
  fail "soc-agent purge keeps the config postinst wrote"
grep -q 'rm -rf /var/lib/soc-collector' "$T/collector.ctl/postrm" &&
  fail "soc-collector purge must keep the alert store"

# The postinst really is idempotent: run it twice against stub commands that record calls and
# pretend the user exists after the first run.
stub="$T/stub"
mkdir -p "$stub"
for cmd in adduser addgroup install systemctl soc-agent chgrp chmod; do
  printf '#!/bin/sh\necho "%s $*" >>"%s/calls"\n' "$cmd" "$T" >"$stub/$cmd"
done
printf '#!/bin/sh\n[ -f "%s/exists-$2" ]\n' "$T" >"$stub/getent"
chmod +x "$stub"/*
PATH="$stub:$PATH" sh "$T/agent.ctl/postinst" configure "" >/dev/null ||
  fail "soc-agent postinst failed (first install)"
grep -q '^addgroup --system --quiet soc-agent$' "$T/calls" || fail "postinst did not add the group"
grep -q '^adduser --system .*--ingroup soc-agent .*soc-agent$' "$T/calls" ||
  fail "postinst did not add the user: $(cat "$T/calls")"
touch "$T/exists-soc-agent"
: >"$T/calls"
PATH="$stub:$PATH" sh "$T/agent.ctl/postinst" configure "0.0.9-1" >/dev/null ||
  fail "soc-agent postinst failed (upgrade)"
grep -q '^add' "$T/calls" && fail "postinst re-created an existing user: $(cat "$T/calls")"
grep -q '^install -d -o soc-agent' "$T/calls" || fail "postinst did not fix the state directory"
# The config is written by --discover only where there is none (this machine's /etc/soc/agent.yaml
# decides which; the stubs keep it untouched either way), then given to group soc-agent.
if [ -e /etc/soc/agent.yaml ]; then
  grep -q '^soc-agent' "$T/calls" && fail "postinst rewrote an existing /etc/soc/agent.yaml"
else
  grep -qx 'soc-agent --discover --write /etc/soc/agent.yaml' "$T/calls" ||
    fail "postinst did not write the config with --discover: $(cat "$T/calls")"
  grep -qx 'chgrp soc-agent /etc/soc/agent.yaml' "$T/calls" || fail "config not given to soc-agent"
  grep -qx 'chmod 0640 /etc/soc/agent.yaml' "$T/calls" || fail "config not made 0640"
fi

# The binaries run from the extracted tree and report the package's version.
for b in agent.root/usr/bin/soc-agent collector.root/usr/bin/soc-collector \
  collector.root/usr/bin/socctl; do
  out=$("$T/$b" --version) || fail "$b --version failed"
  [ "$out" = "$(basename "$b") $version" ] || fail "$b --version says '$out', expected $version"
done
# The packaged configs are valid, and the packaged rule pack compiles (pointed at the extracted
# tree instead of /usr/share/soc/rules).
# The agent's example passes as shipped, on a host without TLS files; so does a configuration the
# packaged binary discovers (written as postinst does, in a scratch tree).
"$T/agent.root/usr/bin/soc-agent" --check-config \
  "$T/agent.root/usr/share/doc/soc-agent/agent.yaml.example" >/dev/null 2>"$T/check.err" ||
  fail "packaged agent.yaml.example does not pass --check-config: $(cat "$T/check.err")"
mkdir -p "$T/host/var/log/nginx"
echo "GET /" >"$T/host/var/log/nginx/access.log"
"$T/agent.root/usr/bin/soc-agent" --discover --discover-root "$T/host" --write "$T/discovered.yaml" \
  2>"$T/check.err" || fail "packaged soc-agent --discover --write failed: $(cat "$T/check.err")"
"$T/agent.root/usr/bin/soc-agent" --check-config "$T/discovered.yaml" >/dev/null 2>"$T/check.err" ||
  fail "discovered agent.yaml does not pass --check-config: $(cat "$T/check.err")"
sed "s#dir: /usr/share/soc/rules#dir: $T/collector.root/usr/share/soc/rules#" \
  "$T/collector.root/etc/soc/collector.yaml" >"$T/collector.yaml"
grep -q "dir: $T/collector.root/usr/share/soc/rules" "$T/collector.yaml" ||
  fail "collector.yaml no longer names /usr/share/soc/rules"
out=$("$T/collector.root/usr/bin/soc-collector" --check-config "$T/collector.yaml" 2>"$T/check.err") ||
  fail "packaged collector.yaml or rules fail --check-config: $(cat "$T/check.err")"
echo "packages: ok (soc-agent $(du -k "$T/out/soc-agent_${version}-1_${arch}.deb" | cut -f1) KiB," \
  "soc-collector $(du -k "$T/out/soc-collector_${version}-1_${arch}.deb" | cut -f1) KiB; $out)"
