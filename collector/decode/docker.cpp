#include "collector/decode/docker.h"

#include <string>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/syslog.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
using text::npos;

// One logfmt pair at the front of `s`: KEY=VALUE or KEY="VALUE WITH \"ESCAPES\"". The value is
// unescaped into `value`.
bool next_pair(string_view& s, string_view& key, std::string& value) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  const size_t eq = s.find('=');
  if (eq == npos || eq == 0) return false;
  key = s.substr(0, eq);
  if (key.find_first_of(" \"") != npos) return false;
  s.remove_prefix(eq + 1);
  value.clear();
  if (!s.empty() && s.front() == '"') {
    size_t i = 1;
    for (; i < s.size() && s[i] != '"'; ++i) {
      if (s[i] == '\\' && i + 1 < s.size()) ++i;
      value.push_back(s[i]);
    }
    if (i >= s.size()) return false;  // unterminated
    s.remove_prefix(i + 1);
  } else {
    const size_t end = s.find(' ');
    value.assign(s.substr(0, end));
    s.remove_prefix(end == npos ? s.size() : end);
  }
  return true;
}

void set_action(string_view action, Fields& f) {
  f.set("event.action", action);
  f.set("event.category", "process");
}

// "Calling METHOD /vN.NN/PATH[?QUERY]".
void api_call(string_view call, Fields& f) {
  const size_t space = call.find(' ');
  if (space == npos) return;
  const string_view method = call.substr(0, space);
  string_view path = call.substr(space + 1);
  f.set("http.request.method", method);
  f.set("url.path", path.substr(0, path.find('?')));
  path = path.substr(0, path.find('?'));
  if (consume(path, "/v")) path.remove_prefix(std::min(path.size(), path.find('/')));
  string_view id;
  if (consume(path, "/containers/")) {
    const size_t slash = path.find('/');
    id = path.substr(0, slash);
    const string_view verb = slash == npos ? string_view() : path.substr(slash + 1);
    if (id == "create" && method == "POST") {
      set_action("container_create", f);
      return;
    }
    f.set("container.id", id);
    if (method == "POST" && verb == "start") return set_action("container_start", f);
    if (method == "POST" && verb == "exec") return set_action("container_exec", f);
    if (method == "DELETE" && verb.empty()) return set_action("container_delete", f);
  } else if (consume(path, "/exec/")) {
    const size_t slash = path.find('/');
    if (slash != npos && path.substr(slash + 1) == "start" && method == "POST") {
      return set_action("container_exec_start", f);
    }
  }
  f.set("event.action", "docker_api_call");
}

// The JSON body dockerd logs at debug level for a create: look for the two dangerous settings.
void form_data(string_view body, Fields& f) {
  bool any = false;
  if (body.find("\"Privileged\":true") != npos) {
    f.set("docker.privileged", "true");
    any = true;
  }
  // A bind mount of the host's root: "Binds":["/:/host"] or a Mounts Source "/".
  if (body.find("\"/:/") != npos || body.find("\"Source\":\"/\"") != npos) {
    f.set("docker.host_root_mount", "true");
    any = true;
  }
  if (body.find("\"PidMode\":\"host\"") != npos) {
    f.set("docker.pid_mode", "host");
    any = true;
  }
  if (any || body.find("\"Image\":") != npos) set_action("container_config", f);
}

}  // namespace

bool decode_docker(string_view message, Fields& f, std::optional<SysTime>& time) {
  string_view s = text::trim(message);
  if (s.substr(0, 5) != "time=" && s.substr(0, 6) != "level=") return false;
  string_view key;
  std::string value;
  std::string msg, topic;
  bool any = false;
  while (next_pair(s, key, value)) {
    any = true;
    if (key == "time") {
      if (const auto t = parse_log_time(value)) time = t;
    } else if (key == "level") {
      f.set("log.level", value);
    } else if (key == "msg") {
      msg = value;
    } else if (key == "container" || key == "id") {
      if (!value.empty() && text::is_hex_string(value)) f.set("container.id", value);
    } else if (key == "topic") {
      topic = value;
    }
  }
  if (!any) return false;
  if (!msg.empty()) f.set("docker.msg", msg);
  string_view m = msg;
  if (consume(m, "Calling ")) {
    api_call(m, f);
  } else if (consume(m, "form data: ")) {
    form_data(m, f);
  } else if (topic == "/tasks/start") {
    set_action("container_start", f);
  } else if (topic == "/tasks/exec-added") {
    set_action("container_exec", f);
  } else if (topic == "/tasks/oom") {
    set_action("container_oom", f);
  } else if (topic == "/tasks/delete" || topic == "/tasks/exit") {
    set_action("container_exit", f);
  }
  return true;
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kDockerPrograms[] = {"dockerd", "docker", "containerd"};
constexpr std::string_view kDockerFormats[] = {"dockerd / containerd logfmt lines"};

bool decode_docker_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                           std::optional<SysTime>& time) {
  return decode_docker(msg, fields, time);
}

}  // namespace

extern constinit const DecoderSpec kDockerDecoder{
    .name = "docker",
    .description = "Docker daemon: containers created, started, exec'd, privileged settings",
    .programs = kDockerPrograms,
    .formats = kDockerFormats,
    .decode = decode_docker_program,
};

}  // namespace soc
