#include "collector/store/alert_store.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/snapshot.h>
#include <rocksdb/write_batch.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <thread>
#include <unordered_map>

#include "common/atomic_file.h"
#include "common/envelope.h"

namespace soc {
namespace {

namespace fs = std::filesystem;

constexpr const char* kAlertsCf = "alerts";
constexpr const char* kByTimeCf = "alerts_by_time";
constexpr size_t kTimeKeyBytes = 8;

int64_t millis(SysTime t) {
  return std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// Times are stored with millisecond precision; keeping the in-memory alert at that precision too
// makes what apply() indexes identical to what a later read parses back.
SysTime to_ms(SysTime t) {
  return std::chrono::floor<std::chrono::milliseconds>(t);
}

// alerts_by_time key: 8 bytes big-endian of the inverted last_seen millis (sign bit flipped so
// negative times sort too), then the id. Ascending key order is newest first; ties go by id.
std::string time_key(const Alert& a) {
  const uint64_t inverted = ~(static_cast<uint64_t>(millis(a.last_seen)) ^ (uint64_t{1} << 63));
  std::string key(kTimeKeyBytes, '\0');
  for (size_t i = 0; i < kTimeKeyBytes; ++i) {
    key[i] = static_cast<char>((inverted >> (8 * (kTimeKeyBytes - 1 - i))) & 0xFF);
  }
  return key + a.id;
}

// Evidence is stored as envelope JSON, where bytes that are not valid UTF-8 become the text \xNN.
// Incoming envelopes are brought to that form before comparing and keeping them, so a replayed
// line matches the copy read back from the store.
std::string stored_text(const std::string& s) {
  std::string body;
  if (append_json_string(body, s) == 0) return s;  // valid UTF-8: the usual case, unchanged
  return nlohmann::json::parse("\"" + body + "\"").get<std::string>();
}

Envelope stored_form(Envelope e) {
  e.agent = stored_text(e.agent);
  e.host = stored_text(e.host);
  e.org = stored_text(e.org);
  e.src = stored_text(e.src);
  e.ts = stored_text(e.ts);
  e.msg = stored_text(e.msg);
  return e;
}

bool same_envelope(const Envelope& a, const Envelope& b) {
  return a.agent == b.agent && a.src == b.src && a.msg == b.msg;
}

bool kept(const std::vector<Envelope>& evidence, const Envelope& e) {
  return std::any_of(evidence.begin(), evidence.end(),
                     [&](const Envelope& k) { return same_envelope(k, e); });
}

Alert new_alert(const Detection& d, SysTime now) {
  Alert a;
  a.id = d.alert_id;
  a.rule = d.rule;
  a.host = d.host;
  a.org = d.org;
  a.agent = d.agent;
  a.group = d.group;
  a.window_start = to_ms(d.window_start);
  a.first_seen = to_ms(d.first_seen);
  a.last_seen = to_ms(d.last_seen);
  a.created_at = now;
  a.updated_at = now;
  return a;
}

// Folds one detection into an alert. Returns false when it brought nothing new (a replay).
bool fold(Alert& a, const Detection& d, size_t evidence_max, SysTime now) {
  // A line already kept as evidence has been counted before. When the detection's evidence holds
  // every one of its events, those lines are exactly what it would add, so count only the others;
  // otherwise the evidence is a sample and the full count must be trusted.
  std::vector<Envelope> incoming;
  incoming.reserve(d.evidence.size());
  for (const auto& e : d.evidence) incoming.push_back(stored_form(e));
  uint64_t added = d.count;
  if (!incoming.empty() && d.count == incoming.size()) {
    added = static_cast<uint64_t>(std::count_if(
        incoming.begin(), incoming.end(), [&](const Envelope& e) { return !kept(a.evidence, e); }));
  }
  if (added == 0 && a.count > 0) return false;
  a.count += added;
  a.first_seen = std::min(a.first_seen, to_ms(d.first_seen));
  a.last_seen = std::max(a.last_seen, to_ms(d.last_seen));
  for (auto& e : incoming) {
    if (a.evidence.size() >= std::min<size_t>(evidence_max, d.evidence_max)) break;
    if (!kept(a.evidence, e)) a.evidence.push_back(std::move(e));
  }
  a.updated_at = now;
  return true;
}

// A RocksDB failure as an Error with a kind, so callers (socctl, the API) need not read the text.
Error failure(const std::string& dir, const rocksdb::Status& s) {
  std::string msg = s.ToString();
  // RocksDB says "While lock file: .../LOCK: Resource temporarily unavailable" (another process)
  // or "lock hold by current process", an IOError with no subcode of its own: its text is the
  // only sign, read here once. Say plainly what it means; retrying later may succeed.
  if (s.IsIOError() && msg.find("lock") != std::string::npos) {
    return Error::unavailable(
        dir + ": store is in use (open for writing by another process or instance): " + msg);
  }
  if (s.IsBusy() || s.IsTryAgain() || s.IsTimedOut()) return Error::unavailable(dir + ": " + msg);
  return Error::internal(dir + ": " + msg);
}

rocksdb::Options store_options() {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.create_missing_column_families = true;
  // Sized for a small VM: alerts are few, so modest memtables and little background work.
  o.write_buffer_size = 16 << 20;
  o.max_write_buffer_number = 2;
  o.db_write_buffer_size = 32 << 20;
  o.max_total_wal_size = 64 << 20;  // flush idle column families so old WALs can go
  o.max_background_jobs = 2;
  o.keep_log_file_num = 5;
  o.max_log_file_size = 8 << 20;
  return o;
}

}  // namespace

struct AlertStore::Impl {
  std::string dir;
  bool read_only = false;
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // owned; released before db closes
  rocksdb::ColumnFamilyHandle* alerts = nullptr;
  rocksdb::ColumnFamilyHandle* by_time = nullptr;
  std::mutex write_mu;  // apply() reads then writes: one at a time

