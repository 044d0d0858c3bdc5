#include "agent/checkpoint.h"

#include <fmt/format.h>

#include <filesystem>
#include <sstream>

#include "common/atomic_file.h"

namespace soc {
namespace {

constexpr std::string_view kHeader = "soc-agent checkpoint v1";
constexpr uint64_t kSeqBlock = 100000;

}  // namespace

Result<CheckpointStore> CheckpointStore::open(const std::string& state_dir) {
  CheckpointStore cs;
  cs.checkpoint_path_ = (std::filesystem::path(state_dir) / "checkpoint").string();
  cs.seq_path_ = (std::filesystem::path(state_dir) / "seq").string();
  if (std::filesystem::exists(cs.checkpoint_path_)) {
    auto text = read_file(cs.checkpoint_path_);
    if (!text) return Error{text.error()};
    std::istringstream in(*text);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (n == 1) {
        if (line != kHeader) {
          return Error{fmt::format("{}:1: not a soc-agent checkpoint file", cs.checkpoint_path_)};
        }
        continue;
      }
      if (line.empty()) continue;
      // file <dev> <ino> <offset> <path to end of line>
      std::istringstream fields(line);
      std::string kind;
      FilePosition pos;
      fields >> kind >> pos.dev >> pos.ino >> pos.offset;
      std::string path;
      std::getline(fields >> std::ws, path);
      if (kind != "file" || fields.bad() || path.empty()) {
        return Error{fmt::format("{}:{}: malformed checkpoint line", cs.checkpoint_path_, n)};
      }
      cs.files_[path] = pos;
    }
  }
  if (std::filesystem::exists(cs.seq_path_)) {
    auto text = read_file(cs.seq_path_);
    if (!text) return Error{text.error()};
    try {
      cs.next_seq_ = cs.reserved_until_ = std::stoull(*text);
    } catch (const std::exception&) {
      return Error{fmt::format("{}: not a sequence number", cs.seq_path_)};
    }
  }
  return cs;
}

std::optional<FilePosition> CheckpointStore::get(const std::string& path) const {
  const auto it = files_.find(path);
  if (it == files_.end()) return std::nullopt;
  return it->second;
}

void CheckpointStore::set(const std::string& path, const FilePosition& pos) {
  auto& cur = files_[path];
  if (cur.dev != pos.dev || cur.ino != pos.ino || cur.offset != pos.offset) {
    cur = pos;
    dirty_ = true;
  }
}

Status CheckpointStore::save() {
  if (!dirty_) return Ok{};
  std::string out(kHeader);
  out += '\n';
  for (const auto& [path, pos] : files_) {
    out += fmt::format("file {} {} {} {}\n", pos.dev, pos.ino, pos.offset, path);
  }
  if (auto st = write_file_atomic(checkpoint_path_, out); !st) return st;
  dirty_ = false;
  return Ok{};
}

Result<uint64_t> CheckpointStore::next_seq() {
  if (next_seq_ >= reserved_until_) {
    const uint64_t until = next_seq_ + kSeqBlock;
    if (auto st = write_file_atomic(seq_path_, std::to_string(until) + "\n"); !st) {
      return Error{st.error()};
    }
    reserved_until_ = until;
  }
  return next_seq_++;
}

}  // namespace soc
