#include "agent/spool.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/atomic_file.h"

namespace soc {
namespace {

constexpr std::string_view kMagic = "SOCSPL1\n";
constexpr uint64_t kHeaderBytes = kMagic.size();
constexpr uint64_t kRecordHeader = 8;
constexpr uint32_t kMaxRecord = 64u << 20;  // far above any envelope: a larger length is damage
constexpr std::string_view kCursorHeader = "soc-agent spool cursor v1";

constexpr std::array<uint32_t, 256> make_crc_table() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0x82F63B78u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}
constexpr auto kCrcTable = make_crc_table();

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}
uint32_t get_u32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

// Reads exactly n bytes at off; false on a short read or an error.
bool pread_full(int fd, char* buf, size_t n, uint64_t off) {
  size_t done = 0;
  while (done < n) {
    const ssize_t r = ::pread(fd, buf + done, n - done, static_cast<off_t>(off + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    done += static_cast<size_t>(r);
  }
  return true;
}

void fsync_dir(const std::string& dir) {
  UniqueFd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.valid()) ::fsync(d.get());
}

// Length of the valid records from `from` on: the offset just past the last good one.
uint64_t scan_valid_end(int fd, uint64_t from, uint64_t size, uint64_t* records) {
  std::string buf;
  uint64_t off = from;
  while (off + kRecordHeader <= size) {
    char h[kRecordHeader];
    if (!pread_full(fd, h, sizeof h, off)) break;
    const uint32_t len = get_u32(h);
    if (len == 0 || len > kMaxRecord || off + kRecordHeader + len > size) break;
    buf.resize(len);
    if (!pread_full(fd, buf.data(), len, off + kRecordHeader)) break;
    if (crc32c(buf) != get_u32(h + 4)) break;
    off += kRecordHeader + len;
    if (records != nullptr) ++*records;
  }
  return off;
}

}  // namespace

