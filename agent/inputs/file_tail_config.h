// Configuration of one file input (an item of the agent's `files:` list).
#pragma once

#include <string>

namespace soc {

enum class StartAt { kBeginning, kEnd };

struct FileInputConfig {
  std::string path;  // absolute; may be a glob pattern (FileGlobInput)
  // Where to start in a file that has no checkpoint yet and exists when the agent starts. A file
  // that appears later is always read from its beginning.
  StartAt start = StartAt::kEnd;
};

}  // namespace soc
