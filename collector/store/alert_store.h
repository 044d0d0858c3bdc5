// The alert store: alerts in RocksDB, written by the collector alone and read by socctl.
// No RocksDB header here (pimpl): they are slow to compile and this header reaches the pipeline.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "collector/model/alert.h"
#include "collector/model/detection.h"
#include "common/result.h"

namespace soc {

class AlertStore {
  struct Impl;
  struct Passkey {
    explicit Passkey() = default;
  };

 public:
  // Opens (creating the directory and column families if missing) for writing. One writer per
  // store: a second open fails with "<dir>: store is in use ...".
  static Result<std::unique_ptr<AlertStore>> open(const std::string& dir);

  // Opens a read-only view, usable while the collector has the store open for writing. The view is
  // a snapshot of what was synced when it was opened: re-open to see later writes. It never writes
  // to the directory (not even RocksDB's LOG), so it works for a user who may only read the store.
  static Result<std::unique_ptr<AlertStore>> open_read_only(const std::string& dir);

  AlertStore(Passkey, std::unique_ptr<Impl> impl);
  ~AlertStore();
  AlertStore(const AlertStore&) = delete;
  AlertStore& operator=(const AlertStore&) = delete;

  // Folds detections into alerts, all in one WriteBatch written with the WAL synced: when this
  // returns Ok the alerts are durable (the collector commits its Kafka offsets only then).
  // A new id creates an alert (status "new"); a known id adds the count, widens first/last seen
  // and appends evidence up to the rule's bound (Detection::evidence_max, never more than
  // `evidence_max`), skipping envelopes already kept (same agent, src and
  // msg). Events that come back in a replay are not counted twice: when a detection's evidence
  // holds all of its events (count 1 with its one line, say), only the envelopes not already kept
  // are counted. Several detections for one id in the same call fold together.
  Status apply(const std::vector<Detection>& detections, size_t evidence_max = 1000);

  // Up to `limit` alerts, most recent last_seen first.
  Result<std::vector<Alert>> list(size_t limit = 100) const;

  // The alert with this id, or nothing when there is none.
  Result<std::optional<Alert>> get(const std::string& id) const;

  // Number of alerts.
  Result<uint64_t> count() const;

  const std::string& dir() const;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace soc