  ~Impl() {
    if (db) {
      for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    }
  }

  // Opens with `names` (which must include ours) and wires up the handles.
  rocksdb::Status open(const rocksdb::Options& options, const std::vector<std::string>& names) {
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (const auto& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions(options));
    rocksdb::DB* raw = nullptr;
    const rocksdb::Status s = read_only
                                  ? rocksdb::DB::OpenForReadOnly(options, dir, cfs, &handles, &raw)
                                  : rocksdb::DB::Open(options, dir, cfs, &handles, &raw);
    if (!s.ok()) return s;
    db.reset(raw);
    for (auto* h : handles) {
      if (h->GetName() == kAlertsCf) alerts = h;
      if (h->GetName() == kByTimeCf) by_time = h;
    }
    return s;
  }

  // Reads see one consistent point in time across both column families.
  struct Snapshot {
    explicit Snapshot(rocksdb::DB* d) : db(d), snap(d->GetSnapshot()) { opts.snapshot = snap; }
    ~Snapshot() {
      if (snap != nullptr) db->ReleaseSnapshot(snap);
    }
    Snapshot(const Snapshot&) = delete;
    Snapshot& operator=(const Snapshot&) = delete;
    rocksdb::DB* db;
    const rocksdb::Snapshot* snap;
    rocksdb::ReadOptions opts;
  };

