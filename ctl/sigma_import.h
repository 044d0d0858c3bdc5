// socctl rules import-sigma: converts a tree of SigmaHQ rules into our rule files and reports
// what was converted and what was refused, and why.
#pragma once

#include <string>
#include <vector>

namespace soc::ctl {

struct SigmaImportOptions {
  std::vector<std::string> sources;  // Sigma rule files or directories (searched recursively)
  std::string out_dir;               // one converted rule file per Sigma rule, same layout
  bool quiet = false;                // only the summary, not one line per refusal
};

// Returns the exit status: 0 when every file was either converted or refused with a reason and
// the converted rules compile together; 1 on I/O errors or when they do not.
int run_import_sigma(const SigmaImportOptions& o);

}  // namespace soc::ctl
