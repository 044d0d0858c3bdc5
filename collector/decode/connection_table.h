// What earlier lines said about a service's connection, for services that name the peer on one
// line and the failure on another: slapd (conn=N ACCEPT from IP=..., then RESULT err=49), MongoDB
// before 4.4 ([connN] Failed to authenticate, then end connection IP:PORT) and PostgreSQL
// (connection received: host=IP, then FATAL: password authentication failed, same pid).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "collector/decode/event.h"

namespace soc {

class ConnectionTable {
 public:
  struct Entry {
    std::string ip;
    std::string port;
    std::string user;
    bool failed = false;  // an authentication on it failed and was logged without the peer
  };

  explicit ConnectionTable(size_t capacity) : capacity_(capacity) {}

  // The key of connection `conn` of the process that logged the line in `f` (host and pid).
  static std::string key(const Fields& f, std::string_view conn) {
    std::string k(f.get("host.name").value_or(""));
    k += '\x1f';
    k += f.get("process.pid").value_or("");
    k += '\x1f';
    k += conn;
    return k;
  }

  // The entry for `key`, created when missing. A full table is emptied first: a connection
  // whose closing line was lost must not grow memory without bound, and the cost of forgetting
  // is only a failure without its peer's address.
  Entry& at(const std::string& k) {
    if (entries_.size() >= capacity_ && entries_.find(k) == entries_.end()) entries_.clear();
    return entries_[k];
  }
  const Entry* find(const std::string& k) const {
    const auto it = entries_.find(k);
    return it == entries_.end() ? nullptr : &it->second;
  }
  void erase(const std::string& k) { entries_.erase(k); }

 private:
  size_t capacity_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace soc
