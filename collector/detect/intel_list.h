// Threat-intelligence lists for rules (`source.ip: {in_list: malicious-ips}`): named sets of IP
// addresses, CIDR ranges (IPv4 and IPv6), domains (a listed domain also matches its subdomains)
// and file hashes, read from text files, one entry per line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tsl/robin_set.h>

#include "common/result.h"

namespace soc {

// What loading lists found besides the entries: every bad line is counted, and the first few of
// each file are described as "file:line: reason".
struct IntelLoadReport {
  size_t files = 0;
  size_t entries = 0;
  size_t bad_lines = 0;
  std::vector<std::string> problems;
};

// An IPv6 address; IPv4 is held IPv4-mapped (::ffff:a.b.c.d), so an IPv4 entry also matches the
// same address written as IPv4-mapped IPv6 and the reverse.
struct IpAddress {
  uint64_t hi = 0;
  uint64_t lo = 0;
  bool operator==(const IpAddress&) const = default;
};
// "192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1"; a zone ("fe80::1%eth0") or brackets
// ("[2001:db8::1]") are allowed and ignored. Nothing for anything else.
std::optional<IpAddress> parse_ip_address(std::string_view text);

class IntelList {
 public:
  explicit IntelList(std::string name) : name_(std::move(name)) {}

  // Reads `text` (the file `file`, for messages): `#` and `;` start a comment, blank lines are
  // skipped, every other line holds one entry. A line that is none of the entry kinds is counted
  // and described in `report`, never fatal.
  static std::shared_ptr<IntelList> parse(std::string name, std::string_view text,
                                          std::string_view file, IntelLoadReport& report);

  // Adds one entry; false (nothing added) when it is not an address, CIDR range, domain or hash.
  bool add(std::string_view entry, std::string* why = nullptr);

  // Whether `value` (an event field) is listed: an address is looked up in the addresses and
  // ranges, anything else among hashes and domains (ASCII case-insensitively; a domain matches
  // when it or a parent domain is listed).
  bool contains(std::string_view value) const;

  const std::string& name() const { return name_; }
  size_t size() const { return size_; }

 private:
  struct IpHash {
    size_t operator()(const IpAddress& a) const {
      return std::hash<uint64_t>{}(a.hi * 0x9E3779B97F4A7C15ull ^ a.lo);
    }
  };
  using IpSet = tsl::robin_set<IpAddress, IpHash>;

  std::string name_;
  size_t size_ = 0;
  // Ranges by prefix length (0..128, in the IPv6 space; an exact address is /128). A lookup
  // masks the address once per prefix length in use, longest first: a feed such as Spamhaus
  // DROP uses about fifteen lengths.
  std::vector<std::pair<int, IpSet>> by_prefix_;  // longest first
  IpSet& prefix_set(int bits);
  tsl::robin_set<std::string> domains_;  // lowercase, no trailing dot
  tsl::robin_set<std::string> hashes_;   // lowercase hex
};

// The lists of one directory, by name.
class IntelLists {
 public:
  // Every regular file NAME.txt in `dir` (not recursive) is list NAME. A directory that does not
  // exist holds no lists; one that cannot be read, or a file that cannot be read, is an error.
  static Result<IntelLists> load_dir(const std::string& dir, IntelLoadReport& report);

  void add(std::shared_ptr<const IntelList> list);
  // Null when there is no list of that name.
  std::shared_ptr<const IntelList> find(std::string_view name) const;
  size_t size() const { return lists_.size(); }

 private:
  std::map<std::string, std::shared_ptr<const IntelList>, std::less<>> lists_;
};

// A list name: [a-z0-9._-], at most 128 characters, not starting with a dot.
bool valid_intel_list_name(std::string_view name);

}  // namespace soc
