#!/usr/bin/env bash
# Rewrites docs/configuration.md from the tables of configuration keys (the --config-reference
# output of soc-agent and soc-collector). The agent's and collector's unit tests fail when the file
# differs from the tables. Usage: scripts/config-reference.sh [BIN_DIR] (default build/bin).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/bin}
{
  cat <<'MD'
# Configuration reference

Every key of `agent.yaml` and `collector.yaml`, generated from the tables the programs parse and
validate their files with (`agent/agent_config.cpp`, `collector/collector_config.cpp`, built on
`common/config_schema.h`) by `scripts/config-reference.sh`; `soc-agent --config-reference` and
`soc-collector --config-reference` print the same. Annotated examples: `config/agent.yaml`,
`config/collector.yaml`.

Validation (`--check-config FILE`) reports every error of a file at once, each at its
`file:line:column`: a value of the wrong type, a value outside the allowed range (the message
names the range), an unknown key (with the closest known one: "did you mean"), a key written twice
in one mapping, a required key missing.

Types: `duration` is a number with `ms`, `s`, `m`, `h` or `d` (a plain number is seconds);
`size` is a number of bytes, or with `KiB`, `MiB`, `GiB`, `TiB` (`K`/`KB`, `M`/`MB`, ... are
binary units too); `secret` is a value, `{file: PATH}` or `{env: NAME}`; `list of sections` is a
YAML list of mappings, whose keys are shown as `name[].key`.

MD
  "$bin/soc-agent" --config-reference
  echo
  "$bin/soc-collector" --config-reference
} >docs/configuration.md
