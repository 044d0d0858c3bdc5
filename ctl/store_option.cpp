#include "ctl/store_option.h"

#include <CLI/CLI.hpp>

namespace soc::ctl {

void add_store_option(CLI::App& cmd, std::string& dir) {
  dir = kDefaultStoreDir;
  cmd.add_option("--store", dir,
                 "Alert store directory, opened read-only (works while the collector runs)")
      ->envname(kStoreEnv)
      ->capture_default_str()
      ->type_name("DIR");
}

}  // namespace soc::ctl
