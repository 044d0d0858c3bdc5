// Fields from web server access logs: NCSA common and combined (nginx's default "combined",
// Apache's "common" / "combined" / "vhost_combined"), whether read from a file or shipped through
// syslog.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "collector/decode/event.h"
#include "common/clock.h"

namespace soc {

// Percent-decoding, once: %XX becomes the byte, an invalid or truncated escape stays literally,
// and '+' becomes a space only when `plus_is_space` (query strings). "%252e" decodes to "%2e", not
// "." - detection rules that look for double encoding match the decoded text for "%2e" or the
// raw url.original.
std::string percent_decode(std::string_view s, bool plus_is_space);

// The request fields of a logged request line `METHOD TARGET[ HTTP/V]`, as described below; sets
// nothing for a line that is not one.
void set_http_request(std::string_view request, Fields& fields);

// Decodes `[VHOST[:PORT] ]CLIENT IDENT USER [TIME] "REQUEST" STATUS BYTES["REFERER" "UA"]...` (more
// trailing fields are ignored). CLIENT may be an X-Forwarded-For list "A, B, C" (Apache's
// %{X-Forwarded-For}i behind a load balancer): its last address, the one the nearest proxy saw,
// is the client. Sets:
//   "source.ip" (CLIENT when an address, else "source.domain"), "user.name" (USER unless "-"),
//   `time` (from [10/Oct/2026:13:55:36 +0700]), "http.response.status_code",
//   "http.response.body.bytes" (unless "-"), "http.request.referrer" and "user_agent.original"
//   (unless "-", as logged: the server's \x escapes are kept), "url.domain" and "url.port" (vhost
//   form); from a well-formed request `METHOD TARGET[ HTTP/V]`: "http.request.method",
//   "url.original" (TARGET as logged), "http.version" (without "HTTP/"), "url.path" and "url.query"
//   (the log's \xHH / \" / \\ escapes undone, then percent_decode once; '+' is a space only in the
//   query), "url.fragment" (after '#'), and for an absolute target (proxy requests)
//   "url.scheme", "url.domain" and "url.port". A request that is not `METHOD TARGET` ("-", TLS
//   bytes on a plain port logged as "\x16\x03\x01...") sets no request field. Returns false and
//   sets nothing when the line is not an access log line.
bool decode_access_log(std::string_view line, Fields& fields, std::optional<SysTime>& time);

}  // namespace soc
