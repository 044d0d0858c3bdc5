#include "agent/inputs/journald.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <systemd/sd-journal.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace soc {
namespace {

constexpr std::string_view kMessage = "MESSAGE";
constexpr std::string_view kRealtime = "__REALTIME_TIMESTAMP";

std::string errno_text(int r) {
  return std::strerror(r < 0 ? -r : r);
}

// sd_journal_get_cursor() hands back malloc'ed memory.
std::optional<std::string> current_cursor(sd_journal* j) {
  char* raw = nullptr;
  if (sd_journal_get_cursor(j, &raw) < 0 || raw == nullptr) return std::nullopt;
  const std::unique_ptr<char, decltype(&std::free)> owned(raw, &std::free);
  return std::string(raw);
}

}  // namespace

void JournaldInput::Closer::operator()(sd_journal* j) const {
  sd_journal_close(j);
}

JournaldInput::JournaldInput(JournaldConfig config, size_t max_line_bytes)
    : config_(std::move(config)),
      max_line_bytes_(max_line_bytes),
      key_(config_.directory.empty() ? "journald" : "journald:" + config_.directory) {}

JournaldInput::~JournaldInput() = default;

Status JournaldInput::start(const PositionStore& checkpoints) {
  sd_journal* raw = nullptr;
  int r = 0;
  if (config_.directory.empty()) {
    // Without SD_JOURNAL_SYSTEM every local journal is opened, the users' ones included (the
    // agent's "current user" is itself, so SD_JOURNAL_CURRENT_USER would add nothing useful).
    r = sd_journal_open(&raw,
                        SD_JOURNAL_LOCAL_ONLY | (config_.user_journals ? 0 : SD_JOURNAL_SYSTEM));
  } else {
    r = sd_journal_open_directory(&raw, config_.directory.c_str(), 0);
  }
  if (r < 0) return Error{fmt::format("{}: cannot open the journal: {}", key_, errno_text(r))};
  journal_.reset(raw);
  sd_journal* j = journal_.get();

  // Fields above the threshold may come back cut (compressed ones); one byte more than the
  // longest message we ship lets us tell a long MESSAGE from one that fits.
  sd_journal_set_data_threshold(j, max_line_bytes_ + kMessage.size() + 2);
  // The inotify watch behind this fd is what lets sd_journal_process() see journald rotating or
  // vacuuming files; without it a rotated journal would look finished forever.
  if (const int fd = sd_journal_get_fd(j); fd < 0) {
    ++counters_.read_errors;
    spdlog::warn("{}: cannot watch the journal for new files ({}): rotated files will be missed",
                 key_, errno_text(fd));
  }
  if (config_.directory.empty() && sd_journal_has_runtime_files(j) <= 0 &&
      sd_journal_has_persistent_files(j) <= 0) {
    spdlog::warn("{}: no journal file is readable (is the agent in group systemd-journal?)", key_);
  }

  // Positioning comes before the filters, so that a saved cursor is found even if the filters
  // changed since (its entry no longer matching must not look like a vacuumed journal).
  if (auto st = position(checkpoints.get(key_)); !st) return st;
  return add_filters();
}

Status JournaldInput::position(const std::optional<std::string>& saved) {
  sd_journal* j = journal_.get();
  if (saved) {
    if (sd_journal_seek_cursor(j, saved->c_str()) < 0) {
      return Error{fmt::format("checkpoint of {}: malformed cursor '{}'", key_, *saved)};
    }
    // seek_cursor lands on the nearest entry when the saved one is gone; test_cursor tells.
    const int r = sd_journal_next(j);
    if (r > 0 && sd_journal_test_cursor(j, saved->c_str()) > 0) {
      spdlog::info("{}: resuming after the saved cursor", key_);
      return Ok{};  // positioned on the last shipped entry: the next poll reads the one after
    }
    if (r < 0) note_error("sd_journal_next", r);
    ++counters_.cursor_lost;
    spdlog::warn(
        "{}: the saved cursor is no longer in the journal (vacuumed or rotated away); resuming "
        "at the oldest entry present: entries written in between were lost",
        key_);
    if (const int s = sd_journal_seek_head(j); s < 0) {
      return Error{fmt::format("{}: cannot seek to the journal's head: {}", key_, errno_text(s))};
    }
    return Ok{};
  }
  if (config_.start == JournaldStart::kEnd) {
    if (const int s = sd_journal_seek_tail(j); s < 0) {
      return Error{fmt::format("{}: cannot seek to the journal's end: {}", key_, errno_text(s))};
    }
    // Stand on the last entry, so next() yields only newer ones; and keep its cursor as the
    // acknowledged position, so a restart before anything new is shipped still starts here.
    if (sd_journal_previous(j) > 0) {
      acknowledged_ = current_cursor(j);
      spdlog::info("{}: first start: reading entries newer than the last one", key_);
      return Ok{};
    }
    // An empty journal: its end is its beginning.
  }
  spdlog::info("{}: first start: reading from the oldest entry", key_);
  if (const int s = sd_journal_seek_head(j); s < 0) {
    return Error{fmt::format("{}: cannot seek to the journal's head: {}", key_, errno_text(s))};
  }
  return Ok{};
}

