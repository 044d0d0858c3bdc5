#include "agent/inputs/file_tail.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <sstream>

namespace soc {

FileTail::FileTail(FileInputConfig config, size_t max_line_bytes,
                   std::chrono::milliseconds partial_flush)
    : config_(std::move(config)),
      key_("file:" + config_.path),
      max_line_bytes_(max_line_bytes),
      partial_flush_(partial_flush) {}

std::string FileTail::encode(const FilePosition& pos) {
  return fmt::format("{} {} {}", pos.dev, pos.ino, pos.offset);
}

std::optional<FilePosition> FileTail::decode(const std::string& text) {
  std::istringstream in(text);
  FilePosition pos;
  if (!(in >> pos.dev >> pos.ino >> pos.offset)) return std::nullopt;
  return pos;
}

Status FileTail::start(const CheckpointStore& checkpoints) {
  if (auto st = check_readable(); !st) return st;
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

void FileTail::save(CheckpointStore& checkpoints) const {
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
  const int fd = ::open(config_.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{config_.path + ": cannot open for reading: " + std::strerror(errno)};
  ::close(fd);
  return Ok{};
}

bool FileTail::open_current() {
  const int fd = ::open(config_.path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno != last_errno_ && errno != ENOENT) {
      spdlog::warn("{}: cannot open: {}; retrying", config_.path, std::strerror(errno));
      ++counters_.open_errors;
    }
    last_errno_ = errno;
    first_open_ = false;  // a file created later is read from its beginning
    return false;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    if (last_errno_ != EISDIR) {
      spdlog::warn("{}: not a regular file; retrying", config_.path);
      ++counters_.open_errors;
    }
    last_errno_ = EISDIR;
    ::close(fd);
    return false;
  }
  last_errno_ = 0;
  fd_ = fd;
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  offset_ = 0;
  if (restored_ && restored_->dev == dev_ && restored_->ino == ino_) {
    offset_ = restored_->offset <= size ? restored_->offset : 0;  // shrank while we were away
    spdlog::info("{}: resuming at byte {}", config_.path, offset_);
  } else if (restored_) {
    spdlog::warn("{}: replaced since the last checkpoint; reading the new file from its start",
                 config_.path);
  } else if (first_open_ && config_.start == StartAt::kEnd) {
    offset_ = size;
    spdlog::info("{}: first seen; starting at its end (byte {})", config_.path, size);
  }
  restored_.reset();
  first_open_ = false;
  ::lseek(fd_, static_cast<off_t>(offset_), SEEK_SET);
  last_data_ = std::chrono::steady_clock::now();
  return true;
}

void FileTail::close_current() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  draining_rotated_ = false;
  pending_.clear();
  pending_truncated_ = false;
}

void FileTail::emit_pending(const Emit& emit, uint64_t end_offset) {
  if (pending_truncated_) ++counters_.truncated_lines;
  ++counters_.lines;
  emit(Line{pending_, pending_truncated_, FilePosition{dev_, ino_, end_offset}});
  pending_.clear();
  pending_truncated_ = false;
}

size_t FileTail::read_lines(size_t max_lines, const Emit& emit) {
  std::array<char, 64 * 1024> buf{};
  size_t lines = 0;
  while (lines < max_lines) {
    const ssize_t n = ::pread(fd_, buf.data(), buf.size(), static_cast<off_t>(offset_));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    size_t used = 0;  // bytes of buf consumed into lines or pending_
    const auto* data = buf.data();
    for (size_t i = 0; i < static_cast<size_t>(n) && lines < max_lines; ++i) {
      if (data[i] != '\n') continue;
      const size_t room = max_line_bytes_ - std::min(max_line_bytes_, pending_.size());
      const size_t part = i - used;
      pending_.append(data + used, std::min(part, room));
      if (part > room) pending_truncated_ = true;
      used = i + 1;
      emit_pending(emit, offset_ + used);
      ++lines;
    }
    if (lines < max_lines) {  // keep the unterminated rest for the next read
      const size_t room = max_line_bytes_ - std::min(max_line_bytes_, pending_.size());
      const size_t part = static_cast<size_t>(n) - used;
      pending_.append(data + used, std::min(part, room));
      if (part > room) pending_truncated_ = true;
      used = static_cast<size_t>(n);
    }
    offset_ += used;
    counters_.bytes += used;
    last_data_ = std::chrono::steady_clock::now();
  }
  return lines;
}

size_t FileTail::read(size_t max_lines, const Emit& emit) {
  if (fd_ < 0 && !open_current()) return 0;

  // Has the path been rotated away (renamed or deleted, maybe replaced by a new file)?
  if (!draining_rotated_) {
    struct stat st {};
    if (::stat(config_.path.c_str(), &st) != 0 || st.st_dev != dev_ || st.st_ino != ino_) {
      draining_rotated_ = true;
    }
  }
  // Shrunk under us: copytruncate. Start again from the beginning of the same file.
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && static_cast<uint64_t>(st.st_size) < offset_) {
    spdlog::info("{}: truncated from {} to {} bytes; reading from its start", config_.path, offset_,
                 st.st_size);
    ++counters_.truncations;
    offset_ = 0;
    pending_.clear();
    pending_truncated_ = false;
  }

  const size_t lines = read_lines(max_lines, emit);
  if (lines == max_lines) return lines;  // more to read: come back before deciding anything

  // At end of file. A last line without newline is shipped after a quiet time, or at rotation.
  const bool quiet = std::chrono::steady_clock::now() - last_data_ >= partial_flush_;
  if ((!pending_.empty() || pending_truncated_) && (quiet || draining_rotated_)) {
    ++counters_.partial_flushes;
    emit_pending(emit, offset_);
  }
  if (draining_rotated_) {
    spdlog::info("{}: rotated; finished the old file at byte {}", config_.path, offset_);
    ++counters_.rotations;
    close_current();
    first_open_ = false;  // the new file is read from its start
  }
  return lines;
}

uint64_t FileTail::lag_bytes() const {
  struct stat st {};
  if (fd_ < 0 || ::fstat(fd_, &st) != 0) return 0;
  const auto size = static_cast<uint64_t>(st.st_size);
  return size > offset_ ? size - offset_ : 0;
}

}  // namespace soc
