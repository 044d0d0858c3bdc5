// Durable small-file I/O for state (checkpoints, agent id, bootstrap address).
#pragma once

#include <sys/types.h>

#include <string>

#include "common/result.h"

namespace soc {

// Writes `content` to `path` so that a crash leaves either the old or the new file, never a torn
// one: write to a temporary file in the same directory, fsync it, rename over, fsync the directory.
// The file gets exactly `mode`, whatever the process's umask: owner-only unless said otherwise.
Status write_file_atomic(const std::string& path, const std::string& content, mode_t mode = 0600);

// Reads a whole file. An error names the file and the reason.
Result<std::string> read_file(const std::string& path);

// Creates a directory and its missing parents with exactly `mode` (not the umask's idea of it),
// and narrows an existing `path` that grants more than `mode` (a state directory left 0755 by an
// older version or by hand). Parents that already exist are left as they are.
Status make_dirs(const std::string& path, mode_t mode = 0700);

// Takes from an existing file or directory the permission bits outside `mode` (0600: drop group
// and other access); a missing path is fine. For state files written before modes were explicit.
Status restrict_mode(const std::string& path, mode_t mode);

}  // namespace soc
