// Durable small-file I/O for state (checkpoints, agent id, bootstrap address).
#pragma once

#include <string>

#include "common/result.h"

namespace soc {

// Writes `content` to `path` so that a crash leaves either the old or the new file, never a torn
// one: write to a temporary file in the same directory, fsync it, rename over, fsync the directory.
Status write_file_atomic(const std::string& path, const std::string& content);

// Reads a whole file. An error names the file and the reason.
Result<std::string> read_file(const std::string& path);

// Creates a directory and its parents (mode 0750) unless they exist.
Status make_dirs(const std::string& path);

}  // namespace soc
