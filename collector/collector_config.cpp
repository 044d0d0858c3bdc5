#include "collector/collector_config.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>

#include "collector/decode/decoder.h"
#include "common/kafka.h"
#include "common/yaml_file.h"

namespace soc {
namespace {

// Kafka accepts [A-Za-z0-9._-], at most 249 characters, in a group.instance.id.
bool valid_instance_id(const std::string& id) {
  if (id.empty() || id.size() > 249) return false;
  for (const char ch : id) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '_' && ch != '-') {
      return false;
    }
  }
  return true;
}

// Stable per collector: one store belongs to one collector process, and the host name tells
// machines apart.
std::string derived_instance_id(const std::string& store_dir) {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::string id = "soc-collector-";
  for (const char* p = host; *p != '\0'; ++p) {
    const char ch = *p;
    id += std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' ? ch : '_';
  }
  uint32_t h = 2166136261u;  // FNV-1a of the store path
  for (const unsigned char ch : store_dir) h = (h ^ ch) * 16777619u;
  return fmt::format("{}-{:08x}", id.substr(0, 230), h);
}

using T = ConfigType;

// Every key of collector.yaml, once. `kafka.instance_id` is kept as written until the store's
// path is known (see the check below).
struct CollectorConfigDraft {
  CollectorConfig config;
  std::string instance_id = "auto";
};

