#include "agent/inputs/file_glob.h"

#include <glob.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

namespace soc {

FileGlobInput::FileGlobInput(FileInputConfig config, size_t max_line_bytes,
                             std::chrono::milliseconds partial_flush,
                             std::chrono::milliseconds rescan)
    : config_(std::move(config)),
      max_line_bytes_(max_line_bytes),
      partial_flush_(partial_flush),
      rescan_every_(rescan) {}

bool FileGlobInput::is_pattern(const std::string& path) {
  return path.find_first_of("*?[") != std::string::npos;
}

Status FileGlobInput::start(const PositionStore& checkpoints) {
  checkpoints_ = &checkpoints;
  rescan(true);
  spdlog::info("{}: {} matching files", config_.path, tails_.size());
  return Ok{};
}

void FileGlobInput::rescan(bool at_start) {
  last_scan_ = std::chrono::steady_clock::now();
  glob_t g{};
  const int rc = ::glob(config_.path.c_str(), GLOB_NOSORT, nullptr, &g);
  if (rc != 0 && rc != GLOB_NOMATCH) {
    if (glob_errors_++ == 0) spdlog::warn("{}: cannot expand the pattern", config_.path);
  }
  std::map<std::string, bool> seen;
  for (size_t i = 0; rc == 0 && i < g.gl_pathc; ++i) {
    const std::string p = g.gl_pathv[i];
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0 || S_ISDIR(st.st_mode)) continue;
    seen[p] = true;
    if (tails_.count(p) != 0) continue;
    FileInputConfig fc{p, config_.start};
    auto t = std::make_unique<FileTail>(fc, max_line_bytes_, partial_flush_, !at_start);
    if (checkpoints_ != nullptr) {
      if (auto st2 = t->restore_from(*checkpoints_); !st2) spdlog::warn("{}", st2.error());
    }
    if (!at_start) spdlog::info("{}: new file matching {}", p, config_.path);
    tails_.emplace(p, std::move(t));
  }
  ::globfree(&g);
  // Forget files that no longer match and have nothing left to read or acknowledge.
  for (auto it = tails_.begin(); it != tails_.end();) {
    if (seen.count(it->first) == 0 && it->second->idle()) {
      for (const auto& [name, v] : it->second->stats().counters) forgotten_[name] += v;
      it = tails_.erase(it);
    } else {
      ++it;
    }
  }
}

size_t FileGlobInput::poll(size_t max_lines, const LineSink& emit) {
  if (std::chrono::steady_clock::now() - last_scan_ >= rescan_every_) rescan(false);
  size_t total = 0;
  for (auto& [path, tail] : tails_) {
    if (total >= max_lines) break;
    FileTail* t = tail.get();
    total += t->poll(max_lines - total, [&](const InputLine& line) {
      order_.push_back(t);
      emit(line);
    });
  }
  return total;
}

void FileGlobInput::acknowledge_oldest() {
  if (order_.empty()) return;
  order_.front()->acknowledge_oldest();
  order_.pop_front();
}

void FileGlobInput::save(PositionStore& checkpoints) const {
  for (const auto& [path, tail] : tails_) tail->save(checkpoints);
}

InputStats FileGlobInput::stats() const {
  InputStats s;
  s.name = "file:" + config_.path;
  s.counters = forgotten_;
  for (const auto& [path, tail] : tails_) {
    const InputStats t = tail->stats();
    for (const auto& [name, v] : t.counters) s.counters[name] += v;
    s.lag_bytes += t.lag_bytes;
  }
  s.counters["files"] = tails_.size();
  return s;
}

std::vector<InputStats> FileGlobInput::detailed_stats() const {
  std::vector<InputStats> out;
  for (const auto& [path, tail] : tails_) out.push_back(tail->stats());
  return out;
}

}  // namespace soc
