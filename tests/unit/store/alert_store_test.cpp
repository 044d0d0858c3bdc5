// The alert store against a real RocksDB in a temporary directory.
#include "collector/store/alert_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <set>

#include "tests/unit/umask_guard.h"

namespace soc {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A fresh directory under the system temp dir, removed with everything in it at scope end.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() /
            ("soc-store-test-" + std::to_string(rd()) + "-" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string store() const { return (path_ / "store").string(); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

const SysTime kT0 = parse_rfc3339("2026-11-23T12:45:00Z").value();

Envelope line(std::string msg, uint64_t seq = 1) {
  Envelope e;
  e.agent = "0f8e4a52-1c2d-4e5f-9a0b-112233445566";
  e.host = "web01";
  e.org = "STTTT";
  e.src = "file:/var/log/auth.log";
  e.seq = seq;
  e.ts = "2026-11-23T19:45:00.000+07:00";
  e.msg = std::move(msg);
  return e;
}

// A detection with one event per evidence line, seen at kT0 + offset.
Detection detection(std::string id, std::chrono::milliseconds offset,
                    std::vector<std::string> msgs = {"sshd[1]: Failed password for root"}) {
  Detection d;
  d.alert_id = std::move(id);
  d.rule.id = "ssh-bruteforce";
  d.rule.title = "SSH brute force";
  d.rule.title_vi = "Dò mật khẩu SSH";
  d.rule.severity = Severity::kHigh;
  d.rule.mitre = {"T1110"};
  d.host = "web01";
  d.org = "STTTT";
  d.agent = "0f8e4a52-1c2d-4e5f-9a0b-112233445566";
  d.group = {{"source.ip", "203.0.113.9"}};
  d.window_start = kT0;
  d.first_seen = kT0 + offset;
  d.last_seen = kT0 + offset;
  d.count = msgs.size();
  uint64_t seq = 1;
  for (auto& m : msgs) d.evidence.push_back(line(std::move(m), seq++));
  return d;
}

std::unique_ptr<AlertStore> open_store(const std::string& dir) {
  auto s = AlertStore::open(dir);
  EXPECT_TRUE(s.ok()) << s.error();
  return s.ok() ? std::move(s).value() : nullptr;
}

Alert get_alert(const AlertStore& store, const std::string& id) {
  auto r = store.get(id);
  EXPECT_TRUE(r.ok()) << r.error();
  EXPECT_TRUE(r.ok() && r->has_value()) << "no alert " << id;
  return r.ok() && r->has_value() ? **r : Alert{};
}

std::vector<std::string> listed_ids(const AlertStore& store, size_t limit = 100) {
  auto r = store.list(limit);
  EXPECT_TRUE(r.ok()) << r.error();
  std::vector<std::string> ids;
  if (r.ok()) {
    for (const auto& a : *r) ids.push_back(a.id);
  }
  return ids;
}

TEST(StoreApply, CreatesANewAlert) {
  TempDir tmp;
  auto store = open_store(tmp.store());
  ASSERT_TRUE(store);
  const SysTime before = std::chrono::floor<std::chrono::milliseconds>(SysTime::clock::now());
  ASSERT_TRUE(store->apply({detection("a1", 1500ms)}).ok());
  const SysTime after = SysTime::clock::now();

  const Alert a = get_alert(*store, "a1");
  EXPECT_EQ(a.rule.id, "ssh-bruteforce");
  EXPECT_EQ(a.rule.title_vi, "Dò mật khẩu SSH");
  EXPECT_EQ(a.rule.severity, Severity::kHigh);
  EXPECT_EQ(a.status, "new");
  EXPECT_EQ(a.count, 1u);
  EXPECT_EQ(a.window_start, kT0);
  EXPECT_EQ(a.first_seen, kT0 + 1500ms);
  EXPECT_EQ(a.last_seen, kT0 + 1500ms);
  EXPECT_GE(a.created_at, before);
  EXPECT_LE(a.created_at, after);
  EXPECT_EQ(a.updated_at, a.created_at);
  ASSERT_EQ(a.evidence.size(), 1u);
  EXPECT_EQ(a.evidence[0].msg, "sshd[1]: Failed password for root");
  EXPECT_EQ(store->count().value(), 1u);
}

TEST(StoreApply, FoldsCountAndWidensFirstAndLastSeen) {
  TempDir tmp;
  auto store = open_store(tmp.store());
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->apply({detection("a1", 10s, {"l1", "l2"})}).ok());
  const Alert created = get_alert(*store, "a1");
  ASSERT_TRUE(store->apply({detection("a1", 30s, {"l3"})}).ok());
  ASSERT_TRUE(store->apply({detection("a1", 5s, {"l4", "l5", "l6"})}).ok());

  const Alert a = get_alert(*store, "a1");
  EXPECT_EQ(a.count, 6u);
  EXPECT_EQ(a.first_seen, kT0 + 5s);
  EXPECT_EQ(a.last_seen, kT0 + 30s);
  EXPECT_EQ(a.created_at, created.created_at);
  EXPECT_GE(a.updated_at, created.updated_at);
  EXPECT_EQ(a.evidence.size(), 6u);
  EXPECT_EQ(store->count().value(), 1u);
}

TEST(StoreApply, FoldsSeveralDetectionsForOneIdInOneCall) {
  TempDir tmp;
  auto store = open_store(tmp.store());
  ASSERT_TRUE(store);
  ASSERT_TRUE(store
                  ->apply({detection("a1", 20s, {"l1"}), detection("b1", 1s, {"x"}),
                           detection("a1", 2s, {"l2", "l3"})})
                  .ok());
  const Alert a = get_alert(*store, "a1");
  EXPECT_EQ(a.count, 3u);
  EXPECT_EQ(a.first_seen, kT0 + 2s);
  EXPECT_EQ(a.last_seen, kT0 + 20s);
  EXPECT_EQ(a.evidence.size(), 3u);
  EXPECT_EQ(listed_ids(*store), (std::vector<std::string>{"a1", "b1"}));
  EXPECT_EQ(store->count().value(), 2u);
}

TEST(StoreApply, CapsEvidenceButKeepsCounting) {
  TempDir tmp;
  auto store = open_store(tmp.store());
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->apply({detection("a1", 1s, {"l1", "l2", "l3"})}, 4).ok());
  ASSERT_TRUE(store->apply({detection("a1", 2s, {"l4", "l5", "l6"})}, 4).ok());
  const Alert a = get_alert(*store, "a1");
  EXPECT_EQ(a.count, 6u);
  ASSERT_EQ(a.evidence.size(), 4u);
  EXPECT_EQ(a.evidence[0].msg, "l1");  // the earliest proof is kept, later lines are dropped
  EXPECT_EQ(a.evidence[3].msg, "l4");
}

TEST(StoreApply, KeepsNoMoreEvidenceThanTheRuleAsks) {
  TempDir tmp;
  auto store = open_store(tmp.store());
  ASSERT_TRUE(store);
  Detection d = detection("a1", 1s, {"l1", "l2", "l3"});
  d.evidence_max = 2;
  ASSERT_TRUE(store->apply({d}).ok());
  const Alert a = get_alert(*store, "a1");
  EXPECT_EQ(a.count, 3u);
  EXPECT_EQ(a.evidence.size(), 2u);
}

TEST(StoreApply, DefaultEvidenceCapIsTen) {
  TempDir tmp;
  auto store = open_store(tmp.store());
  ASSERT_TRUE(store);
  std::vector<std::string> msgs;
  for (int i = 0; i < 15; ++i) msgs.push_back("line " + std::to_string(i));
  ASSERT_TRUE(store->apply({detection("a1", 1s, msgs)}).ok());
  const Alert a = get_alert(*store, "a1");
  EXPECT_EQ(a.count, 15u);
  EXPECT_EQ(a.evidence.size(), 10u);
}

TEST(StoreApply, ReplayedLineIsNotCountedTwice) {
  TempDir tmp;
  auto store = open_store(tmp.store());
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->apply({detection("a1", 1s, {"l1"})}).ok());
  ASSERT_TRUE(store->apply({detection("a1", 2s, {"l2"})}).ok());
  const Alert before = get_alert(*store, "a1");

