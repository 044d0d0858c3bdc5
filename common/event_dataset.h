// The values of event.dataset: which kind of log a line came from, as the decoders set it and
// as converted Sigma rules require it (a Sigma rule runs only on the log source it was written
// for, collector/detect/sigma.h).
#pragma once

#include <string_view>

namespace soc {

inline constexpr std::string_view kDatasetWebAccess = "webserver.access";  // NCSA access logs
inline constexpr std::string_view kDatasetWebError = "webserver.error";  // Apache, nginx, lighttpd
inline constexpr std::string_view kDatasetProxyAccess = "proxy.access";  // squid, haproxy ...
inline constexpr std::string_view kDatasetWebApp = "webapp";  // web applications' own logs

}  // namespace soc
