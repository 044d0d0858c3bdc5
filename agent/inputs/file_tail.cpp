#include "agent/inputs/file_tail.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <sstream>

namespace soc {
namespace {

constexpr size_t kReadBuffer = 64 * 1024;
constexpr uint64_t kCheckEvery = 1 << 20;  // look at the path at least every MiB read
constexpr size_t kMaxFinished = 256;
constexpr size_t kMaxCatchUp = 64;

bool before(const timespec& a, const timespec& b) {
  return a.tv_sec != b.tv_sec ? a.tv_sec < b.tv_sec : a.tv_nsec < b.tv_nsec;
}

// Hash of the first `len` bytes of fd, or nothing when it is shorter.
std::optional<uint64_t> prefix_hash(int fd, uint32_t len) {
  std::array<char, FileTail::kFingerprintBytes> buf{};
  size_t done = 0;
  while (done < len) {
    const ssize_t n = ::pread(fd, buf.data() + done, len - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    done += static_cast<size_t>(n);
  }
  return fnv1a64(std::string_view(buf.data(), len));
}

bool compressed(std::string_view name) {
  for (const std::string_view ext : {".gz", ".xz", ".bz2", ".zst", ".zip", ".lz4", ".Z"}) {
    if (name.size() > ext.size() && name.substr(name.size() - ext.size()) == ext) return true;
  }
  return false;
}

}  // namespace

uint64_t fnv1a64(std::string_view data) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (const char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

FileTail::FileTail(FileInputConfig config, size_t max_line_bytes,
                   std::chrono::milliseconds partial_flush, bool appeared_later)
    : config_(std::move(config)),
      key_("file:" + config_.path),
      max_line_bytes_(max_line_bytes),
      partial_flush_(partial_flush),
      first_open_(!appeared_later) {}

std::string FileTail::encode(const FilePosition& pos) {
  return fmt::format("{} {} {} {} {:x}", pos.dev, pos.ino, pos.offset, pos.fp_len, pos.fp);
}

std::optional<FilePosition> FileTail::decode(const std::string& text) {
  std::istringstream in(text);
  FilePosition pos;
  if (!(in >> pos.dev >> pos.ino >> pos.offset)) return std::nullopt;
  if (in >> pos.fp_len) {
    if (!(in >> std::hex >> pos.fp) || pos.fp_len > kFingerprintBytes) return std::nullopt;
  }
  return pos;
}

Status FileTail::start(const PositionStore& checkpoints) {
  if (auto st = check_readable(); !st) return st;
  return restore_from(checkpoints);
}

Status FileTail::restore_from(const PositionStore& checkpoints) {
  if (const auto text = checkpoints.get(key_)) {
    const auto pos = decode(*text);
    if (!pos) return Error{fmt::format("checkpoint of {}: malformed position '{}'", key_, *text)};
    restore(*pos);
  }
  return Ok{};
}

size_t FileTail::poll(size_t max_lines, const LineSink& emit) {
  return read(max_lines, [&](const Line& line) {
    unacknowledged_.push_back(line.end);
    emit(InputLine{line.text, line.truncated, key_, {}, nullptr});
  });
}

void FileTail::acknowledge_oldest() {
  if (unacknowledged_.empty()) return;
  acknowledged_ = unacknowledged_.front();
  unacknowledged_.pop_front();
}

void FileTail::save(PositionStore& checkpoints) const {
  if (acknowledged_) checkpoints.set(key_, encode(*acknowledged_));
}

InputStats FileTail::stats() const {
  InputStats s;
  s.name = key_;
  s.counters = {{"lines", counters_.lines},
                {"bytes", counters_.bytes},
                {"truncated_lines", counters_.truncated_lines},
                {"partial_flushes", counters_.partial_flushes},
                {"rotations", counters_.rotations},
                {"truncations", counters_.truncations},
                {"deleted", counters_.deleted},
                {"caught_up_files", counters_.caught_up_files},
                {"open_errors", counters_.open_errors}};
  s.lag_bytes = lag_bytes();
  return s;
}

Status FileTail::check_readable() const {
  struct stat st {};
  if (::stat(config_.path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Ok{};
    return Error{config_.path + ": " + std::strerror(errno)};
  }
  if (S_ISDIR(st.st_mode)) return Error{config_.path + ": is a directory, not a log file"};
  UniqueFd fd(::open(config_.path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) {
    return Error{config_.path + ": cannot open for reading: " + std::strerror(errno)};
  }
  return Ok{};
}

bool FileTail::idle() const {
  return !cur_ && catchup_.empty() && unacknowledged_.empty() && pending_.empty();
}

void FileTail::remember(const Finished& f) {
  finished_.push_back(f);
  if (finished_.size() > kMaxFinished) finished_.pop_front();
}

void FileTail::update_fingerprint() {
  if (!cur_ || cur_->fp_len >= kFingerprintBytes) return;
  struct stat st {};
  if (::fstat(cur_->fd.get(), &st) != 0) return;
  const auto len = static_cast<uint32_t>(
      std::min<uint64_t>(kFingerprintBytes, static_cast<uint64_t>(st.st_size)));
  if (len <= cur_->fp_len) return;
  // Extend only while the known prefix is still there: otherwise the content was replaced and
  // the next look reports it.
  if (cur_->fp_len > 0 && prefix_hash(cur_->fd.get(), cur_->fp_len) != cur_->fp) return;
  if (const auto h = prefix_hash(cur_->fd.get(), len)) {
    cur_->fp_len = len;
    cur_->fp = *h;
  }
}

bool FileTail::open_path() {
  UniqueFd fd(::open(config_.path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) {
    const int err = errno;
    if (err != last_errno_ && err != ENOENT) {
      spdlog::warn("{}: cannot open: {}; retrying", config_.path, std::strerror(err));
      ++counters_.open_errors;
    }
    last_errno_ = err;
    if (!restored_) first_open_ = false;  // a file created later is read from its beginning
    return false;
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    if (last_errno_ != EISDIR) {
      spdlog::warn("{}: not a regular file; retrying", config_.path);
      ++counters_.open_errors;
    }
    last_errno_ = EISDIR;
    return false;
  }
  last_errno_ = 0;
  Source s;
  s.fd = std::move(fd);
  s.dev = st.st_dev;
  s.ino = st.st_ino;
  s.mtime = s.open_mtime = st.st_mtim;
  const auto size = static_cast<uint64_t>(st.st_size);
  if (restored_) {
    const FilePosition r = *restored_;
    restored_.reset();
    bool same = r.dev == s.dev && r.ino == s.ino && r.offset <= size;
    if (same && r.fp_len > 0) same = prefix_hash(s.fd.get(), r.fp_len) == r.fp;
    if (same) {
      s.offset = r.offset;
      spdlog::info("{}: resuming at byte {}", config_.path, s.offset);
    } else {
      // Rotated, truncated or replaced while the agent was stopped: the rest of the old file
      // may sit in a rotated sibling; drain it first, then read the new file from its start.
      remember(Finished{r.dev, r.ino, r.fp_len, r.fp, r.offset});
      find_siblings(nullptr);  // the path's own file is never a sibling
      if (catchup_.empty()) {
        spdlog::warn(
            "{}: replaced since the last checkpoint and the old file was not found among its "
            "rotated siblings; reading the new file from its start",
            config_.path);
      } else {
        spdlog::info("{}: rotated while the agent was stopped; reading {} rotated file(s) first",
                     config_.path, catchup_.size());
        path_start_ = 0;
        first_open_ = false;
        return false;  // open_next() takes the catch-up files, then comes back here
      }
      s.offset = 0;
    }
  } else if (path_start_) {
    s.offset = std::min(*path_start_, size);
  } else if (first_open_ && config_.start == StartAt::kEnd) {
    s.offset = size;
    spdlog::info("{}: first seen; starting at its end (byte {})", config_.path, size);
  }
  path_start_.reset();
  first_open_ = false;
  cur_ = std::move(s);
  update_fingerprint();
  rb_begin_ = rb_end_ = 0;
  unchecked_bytes_ = 0;
  last_data_ = std::chrono::steady_clock::now();
  return true;
}

bool FileTail::open_next(const Emit& emit) {
  for (int round = 0; round < 8; ++round) {
    if (catchup_.empty() && follow_since_) find_siblings(&*follow_since_);
    if (!catchup_.empty()) {
      CatchUp c = std::move(catchup_.front());
      catchup_.pop_front();
      if (!c.continues) flush_partial(emit);
      struct stat st {};
      ::fstat(c.fd.get(), &st);
      Source s;
      s.fd = std::move(c.fd);
      s.dev = st.st_dev;
      s.ino = st.st_ino;
      s.offset = c.offset;
      s.fp_len = c.fp_len;
      s.fp = c.fp;
      s.at_path = false;
      s.rotated = true;
      s.mtime = s.open_mtime = st.st_mtim;
      spdlog::info("{}: reading rotated file {} from byte {}", config_.path, c.name, c.offset);
      ++counters_.caught_up_files;
      cur_ = std::move(s);
      update_fingerprint();
      rb_begin_ = rb_end_ = 0;
      last_data_ = std::chrono::steady_clock::now();
      return true;
    }
    if (!open_path()) {
      if (!catchup_.empty()) continue;  // a restart found rotated files to drain first
      return false;
    }
    if (follow_since_) {
      // Generations renamed away between the last search and this open come first.
      find_siblings(&*follow_since_);
      if (!catchup_.empty()) {
        cur_.reset();
        path_start_ = 0;
        continue;
      }
      follow_since_.reset();
    }
    return true;
  }
  return cur_.has_value();
}

void FileTail::find_siblings(const timespec* newer_than) {
  const std::filesystem::path p(config_.path);
  const std::string dir = p.has_parent_path() ? p.parent_path().string() : ".";
  const std::string base = p.filename().string();
  struct stat path_st {};
  const bool path_exists = ::stat(config_.path.c_str(), &path_st) == 0;

  struct Candidate {
    CatchUp c;
    bool matched;
  };
  std::vector<Candidate> found;
  std::optional<timespec> read_since;
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), &::closedir);
  if (!d) return;
  while (const dirent* e = ::readdir(d.get())) {
    const std::string_view name = e->d_name;
    if (name.size() <= base.size() + 1 || name.substr(0, base.size()) != base) continue;
    // Rotated names: app.log.1, app.log-20261123, app.log_2026...: a digit after the separator,
    // so that app-error.log next to app is never taken for a rotation of it.
    const char sep = name[base.size()];
    if ((sep != '.' && sep != '-' && sep != '_') || compressed(name)) continue;
    if (name[base.size() + 1] < '0' || name[base.size() + 1] > '9') continue;
    const std::string full = dir + "/" + std::string(name);
    UniqueFd fd(::open(full.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    struct stat st {};
    if (!fd.valid() || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    const auto dev = static_cast<uint64_t>(st.st_dev);
    const auto ino = static_cast<uint64_t>(st.st_ino);
    if (path_exists && dev == path_st.st_dev && ino == path_st.st_ino) continue;
    const bool queued = std::any_of(catchup_.begin(), catchup_.end(), [&](const CatchUp& c) {
      struct stat cs {};
      return ::fstat(c.fd.get(), &cs) == 0 && cs.st_dev == st.st_dev && cs.st_ino == st.st_ino;
    });
    if (queued) continue;
    const auto size = static_cast<uint64_t>(st.st_size);
    // A file finished before (or its copy): resume where that one ended, if it holds more.
    std::optional<Finished> known;
    std::vector<std::pair<uint32_t, std::optional<uint64_t>>> hashes;  // per prefix length
    const auto hash_of = [&](uint32_t len) {
      for (const auto& [l, h] : hashes) {
        if (l == len) return h;
      }
      hashes.emplace_back(len, prefix_hash(fd.get(), len));
      return hashes.back().second;
    };
    for (auto it = finished_.rbegin(); it != finished_.rend() && !known; ++it) {
      if (it->fp_len > 0) {
        if (size >= it->fp_len && hash_of(it->fp_len) == it->fp) known = *it;
      } else if (it->dev == dev && it->ino == ino) {
        known = *it;
      }
    }
    const bool last_finished = known && !finished_.empty() && finished_.back().fp == known->fp &&
                               finished_.back().fp_len == known->fp_len &&
                               finished_.back().end == known->end;
    CatchUp c{std::move(fd), std::string(name), 0, 0, 0, false, st.st_mtim};
    if (known) {
      if (size <= known->end) {  // read to its end already; newer files count from it
        if (!read_since || before(*read_since, st.st_mtim)) read_since = st.st_mtim;
        continue;
      }
      c.offset = known->end;
      c.fp_len = known->fp_len;
      c.fp = known->fp;
      c.continues = last_finished;
      found.push_back(Candidate{std::move(c), true});
    } else {
      found.push_back(Candidate{std::move(c), false});
    }
  }
  // Unknown files count only if modified no earlier than the finished file (or the copy found
  // of it): older ones were rotated before anything this agent followed.
  std::optional<timespec> since = read_since;
  if (newer_than != nullptr) since = *newer_than;
  for (const auto& f : found) {
    if (f.matched && (!since || before(f.c.mtime, *since))) since = f.c.mtime;
  }
  std::vector<CatchUp> take;
  for (auto& f : found) {
    if (f.matched || (since && !before(f.c.mtime, *since))) take.push_back(std::move(f.c));
  }
  std::sort(take.begin(), take.end(), [](const CatchUp& a, const CatchUp& b) {
    if (a.continues != b.continues) return a.continues;  // the unread tail of the copy first
    return before(a.mtime, b.mtime);
  });
  for (auto& c : take) {
    if (catchup_.size() >= kMaxCatchUp) {
      spdlog::warn("{}: more than {} rotated files to read; skipping {}", config_.path, kMaxCatchUp,
                   c.name);
      continue;
    }
    catchup_.push_back(std::move(c));
  }
}

void FileTail::emit_pending(const Emit& emit, uint64_t end_offset) {
  if (pending_truncated_) ++counters_.truncated_lines;
  ++counters_.lines;
  emit(Line{pending_, pending_truncated_,
            FilePosition{cur_->dev, cur_->ino, end_offset, cur_->fp_len, cur_->fp}});
  pending_.clear();
  pending_truncated_ = false;
}

void FileTail::flush_partial(const Emit& emit) {
  if (pending_.empty() && !pending_truncated_) return;
  if (!cur_) {  // its file is gone already; nothing can resume inside it
    pending_.clear();
    pending_truncated_ = false;
    return;
  }
  ++counters_.partial_flushes;
  emit_pending(emit, cur_->offset);
}

size_t FileTail::read_lines(size_t max_lines, const Emit& emit) {
  if (rbuf_.empty()) rbuf_.resize(kReadBuffer);
  size_t lines = 0;
  Source& s = *cur_;
  while (lines < max_lines) {
    if (rb_begin_ == rb_end_) {
      const ssize_t n =
          ::pread(s.fd.get(), rbuf_.data(), rbuf_.size(), static_cast<off_t>(s.offset));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      // The bytes read belong to the generation we know only if its first bytes are still there
      // after the read (copytruncate may have replaced the content since the last look).
      if (s.fp_len > 0) {
        if (prefix_hash(s.fd.get(), s.fp_len) != s.fp) break;  // check_current() handles it
      } else if (s.offset == 0) {
        s.fp_len =
            static_cast<uint32_t>(std::min<size_t>(kFingerprintBytes, static_cast<size_t>(n)));
        s.fp = fnv1a64(std::string_view(rbuf_.data(), s.fp_len));
      }
      rb_begin_ = 0;
      rb_end_ = static_cast<size_t>(n);
      last_data_ = std::chrono::steady_clock::now();
    }
    const char* start = rbuf_.data() + rb_begin_;
    const size_t avail = rb_end_ - rb_begin_;
    const auto* nl = static_cast<const char*>(std::memchr(start, '\n', avail));
    const size_t part = nl != nullptr ? static_cast<size_t>(nl - start) : avail;
    const size_t used = nl != nullptr ? part + 1 : part;
    s.offset += used;
    rb_begin_ += used;
    counters_.bytes += used;
    unchecked_bytes_ += used;
    if (nl != nullptr && pending_.empty() && !pending_truncated_ && part <= max_line_bytes_) {
      // The whole line is in the buffer: hand it over without copying.
      ++counters_.lines;
      emit(Line{std::string_view(start, part), false,
                FilePosition{s.dev, s.ino, s.offset, s.fp_len, s.fp}});
      ++lines;
      continue;
    }
    const size_t room = max_line_bytes_ - std::min(max_line_bytes_, pending_.size());
    pending_.append(start, std::min(part, room));
    if (part > room) pending_truncated_ = true;
    if (nl != nullptr) {
      emit_pending(emit, s.offset);
      ++lines;
    }
  }
  return lines;
}

bool FileTail::check_current(const Emit& emit) {
  unchecked_bytes_ = 0;
  Source& s = *cur_;
  if (s.at_path && !s.rotated) {
    struct stat st {};
    if (::stat(config_.path.c_str(), &st) != 0) {
      s.rotated = true;
      if (errno == ENOENT) ++counters_.deleted;
    } else if (st.st_dev != s.dev || st.st_ino != s.ino) {
      s.rotated = true;
    }
  }
  struct stat st {};
  if (::fstat(s.fd.get(), &st) != 0) return false;
  const uint64_t read_end = s.offset + (rb_end_ - rb_begin_);
  bool truncated = static_cast<uint64_t>(st.st_size) < read_end;
  if (!truncated && s.fp_len > 0 && prefix_hash(s.fd.get(), s.fp_len) != s.fp) truncated = true;
  if (!truncated && read_end == 0 && st.st_size == 0 && s.at_path && !s.rotated) {
    // Nothing read from this file yet and it is empty: a write followed by copytruncate leaves
    // no trace in it. Only the directory changed (the copy appeared): look when it did.
    const std::filesystem::path p(config_.path);
    struct stat dst {};
    if (::stat(p.has_parent_path() ? p.parent_path().c_str() : ".", &dst) == 0 &&
        !before(dst.st_mtim, dir_looked_)) {
      ::clock_gettime(CLOCK_REALTIME_COARSE, &dir_looked_);
      find_siblings(&s.open_mtime);
      if (!catchup_.empty()) {
        ++counters_.truncations;
        cur_.reset();
        path_start_ = 0;
        return true;
      }
    }
  }
  if (!truncated) {
    s.mtime = st.st_mtim;
    update_fingerprint();
    return false;
  }
  // Copytruncate (or the content replaced in place): what was not read yet is in the copy, and
  // the new content may itself have been rotated away already. Search the siblings for both.
  spdlog::info("{}: truncated from {} to {} bytes; reading from its start", config_.path, read_end,
               st.st_size);
  ++counters_.truncations;
  remember(Finished{s.dev, s.ino, s.fp_len, s.fp, s.offset});
  if (!follow_since_ || before(*follow_since_, s.open_mtime)) follow_since_ = s.open_mtime;
  rb_begin_ = rb_end_ = 0;
  find_siblings(&*follow_since_);
  // Unless the copy continues it, a line cut by the truncation is shipped as it is.
  if (catchup_.empty() || !catchup_.front().continues) flush_partial(emit);
  cur_.reset();
  path_start_ = 0;
  return true;
}

void FileTail::finish_current(const Emit& emit, bool search_siblings) {
  Source& s = *cur_;
  remember(Finished{s.dev, s.ino, s.fp_len, s.fp, s.offset});
  if (s.at_path) {
    spdlog::info("{}: rotated; finished the old file at byte {}", config_.path, s.offset);
    ++counters_.rotations;
  }
  // open_next() looks for generations rotated since this file was opened.
  if (search_siblings && (!follow_since_ || before(*follow_since_, s.open_mtime))) {
    follow_since_ = s.open_mtime;
  }
  flush_partial(emit);
  cur_.reset();
  rb_begin_ = rb_end_ = 0;
  path_start_ = 0;  // whatever the path names now is newer: read it from its start
}

size_t FileTail::read(size_t max_lines, const Emit& emit) {
  size_t lines = 0;
  for (int round = 0; round < 16 && lines < max_lines; ++round) {
    if (!cur_ && !open_next(emit)) break;
    if (unchecked_bytes_ >= kCheckEvery && check_current(emit)) continue;
    lines += read_lines(max_lines - lines, emit);
    if (lines >= max_lines) break;  // more to read: come back before deciding anything

    // At the end of what the file holds now: has it been rotated, deleted or truncated?
    const bool was_rotated = cur_->rotated;
    if (check_current(emit)) continue;
    if (cur_->rotated && !was_rotated) continue;  // read what came before the rename, then finish

    // A last line without newline is shipped after a quiet time, or when the file is let go.
    const bool quiet = std::chrono::steady_clock::now() - last_data_ >= partial_flush_;
    if (quiet || cur_->rotated) {
      if (!cur_->rotated || catchup_.empty() || !catchup_.front().continues) {
        if (!pending_.empty() || pending_truncated_) {
          ++counters_.partial_flushes;
          emit_pending(emit, cur_->offset);
          ++lines;
        }
      }
    }
    if (!cur_->rotated) break;
    finish_current(emit, true);
  }
  return lines;
}

uint64_t FileTail::lag_bytes() const {
  struct stat st {};
  if (!cur_ || ::fstat(cur_->fd.get(), &st) != 0) return 0;
  const auto size = static_cast<uint64_t>(st.st_size);
  return size > cur_->offset ? size - cur_->offset : 0;
}

}  // namespace soc
