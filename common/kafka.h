// RAII ownership of librdkafka handles and the Kafka settings both daemons read from YAML.
#pragma once

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace YAML {
class Node;
}

namespace soc {

struct KafkaDelete {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaDelete>;
using KafkaConf = std::unique_ptr<rd_kafka_conf_t, KafkaDelete>;
using KafkaMessage = std::unique_ptr<rd_kafka_message_t, KafkaDelete>;
using KafkaPartitions = std::unique_ptr<rd_kafka_topic_partition_list_t, KafkaDelete>;

inline constexpr const char* kEventsTopic = "soc.events";

// `kafka:` section of a config file.
struct KafkaSettings {
  // "embedded" (collector: start the in-process broker), "embedded:FILE" (read the bootstrap
  // address the collector wrote to FILE), or a comma-separated broker list.
  std::string brokers;
  // Passed to librdkafka as they are (security.protocol, ssl.*, sasl.* ...), secrets already
  // resolved (see yaml_secret_value). Values are never logged because they may hold secrets.
  std::map<std::string, std::string> properties;
};

// Reads the `kafka:` mapping. Each property is checked by librdkafka here, so --check-config
// catches an unknown property or a bad value; the error names the property and its file:line but
// never the value. Throws YamlError with the file and line.
KafkaSettings parse_kafka_settings(const std::string& file, const YAML::Node& node);

// Reads the `kafka.properties` mapping (checked by librdkafka, secrets resolved) the same way.
std::map<std::string, std::string> parse_kafka_properties(const std::string& file,
                                                          const YAML::Node& props);

// Refuses a secret file (private key, keytab, password) that other users may read or change, or
// whose group may change it; group read is fine (root:soc-agent 0640). The error names the file
// and its mode. For files a library opens itself (librdkafka's ssl.key.location, the syslog
// listener's TLS key); {file: } secrets get the same check on the descriptor they are read from.
Status check_secret_file_mode(const std::string& path);

// A configuration value that may be a secret: a plain scalar, `{file: PATH}` (the file's content
// without its trailing newline; a relative PATH is taken from the config file's directory) or
// `{env: NAME}` (the environment variable's value). Secrets stay out of the YAML and the command
// line. A missing file or variable, or an empty secret, throws YamlError at the value's file:line
// naming the file or variable (never the value). Used for Kafka properties; meant for any secret
// a config holds (the alert store's HMAC key will use it too).
std::string yaml_secret_value(const std::string& file, const YAML::Node& node,
                              const std::string& what);

// Resolves "embedded:FILE" into the address written there; other values pass through.
Result<std::string> resolve_bootstrap(const std::string& brokers);
// FILE of "embedded:FILE", empty for any other value.
std::string embedded_bootstrap_file(const std::string& brokers);

// A configuration with `props` applied; an error names the offending property. librdkafka's
// reason is included with the value masked, since it may quote a secret.
Result<KafkaConf> make_kafka_conf(const std::map<std::string, std::string>& props);

// Routes librdkafka's log lines to spdlog.
void route_kafka_logs(rd_kafka_conf_t* conf);
// One librdkafka log line (syslog `level`) to spdlog, escaped and bounded: for log callbacks
// that do more than route_kafka_logs.
void log_kafka_line(int level, const char* facility, const char* text);

}  // namespace soc