uint32_t crc32c(std::string_view data, uint32_t crc) {
  crc = ~crc;
  for (const char ch : data)
    crc = kCrcTable[(crc ^ static_cast<unsigned char>(ch)) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

std::string Spool::seg_path(uint64_t id) const {
  return fmt::format("{}/{:020d}.seg", config_.dir, id);
}

Status Spool::open_write_segment(uint64_t id, bool create) {
  const std::string path = seg_path(id);
  const int flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0);
  UniqueFd fd(::open(path.c_str(), flags, 0600));  // lines may carry personal data
  if (!fd.valid()) return Error{fmt::format("{}: cannot open: {}", path, std::strerror(errno))};
  if (create) {
    if (::pwrite(fd.get(), kMagic.data(), kMagic.size(), 0) !=
            static_cast<ssize_t>(kMagic.size()) ||
        ::fdatasync(fd.get()) != 0) {
      const std::string why = std::strerror(errno);
      fd.reset();
      ::unlink(path.c_str());
      return Error{fmt::format("{}: cannot create: {}", path, why)};
    }
    fsync_dir(config_.dir);
    segs_.push_back(Segment{id, kHeaderBytes});
    synced_end_ = written_end_ = kHeaderBytes;
  }
  wfd_ = std::move(fd);
  return Ok{};
}

Result<Spool> Spool::open(SpoolConfig config) {
  Spool s;
  s.config_ = std::move(config);
  if (s.config_.segment_bytes > s.config_.max_bytes / 4) {
    s.config_.segment_bytes = std::max<uint64_t>(s.config_.max_bytes / 4, 4096);
  }
  if (auto st = make_dirs(s.config_.dir, 0700); !st) return Error{st.error()};

  std::vector<uint64_t> ids;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(s.config_.dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() != 24 || name.substr(20) != ".seg") continue;
    if (!std::all_of(name.begin(), name.begin() + 20, [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    ids.push_back(std::stoull(name.substr(0, 20)));
  }
  if (ec) return Error{fmt::format("{}: cannot list: {}", s.config_.dir, ec.message())};
  std::sort(ids.begin(), ids.end());

  // The cursor: where the first unacknowledged record is.
  Pos cursor{0, 0};
  const std::string cursor_path = s.config_.dir + "/cursor";
  if (std::filesystem::exists(cursor_path, ec)) {
    auto text = read_file(cursor_path);
    unsigned long long seg = 0, off = 0;
    if (text && text->rfind(kCursorHeader, 0) == 0 &&
        std::sscanf(text->c_str() + kCursorHeader.size(), "%llu %llu", &seg, &off) == 2) {
      cursor = Pos{seg, off};
    } else {
      spdlog::error(
          "spool: {} is unreadable; draining from the oldest segment (duplicates possible)",
          cursor_path);
    }
  }

  // Segments before the cursor were fully acknowledged: a crash came before their deletion.
  for (const uint64_t id : ids) {
    struct stat st {};
    const std::string path = s.seg_path(id);
    if (id < cursor.seg || ::stat(path.c_str(), &st) != 0) {
      ::unlink(path.c_str());
      continue;
    }
    // A segment without its magic (a crash right after creating it) holds nothing usable.
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    char magic[kHeaderBytes] = {};
    if (!fd.valid() || !pread_full(fd.get(), magic, sizeof magic, 0) ||
        std::string_view(magic, sizeof magic) != kMagic) {
      spdlog::warn("spool: {} has no valid header ({} bytes); removed", path, st.st_size);
      ++s.counters_.torn_tails;
      ::unlink(path.c_str());
      continue;
    }
    // Written by a version that let the umask decide: owner-only now.
    if (auto narrowed = restrict_mode(path, 0600); !narrowed) return Error{narrowed.error()};
    s.segs_.push_back(Segment{id, static_cast<uint64_t>(st.st_size)});
  }
  if (auto narrowed = restrict_mode(cursor_path, 0600); !narrowed) return Error{narrowed.error()};

  if (s.segs_.empty()) {
    const uint64_t id = std::max<uint64_t>(cursor.seg + 1, ids.empty() ? 1 : ids.back() + 1);
    if (auto st = s.open_write_segment(id, true); !st) return Error{st.error()};
  } else {
    // The last segment is where appends continue: cut a torn tail off.
    Segment& last = s.segs_.back();
    if (auto st = s.open_write_segment(last.id, false); !st) return Error{st.error()};
    const uint64_t end = scan_valid_end(s.wfd_.get(), kHeaderBytes, last.size, nullptr);
    if (end < last.size) {
      spdlog::warn("spool: torn tail in {}: {} bytes after byte {} skipped (a crash mid-write)",
                   s.seg_path(last.id), last.size - end, end);
      ++s.counters_.torn_tails;
      if (::ftruncate(s.wfd_.get(), static_cast<off_t>(end)) != 0 ||
          ::fdatasync(s.wfd_.get()) != 0) {
        return Error{fmt::format("{}: cannot cut the torn tail: {}", s.seg_path(last.id),
                                 std::strerror(errno))};
      }
      last.size = end;
    }
    s.synced_end_ = s.written_end_ = last.size;
  }

  const bool cursor_valid = !s.segs_.empty() && cursor.seg == s.segs_.front().id &&
                            cursor.off >= kHeaderBytes && cursor.off <= s.segs_.front().size;
  s.acked_ = cursor_valid ? cursor : Pos{s.segs_.front().id, kHeaderBytes};
  s.read_ = s.saved_ = s.acked_;
  if (!s.empty()) {
    spdlog::info("spool: {} bytes in {} segments to drain in {}", s.bytes(), s.segs_.size(),
                 s.config_.dir);
  }
  return s;
}

bool Spool::empty() const {
  return wbuf_.empty() && acked_.seg == segs_.back().id && acked_.off >= synced_end_;
}

bool Spool::synced_empty() const {
  return acked_.seg == segs_.back().id && acked_.off >= synced_end_;
}

std::vector<std::string> Spool::take_unsynced() {
  std::vector<std::string> out;
  size_t off = 0;
  while (off + kRecordHeader <= wbuf_.size()) {
    const uint32_t len = get_u32(wbuf_.data() + off);
    out.emplace_back(wbuf_.substr(off + kRecordHeader, len));
    off += kRecordHeader + len;
  }
  wbuf_.clear();
  unsynced_records_ = 0;
  return out;
}

// Once everything on disk is acknowledged, the write segment starts over: a long outage's data
// does not occupy the disk until the segment would have filled.
void Spool::recycle_if_done() {
  if (segs_.size() != 1 || !handed_.empty() || !synced_empty() || synced_end_ == kHeaderBytes) {
    return;
  }
  if (::ftruncate(wfd_.get(), static_cast<off_t>(kHeaderBytes)) != 0) return;
  synced_end_ = written_end_ = kHeaderBytes;
  segs_.back().size = kHeaderBytes;
  read_ = acked_ = Pos{segs_.back().id, kHeaderBytes};
}

bool Spool::has_unread() const {
  return !(read_.seg == segs_.back().id && read_.off >= synced_end_);
}

uint64_t Spool::bytes() const {
  uint64_t total = wbuf_.size();
  for (const auto& s : segs_) total += s.size;
  return total;
}

Spool::Append Spool::append(std::string_view payload) {
  const uint64_t need = kRecordHeader + payload.size();
  // A full segment is written out and a new one started even in the middle of a batch (a purge
  // hands back thousands of lines at once): segments, and so the size bound, stay exact.
  if (!wbuf_.empty() && written_end_ + wbuf_.size() + need > config_.segment_bytes && !sync()) {
    return Append::kError;
  }
  if (bytes() + need > config_.max_bytes) {
    if (config_.when_full == SpoolFullPolicy::kBlock) return Append::kFull;
    while (bytes() + need > config_.max_bytes && segs_.size() > 1) drop_oldest_segment();
  }
  put_u32(wbuf_, static_cast<uint32_t>(payload.size()));
  put_u32(wbuf_, crc32c(payload));
  wbuf_.append(payload);
  ++unsynced_records_;
  ++counters_.appended;
  return Append::kOk;
}

bool Spool::flush_buffer() {
  size_t done = 0;
  while (done < wbuf_.size()) {
    const ssize_t n = ::pwrite(wfd_.get(), wbuf_.data() + done, wbuf_.size() - done,
                               static_cast<off_t>(written_end_ + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return ::fdatasync(wfd_.get()) == 0;
}

bool Spool::sync() {
  if (wbuf_.empty()) return true;
  recycle_if_done();
  if (!flush_buffer()) {
    const int err = errno;
    ++counters_.write_errors;
    // Cut back to the last good record: a half-written one must not sit before later appends.
    if (::ftruncate(wfd_.get(), static_cast<off_t>(synced_end_)) != 0) {
      spdlog::debug("spool: cannot cut back after a failed write: {}", std::strerror(errno));
    }
    if (!error_logged_) {
      spdlog::error("spool: cannot write {}: {}; reading paused until it succeeds",
                    seg_path(segs_.back().id), std::strerror(err));
      error_logged_ = true;
    }
    return false;
  }
  if (error_logged_) spdlog::info("spool: writing works again");
  error_logged_ = false;
  synced_end_ = written_end_ = written_end_ + wbuf_.size();
  segs_.back().size = synced_end_;
  wbuf_.clear();
  if (wbuf_.capacity() > (4u << 20)) wbuf_.shrink_to_fit();
  unsynced_records_ = 0;
  if (synced_end_ >= config_.segment_bytes) roll_segment();
  return true;
}

bool Spool::roll_segment() {
  UniqueFd old = std::move(wfd_);
  const uint64_t id = segs_.back().id + 1;
  if (auto st = open_write_segment(id, true); !st) {
    spdlog::warn("spool: {}; continuing in the current segment", st.error());
    wfd_ = std::move(old);
    return false;
  }
  return true;
}

void Spool::drop_oldest_segment() {
  const Segment victim = segs_.front();
  uint64_t unsent = 0;
  if (read_.seg == victim.id) {
    UniqueFd fd(::open(seg_path(victim.id).c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.valid()) scan_valid_end(fd.get(), read_.off, victim.size, &unsent);
  }
  segs_.erase(segs_.begin());
  const Pos next{segs_.front().id, kHeaderBytes};
  if (read_.seg == victim.id) read_ = next;
  if (acked_.seg == victim.id) acked_ = next;
  // Records of this segment still in librdkafka stay there; acknowledgements for them are
  // ignored from now on.
  while (!handed_.empty() && handed_.front().start.seg == victim.id) handed_.pop_front();
  if (rfd_seg_ == victim.id) rfd_.reset();
  ::unlink(seg_path(victim.id).c_str());
  counters_.dropped_full += unsent;
  spdlog::warn("spool: full ({} bytes max): dropped segment {} with {} unsent lines",
               config_.max_bytes, victim.id, unsent);
}

std::optional<Spool::Record> Spool::read_next() {
  while (has_unread()) {
    auto seg = std::find_if(segs_.begin(), segs_.end(),
                            [&](const Segment& s) { return s.id == read_.seg; });
    if (seg == segs_.end()) {  // cannot happen: the read position always names a live segment
      read_ = Pos{segs_.front().id, kHeaderBytes};
      continue;
    }
    const bool writing = seg->id == segs_.back().id;
    const uint64_t end = writing ? synced_end_ : seg->size;
    if (read_.off >= end) {
      read_ = Pos{(seg + 1)->id, kHeaderBytes};
      continue;
    }
    if (!rfd_.valid() || rfd_seg_ != seg->id) {
      rfd_.reset(::open(seg_path(seg->id).c_str(), O_RDONLY | O_CLOEXEC));
      rfd_seg_ = seg->id;
      if (!rfd_.valid()) {
        spdlog::error("spool: cannot open {}: {}; its records are skipped", seg_path(seg->id),
                      std::strerror(errno));
        ++counters_.corrupt_skips;
        read_.off = end;
        continue;
      }
    }
    char h[kRecordHeader];
    bool good = read_.off + kRecordHeader <= end && pread_full(rfd_.get(), h, sizeof h, read_.off);
    const uint32_t len = good ? get_u32(h) : 0;
    good = good && len > 0 && len <= kMaxRecord && read_.off + kRecordHeader + len <= end;
    if (good) {
      rbuf_.resize(len);
      good = pread_full(rfd_.get(), rbuf_.data(), len, read_.off + kRecordHeader) &&
             crc32c(rbuf_) == get_u32(h + 4);
    }
    if (!good) {
      spdlog::error("spool: damaged record in {} at byte {}: the remaining {} bytes are skipped",
                    seg_path(seg->id), read_.off, end - read_.off);
      ++counters_.corrupt_skips;
      read_.off = end;
      continue;
    }
    const Pos start = read_;
    read_.off += kRecordHeader + len;
    handed_.push_back(Handed{next_index_, start, read_, false});
    return Record{rbuf_, next_index_++};
  }
  return std::nullopt;
}

void Spool::acknowledge(uint64_t index) {
  auto it = std::lower_bound(handed_.begin(), handed_.end(), index,
                             [](const Handed& h, uint64_t i) { return h.index < i; });
  if (it == handed_.end() || it->index != index) return;  // its segment was dropped
  it->acked = true;
  ++counters_.drained;
  while (!handed_.empty() && handed_.front().acked) {
    acked_ = handed_.front().end;
    handed_.pop_front();
  }
  if (handed_.empty()) acked_ = read_;  // everything before read_ is acknowledged or skipped
  delete_passed_segments();
  recycle_if_done();
}

void Spool::rewind(uint64_t index) {
  auto it = std::lower_bound(handed_.begin(), handed_.end(), index,
                             [](const Handed& h, uint64_t i) { return h.index < i; });
  if (it == handed_.end() || it->index != index) {
    ++counters_.dropped_full;  // its segment was dropped while it waited in librdkafka
    return;
  }
  read_ = it->start;
  handed_.erase(it, handed_.end());
}

void Spool::delete_passed_segments() {
  // The acknowledged position may sit at the very end of a finished segment: move it on.
  while (segs_.size() > 1 && acked_.seg == segs_.front().id && acked_.off >= segs_.front().size) {
    acked_ = Pos{segs_[1].id, kHeaderBytes};
  }
  while (segs_.size() > 1 && segs_.front().id < acked_.seg) {
    if (rfd_seg_ == segs_.front().id) rfd_.reset();
    ::unlink(seg_path(segs_.front().id).c_str());
    segs_.erase(segs_.begin());
  }
}

Status Spool::save_cursor() {
  if (acked_.seg == saved_.seg && acked_.off == saved_.off) return Ok{};
  auto st = write_file_atomic(config_.dir + "/cursor",
                              fmt::format("{}\n{} {}\n", kCursorHeader, acked_.seg, acked_.off));
  if (st) saved_ = acked_;
  return st;
}

}  // namespace soc
