// Compiled Hyperscan databases kept on disk, so a start or reload with unchanged rules loads them
// instead of compiling (seconds of CPU for the full pack plus Sigma). One file per database, named
// by a digest of everything that went into it (DatabaseCache::key); docs/architecture.md ("Rule
// database cache") tells why each check exists.
#pragma once

#include <hs/hs.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"

namespace soc {

struct HsDatabaseFree {
  void operator()(hs_database_t* db) const { hs_free_database(db); }
};
using HsDatabasePtr = std::unique_ptr<hs_database_t, HsDatabaseFree>;

class DatabaseCache {
 public:
  // Files not used by the latest build are removed, oldest first, beyond this many bytes.
  static constexpr uint64_t kDefaultMaxBytes = 256ull << 20;

  // Opens `dir`, creating it (mode 0700) if needed. A database is loaded as trusted code would be,
  // so a directory another user owns or may write is refused rather than used.
  static Result<std::unique_ptr<DatabaseCache>> open(const std::string& dir,
                                                     uint64_t max_bytes = kDefaultMaxBytes);

  // Hex SHA-256 over the Hyperscan version, this machine's platform (a serialized database only
  // runs where it was built for), `mode` and every (expression, flags, id) in order.
  static std::string key(const std::vector<const char*>& expressions,
                         const std::vector<unsigned>& flags, const std::vector<unsigned>& ids,
                         unsigned mode);

  // The database stored under `key`, or null when there is none or it is unusable (truncated,
  // garbled, written for another key or by another Hyperscan): such a file is counted in
  // rejected, logged at debug, and later overwritten by store().
  HsDatabasePtr load(const std::string& key);
  // Stores `db` under `key` (replacing the file by rename, mode 0600). A failure is counted and
  // logged at debug: the cache is an optimisation, never a reason to fail.
  void store(const std::string& key, const hs_database_t& db);
  // Removes the files of keys not in `in_use`, least recently used first, until the directory
  // holds at most max_bytes (files in use are kept whatever their size).
  void prune(const std::set<std::string>& in_use);

  struct Stats {
    uint64_t loaded = 0;        // databases read from disk
    uint64_t missing = 0;       // keys without a file
    uint64_t rejected = 0;      // files present but unusable
    uint64_t stored = 0;        // databases written
    uint64_t store_failed = 0;  // writes that failed
    uint64_t pruned = 0;        // files removed by prune()
  };
  const Stats& stats() const { return stats_; }
  const std::string& dir() const { return dir_; }

 private:
  DatabaseCache(std::string dir, uint64_t max_bytes)
      : dir_(std::move(dir)), max_bytes_(max_bytes) {}
  std::string path_of(const std::string& key) const;

  std::string dir_;
  uint64_t max_bytes_;
  Stats stats_;
};

}  // namespace soc
