#include "common/kafka.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "common/atomic_file.h"
#include "common/printable.h"
#include "common/yaml_file.h"

namespace soc {

namespace {

constexpr std::string_view kMask = "***";
constexpr size_t kMaxSecretBytes = 1 << 20;

// librdkafka quotes the value in some errors ('Invalid value "x" for configuration property'),
// and a value may be a password: hide it. Short values are hidden only where quoted, so that a
// message such as 'value 5000 is outside allowed range -1..1000' stays readable.
std::string mask_value(std::string msg, const std::string& value) {
  while (!msg.empty() && std::isspace(static_cast<unsigned char>(msg.back()))) msg.pop_back();
  if (value.empty()) return msg;
  const std::string quoted = '"' + value + '"';
  const std::string masked = fmt::format("\"{}\"", kMask);
  for (size_t pos = msg.find(quoted); pos != std::string::npos;
       pos = msg.find(quoted, pos + masked.size())) {
    msg.replace(pos, quoted.size(), masked);
  }
  if (value.size() >= 4) {
    for (size_t pos = msg.find(value); pos != std::string::npos;
         pos = msg.find(value, pos + kMask.size())) {
      msg.replace(pos, value.size(), kMask);
    }
  }
  return msg;
}

Status secret_mode_ok(const std::string& path, const struct stat& st) {
  if ((st.st_mode & (S_IRWXO | S_IWGRP)) != 0) {
    return Error{
        fmt::format("{}: mode {:04o} lets other users read or change it; make it 0600 or 0640 "
                    "(chmod 0640 {})",
                    path, st.st_mode & 07777, path)};
  }
  return Ok{};
}

// Reads a secret file; the error names the file, never its content. The mode is checked on the
// open file (no window for a swap between check and read): others must have no access at all and
// the group no write access; group read is fine (root:soc-agent 0640 is the usual setup).
Result<std::string> read_secret_file(const std::string& path) {
  struct Fd {
    int fd;
    ~Fd() {
      if (fd >= 0) ::close(fd);
    }
  } const file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)};
  const int fd = file.fd;
  if (fd < 0) return Error{fmt::format("{}: cannot open: {}", path, std::strerror(errno))};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return Error{fmt::format("{}: cannot stat: {}", path, std::strerror(errno))};
  }
  if (S_ISDIR(st.st_mode)) return Error{path + ": is a directory"};
  if (!S_ISREG(st.st_mode)) return Error{path + ": not a regular file"};
  if (auto mode_ok = secret_mode_ok(path, st); !mode_ok) return Error{mode_ok.error()};
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{fmt::format("{}: cannot read: {}", path, std::strerror(errno))};
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kMaxSecretBytes) return Error{path + ": larger than 1 MiB, not a secret"};
  }
  return text;
}

std::string config_relative(const std::string& config_file, const std::string& p) {
  if (p.empty() || p[0] == '/') return p;
  const auto base = std::filesystem::absolute(config_file).parent_path();
  return (base / p).lexically_normal().string();
}

}  // namespace

Status check_secret_file_mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Error{fmt::format("{}: cannot stat: {}", path, std::strerror(errno))};
  }
  return secret_mode_ok(path, st);
}

std::string yaml_secret_value(const std::string& file, const YAML::Node& node,
                              const std::string& what) {
  if (node.IsScalar()) return node.Scalar();
  constexpr const char* kForms = "a string, {file: PATH} or {env: VARIABLE}";
  if (!node.IsMap() || node.size() != 1) yaml_fail(file, node, what + " must be " + kForms);
  yaml_check_keys(file, node, {"file", "env"});
  std::string value;
  if (const YAML::Node f = node["file"]) {
    const std::string path = config_relative(file, yaml_string(file, f, "the secret file"));
    if (path.empty()) yaml_fail(file, f, what + ": the secret file name is empty");
    auto text = read_secret_file(path);
    if (!text) yaml_fail(file, f, fmt::format("{}: secret file {}", what, text.error()));
    value = std::move(*text);
    // Editors and `echo` end the file with a newline that is not part of the secret.
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
    if (value.empty()) yaml_fail(file, f, fmt::format("{}: secret file {} is empty", what, path));
  } else {
    const YAML::Node e = node["env"];
    const std::string name = yaml_string(file, e, "the environment variable");
    const char* v = name.empty() ? nullptr : std::getenv(name.c_str());
    if (v == nullptr) {
      yaml_fail(file, e, fmt::format("{}: environment variable {} is not set", what, name));
    }
    value = v;
    if (value.empty()) {
      yaml_fail(file, e, fmt::format("{}: environment variable {} is empty", what, name));
    }
  }
  return value;
}

std::map<std::string, std::string> parse_kafka_properties(const std::string& file,
                                                          const YAML::Node& props) {
  if (!props.IsMap()) yaml_fail(file, props, "'kafka.properties' must be a mapping");
  std::map<std::string, std::string> out;
  // librdkafka checks names and values now, so a typo fails --check-config, not start-up.
  KafkaConf probe(rd_kafka_conf_new());
  char err[512];
  for (const auto& kv : props) {
    const std::string key = yaml_string(file, kv.first, "a kafka property name");
    const std::string what = fmt::format("kafka property '{}'", key);
    std::string value = yaml_secret_value(file, kv.second, what);
    if (rd_kafka_conf_set(probe.get(), key.c_str(), value.c_str(), err, sizeof err) !=
        RD_KAFKA_CONF_OK) {
      yaml_fail(file, kv.second, fmt::format("{}: {}", what, mask_value(err, value)));
    }
    out[key] = std::move(value);
  }
  return out;
}

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
  if (const YAML::Node props = node["properties"])
    s.properties = parse_kafka_properties(file, props);
  return s;
}

std::string embedded_bootstrap_file(const std::string& brokers) {
  constexpr std::string_view kPrefix = "embedded:";
  if (brokers.rfind(kPrefix, 0) != 0) return {};
  return brokers.substr(kPrefix.size());
}

Result<std::string> resolve_bootstrap(const std::string& brokers) {
  const std::string file = embedded_bootstrap_file(brokers);
  if (file.empty()) return brokers;
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
      return Error{fmt::format("kafka property '{}': {}", k, mask_value(err, v))};
    }
  }
  return conf;
}

void log_kafka_line(int level, const char* facility, const char* text) {
  // syslog levels: 0-3 error, 4 warning, 5-6 info, 7 debug
  const auto lvl = level <= 3   ? spdlog::level::err
                   : level == 4 ? spdlog::level::warn
                   : level <= 6 ? spdlog::level::info
                                : spdlog::level::debug;
  // librdkafka's messages can quote what a peer sent: escaped and bounded like event text.
  spdlog::log(lvl, "kafka {}: {}", facility, printable_bounded(text, 1024));
}

void route_kafka_logs(rd_kafka_conf_t* conf) {
  rd_kafka_conf_set_log_cb(conf, [](const rd_kafka_t*, int level, const char* fac,
                                    const char* buf) { log_kafka_line(level, fac, buf); });
}

}  // namespace soc