Status JournaldInput::add_filters() {
  sd_journal* j = journal_.get();
  const auto add = [&](std::string_view field, std::string_view value) -> Status {
    const std::string m = fmt::format("{}={}", field, value);
    if (const int r = sd_journal_add_match(j, m.data(), m.size()); r < 0) {
      return Error{fmt::format("{}: cannot filter on {}: {}", key_, m, errno_text(r))};
    }
    return Ok{};
  };
  // sd_journal ORs matches on one field and ANDs different fields; disjunction binds tighter than
  // conjunction. So this reads ((units) OR (identifiers)) AND (PRIORITY=0 OR .. OR =N).
  for (const auto& u : config_.units) {
    if (auto st = add("_SYSTEMD_UNIT", u); !st) return st;
  }
  if (!config_.units.empty() && !config_.identifiers.empty()) sd_journal_add_disjunction(j);
  for (const auto& i : config_.identifiers) {
    if (auto st = add("SYSLOG_IDENTIFIER", i); !st) return st;
  }
  if (config_.max_priority) {
    if (!config_.units.empty() || !config_.identifiers.empty()) sd_journal_add_conjunction(j);
    for (int p = 0; p <= *config_.max_priority; ++p) {
      if (auto st = add("PRIORITY", std::to_string(p)); !st) return st;
    }
  }
  return Ok{};
}

void JournaldInput::note_error(std::string_view call, int r) {
  ++counters_.read_errors;
  if (r != last_error_) spdlog::error("{}: {} failed: {}", key_, call, errno_text(r));
  last_error_ = r;
}

void JournaldInput::read_entry() {
  sd_journal* j = journal_.get();
  message_.clear();
  truncated_ = false;
  std::array<std::optional<std::string>, std::size(kFields)> found{};
  bool have_message = false;

  sd_journal_restart_data(j);
  const void* data = nullptr;
  size_t size = 0;
  int r = 0;
  // One pass over the entry's data; "available" skips a field it cannot decompress instead of
  // failing the whole entry. Values are bytes: MESSAGE may hold newlines, NULs, anything.
  while ((r = sd_journal_enumerate_available_data(j, &data, &size)) > 0) {
    const std::string_view item(static_cast<const char*>(data), size);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view name = item.substr(0, eq);
    std::string_view value = item.substr(eq + 1);
    if (name == kMessage) {
      if (have_message) continue;  // a field may repeat; the first one is the message
      have_message = true;
      counters_.bytes += value.size();
      if (value.size() > max_line_bytes_) {
        value = value.substr(0, max_line_bytes_);
        truncated_ = true;
        ++counters_.truncated;
      }
      message_.assign(value);
      continue;
    }
    for (size_t k = 0; k < found.size(); ++k) {
      if (name == kFields[k] && !found[k]) found[k].emplace(value);
    }
  }
  if (r < 0) note_error("sd_journal_enumerate_available_data", r);

  fields_.clear();
  for (size_t k = 0; k < found.size(); ++k) {
    if (found[k]) fields_.emplace_back(std::string(kFields[k]), std::move(*found[k]));
  }
  uint64_t usec = 0;
  if (const int t = sd_journal_get_realtime_usec(j, &usec); t >= 0) {
    fields_.emplace_back(std::string(kRealtime), std::to_string(usec));
  } else {
    note_error("sd_journal_get_realtime_usec", t);
  }
  if (auto c = current_cursor(j)) {
    cursor_ = std::move(*c);
  } else {
    // Shipped anyway; its acknowledgement just leaves the saved position where it was.
    note_error("sd_journal_get_cursor", -EINVAL);
    cursor_.clear();
  }
}

size_t JournaldInput::poll(size_t max_lines, const LineSink& emit) {
  sd_journal* j = journal_.get();
  if (j == nullptr) return 0;
  // Picks up files journald added (rotation) or removed (vacuum). The reader's position is a
  // logical location (seqnum, time), not a file offset, so sd_journal_next() carries on from it.
  const int changed = sd_journal_process(j);
  if (changed == SD_JOURNAL_INVALIDATE) {
    ++counters_.rotations;
    spdlog::debug("{}: journal files were added or removed", key_);
  } else if (changed < 0) {
    note_error("sd_journal_process", changed);
  }
  size_t n = 0;
  while (n < max_lines) {
    const int r = sd_journal_next(j);
    if (r == 0) break;
    if (r < 0) {
      note_error("sd_journal_next", r);
      break;
    }
    read_entry();
    ++counters_.entries;
    unacknowledged_.push_back(cursor_);
    emit(InputLine{message_, truncated_, key_, {}, &fields_});
    ++n;
  }
  return n;
}

void JournaldInput::acknowledge_oldest() {
  if (unacknowledged_.empty()) return;
  if (!unacknowledged_.front().empty()) acknowledged_ = std::move(unacknowledged_.front());
  unacknowledged_.pop_front();
}

void JournaldInput::save(PositionStore& checkpoints) const {
  if (acknowledged_) checkpoints.set(key_, *acknowledged_);
}

InputStats JournaldInput::stats() const {
  InputStats s;
  s.name = key_;
  s.counters = {{"entries", counters_.entries},         {"bytes", counters_.bytes},
                {"truncated", counters_.truncated},     {"cursor_lost", counters_.cursor_lost},
                {"read_errors", counters_.read_errors}, {"rotations", counters_.rotations}};
  return s;
}

}  // namespace soc