const ConfigSchema<CollectorConfigDraft>& collector_schema() {
  using D = CollectorConfigDraft;
  static const ConfigSchema<D> schema = [] {
    ConfigSchema<D> s;
    s.add({.path = "log_level",
           .type = T::kEnum,
           .default_text = "info",
           .choices = {"trace", "debug", "info", "warn", "warning", "err", "error", "critical",
                       "off"},
           .help = "the collector's own log (applied on reload too)"},
          [](D& d, const ConfigValue& v) { d.config.log_level = v.text; });
    s.add(
        {.path = "kafka", .type = T::kSection, .help = "where events come from", .required = true});
    s.add({.path = "kafka.brokers",
           .type = T::kList,
           .help = "host:port list, or `embedded` to start the in-process broker (demo, tests, "
                   "a single host: unconsumed events are lost if the collector dies)",
           .required = true,
           .scalar_is_list = true},
          [](D& d, const ConfigValue& v) {
            auto& brokers = d.config.kafka.brokers;
            brokers.clear();
            for (const auto& b : v.list) brokers += (brokers.empty() ? "" : ",") + b;
            if (brokers.empty()) v.ctx->fail(v.node, "'kafka.brokers' is empty");
            if (brokers.rfind("embedded:", 0) == 0) {
              v.ctx->fail(v.node,
                          "'embedded:FILE' is for agents; the collector uses 'embedded' to host "
                          "the broker");
            }
          });
    s.add({.path = "kafka.properties",
           .type = T::kMap,
           .help = "librdkafka properties (TLS, SASL) for a real cluster; values may be "
                   "{file: PATH} or {env: NAME} and are never logged"},
          [](D& d, const ConfigValue& v) {
            d.config.kafka.properties = parse_kafka_properties(v.ctx->file, v.node);
          });
    s.add({.path = "kafka.topic",
           .type = T::kString,
           .default_text = "soc.events",
           .help = "topic the agents write to"},
          [](D& d, const ConfigValue& v) { d.config.topic = v.text; });
    s.add({.path = "kafka.group",
           .type = T::kString,
           .default_text = "soc-detect",
           .help = "consumer group; collectors in one group share the partitions"},
          [](D& d, const ConfigValue& v) { d.config.group = v.text; });
    s.add({.path = "kafka.instance_id",
           .type = T::kString,
           .default_text = "auto",
           .help = "static membership (group.instance.id): auto (from the host name and store "
                   "path; none with the embedded broker), none, or 1..249 of [A-Za-z0-9._-]"},
          [](D& d, const ConfigValue& v) {
            d.instance_id = v.text;
            if (v.text != "auto" && v.text != "none" && !valid_instance_id(v.text)) {
              v.ctx->fail(v.node,
                          "'kafka.instance_id' must be auto, none, or 1..249 of [A-Za-z0-9._-]");
            }
          });
    s.add({.path = "embedded_broker", .type = T::kSection, .help = "with brokers: embedded only"});
    s.add({.path = "embedded_broker.bootstrap_file",
           .type = T::kPath,
           .help = "where the broker's address is written for agents on this host "
                   "(brokers: embedded:FILE); required with brokers: embedded"},
          [](D& d, const ConfigValue& v) { d.config.bootstrap_file = v.text; });
    s.add({.path = "embedded_broker.partitions",
           .type = T::kInt,
           .default_text = "12",
           .min = 1,
           .max = 256,
           .help = "partitions of the events topic"},
          [](D& d, const ConfigValue& v) {
            d.config.embedded_partitions = static_cast<int>(v.number);
          });
    s.add({.path = "embedded_broker.max_message_bytes",
           .type = T::kInt,
           .default_text = "1048576",
           .min = 65536,
           .max = 64 * 1024 * 1024,
           .help = "larger produce requests are refused, never acknowledged"},
          [](D& d, const ConfigValue& v) {
            d.config.embedded_max_message_bytes = static_cast<size_t>(v.number);
          });
    s.add({.path = "store", .type = T::kSection, .help = "the alert store", .required = true});
    s.add({.path = "store.path",
           .type = T::kPath,
           .help = "RocksDB directory; socctl reads it with --store or SOC_STORE",
           .required = true},
          [](D& d, const ConfigValue& v) { d.config.store_dir = v.text; });
    s.add({.path = "rules", .type = T::kSection, .help = "the rule pack", .required = true});
    s.add({.path = "rules.dir",
           .type = T::kPath,
           .help = "directory of rule files (YAML), reloaded on SIGHUP",
           .required = true},
          [](D& d, const ConfigValue& v) { d.config.rules_dir = v.text; });
    s.add({.path = "rules.skip_broken",
           .type = T::kBool,
           .default_text = "false",
           .help = "true: load the valid rules and log the broken ones instead of refusing to "
                   "start"},
          [](D& d, const ConfigValue& v) { d.config.skip_broken_rules = v.flag; });
    s.add({.path = "rules.cache_dir",
           .type = T::kString,
           .default_text = "rules-cache beside the store's directory",
           .help = "compiled rule databases reused across starts and reloads; none: compile "
                   "every time"},
          [](D& d, const ConfigValue& v) {
            if (v.text.empty()) {
              v.ctx->fail(v.node, "'rules.cache_dir' must be a directory or none");
            }
            d.config.rules_cache_dir = v.text == "none" ? "" : v.ctx->resolve(v.text);
          });
    s.add({.path = "rules.intel_dir",
           .type = T::kString,
           .default_text = "intel inside rules.dir",
           .help = "threat-intelligence lists (NAME.txt) that rules test with in_list, reloaded "
                   "with the rules"},
          [](D& d, const ConfigValue& v) {
            if (v.text.empty()) v.ctx->fail(v.node, "'rules.intel_dir' must be a directory");
            d.config.intel_dir = v.ctx->resolve(v.text);
          });
    s.add({.path = "decoders", .type = T::kSection, .help = "user decoders and time zones"});
    s.add({.path = "decoders.dir",
           .type = T::kPath,
           .default_text = "built-in decoders only",
           .help = "user decoders: YAML files with a PCRE2 regex (config/decoders/README.md)"},
          [](D& d, const ConfigValue& v) { d.config.decoders_dir = v.text; });
    s.add({.path = "decoders.timezone",
           .type = T::kString,
           .default_text = "Asia/Ho_Chi_Minh",
           .help = "zone of timestamps that carry none: an IANA name, a fixed offset (+07:00, "
                   "UTC), or agent (the agent's own UTC offset)"},
          [](D& d, const ConfigValue& v) {
            if (auto zone = LogZone::parse(v.text); !zone) v.ctx->fail(v.node, zone.error());
            d.config.timezone = v.text;
          });
    s.add({.path = "decoders.match_limit",
           .type = T::kInt,
           .default_text = "100000",
           .min = 1000,
           .max = 100'000'000,
           .help = "PCRE2 backtracking steps a user decoder may take per line"},
          [](D& d, const ConfigValue& v) {
            d.config.decoder_limits.match_limit = static_cast<uint32_t>(v.number);
          });
    s.add({.path = "decoders.line_budget_us",
           .type = T::kInt,
           .default_text = "1000",
           .min = 1,
           .max = 10'000'000,
           .help = "microseconds a user decoder may take per line before the run counts as slow"},
          [](D& d, const ConfigValue& v) {
            d.config.decoder_limits.line_budget = std::chrono::microseconds(v.number);
          });
    s.add({.path = "decoders.disable_after",
           .type = T::kInt,
           .default_text = "10",
           .min = 1,
           .max = 1'000'000,
           .help = "slow runs within a minute that disable a user decoder until the next reload"},
          [](D& d, const ConfigValue& v) {
            d.config.decoder_limits.disable_after = static_cast<uint32_t>(v.number);
          });
    s.add({.path = "detect", .type = T::kSection, .help = "the detection loop"});
    s.add({.path = "detect.batch_max",
           .type = T::kInt,
           .default_text = "2000",
           .min = 1,
           .max = 100000,
           .help = "events decoded, matched and stored per offset commit"},
          [](D& d, const ConfigValue& v) { d.config.batch_max = static_cast<size_t>(v.number); });
    s.add({.path = "detect.future_tolerance",
           .type = T::kDuration,
           .default_text = "300s",
           .min = 0,
           .max = 7 * 86'400'000LL,
           .help = "a line dated further ahead of its read time is detected at the read time"},
          [](D& d, const ConfigValue& v) {
            d.config.future_tolerance = std::chrono::seconds(v.number / 1000);
          });
    s.add({.path = "detect.audit_processes_per_host",
           .type = T::kInt,
           .default_text = "4096",
           .min = 1,
           .max = 1'000'000,
           .help = "processes per host remembered to name an executed program's parent"},
          [](D& d, const ConfigValue& v) {
            d.config.audit_processes.per_host = static_cast<size_t>(v.number);
          });
    s.add({.path = "detect.audit_hosts",
           .type = T::kInt,
           .default_text = "64",
           .min = 1,
           .max = 100000,
           .help = "hosts whose process tables are kept (least recently seen dropped first)"},
          [](D& d, const ConfigValue& v) {
            d.config.audit_processes.hosts = static_cast<size_t>(v.number);
          });
    s.check([](ConfigContext& ctx, const YAML::Node& root, D& d) {
      CollectorConfig& c = d.config;
      if (c.kafka.brokers == "embedded" && c.bootstrap_file.empty()) {
        ctx.fail(root["kafka"]["brokers"],
                 "with 'brokers: embedded', set 'embedded_broker.bootstrap_file' so agents can "
                 "find the broker");
      }
      if (d.instance_id == "auto") {
        c.instance_id = c.kafka.brokers == "embedded" ? "" : derived_instance_id(c.store_dir);
      } else if (d.instance_id != "none") {
        c.instance_id = d.instance_id;
      }
      if (!root["rules"]["cache_dir"]) {
        c.rules_cache_dir =
            (std::filesystem::path(c.store_dir).parent_path() / "rules-cache").string();
      }
    });
    return s;
  }();
  return schema;
}

}  // namespace

const std::vector<ConfigKeyInfo>& collector_config_keys() {
  return collector_schema().keys();
}

std::string collector_config_reference() {
  return "## soc-collector (collector.yaml)\n\nRelative paths are taken from the file's own "
         "directory.\n\n" +
         config_reference_markdown(collector_config_keys());
}

Result<CollectorConfig> load_collector_config(const std::string& path) {
  auto doc = load_yaml_file(path);
  if (!doc) return Error{doc.error()};
  const YAML::Node root = *doc;
  CollectorConfigDraft draft;
  draft.config.source_file = path;
  ConfigContext ctx{.file = path, .paths_relative_to_file = true};
  try {
    collector_schema().parse(ctx, root, draft);
  } catch (const YamlError& e) {
    ctx.errors.push_back(e.what());
  } catch (const YAML::Exception& e) {
    ctx.fail(root, e.what());
  }
  if (auto st = ctx.status(); !st) return st.failure();
  return std::move(draft.config);
}

}  // namespace soc
