# Debian packages soc-agent and soc-collector, one per install component:
#   cpack -G DEB               (in the build directory, after building; no recompilation)
#   cmake --build build --target package
# Contents come from the install() rules in the top-level CMakeLists.txt; maintainer scripts and
# conffiles lists live next to this file. tests/deploy/packages.sh builds and inspects them.

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME soc)
set(CPACK_PACKAGE_VENDOR "Provincial SOC")
set(CPACK_PACKAGE_CONTACT "Provincial SOC team <soc@example.gov.vn>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Release binaries carry no debug information worth shipping to every host.
set(CPACK_STRIP_FILES TRUE)
# The /etc/soc and unit paths are absolute on purpose (Debian layout), not relative to a prefix.
set(CPACK_WARN_ON_ABSOLUTE_INSTALL_DESTINATION OFF)

set(CPACK_DEB_COMPONENT_INSTALL ON)
# Only these: anything installed without a component stays out of the packages.
set(CPACK_COMPONENTS_ALL agent collector)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies computed by dpkg-shlibdeps (dpkg-dev) from the binaries themselves; the
# agent's list shows it links neither Hyperscan nor RocksDB.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Maintainer scripts 0755 and conffiles 0644 whatever the source checkout's modes.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)

set(_soc_pkg ${CMAKE_CURRENT_LIST_DIR})

set(CPACK_DEBIAN_AGENT_PACKAGE_NAME soc-agent)
set(CPACK_DEBIAN_AGENT_PACKAGE_DEPENDS "adduser")
# No conffiles: postinst writes /etc/soc/agent.yaml for the host (soc-agent --discover) when
# there is none, and never touches an existing one; postrm removes it on purge.
set(CPACK_DEBIAN_AGENT_PACKAGE_CONTROL_EXTRA
  "${_soc_pkg}/agent/postinst;${_soc_pkg}/agent/prerm;${_soc_pkg}/agent/postrm")
set(CPACK_COMPONENT_AGENT_DESCRIPTION
  "SOC agent: ships log lines to the provincial SOC through Kafka
soc-agent tails log files (with rotation and truncation) and the journal, and ships
every line to Kafka at least once, with checkpoints that advance only after Kafka acknowledged.
Runs as the system user soc-agent under a hardened systemd unit.")

set(CPACK_DEBIAN_COLLECTOR_PACKAGE_NAME soc-collector)
set(CPACK_DEBIAN_COLLECTOR_PACKAGE_DEPENDS "adduser, tzdata")  # zone names for zone-less log times
set(CPACK_DEBIAN_COLLECTOR_PACKAGE_CONTROL_EXTRA
  "${_soc_pkg}/collector/conffiles;${_soc_pkg}/collector/postinst;${_soc_pkg}/collector/prerm;${_soc_pkg}/collector/postrm")
set(CPACK_COMPONENT_COLLECTOR_DESCRIPTION
  "SOC collector: detection rules, alert store and socctl
soc-collector consumes the agents' events from Kafka, matches them against a YAML
rule pack compiled with Hyperscan and keeps the alerts in RocksDB. socctl reads
the alerts. Runs as the system user soc-collector under a hardened systemd unit.")

include(CPack)
