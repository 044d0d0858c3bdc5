#include "common/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace soc {
namespace {

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Error os_error(const std::string& what, const std::string& path) {
  return Error{fmt::format("{}: {}: {}", path, what, std::strerror(errno))};
}

}  // namespace

Status write_file_atomic(const std::string& path, const std::string& content) {
  const std::filesystem::path p(path);
  const std::string dir = p.has_parent_path() ? p.parent_path().string() : ".";
  const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  {
    Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)};
    if (f.fd < 0) return os_error("cannot create", tmp);
    size_t done = 0;
    while (done < content.size()) {
      const ssize_t n = ::write(f.fd, content.data() + done, content.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        auto err = os_error("cannot write", tmp);
        ::unlink(tmp.c_str());
        return err;
      }
      done += static_cast<size_t>(n);
    }
    if (::fsync(f.fd) != 0) {
      auto err = os_error("cannot fsync", tmp);
      ::unlink(tmp.c_str());
      return err;
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto err = os_error("cannot rename into place", path);
    ::unlink(tmp.c_str());
    return err;
  }
  Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd >= 0) ::fsync(d.fd);
  return Ok{};
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return os_error("cannot open", path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

Status make_dirs(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Error{fmt::format("{}: cannot create directory: {}", path, ec.message())};
  return Ok{};
}

}  // namespace soc
