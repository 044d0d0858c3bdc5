// The table-driven tests' case files (tests/decoders, tests/rules, tests/sigma_cases): the *.yml
// files of a directory, in name order, so failures name the same file:line on every run.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace soc::test {

// When the environment variable `only_env` names a file (SOC_PACK_CASES=web.yml), that file
// alone: to run one table while writing it.
inline std::vector<std::filesystem::path> case_files(const std::string& dir,
                                                     const char* only_env = nullptr) {
  const char* only = only_env != nullptr ? std::getenv(only_env) : nullptr;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() != ".yml") continue;
    if (only != nullptr && *only != '\0' && e.path().filename() != only) continue;
    files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace soc::test