  // The agent re-sent l1 after a restart (new seq), and it arrives twice in one batch too.
  Detection replay = detection("a1", 1s, {"l1"});
  replay.evidence[0].seq = 99;
  ASSERT_TRUE(store->apply({replay, replay}).ok());
  Alert a = get_alert(*store, "a1");
  EXPECT_EQ(a.count, 2u);
  EXPECT_EQ(a.evidence.size(), 2u);
  EXPECT_EQ(a.updated_at, before.updated_at);  // nothing was rewritten

  // A new line among replayed ones still counts, once.
  ASSERT_TRUE(store->apply({detection("a1", 3s, {"l1", "l3"})}).ok());
  a = get_alert(*store, "a1");
  EXPECT_EQ(a.count, 3u);
  EXPECT_EQ(a.last_seen, kT0 + 3s);
  ASSERT_EQ(a.evidence.size(), 3u);
  EXPECT_EQ(a.evidence[2].msg, "l3");

  // The same text from another source is a different event.
  Detection other = detection("a1", 4s, {"l1"});
  other.evidence[0].src = "journald";
  ASSERT_TRUE(store->apply({other}).ok());
  EXPECT_EQ(get_alert(*store, "a1").count, 4u);
}

TEST(StoreApply, ReplayedLineWithInvalidUtf8MatchesTheStoredCopy) {
  TempDir tmp;
  const std::string bad = "sshd[1]: Failed password for \xFF\xFE";
  {
    auto store = open_store(tmp.store());
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->apply({detection("a1", 1s, {bad})}).ok());
  }
  auto store = open_store(tmp.store());  // evidence now comes back from its JSON form
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->apply({detection("a1", 1s, {bad})}).ok());
  const Alert a = get_alert(*store, "a1");
  EXPECT_EQ(a.count, 1u);
  ASSERT_EQ(a.evidence.size(), 1u);
  EXPECT_EQ(a.evidence[0].msg, "sshd[1]: Failed password for \\xff\\xfe");
}

