#include "common/kafka.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/atomic_file.h"
#include "common/yaml_file.h"

namespace soc {

KafkaSettings parse_kafka_settings(const std::string& file, const YAML::Node& node) {
  if (!node || !node.IsMap()) yaml_fail(file, node, "'kafka' must be a mapping with 'brokers'");
  yaml_check_keys(file, node, {"brokers", "properties"});
  KafkaSettings s;
  const YAML::Node brokers = node["brokers"];
  if (!brokers) yaml_fail(file, node, "'kafka.brokers' is required");
  if (brokers.IsSequence()) {
    for (const auto& b : brokers) {
      if (!s.brokers.empty()) s.brokers += ',';
      s.brokers += yaml_string(file, b, "a broker address");
    }
  } else {
    s.brokers = yaml_string(file, brokers, "'kafka.brokers'");
  }
  if (s.brokers.empty()) yaml_fail(file, brokers, "'kafka.brokers' is empty");
  if (const YAML::Node props = node["properties"]) {
    if (!props.IsMap()) yaml_fail(file, props, "'kafka.properties' must be a mapping");
    for (const auto& kv : props) {
      s.properties[kv.first.Scalar()] = yaml_string(file, kv.second, kv.first.Scalar());
    }
  }
  return s;
}

Result<std::string> resolve_bootstrap(const std::string& brokers) {
  constexpr std::string_view kPrefix = "embedded:";
  if (brokers.rfind(kPrefix, 0) != 0) return brokers;
  const std::string file = brokers.substr(kPrefix.size());
  auto text = read_file(file);
  if (!text) {
    return Error{
        fmt::format("{} (the embedded broker's address; is soc-collector running?)", text.error())};
  }
  std::string addr = *text;
  while (!addr.empty() && (addr.back() == '\n' || addr.back() == ' ')) addr.pop_back();
  if (addr.empty()) return Error{fmt::format("{}: empty bootstrap address", file)};
  return addr;
}

Result<KafkaConf> make_kafka_conf(const std::map<std::string, std::string>& props) {
  KafkaConf conf(rd_kafka_conf_new());
  char err[512];
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf.get(), k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      return Error{fmt::format("kafka property '{}': {}", k, err)};
    }
  }
  return conf;
}

void route_kafka_logs(rd_kafka_conf_t* conf) {
  rd_kafka_conf_set_log_cb(conf,
                           [](const rd_kafka_t*, int level, const char* fac, const char* buf) {
                             // syslog levels: 0-3 error, 4 warning, 5-6 info, 7 debug
                             const auto lvl = level <= 3   ? spdlog::level::err
                                              : level == 4 ? spdlog::level::warn
                                              : level <= 6 ? spdlog::level::info
                                                           : spdlog::level::debug;
                             spdlog::log(lvl, "kafka {}: {}", fac, buf);
                           });
}

}  // namespace soc
