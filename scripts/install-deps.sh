#!/usr/bin/env bash
# Installs, from Debian 12 packages only, whatever the build, the tests and the demo need.
# Idempotent: does nothing (not even `apt-get update`) when everything is present.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ccache git
  librdkafka-dev librocksdb-dev libboost-dev libssl-dev libyaml-cpp-dev libsimdjson-dev
  nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev libpcre2-dev libgtest-dev
  # The rule engine's hot-path lookups (header-only open-addressing hash map).
  robin-map-dev
  # The collector reads zone-less log timestamps in a named zone (date-tz over tzdata).
  libhowardhinnant-date-dev tzdata
  jq kcat procps openssl bsdutils
  # tests/deploy: systemd-analyze scores the units; cpack's DEB generator needs dpkg-shlibdeps
  # (dpkg-dev) and file.
  systemd dpkg-dev file
  # The agent's journald input (sd_journal); its tests write journal files with journal-remote.
  libsystemd-dev systemd-journal-remote
)
# Hyperscan is x86-only; Vectorscan is its API-compatible fork for other architectures.
if [ "$(dpkg --print-architecture)" = amd64 ]; then
  packages+=(libhyperscan-dev)
else
  packages+=(libvectorscan-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: run as root (or install these packages): ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
