#include "agent/agent_config.h"

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
                    {"org", "host", "state_dir", "log_level", "kafka", "topic", "files", "limits"});
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
    const YAML::Node files = root["files"];
    if (!files || !files.IsSequence() || files.size() == 0) {
      yaml_fail(path, files ? files : root, "'files' must be a non-empty list of files to tail");
    }
    for (const auto& f : files) c.files.push_back(parse_file_input(path, f));
    if (const auto lim = root["limits"]) {
      yaml_check_keys(path, lim,
                      {"max_line_bytes", "max_in_flight", "partial_line_flush", "poll_interval_ms",
                       "checkpoint_interval_ms"});
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
  } catch (const YamlError& e) {
    return Error{e.what()};
  } catch (const YAML::Exception& e) {
    return Error{yaml_location(path, root) + ": " + e.what()};
  }
  return c;
}

}  // namespace soc
