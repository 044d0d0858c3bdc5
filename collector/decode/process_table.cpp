#include "collector/decode/process_table.h"

#include <algorithm>

#include "collector/decode/text.h"

namespace soc {
namespace {

std::string_view cut(std::string_view s) {
  return s.substr(0, ProcessTable::kMaxText);
}

}  // namespace

ProcessTable::ProcessTable(Limits limits) : limits_(limits) {
  limits_.per_host = std::max<size_t>(limits_.per_host, 1);
  limits_.hosts = std::max<size_t>(limits_.hosts, 1);
}

ProcessTable::Host* ProcessTable::host(std::string_view name, bool create) {
  const std::string key(name);
  if (const auto it = by_name_.find(key); it != by_name_.end()) {
    hosts_.splice(hosts_.begin(), hosts_, it->second);
    return &*it->second;
  }
  if (!create) return nullptr;
  if (hosts_.size() >= limits_.hosts) {
    by_name_.erase(hosts_.back().name);
    hosts_.pop_back();
    ++hosts_evicted_;
  }
  hosts_.push_front(Host{key, {}, {}});
  by_name_.emplace(key, hosts_.begin());
  return &hosts_.front();
}

void ProcessTable::remember(std::string_view host_name, std::string_view pid,
                            std::string_view executable, std::string_view command_line) {
  if (!text::all_digits(pid) || pid.empty()) return;
  const auto number = text::parse_uint(pid);
  if (!number) return;
  const auto key = static_cast<uint64_t>(*number);
  Host& h = *host(host_name, true);
  if (const auto it = h.by_pid.find(key); it != h.by_pid.end()) {
    h.lru.splice(h.lru.begin(), h.lru, it->second);
    Process& p = it->second->second;
    if (command_line.empty() && p.executable == cut(executable)) return;
    p.executable.assign(cut(executable));
    p.command_line.assign(cut(command_line));
    return;
  }
  if (h.lru.size() >= limits_.per_host) {
    h.by_pid.erase(h.lru.back().first);
    h.lru.pop_back();
    ++evicted_;
  }
  h.lru.emplace_front(key, Process{std::string(cut(executable)), std::string(cut(command_line))});
  h.by_pid.emplace(key, h.lru.begin());
}

const ProcessTable::Process* ProcessTable::find(std::string_view host_name, std::string_view pid) {
  const auto number = text::parse_uint(pid);
  if (!number || !text::all_digits(pid)) return nullptr;
  Host* h = host(host_name, false);
  if (h == nullptr) return nullptr;
  const auto it = h->by_pid.find(static_cast<uint64_t>(*number));
  if (it == h->by_pid.end()) return nullptr;
  h->lru.splice(h->lru.begin(), h->lru, it->second);
  return &it->second->second;
}

size_t ProcessTable::size() const {
  size_t n = 0;
  for (const auto& h : hosts_) n += h.lru.size();
  return n;
}

}  // namespace soc