TEST(StoreApply, SampledEvidenceDoesNotHideNewEvents) {
  TempDir tmp;
  auto store = open_store(tmp.store());
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->apply({detection("a1", 1s, {"l1"})}).ok());
  // 5 events of which only the first line was kept as evidence by the rule: all 5 are new.
  Detection d = detection("a1", 2s, {"l1"});
  d.count = 5;
  ASSERT_TRUE(store->apply({d}).ok());
  const Alert a = get_alert(*store, "a1");
  EXPECT_EQ(a.count, 6u);
  EXPECT_EQ(a.evidence.size(), 1u);
}

TEST(StoreApply, RejectsDetectionWithoutId) {
  TempDir tmp;
  auto store = open_store(tmp.store());
  ASSERT_TRUE(store);
  const Status st = store->apply({detection("", 1s)});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error_kind(), ErrorKind::kInvalidInput) << st.error();
  EXPECT_EQ(store->count().value(), 0u);
}

TEST(StoreList, NewestLastSeenFirstAndIndexFollowsUpdates) {
  TempDir tmp;
  auto store = open_store(tmp.store());
  ASSERT_TRUE(store);
  ASSERT_TRUE(
      store->apply({detection("old", 1s), detection("mid", 2s, {"m"}), detection("new", 3s, {"n"})})
          .ok());
  EXPECT_EQ(listed_ids(*store), (std::vector<std::string>{"new", "mid", "old"}));

  // "old" gets a later event and moves to the top; its previous index entry must go.
  ASSERT_TRUE(store->apply({detection("old", 10s, {"o2"})}).ok());
  EXPECT_EQ(listed_ids(*store), (std::vector<std::string>{"old", "new", "mid"}));
  // An earlier event widens first_seen only: the order stays.
  ASSERT_TRUE(store->apply({detection("mid", 0s, {"m0"})}).ok());
  EXPECT_EQ(listed_ids(*store), (std::vector<std::string>{"old", "new", "mid"}));
  ASSERT_TRUE(store->apply({detection("mid", 20s, {"m2"})}).ok());
  ASSERT_TRUE(store->apply({detection("mid", 25s, {"m3"})}).ok());
  EXPECT_EQ(listed_ids(*store), (std::vector<std::string>{"mid", "old", "new"}));
  EXPECT_EQ(store->count().value(), 3u);  // no stale index entries left behind

  EXPECT_EQ(listed_ids(*store, 2), (std::vector<std::string>{"mid", "old"}));
  EXPECT_TRUE(listed_ids(*store, 0).empty());
}

TEST(StoreList, EmptyStoreListsNothing) {
  TempDir tmp;
  auto store = open_store(tmp.store());
  ASSERT_TRUE(store);
  EXPECT_TRUE(listed_ids(*store).empty());
  EXPECT_EQ(store->count().value(), 0u);
}

TEST(StoreGet, UnknownIdIsNothingNotAnError) {
  TempDir tmp;
  auto store = open_store(tmp.store());
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->apply({detection("a1", 1s)}).ok());
  auto r = store->get("nope");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_FALSE(r->has_value());
}

TEST(StoreOpen, ReopenKeepsData) {
  TempDir tmp;
  {
    auto store = open_store(tmp.store());
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->apply({detection("a1", 1s, {"l1", "l2"}), detection("b1", 2s)}).ok());
  }
  auto store = open_store(tmp.store());
  ASSERT_TRUE(store);
  EXPECT_EQ(store->count().value(), 2u);
  EXPECT_EQ(get_alert(*store, "a1").count, 2u);
  EXPECT_EQ(listed_ids(*store), (std::vector<std::string>{"b1", "a1"}));
  // Folding continues where it left off.
  ASSERT_TRUE(store->apply({detection("a1", 3s, {"l3"})}).ok());
  EXPECT_EQ(get_alert(*store, "a1").count, 3u);
  EXPECT_EQ(listed_ids(*store), (std::vector<std::string>{"a1", "b1"}));
}

