// Fields from the Docker daemon's (dockerd, and the containerd it runs) logfmt lines.
#pragma once

#include <optional>
#include <string_view>

#include "collector/decode/event.h"
#include "common/clock.h"

namespace soc {

// Decodes one dockerd MSG: `time="RFC3339" level=L msg="TEXT" [key=value ...]` (logfmt, values
// quoted with \" escapes when they hold spaces). Sets "log.level", "docker.msg" the text,
// "container.id" (container= or the API path) and `time` from time=. Container events:
//   msg="Calling POST /v1.43/containers/create?name=web"        "container_create"
//   msg="Calling POST /v1.43/containers/ID/start"                "container_start"
//   msg="Calling POST /v1.43/containers/ID/exec"                 "container_exec"
//   msg="Calling POST /v1.43/exec/ID/start"                      "container_exec_start"
//   msg="Calling DELETE /v1.43/containers/ID"                    "container_delete"
//   (other API calls: "docker_api_call", with "http.request.method" and "url.path")
//   msg="form data: {...\"Privileged\":true...}"                 "container_config", with
//       "docker.privileged" true and "docker.host_root_mount" true for a bind of the host's "/"
//   topic=/tasks/start, /tasks/exec-added, /tasks/oom, /tasks/delete   "container_start",
//       "container_exec", "container_oom", "container_exit"
// Other logfmt lines yield the level and text only. False for a line that is not logfmt.
bool decode_docker(std::string_view message, Fields& fields, std::optional<SysTime>& time);

}  // namespace soc
