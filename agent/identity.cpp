#include "agent/identity.h"

#include <fmt/format.h>
#include <netdb.h>
#include <sys/random.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <filesystem>

#include "common/atomic_file.h"

namespace soc {
namespace {

bool looks_like_uuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

}  // namespace

Result<std::string> load_or_create_agent_id(const std::string& state_dir) {
  const std::string path = (std::filesystem::path(state_dir) / "agent_id").string();
  if (auto st = restrict_mode(path, 0600); !st) return Error{st.error()};
  if (std::filesystem::exists(path)) {
    auto text = read_file(path);
    if (!text) return Error{text.error()};
    std::string id = *text;
    while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
    if (!looks_like_uuid(id)) {
      return Error{fmt::format("{}: not a UUID; remove the file to generate a new agent id", path)};
    }
    return id;
  }
  // The kernel's generator, not OpenSSL's: initialising OpenSSL's DRBG and providers costs the
  // agent about 2 MiB of resident memory for the 16 bytes it needs once.
  std::array<unsigned char, 16> b{};
  size_t got = 0;
  while (got < b.size()) {
    const ssize_t n = ::getrandom(b.data() + got, b.size() - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error{"cannot read random bytes for the agent id"};
    got += static_cast<size_t>(n);
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  std::string id = fmt::format(
      "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-"
      "{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
      b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
      b[15]);
  if (auto st = write_file_atomic(path, id + "\n"); !st) return Error{st.error()};
  return id;
}

std::string local_host_name() {
  std::array<char, HOST_NAME_MAX + 1> name{};
  if (::gethostname(name.data(), name.size() - 1) != 0) return "unknown";
  std::string host(name.data());
  addrinfo hints{};
  hints.ai_flags = AI_CANONNAME;
  addrinfo* info = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &info) == 0 && info != nullptr) {
    if (info->ai_canonname != nullptr &&
        std::string_view(info->ai_canonname).find('.') != std::string_view::npos) {
      host = info->ai_canonname;
    }
    ::freeaddrinfo(info);
  }
  return host;
}

}  // namespace soc