TEST(StoreOpen, ReadOnlyWhileWriterIsOpenSeesSyncedAlerts) {
  TempDir tmp;
  auto writer = open_store(tmp.store());
  ASSERT_TRUE(writer);
  ASSERT_TRUE(writer->apply({detection("a1", 1s)}).ok());

  auto reader = AlertStore::open_read_only(tmp.store());
  ASSERT_TRUE(reader.ok()) << reader.error();
  EXPECT_EQ((*reader)->count().value(), 1u);
  EXPECT_EQ(get_alert(**reader, "a1").count, 1u);
  EXPECT_FALSE((*reader)->apply({detection("b1", 1s)}).ok());

  // The reader is a snapshot as of its open; a new open sees what the writer synced since.
  ASSERT_TRUE(writer->apply({detection("a1", 5s, {"l2"}), detection("b1", 2s)}).ok());
  EXPECT_EQ((*reader)->count().value(), 1u);
  auto again = AlertStore::open_read_only(tmp.store());
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ((*again)->count().value(), 2u);
  EXPECT_EQ(get_alert(**again, "a1").count, 2u);
  EXPECT_EQ(listed_ids(**again), (std::vector<std::string>{"a1", "b1"}));

  // And the writer carries on undisturbed.
  ASSERT_TRUE(writer->apply({detection("c1", 9s)}).ok());
  EXPECT_EQ(writer->count().value(), 3u);
}

TEST(StoreOpen, ReadOnlyOpenLeavesTheDirectoryUntouched) {
  TempDir tmp;
  auto writer = open_store(tmp.store());
  ASSERT_TRUE(writer);
  ASSERT_TRUE(writer->apply({detection("a1", 1s)}).ok());
  const auto files = [&] {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(tmp.store())) {
      names.insert(e.path().filename().string());
    }
    return names;
  };
  const auto before = files();
  {
    auto reader = AlertStore::open_read_only(tmp.store());
    ASSERT_TRUE(reader.ok()) << reader.error();
  }
  EXPECT_EQ(files(), before);  // no LOG rotation, nothing created
}

TEST(StoreOpen, SecondWriterIsToldTheStoreIsInUse) {
  TempDir tmp;
  auto writer = open_store(tmp.store());
  ASSERT_TRUE(writer);
  auto second = AlertStore::open(tmp.store());
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().find(tmp.store()), std::string::npos) << second.error();
  EXPECT_NE(second.error().find("in use"), std::string::npos) << second.error();
  // Busy, not broken: a caller (the API) can say "try again" without reading the message.
  EXPECT_EQ(second.error_kind(), ErrorKind::kUnavailable) << second.error();
}

TEST(StoreApply, ReadOnlyStoreRefusesWritesAsAConflict) {
  TempDir tmp;
  open_store(tmp.store()).reset();
  auto reader = AlertStore::open_read_only(tmp.store());
  ASSERT_TRUE(reader.ok()) << reader.error();
  const Status st = (*reader)->apply({detection("a1", 1s)});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error_kind(), ErrorKind::kConflict) << st.error();
}

// Alerts carry evidence with personal data: the store directory is 0700 whatever the umask (RocksDB
// creates its own files through the umask, which soc-collector sets to 077), and a store left
// more open is narrowed when the collector opens it.
TEST(StoreOpen, DirectoryIsOwnerOnlyUnderALooseUmask) {
  const UmaskGuard loose(022);
  TempDir tmp;
  const std::string nested = (tmp.path() / "var" / "store").string();
  open_store(nested).reset();
  EXPECT_EQ(mode_of(nested.c_str()), 0700u);
  EXPECT_EQ(mode_of((tmp.path() / "var").string().c_str()), 0700u);
  ASSERT_EQ(::chmod(nested.c_str(), 0755), 0);
  open_store(nested).reset();
  EXPECT_EQ(mode_of(nested.c_str()), 0700u);
}

TEST(StoreOpen, ReadOnlyOfMissingStoreFailsNamingTheDirectory) {
  TempDir tmp;
  auto r = AlertStore::open_read_only(tmp.store());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find(tmp.store()), std::string::npos) << r.error();
  EXPECT_EQ(r.error_kind(), ErrorKind::kNotFound) << r.error();
  EXPECT_FALSE(fs::exists(tmp.store()));  // reading never creates a store

  auto empty_dir = AlertStore::open_read_only(tmp.path().string());
  ASSERT_FALSE(empty_dir.ok());
  EXPECT_NE(empty_dir.error().find("no alert store"), std::string::npos) << empty_dir.error();
  EXPECT_EQ(empty_dir.error_kind(), ErrorKind::kNotFound) << empty_dir.error();
}

}  // namespace
}  // namespace soc
