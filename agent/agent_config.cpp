#include "agent/agent_config.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "agent/inputs/syslog_config.h"
#include "agent/metrics_server.h"
#include "common/yaml_file.h"

namespace soc {
namespace {

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

namespace {

using T = ConfigType;

const ConfigSchema<FileInputConfig>& file_input_schema() {
  static const ConfigSchema<FileInputConfig> schema = [] {
    ConfigSchema<FileInputConfig> s;
    // A string checked below, so that a relative path is named at its item, as it always was.
    s.add({.path = "path",
           .type = T::kString,
           .help = "absolute path of the file to tail, or a glob pattern (/var/log/nginx/*.log)",
           .required = true},
          [](FileInputConfig& f, const ConfigValue& v) { f.path = v.text; });
    s.add({.path = "start",
           .type = T::kEnum,
           .default_text = "end",
           .choices = {"beginning", "end"},
           .help = "where to start in a file seen for the first time (a file created later is "
                   "always read from its start)",
           .quoted_choices = true},
          [](FileInputConfig& f, const ConfigValue& v) {
            f.start = v.number == 0 ? StartAt::kBeginning : StartAt::kEnd;
          });
    s.check([](ConfigContext& ctx, const YAML::Node& n, FileInputConfig& f) {
      if (f.path.empty() || f.path[0] != '/') {
        // An item written as the bare path has no mark of its own: its path has.
        ctx.fail(n.Mark().is_null() ? n["path"] : n,
                 "file path must be absolute, got '" + f.path + "'");
      }
    });
    return s;
  }();
  return schema;
}

const ConfigSchema<RedactionPattern>& redaction_pattern_schema() {
  static const ConfigSchema<RedactionPattern> schema = [] {
    ConfigSchema<RedactionPattern> s;
    s.add({.path = "name",
           .type = T::kString,
           .help = "letters, digits, '_' and '-'; put in the line instead of what matched",
           .required = true},
          [](RedactionPattern& p, const ConfigValue& v) {
            const bool ok =
                !v.text.empty() && std::all_of(v.text.begin(), v.text.end(), [](char ch) {
                  return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-';
                });
            if (!ok) v.ctx->fail(v.node, "a pattern name is letters, digits, '_' and '-'");
            p.name = v.text;
          });
    s.add({.path = "regex",
           .type = T::kString,
           .help = "PCRE2 pattern of the personal data to replace",
           .required = true},
          [](RedactionPattern& p, const ConfigValue& v) { p.regex = v.text; });
    s.check([](ConfigContext& ctx, const YAML::Node& n, RedactionPattern& p) {
      if (auto st = Redactor::check_regex(p.regex); !st) {
        ctx.fail(n["regex"], "redaction pattern '" + p.name + "': " + st.error());
      }
    });
    return s;
  }();
  return schema;
}

const ConfigSchema<RedactionConfig>& redaction_schema() {
  static const ConfigSchema<RedactionConfig> schema = [] {
    ConfigSchema<RedactionConfig> s;
    s.add({.path = "salt",
           .type = T::kSecret,
           .help = "{file: PATH} (mode 0600 or 0640) or {env: NAME}, at least 16 bytes: keys "
                   "the hashes that replace personal data",
           .required = true},
          [](RedactionConfig& r, const ConfigValue& v) { r.salt = v.text; });
    s.add({.path = "builtin",
           .type = T::kList,
           .default_text = "[cccd, phone, email]",
           .help = "built-in patterns: cccd, phone, email"},
          [](RedactionConfig& r, const ConfigValue& v) {
            r.cccd = r.phone = r.email = false;
            for (size_t i = 0; i < v.list.size(); ++i) {
              const std::string& p = v.list[i];
              if (p == "cccd") {
                r.cccd = true;
              } else if (p == "phone") {
                r.phone = true;
              } else if (p == "email") {
                r.email = true;
              } else {
                v.ctx->fail(v.node[i],
                            "unknown built-in pattern '" + p + "' (expected cccd, phone or email)");
              }
            }
          });
    s.add({.path = "patterns",
           .type = T::kSectionList,
           .help = "patterns of your own",
           .items = &redaction_pattern_schema().keys()},
          [](RedactionConfig& r, const ConfigValue& v) {
            r.patterns = redaction_pattern_schema().parse_list(*v.ctx, v.node);
          });
    s.add({.path = "insecure_inline_salt_for_tests",
           .type = T::kBool,
           .default_text = "false",
           .help = "tests only: allow a salt written in the file"});
    // A salt written in the config travels with its copies and backups, and with it the hashes
    // can be reversed by trying phone numbers: only tests may do that, and say so.
    s.check([](ConfigContext& ctx, const YAML::Node& n, RedactionConfig& r) {
      const YAML::Node flag = n["insecure_inline_salt_for_tests"];
      const bool inline_allowed = flag && flag.as<bool>(false);
      if (n["salt"].IsScalar() && !inline_allowed) {
        ctx.fail(n["salt"],
                 "'redaction.salt' must not be written in the configuration: use {file: PATH} "
                 "(mode 0600 or 0640) or {env: NAME}");
      } else if (r.salt.size() < 16) {
        ctx.fail(n["salt"], "'redaction.salt' must be at least 16 bytes");
      }
    });
    return s;
  }();
  return schema;
}

// Every key of agent.yaml, once.
const ConfigSchema<AgentConfig>& agent_schema() {
  using C = AgentConfig;
  static const ConfigSchema<C> schema = [] {
    ConfigSchema<C> s;
    s.add({.path = "org",
           .type = T::kString,
           .help = "code of the organisation that owns this host; reports group alerts by it",
           .required = true},
          [](C& c, const ConfigValue& v) { c.org = v.text; });
    s.add({.path = "host",
           .type = T::kString,
           .default_text = "the machine's host name",
           .help = "host name put in every event"},
          [](C& c, const ConfigValue& v) { c.host = v.text; });
    s.add({.path = "state_dir",
           .type = T::kString,
           .help = "agent id, checkpoints and sequence counter; keep it across upgrades",
           .required = true},
          [](C& c, const ConfigValue& v) { c.state_dir = v.text; });
    s.add({.path = "log_level",
           .type = T::kEnum,
           .default_text = "info",
           .choices = {"trace", "debug", "info", "warn", "warning", "err", "error", "critical",
                       "off"},
           .help = "the agent's own log"},
          [](C& c, const ConfigValue& v) { c.log_level = v.text; });
    s.add({.path = "kafka", .type = T::kSection, .help = "where events go", .required = true});
    s.add({.path = "kafka.brokers",
           .type = T::kList,
           .help = "host:port list, or embedded:FILE for the broker of a soc-collector on this "
                   "machine (it writes its address to FILE)",
           .required = true,
           .scalar_is_list = true},
          [](C& c, const ConfigValue& v) {
            c.kafka.brokers.clear();
            for (const auto& b : v.list)
              c.kafka.brokers += (c.kafka.brokers.empty() ? "" : ",") + b;
            if (c.kafka.brokers.empty()) v.ctx->fail(v.node, "'kafka.brokers' is empty");
            if (c.kafka.brokers == "embedded") {
              v.ctx->fail(v.node,
                          "the agent cannot host the broker: use 'embedded:FILE' with the file the "
                          "collector writes its address to, or a broker list");
            }
          });
    s.add({.path = "kafka.properties",
           .type = T::kMap,
           .help = "librdkafka properties (TLS, SASL, compression), checked at load; values may "
                   "be {file: PATH} or {env: NAME} and are never logged"},
          [](C& c, const ConfigValue& v) {
            c.kafka.properties = parse_kafka_properties(v.ctx->file, v.node);
          });
    s.add({.path = "topic",
           .type = T::kString,
           .default_text = "soc.events",
           .help = "Kafka topic of the events"},
          [](C& c, const ConfigValue& v) { c.topic = v.text; });
    s.add({.path = "files",
           .type = T::kSectionList,
           .help = "files to tail; an item may be just the path",
           .items = &file_input_schema().keys(),
           .scalar_key = "path"},
          [](C& c, const ConfigValue& v) {
            if (v.node.size() == 0) {
              v.ctx->fail(v.node, "'files' must be a non-empty list of files to tail");
            }
            c.files = file_input_schema().parse_list(*v.ctx, v.node, "path");
          });
    s.add({.path = "journald",
           .type = T::kSection,
           .default_text = "security entries, when no input is named",
           .help = "the systemd journal; an empty section reads the whole local journal",
           .items = &journald_schema().keys()},
          [](C& c, const ConfigValue& v) {
            c.journald.emplace();
            journald_schema().parse(*v.ctx, v.node, *c.journald);
          });
    s.add({.path = "syslog",
           .type = T::kSectionList,
           .help = "syslog listeners (RFC 3164 and 5424) for devices and hosts that forward",
           .items = &syslog_server_schema().keys()},
          [](C& c, const ConfigValue& v) {
            if (v.node.size() == 0) {
              v.ctx->fail(v.node, "'syslog' must be a non-empty list of listeners");
            }
            c.syslog = syslog_server_schema().parse_list(*v.ctx, v.node);
          });
    s.add({.path = "limits", .type = T::kSection, .help = "memory and timing bounds"});
    s.add({.path = "limits.max_line_bytes",
           .type = T::kInt,
           .default_text = "65536",
           .min = 256,
           .max = 1000000,
           .help = "longer lines are cut and flagged \"trunc\":true"},
          [](C& c, const ConfigValue& v) { c.max_line_bytes = static_cast<size_t>(v.number); });
    s.add({.path = "limits.max_in_flight",
           .type = T::kInt,
           .default_text = "5000",
           .min = 1,
           .max = 1000000,
           .help = "lines sent but not yet acknowledged; reading pauses beyond"},
          [](C& c, const ConfigValue& v) { c.max_in_flight = static_cast<size_t>(v.number); });
    s.add(
        {.path = "limits.max_in_flight_bytes",
         .type = T::kSize,
         .default_text = "1MiB",
         .min = 64 << 10,
         .max = 1LL << 30,
         .help = "the same bound in bytes of envelopes; at least 4 lines of max_line_bytes"},
        [](C& c, const ConfigValue& v) { c.max_in_flight_bytes = static_cast<size_t>(v.number); });
    s.add({.path = "limits.partial_line_flush",
           .type = T::kDuration,
           .default_text = "5s",
           .min = 0,
           .max = 86'400'000,
           .help = "ship an unterminated last line after this quiet time"},
          [](C& c, const ConfigValue& v) { c.partial_line_flush_ms = v.number; });
    s.add({.path = "limits.poll_interval_ms",
           .type = T::kInt,
           .default_text = "200",
           .min = 1,
           .max = 10000,
           .help = "milliseconds the main loop waits for Kafka when no input had a line"},
          [](C& c, const ConfigValue& v) { c.poll_interval_ms = v.number; });
    s.add({.path = "limits.checkpoint_interval_ms",
           .type = T::kInt,
           .default_text = "1000",
           .min = 10,
           .max = 3'600'000,
           .help = "milliseconds between writes of the acknowledged positions"},
          [](C& c, const ConfigValue& v) { c.checkpoint_interval_ms = v.number; });
    s.add({.path = "spool",
           .type = T::kSection,
           .help = "disk spool where lines wait while Kafka is unreachable"});
    s.add({.path = "spool.enabled",
           .type = T::kBool,
           .default_text = "true",
           .help = "false: lines wait in the files (and memory) instead"},
          [](C& c, const ConfigValue& v) { c.spool.enabled = v.flag; });
    s.add({.path = "spool.dir",
           .type = T::kPath,
           .default_text = "STATE_DIR/spool",
           .help = "the spool's segment files"},
          [](C& c, const ConfigValue& v) { c.spool.spool.dir = v.text; });
    s.add({.path = "spool.max_bytes",
           .type = T::kSize,
           .default_text = "256MiB",
           .min = 64 << 10,
           .max = 1LL << 40,
           .help = "disk the spool may use"},
          [](C& c, const ConfigValue& v) { c.spool.spool.max_bytes = v.number; });
    s.add({.path = "spool.segment_bytes",
           .type = T::kSize,
           .default_text = "8MiB (at most a quarter of max_bytes)",
           .min = 16 << 10,
           .max = 1LL << 30,
           .help = "size of one spool file; at most half of max_bytes"},
          [](C& c, const ConfigValue& v) { c.spool.spool.segment_bytes = v.number; });
    s.add({.path = "spool.when_full",
           .type = T::kEnum,
           .default_text = "block",
           .choices = {"block", "drop_oldest"},
           .help = "block: stop reading (lines wait in the files); drop_oldest: delete the oldest "
                   "spooled lines (counted)",
           .quoted_choices = true},
          [](C& c, const ConfigValue& v) {
            c.spool.spool.when_full =
                v.number == 0 ? SpoolFullPolicy::kBlock : SpoolFullPolicy::kDropOldest;
          });
    s.add({.path = "spool.after",
           .type = T::kDuration,
           .default_text = "5s",
           .min = 1000,
           .max = 86'400'000,
           .help = "lines Kafka leaves unacknowledged this long go to the spool"},
          [](C& c, const ConfigValue& v) { c.spool.after_ms = v.number; });
    s.add({.path = "heartbeat", .type = T::kSection, .help = "the agent's periodic status event"});
    s.add({.path = "heartbeat.interval",
           .type = T::kDuration,
           .default_text = "30s",
           .min = 0,
           .max = 86'400'000,
           .help = "0s: no heartbeats"},
          [](C& c, const ConfigValue& v) { c.heartbeat_interval_ms = v.number; });
    s.add({.path = "heartbeat.topic",
           .type = T::kString,
           .default_text = "soc.agents",
           .help = "Kafka topic of the heartbeats"},
          [](C& c, const ConfigValue& v) { c.heartbeat_topic = v.text; });
    s.add({.path = "metrics", .type = T::kSection, .help = "Prometheus /metrics endpoint"});
    s.add({.path = "metrics.listen",
           .type = T::kString,
           .default_text = "off",
           .help = "address:port of /metrics, e.g. 127.0.0.1:9108",
           .required = true},
          [](C& c, const ConfigValue& v) {
            c.metrics_listen = v.text;
            if (auto a = parse_listen_address(v.text); !a) {
              v.ctx->fail(v.node, "'metrics.listen': " + a.error());
            }
          });
    s.add({.path = "redaction",
           .type = T::kSection,
           .default_text = "off",
           .help = "personal data replaced by keyed hashes before a line leaves the host",
           .items = &redaction_schema().keys()},
          [](C& c, const ConfigValue& v) {
            c.redaction.emplace();
            parse_section(*v.ctx, "redaction", redaction_schema(), v.node, *c.redaction);
          });
    // What involves several keys, the environment or the files the keys name.
    s.check([](ConfigContext& ctx, const YAML::Node& root, C& c) {
      const std::string& file = ctx.file;
      if (!root["files"] && !c.journald && c.syslog.empty()) apply_default_journald(file, root, c);
      check_kafka_files(file, root["kafka"], c.kafka);
      auto& sp = c.spool.spool;
      if (sp.segment_bytes * 2 > sp.max_bytes) {
        if (const auto seg = root["spool"]["segment_bytes"]) {
          ctx.fail(seg, "'spool.segment_bytes' must be at most half of 'spool.max_bytes'");
        }
        sp.segment_bytes = std::max<uint64_t>(sp.max_bytes / 4, 16 << 10);
      }
      if (c.max_in_flight_bytes < 4 * (c.max_line_bytes + 256)) {
        ctx.fail(root["limits"] ? root["limits"] : root,
                 "'max_in_flight_bytes' must hold at least 4 lines of 'max_line_bytes'");
      }
    });
    return s;
  }();
  return schema;
}

}  // namespace

const std::vector<ConfigKeyInfo>& agent_config_keys() {
  return agent_schema().keys();
}

std::string agent_config_reference() {
  return "## soc-agent (agent.yaml)\n\n" + config_reference_markdown(agent_config_keys());
}

Result<AgentConfig> load_agent_config(const std::string& path) {
  auto doc = load_yaml_file(path);
  if (!doc) return Error{doc.error()};
  const YAML::Node root = *doc;
  AgentConfig c;
  c.source_file = path;
  ConfigContext ctx{.file = path};
  try {
    agent_schema().parse(ctx, root, c);
  } catch (const YamlError& e) {
    ctx.errors.push_back(e.what());
  } catch (const YAML::Exception& e) {
    ctx.fail(root, e.what());
  }
  if (auto st = ctx.status(); !st) return st.failure();
  return c;
}

}  // namespace soc
