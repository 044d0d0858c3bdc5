// Sets the process umask for one test and puts the previous one back: file-mode tests run under
// the loose umask (022) a shell or a careless unit file would give the programs.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

namespace soc {

class UmaskGuard {
 public:
  explicit UmaskGuard(mode_t mask) : previous_(::umask(mask)) {}
  ~UmaskGuard() { ::umask(previous_); }
  UmaskGuard(const UmaskGuard&) = delete;
  UmaskGuard& operator=(const UmaskGuard&) = delete;

 private:
  mode_t previous_;
};

// Permission bits of `path` (0 when it does not exist).
inline mode_t mode_of(const char* path) {
  struct stat st {};
  return ::stat(path, &st) == 0 ? (st.st_mode & 07777) : 0;
}

}  // namespace soc
