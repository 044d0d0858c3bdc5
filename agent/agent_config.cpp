#include "agent/agent_config.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "agent/metrics_server.h"
#include "common/yaml_file.h"

namespace soc {
namespace {

FileInputConfig parse_file_input(const std::string& file, const YAML::Node& node) {
  FileInputConfig in;
  if (node.IsScalar()) {
    in.path = node.Scalar();
  } else if (node.IsMap()) {
    yaml_check_keys(file, node, {"path", "start"});
    if (!node["path"]) yaml_fail(file, node, "a file input needs 'path'");
    in.path = yaml_string(file, node["path"], "'path'");
    if (const auto s = node["start"]) {
      const std::string v = yaml_string(file, s, "'start'");
      if (v == "beginning")
        in.start = StartAt::kBeginning;
      else if (v == "end")
        in.start = StartAt::kEnd;
      else
        yaml_fail(file, s, "'start' must be 'beginning' or 'end', got '" + v + "'");
    }
  } else {
    yaml_fail(file, node, "a file input is a path or a mapping with 'path'");
  }
  if (in.path.empty() || in.path[0] != '/') {
    yaml_fail(file, node, "file path must be absolute, got '" + in.path + "'");
  }
  return in;
}

// Sizes: a number of bytes or a number with KiB, MiB or GiB (also K, M, G, KB, MB, GB as
// binary units: a sysadmin writing "8MB" means about that much).
uint64_t yaml_bytes(const std::string& file, const YAML::Node& node, const std::string& what,
                    uint64_t min, uint64_t max) {
  if (!node.IsScalar()) yaml_fail(file, node, what + " must be a size such as 64MiB");
  const std::string& s = node.Scalar();
  size_t used = 0;
  unsigned long long v = 0;
  try {
    v = std::stoull(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  std::string unit = used == 0 ? "?" : s.substr(used);
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  uint64_t mult = 0;
  if (unit.empty() || unit == "B") mult = 1;
  if (unit == "K" || unit == "KB" || unit == "KiB") mult = 1ull << 10;
  if (unit == "M" || unit == "MB" || unit == "MiB") mult = 1ull << 20;
  if (unit == "G" || unit == "GB" || unit == "GiB") mult = 1ull << 30;
  if (mult == 0) {
    yaml_fail(file, node,
              fmt::format("{} must be a size such as 512KiB, 64MiB or 1GiB, got '{}'", what, s));
  }
  const uint64_t bytes = v * mult;
  if (bytes < min || bytes > max) {
    yaml_fail(file, node, fmt::format("{} must be between {} and {} bytes", what, min, max));
  }
  return bytes;
}

// Files named by Kafka properties (TLS certificates and keys, CA, keytab) must be readable now:
// a typo in a path fails --check-config at that property's line, not the first connection.
void check_kafka_files(const std::string& file, const YAML::Node& kafka, const KafkaSettings& k) {
  const YAML::Node props = kafka["properties"];
  for (const char* key : {"ssl.ca.location", "ssl.certificate.location", "ssl.key.location",
                          "ssl.crl.location", "ssl.keystore.location", "sasl.kerberos.keytab"}) {
    const auto it = k.properties.find(key);
    if (it == k.properties.end() || it->second == "probe") continue;  // "probe": system CAs
    std::error_code ec;
    if (!std::filesystem::is_regular_file(it->second, ec) &&
        !(std::string_view(key) == "ssl.ca.location" &&
          std::filesystem::is_directory(it->second, ec))) {
      yaml_fail(file, props[key],
                fmt::format("kafka property '{}': file {} does not exist", key, it->second));
    }
    if (::access(it->second.c_str(), R_OK) != 0) {
      yaml_fail(file, props[key],
                fmt::format("kafka property '{}': cannot read {}: {}", key, it->second,
                            std::strerror(errno)));
    }
    const std::string_view name(key);
    if (name == "ssl.key.location" || name == "ssl.keystore.location" ||
        name == "sasl.kerberos.keytab") {
      if (auto st = check_secret_file_mode(it->second); !st) {
        yaml_fail(file, props[key], fmt::format("kafka property '{}': {}", key, st.error()));
      }
    }
  }
  const auto get = [&](const char* key) {
    const auto it = k.properties.find(key);
    return it == k.properties.end() ? std::string() : it->second;
  };
  std::string mech = get("sasl.mechanisms");
  if (mech.empty()) mech = get("sasl.mechanism");
  const std::string proto = get("security.protocol");
  if ((proto == "sasl_ssl" || proto == "sasl_plaintext" || proto == "SASL_SSL" ||
       proto == "SASL_PLAINTEXT") &&
      mech.empty()) {
    yaml_fail(file, props["security.protocol"],
              "kafka: security.protocol " + proto + " needs sasl.mechanisms (e.g. SCRAM-SHA-512)");
  }
  if ((mech.rfind("SCRAM", 0) == 0 || mech == "PLAIN") &&
      (get("sasl.username").empty() || get("sasl.password").empty())) {
    yaml_fail(file, props,
              "kafka: sasl.mechanisms " + mech +
                  " needs sasl.username and sasl.password (use {file: ...} or "
                  "{env: ...} for the password)");
  }
  if ((proto == "ssl" || proto == "sasl_ssl" || proto == "SSL" || proto == "SASL_SSL") &&
      k.properties.count("ssl.certificate.location") != k.properties.count("ssl.key.location")) {
    yaml_fail(file, props,
              "kafka: a client certificate (mTLS) needs both ssl.certificate.location and "
              "ssl.key.location");
  }
}

void parse_spool(const std::string& file, const YAML::Node& n, AgentConfig& c) {
  yaml_check_keys(file, n, {"enabled", "dir", "max_bytes", "segment_bytes", "when_full", "after"});
  auto& s = c.spool;
  if (n["enabled"]) s.enabled = yaml_bool(file, n["enabled"], "'spool.enabled'");
  if (n["dir"]) {
    s.spool.dir = yaml_string(file, n["dir"], "'spool.dir'");
    if (s.spool.dir.empty() || s.spool.dir[0] != '/') {
      yaml_fail(file, n["dir"], "'spool.dir' must be an absolute path");
    }
  }
  if (n["max_bytes"]) {
    s.spool.max_bytes = yaml_bytes(file, n["max_bytes"], "'spool.max_bytes'", 64 << 10, 1ull << 40);
  }
  if (n["segment_bytes"]) {
    s.spool.segment_bytes =
        yaml_bytes(file, n["segment_bytes"], "'spool.segment_bytes'", 16 << 10, 1ull << 30);
  }
  if (s.spool.segment_bytes * 2 > s.spool.max_bytes) {
    if (n["segment_bytes"]) {
      yaml_fail(file, n["segment_bytes"],
                "'spool.segment_bytes' must be at most half of 'spool.max_bytes'");
    }
    s.spool.segment_bytes = std::max<uint64_t>(s.spool.max_bytes / 4, 16 << 10);
  }
  if (const auto w = n["when_full"]) {
    const std::string v = yaml_string(file, w, "'spool.when_full'");
    if (v == "block") {
      s.spool.when_full = SpoolFullPolicy::kBlock;
    } else if (v == "drop_oldest") {
      s.spool.when_full = SpoolFullPolicy::kDropOldest;
    } else {
      yaml_fail(file, w, "'spool.when_full' must be 'block' or 'drop_oldest', got '" + v + "'");
    }
  }
  if (n["after"]) {
    s.after_ms = 1000 * yaml_duration_seconds(file, n["after"], "'spool.after'");
    if (s.after_ms < 1000) yaml_fail(file, n["after"], "'spool.after' must be at least 1s");
  }
}

void parse_redaction(const std::string& file, const YAML::Node& n, AgentConfig& c) {
  yaml_check_keys(file, n, {"salt", "builtin", "patterns", "insecure_inline_salt_for_tests"});
  RedactionConfig r;
  if (!n["salt"]) {
    yaml_fail(file, n,
              "'redaction.salt' is required ({file: PATH} or {env: NAME}): it keys the "
              "hashes that replace personal data");
  }
  // A salt written in the config travels with its copies and backups, and with it the hashes can
  // be reversed by trying phone numbers: only tests may do that, and say so.
  const bool inline_allowed =
      n["insecure_inline_salt_for_tests"] &&
      yaml_bool(file, n["insecure_inline_salt_for_tests"], "'insecure_inline_salt_for_tests'");
  if (n["salt"].IsScalar() && !inline_allowed) {
    yaml_fail(file, n["salt"],
              "'redaction.salt' must not be written in the configuration: use {file: PATH} (mode "
              "0600 or 0640) or {env: NAME}");
  }
  r.salt = yaml_secret_value(file, n["salt"], "'redaction.salt'");
  if (r.salt.size() < 16) yaml_fail(file, n["salt"], "'redaction.salt' must be at least 16 bytes");
  if (const auto b = n["builtin"]) {
    if (!b.IsSequence())
      yaml_fail(file, b, "'redaction.builtin' must be a list (cccd, phone, email)");
    r.cccd = r.phone = r.email = false;
    for (const auto& k : b) {
      const std::string v = yaml_string(file, k, "a built-in pattern");
      if (v == "cccd") {
        r.cccd = true;
      } else if (v == "phone") {
        r.phone = true;
      } else if (v == "email") {
        r.email = true;
      } else {
        yaml_fail(file, k, "unknown built-in pattern '" + v + "' (expected cccd, phone or email)");
      }
    }
  }
  if (const auto ps = n["patterns"]) {
    if (!ps.IsSequence()) yaml_fail(file, ps, "'redaction.patterns' must be a list");
    for (const auto& p : ps) {
      yaml_check_keys(file, p, {"name", "regex"});
      if (!p["name"] || !p["regex"])
        yaml_fail(file, p, "a redaction pattern needs 'name' and 'regex'");
      RedactionPattern rp{yaml_string(file, p["name"], "'name'"),
                          yaml_string(file, p["regex"], "'regex'")};
      const bool ok_name =
          !rp.name.empty() && std::all_of(rp.name.begin(), rp.name.end(), [](char ch) {
            return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-';
          });
      if (!ok_name) yaml_fail(file, p["name"], "a pattern name is letters, digits, '_' and '-'");
      if (auto st = Redactor::check_regex(rp.regex); !st) {
        yaml_fail(file, p["regex"], "redaction pattern '" + rp.name + "': " + st.error());
      }
      r.patterns.push_back(std::move(rp));
    }
  }
  c.redaction = std::move(r);
}

// The keys added for shipping and observability: spool, heartbeat, metrics, redaction, and
// the files Kafka's TLS/SASL properties name.
void parse_agent_extras(const std::string& file, const YAML::Node& root, AgentConfig& c) {
  check_kafka_files(file, root["kafka"], c.kafka);
  if (const auto s = root["spool"]) parse_spool(file, s, c);
  if (const auto h = root["heartbeat"]) {
    yaml_check_keys(file, h, {"interval", "topic"});
    if (h["interval"]) {
      c.heartbeat_interval_ms =
          1000 * yaml_duration_seconds(file, h["interval"], "'heartbeat.interval'");
    }
    if (h["topic"]) c.heartbeat_topic = yaml_string(file, h["topic"], "'heartbeat.topic'");
  }
  if (const auto m = root["metrics"]) {
    yaml_check_keys(file, m, {"listen"});
    if (!m["listen"]) yaml_fail(file, m, "'metrics.listen' is required (e.g. 127.0.0.1:9108)");
    c.metrics_listen = yaml_string(file, m["listen"], "'metrics.listen'");
    if (auto a = parse_listen_address(c.metrics_listen); !a) {
      yaml_fail(file, m["listen"], "'metrics.listen': " + a.error());
    }
  }
  if (const auto r = root["redaction"]) parse_redaction(file, r, c);
  if (c.max_in_flight_bytes < 4 * (c.max_line_bytes + 256)) {
    yaml_fail(file, root["limits"] ? root["limits"] : root,
              "'max_in_flight_bytes' must hold at least 4 lines of 'max_line_bytes'");
  }
}

// No input configured: the journal's security entries, so that a config of org, state_dir and
// brokers ships sshd, sudo and su events. A syslog-only config is a relay and stays one.
void apply_default_journald(const std::string& file, const YAML::Node& root, AgentConfig& c) {
  c.journald = security_journald_config();
  c.journald_default = true;
  if (const char* dir = std::getenv("SOC_AGENT_JOURNAL_DIRECTORY"); dir && *dir) {
    if (dir[0] != '/') {
      yaml_fail(file, root,
                fmt::format("SOC_AGENT_JOURNAL_DIRECTORY must be an absolute path, got '{}'", dir));
    }
    c.journald->directory = dir;
  }
}

}  // namespace

Result<AgentConfig> load_agent_config(const std::string& path) {
  auto doc = load_yaml_file(path);
  if (!doc) return Error{doc.error()};
  const YAML::Node root = *doc;
  AgentConfig c;
  c.source_file = path;
  try {
    if (!root.IsMap()) yaml_fail(path, root, "the agent configuration must be a YAML mapping");
    yaml_check_keys(path, root,
                    {"org", "host", "state_dir", "log_level", "kafka", "topic", "files", "journald",
                     "syslog", "limits", "spool", "heartbeat", "metrics", "redaction"});
    if (!root["org"]) yaml_fail(path, root, "'org' (the owning organisation's code) is required");
    c.org = yaml_string(path, root["org"], "'org'");
    if (root["host"]) c.host = yaml_string(path, root["host"], "'host'");
    if (!root["state_dir"]) yaml_fail(path, root, "'state_dir' is required");
    c.state_dir = yaml_string(path, root["state_dir"], "'state_dir'");
    if (root["log_level"]) c.log_level = yaml_string(path, root["log_level"], "'log_level'");
    if (!root["kafka"]) yaml_fail(path, root, "'kafka' is required");
    c.kafka = parse_kafka_settings(path, root["kafka"]);
    if (c.kafka.brokers == "embedded") {
      yaml_fail(path, root["kafka"]["brokers"],
                "the agent cannot host the broker: use 'embedded:FILE' with the file the "
                "collector writes its address to, or a broker list");
    }
    if (root["topic"]) c.topic = yaml_string(path, root["topic"], "'topic'");
    if (root["journald"]) c.journald = parse_journald_config(path, root["journald"]);
    if (const auto sl = root["syslog"]) {
      if (!sl.IsSequence() || sl.size() == 0) {
        yaml_fail(path, sl, "'syslog' must be a non-empty list of listeners");
      }
      for (const auto& l : sl) c.syslog.push_back(parse_syslog_server_config(path, l));
    }
    const YAML::Node files = root["files"];
    if (!files && !c.journald && c.syslog.empty()) apply_default_journald(path, root, c);
    // 'files' may be left out when the journal or a syslog listener is read instead.
    if ((files || (!c.journald && c.syslog.empty())) &&
        (!files || !files.IsSequence() || files.size() == 0)) {
      yaml_fail(path, files ? files : root, "'files' must be a non-empty list of files to tail");
    }
    for (const auto& f : files) c.files.push_back(parse_file_input(path, f));
    if (const auto lim = root["limits"]) {
      yaml_check_keys(path, lim,
                      {"max_line_bytes", "max_in_flight", "max_in_flight_bytes",
                       "partial_line_flush", "poll_interval_ms", "checkpoint_interval_ms"});
      if (lim["max_line_bytes"]) {
        const auto v = yaml_int(path, lim["max_line_bytes"], "'max_line_bytes'");
        if (v < 256 || v > 1000000) {
          yaml_fail(path, lim["max_line_bytes"], "'max_line_bytes' must be 256 .. 1000000");
        }
        c.max_line_bytes = static_cast<size_t>(v);
      }
      if (lim["max_in_flight"]) {
        const auto v = yaml_int(path, lim["max_in_flight"], "'max_in_flight'");
        if (v < 1 || v > 1000000) {
          yaml_fail(path, lim["max_in_flight"], "'max_in_flight' must be 1 .. 1000000");
        }
        c.max_in_flight = static_cast<size_t>(v);
      }
      if (lim["max_in_flight_bytes"]) {
        c.max_in_flight_bytes = static_cast<size_t>(yaml_bytes(
            path, lim["max_in_flight_bytes"], "'max_in_flight_bytes'", 64 << 10, 1ull << 30));
      }
      if (lim["partial_line_flush"]) {
        c.partial_line_flush_ms =
            1000 * yaml_duration_seconds(path, lim["partial_line_flush"], "'partial_line_flush'");
      }
      if (lim["poll_interval_ms"]) {
        c.poll_interval_ms = yaml_int(path, lim["poll_interval_ms"], "'poll_interval_ms'");
      }
      if (lim["checkpoint_interval_ms"]) {
        c.checkpoint_interval_ms =
            yaml_int(path, lim["checkpoint_interval_ms"], "'checkpoint_interval_ms'");
      }
    }
    parse_agent_extras(path, root, c);
  } catch (const YamlError& e) {
    return Error{e.what()};
  } catch (const YAML::Exception& e) {
    return Error{yaml_location(path, root) + ": " + e.what()};
  }
  return c;
}

}  // namespace soc
