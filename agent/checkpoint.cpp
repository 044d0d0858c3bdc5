#include "agent/checkpoint.h"

#include <fmt/format.h>

#include <filesystem>
#include <sstream>

#include "common/atomic_file.h"

namespace soc {
namespace {

constexpr std::string_view kHeader = "soc-agent checkpoint v2";
constexpr uint64_t kSeqBlock = 100000;

// Keys are file paths and may hold tabs, newlines or '%': percent-escape those three.
std::string escape_key(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '%' || c == '\t' || c == '\n') {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string> unescape_key(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const std::string hex(s.substr(i + 1, 2));
    char* end = nullptr;
    const long v = std::strtol(hex.c_str(), &end, 16);
    if (end != hex.c_str() + 2) return std::nullopt;
    out += static_cast<char>(v);
    i += 2;
  }
  return out;
}

}  // namespace

Result<CheckpointStore> CheckpointStore::open(const std::string& state_dir) {
  CheckpointStore cs;
  cs.checkpoint_path_ = (std::filesystem::path(state_dir) / "checkpoint").string();
  cs.seq_path_ = (std::filesystem::path(state_dir) / "seq").string();
  // Files an older version wrote through the umask become owner-only, like those written now.
  for (const auto* path : {&cs.checkpoint_path_, &cs.seq_path_}) {
    if (auto st = restrict_mode(*path, 0600); !st) return Error{st.error()};
  }
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
          return Error{fmt::format("{}:1: not a soc-agent checkpoint file (expected '{}')",
                                   cs.checkpoint_path_, kHeader)};
        }
        continue;
      }
      if (line.empty()) continue;
      const size_t tab = line.find('\t');
      auto key = tab == std::string::npos ? std::nullopt : unescape_key(line.substr(0, tab));
      if (!key || key->empty()) {
        return Error{fmt::format("{}:{}: malformed checkpoint line", cs.checkpoint_path_, n)};
      }
      cs.positions_[*key] = line.substr(tab + 1);
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

std::optional<std::string> CheckpointStore::get(const std::string& key) const {
  const auto it = positions_.find(key);
  if (it == positions_.end()) return std::nullopt;
  return it->second;
}

void CheckpointStore::set(const std::string& key, std::string value) {
  auto& cur = positions_[key];
  if (cur != value) {
    cur = std::move(value);
    dirty_ = true;
  }
}

Status CheckpointStore::save() {
  if (!dirty_) return Ok{};
  std::string out(kHeader);
  out += '\n';
  for (const auto& [key, value] : positions_) {
    out += escape_key(key);
    out += '\t';
    out += value;
    out += '\n';
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