  Result<std::optional<Alert>> load(const rocksdb::ReadOptions& ro, const std::string& id) const {
    std::string value;
    const rocksdb::Status s = db->Get(ro, alerts, id, &value);
    if (s.IsNotFound()) return std::optional<Alert>{};
    if (!s.ok()) return failure(dir, s);
    auto a = alert_from_json(value);
    // What we wrote ourselves and cannot read back: damage, not the caller's input.
    if (!a) return Error::internal(dir + ": alert " + id + ": " + a.error());
    return std::optional<Alert>{std::move(a).value()};
  }
};

AlertStore::AlertStore(Passkey, std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AlertStore::~AlertStore() = default;

const std::string& AlertStore::dir() const {
  return impl_->dir;
}

Result<std::unique_ptr<AlertStore>> AlertStore::open(const std::string& dir) {
  // Owner-only: alerts carry evidence lines with personal data. RocksDB creates its files through
  // the umask (soc-collector sets 077); this directory's mode is what guards them either way.
  if (auto st = make_dirs(dir, 0700); !st)
    return Error{"cannot create the alert store: " + st.error(), st.error_kind()};

  const rocksdb::Options options = store_options();
  // Read-write opens must name every existing column family, including ones a newer version added.
  std::vector<std::string> names;
  if (!rocksdb::DB::ListColumnFamilies(options, dir, &names).ok()) names.clear();  // new store
  for (const char* n : {rocksdb::kDefaultColumnFamilyName.c_str(), kAlertsCf, kByTimeCf}) {
    if (std::find(names.begin(), names.end(), n) == names.end()) names.emplace_back(n);
  }
  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  const rocksdb::Status s = impl->open(options, names);
  if (!s.ok()) return failure(dir, s);
  return std::make_unique<AlertStore>(Passkey{}, std::move(impl));
}

Result<std::unique_ptr<AlertStore>> AlertStore::open_read_only(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return Error::not_found(dir + ": no alert store here (no such directory)");
  if (!fs::exists(fs::path(dir) / "CURRENT", ec)) {
    return Error::not_found(dir + ": no alert store here (no RocksDB CURRENT file)");
  }
  rocksdb::Options options = store_options();
  options.create_if_missing = false;
  options.create_missing_column_families = false;
  // Nothing here writes into the directory: RocksDB opens no info LOG in read-only mode (a unit
  // test guards that), so analysts need only read access and the collector's files stay as they
  // are.

  rocksdb::Status s;
  // The collector may delete an obsolete WAL or MANIFEST between our reading the file list and
  // opening the file; that race is transient, so try again briefly.
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::vector<std::string> existing;
    s = rocksdb::DB::ListColumnFamilies(options, dir, &existing);
    if (!s.ok()) continue;
    for (const char* n : {kAlertsCf, kByTimeCf}) {
      if (std::find(existing.begin(), existing.end(), n) == existing.end()) {
        return Error::invalid_input(dir + ": not an alert store (no column family \"" + n + "\")");
      }
    }
    auto impl = std::make_unique<Impl>();
    impl->dir = dir;
    impl->read_only = true;
    // Read-only opens may name a subset: only what this version reads.
    s = impl->open(options, {rocksdb::kDefaultColumnFamilyName, kAlertsCf, kByTimeCf});
    if (s.ok()) return std::make_unique<AlertStore>(Passkey{}, std::move(impl));
    if (s.IsInvalidArgument() || s.IsNotSupported()) break;  // not transient
  }
  return failure(dir, s);
}

Status AlertStore::apply(const std::vector<Detection>& detections, size_t evidence_max) {
  Impl& im = *impl_;
  if (im.read_only) return Error::conflict(im.dir + ": store is open read-only");
  if (detections.empty()) return Ok{};
  const std::lock_guard lock(im.write_mu);
  const SysTime now = to_ms(std::chrono::system_clock::now());

  struct Pending {
    Alert alert;
    std::optional<std::string> old_key;  // index key as stored, if the alert existed
    bool changed = false;
  };
  std::unordered_map<std::string, Pending> pending;
  std::vector<std::string> order;  // write in first-seen order: deterministic batches
  const rocksdb::ReadOptions ro;
  for (const Detection& d : detections) {
    if (d.alert_id.empty())
      return Error::invalid_input("detection of rule " + d.rule.id + " has no alert id");
    auto it = pending.find(d.alert_id);
    if (it == pending.end()) {
      auto stored = im.load(ro, d.alert_id);
      if (!stored) return stored.failure();
      Pending p;
      if (stored->has_value()) {
        p.alert = std::move(**stored);
        p.old_key = time_key(p.alert);
      } else {
        p.alert = new_alert(d, now);
        p.changed = true;
      }
      it = pending.emplace(d.alert_id, std::move(p)).first;
      order.push_back(d.alert_id);
    }
    if (fold(it->second.alert, d, evidence_max, now)) it->second.changed = true;
  }

  rocksdb::WriteBatch batch;
  for (const auto& id : order) {
    const Pending& p = pending.at(id);
    if (!p.changed) continue;
    const std::string key = time_key(p.alert);
    if (p.old_key != key) {
      if (p.old_key) batch.Delete(im.by_time, *p.old_key);
      batch.Put(im.by_time, key, rocksdb::Slice());
    }
    batch.Put(im.alerts, id, alert_to_json_string(p.alert));
  }
  if (batch.Count() == 0) return Ok{};  // every detection was a replay
  rocksdb::WriteOptions wo;
  wo.sync = true;  // durable before the collector commits the Kafka offsets behind it
  const rocksdb::Status s = im.db->Write(wo, &batch);
  if (!s.ok()) return failure(im.dir, s);
  return Ok{};
}

Result<std::vector<Alert>> AlertStore::list(size_t limit) const {
  const Impl& im = *impl_;
  const Impl::Snapshot snap(im.db.get());
  std::unique_ptr<rocksdb::Iterator> it(im.db->NewIterator(snap.opts, im.by_time));
  std::vector<Alert> out;
  for (it->SeekToFirst(); it->Valid() && out.size() < limit; it->Next()) {
    const rocksdb::Slice key = it->key();
    if (key.size() <= kTimeKeyBytes) continue;
    const std::string id(key.data() + kTimeKeyBytes, key.size() - kTimeKeyBytes);
    auto a = im.load(snap.opts, id);
    if (!a) return a.failure();
    // apply() keeps exactly one index entry per alert; checking it costs nothing and guarantees a
    // listing without stale duplicates even if an entry was ever left behind.
    if (!a->has_value() || time_key(**a) != key.ToString()) continue;
    out.push_back(std::move(**a));
  }
  if (!it->status().ok()) return failure(im.dir, it->status());
  return out;
}

Result<std::optional<Alert>> AlertStore::get(const std::string& id) const {
  return impl_->load(rocksdb::ReadOptions(), id);
}

Result<uint64_t> AlertStore::count() const {
  // Walks the index (empty values, so cheap): alerts number in the thousands, and an exact count
  // needs no counter that every writer would have to keep in step.
  const Impl& im = *impl_;
  std::unique_ptr<rocksdb::Iterator> it(im.db->NewIterator(rocksdb::ReadOptions(), im.by_time));
  uint64_t n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
  if (!it->status().ok()) return failure(im.dir, it->status());
  return n;
}

}  // namespace soc
