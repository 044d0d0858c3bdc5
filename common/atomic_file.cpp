#include "common/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
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

Status write_file_atomic(const std::string& path, const std::string& content, mode_t mode) {
  const std::filesystem::path p(path);
  const std::string dir = p.has_parent_path() ? p.parent_path().string() : ".";
  const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  {
    Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)};
    if (f.fd < 0) return os_error("cannot create", tmp);
    // The umask may have taken bits `mode` asks for, and a stale tmp file keeps its old mode.
    if (::fchmod(f.fd, mode) != 0) {
      auto err = os_error("cannot set the mode of", tmp);
      ::unlink(tmp.c_str());
      return err;
    }
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

Status make_dirs(const std::string& path, mode_t mode) {
  if (path.empty()) return Error{"cannot create a directory with an empty name"};
  // Parent first, one level at a time, so that each directory created gets `mode`.
  std::filesystem::path built;
  for (const auto& part : std::filesystem::path(path).lexically_normal()) {
    built /= part;
    if (part.empty() || part == "/" || part == "." || part == "..") continue;
    if (::mkdir(built.c_str(), mode) == 0) {
      if (::chmod(built.c_str(), mode) != 0)
        return os_error("cannot set the mode of", built.string());
    } else if (errno != EEXIST) {
      return os_error("cannot create directory", built.string());
    }
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return os_error("cannot create directory", path);
  if (!S_ISDIR(st.st_mode)) return Error{fmt::format("{}: not a directory", path)};
  return restrict_mode(path, mode);
}

Status restrict_mode(const std::string& path, mode_t mode) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Ok{};
    return os_error("cannot stat", path);
  }
  if (S_ISLNK(st.st_mode)) return Ok{};  // chmod would change the target: not ours to narrow
  if (S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) != 0) {
    // /tmp and the like belong to everybody: never narrow them, and keep no state there.
    return Error{
        fmt::format("{}: a shared directory (mode {:04o}); give the program a directory "
                    "of its own",
                    path, st.st_mode & 07777)};
  }
  const mode_t current = st.st_mode & 07777;
  const mode_t narrowed = current & mode;
  if (narrowed == current) return Ok{};
  if (::chmod(path.c_str(), narrowed) != 0) return os_error("cannot restrict the mode of", path);
  spdlog::warn("{}: mode {:04o} was too open, now {:04o}", path, current, narrowed);
  return Ok{};
}

}  // namespace soc
