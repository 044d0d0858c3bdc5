#include "collector/collector_config.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>

#include "collector/decode/decoder.h"
#include "common/yaml_file.h"

namespace soc {
namespace {

std::string resolve(const std::string& config_file, const std::string& p) {
  if (p.empty() || p[0] == '/') return p;
  const auto base = std::filesystem::absolute(config_file).parent_path();
  return (base / p).lexically_normal().string();
}

// What a user decoder may cost before it is disabled (UserDecoders::Limits).
void parse_decoder_limits(const std::string& path, const YAML::Node& dec,
                          UserDecoders::Limits& limits) {
  const auto bounded = [&](const char* key, long long lo, long long hi) {
    const auto n = yaml_int(path, dec[key], fmt::format("'decoders.{}'", key));
    if (n < lo || n > hi)
      yaml_fail(path, dec[key], fmt::format("'{}' must be {} .. {}", key, lo, hi));
    return n;
  };
  if (dec["match_limit"]) {
    limits.match_limit = static_cast<uint32_t>(bounded("match_limit", 1000, 100'000'000));
  }
  if (dec["line_budget_us"]) {
    limits.line_budget = std::chrono::microseconds(bounded("line_budget_us", 1, 10'000'000));
  }
  if (dec["disable_after"]) {
    limits.disable_after = static_cast<uint32_t>(bounded("disable_after", 1, 1'000'000));
  }
}

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

}  // namespace

Result<CollectorConfig> load_collector_config(const std::string& path) {
  auto doc = load_yaml_file(path);
  if (!doc) return Error{doc.error()};
  const YAML::Node root = *doc;
  CollectorConfig c;
  c.source_file = path;
  try {
    if (!root.IsMap()) yaml_fail(path, root, "the collector configuration must be a mapping");
    yaml_check_keys(
        path, root,
        {"log_level", "kafka", "embedded_broker", "store", "rules", "decoders", "detect"});
    if (root["log_level"]) c.log_level = yaml_string(path, root["log_level"], "'log_level'");
    if (!root["kafka"]) yaml_fail(path, root, "'kafka' is required");
    const YAML::Node kafka = root["kafka"];
    if (!kafka.IsMap()) yaml_fail(path, kafka, "'kafka' must be a mapping");
    // topic and group sit beside brokers/properties; split them off for the shared parser.
    YAML::Node shared = YAML::Clone(kafka);
    if (kafka["topic"]) c.topic = yaml_string(path, kafka["topic"], "'kafka.topic'");
    if (kafka["group"]) c.group = yaml_string(path, kafka["group"], "'kafka.group'");
    std::string instance_id = "auto";
    if (kafka["instance_id"]) {
      instance_id = yaml_string(path, kafka["instance_id"], "'kafka.instance_id'");
      if (instance_id != "auto" && instance_id != "none" && !valid_instance_id(instance_id)) {
        yaml_fail(path, kafka["instance_id"],
                  "'kafka.instance_id' must be auto, none, or 1..249 of [A-Za-z0-9._-]");
      }
    }
    shared.remove("topic");
    shared.remove("group");
    shared.remove("instance_id");
    c.kafka = parse_kafka_settings(path, shared);
    if (c.kafka.brokers.rfind("embedded:", 0) == 0) {
      yaml_fail(path, kafka["brokers"],
                "'embedded:FILE' is for agents; the collector uses 'embedded' to host the broker");
    }
    if (const auto eb = root["embedded_broker"]) {
      yaml_check_keys(path, eb, {"bootstrap_file", "partitions", "max_message_bytes"});
      if (eb["bootstrap_file"]) {
        c.bootstrap_file =
            resolve(path, yaml_string(path, eb["bootstrap_file"], "'bootstrap_file'"));
      }
      if (eb["partitions"]) {
        const auto n = yaml_int(path, eb["partitions"], "'partitions'");
        if (n < 1 || n > 256) yaml_fail(path, eb["partitions"], "'partitions' must be 1 .. 256");
        c.embedded_partitions = static_cast<int>(n);
      }
      if (const auto m = eb["max_message_bytes"]) {
        const auto n = yaml_int(path, m, "'max_message_bytes'");
        if (n < 65536 || n > 64 * 1024 * 1024) {
          yaml_fail(path, m, "'max_message_bytes' must be 65536 .. 67108864");
        }
        c.embedded_max_message_bytes = static_cast<size_t>(n);
      }
    }
    if (c.kafka.brokers == "embedded" && c.bootstrap_file.empty()) {
      yaml_fail(path, kafka["brokers"],
                "with 'brokers: embedded', set 'embedded_broker.bootstrap_file' so agents can "
                "find the broker");
    }
    const YAML::Node store = root["store"];
    if (!store) yaml_fail(path, root, "'store' with 'path' is required");
    yaml_check_keys(path, store, {"path"});
    if (!store["path"]) yaml_fail(path, store, "'store.path' is required");
    c.store_dir = resolve(path, yaml_string(path, store["path"], "'store.path'"));
    if (instance_id == "auto") {
      c.instance_id = c.kafka.brokers == "embedded" ? "" : derived_instance_id(c.store_dir);
    } else if (instance_id != "none") {
      c.instance_id = instance_id;
    }
    const YAML::Node rules = root["rules"];
    if (!rules) yaml_fail(path, root, "'rules' with 'dir' is required");
    yaml_check_keys(path, rules, {"dir", "skip_broken", "cache_dir", "intel_dir"});
    if (!rules["dir"]) yaml_fail(path, rules, "'rules.dir' is required");
    c.rules_dir = resolve(path, yaml_string(path, rules["dir"], "'rules.dir'"));
    c.rules_cache_dir = (std::filesystem::path(c.store_dir).parent_path() / "rules-cache").string();
    if (const auto cd = rules["cache_dir"]) {
      const std::string dir = yaml_string(path, cd, "'rules.cache_dir'");
      if (dir.empty()) yaml_fail(path, cd, "'rules.cache_dir' must be a directory or none");
      c.rules_cache_dir = dir == "none" ? "" : resolve(path, dir);
    }
    if (const auto id = rules["intel_dir"]) {
      const std::string dir = yaml_string(path, id, "'rules.intel_dir'");
      if (dir.empty()) yaml_fail(path, id, "'rules.intel_dir' must be a directory");
      c.intel_dir = resolve(path, dir);
    }
    if (rules["skip_broken"]) {
      c.skip_broken_rules = yaml_bool(path, rules["skip_broken"], "'rules.skip_broken'");
    }
    if (const auto dec = root["decoders"]) {
      yaml_check_keys(path, dec,
                      {"dir", "timezone", "match_limit", "line_budget_us", "disable_after"});
      if (dec["dir"])
        c.decoders_dir = resolve(path, yaml_string(path, dec["dir"], "'decoders.dir'"));
      if (const auto tz = dec["timezone"]) {
        c.timezone = yaml_string(path, tz, "'decoders.timezone'");
        if (auto zone = LogZone::parse(c.timezone); !zone) yaml_fail(path, tz, zone.error());
      }
      parse_decoder_limits(path, dec, c.decoder_limits);
    }
    if (const auto d = root["detect"]) {
      yaml_check_keys(path, d,
                      {"batch_max", "future_tolerance", "audit_processes_per_host", "audit_hosts"});
      if (const auto n = d["audit_processes_per_host"]) {
        const auto v = yaml_int(path, n, "'detect.audit_processes_per_host'");
        if (v < 1 || v > 1000000)
          yaml_fail(path, n, "'audit_processes_per_host' must be 1 .. 1000000");
        c.audit_processes.per_host = static_cast<size_t>(v);
      }
      if (const auto n = d["audit_hosts"]) {
        const auto v = yaml_int(path, n, "'detect.audit_hosts'");
        if (v < 1 || v > 100000) yaml_fail(path, n, "'audit_hosts' must be 1 .. 100000");
        c.audit_processes.hosts = static_cast<size_t>(v);
      }
      if (const auto ft = d["future_tolerance"]) {
        const auto s = yaml_duration_seconds(path, ft, "'detect.future_tolerance'");
        if (s < 0 || s > 7 * 86400) yaml_fail(path, ft, "'future_tolerance' must be 0s .. 7d");
        c.future_tolerance = std::chrono::seconds(s);
      }
      if (d["batch_max"]) {
        const auto n = yaml_int(path, d["batch_max"], "'detect.batch_max'");
        if (n < 1 || n > 100000) yaml_fail(path, d["batch_max"], "'batch_max' must be 1 .. 100000");
        c.batch_max = static_cast<size_t>(n);
      }
    }
  } catch (const YamlError& e) {
    return Error{e.what()};
  } catch (const YAML::Exception& e) {
    return Error{yaml_location(path, root) + ": " + e.what()};
  }
  return c;
}

}  // namespace soc
