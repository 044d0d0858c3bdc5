#include "collector/detect/intel_list.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/printable.h"

namespace soc {
namespace fs = std::filesystem;
namespace {

// Per file, the bad lines described one by one; the rest are only counted.
constexpr size_t kProblemsPerFile = 20;
// A feed larger than this is refused rather than read into memory.
constexpr uintmax_t kMaxListBytes = uintmax_t{512} << 20;

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

IpAddress from_bytes(const unsigned char* b) {
  IpAddress a;
  for (int i = 0; i < 8; ++i) a.hi = (a.hi << 8) | b[i];
  for (int i = 8; i < 16; ++i) a.lo = (a.lo << 8) | b[i];
  return a;
}

// The first `bits` bits of `a`, the rest zero.
IpAddress mask(IpAddress a, int bits) {
  if (bits <= 0) return {};
  if (bits < 64) return {a.hi & ~(~uint64_t{0} >> bits), 0};
  if (bits == 64) return {a.hi, 0};
  if (bits < 128) return {a.hi, a.lo & ~(~uint64_t{0} >> (bits - 64))};
  return a;
}

bool is_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

// MD5, SHA-1, SHA-256, SHA-512.
bool is_hash(std::string_view s) {
  return (s.size() == 32 || s.size() == 40 || s.size() == 64 || s.size() == 128) && is_hex(s);
}

// A host name with at least two labels whose last label is not all digits (a mistyped address
// such as 300.1.2.3 is not taken for a domain).
bool is_domain(std::string_view s) {
  if (s.empty() || s.size() > 253 || s.find('.') == std::string_view::npos) return false;
  std::string_view last;
  while (!s.empty()) {
    const size_t dot = s.find('.');
    const std::string_view label = s.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (const char c : label) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
      if (!ok) return false;
    }
    last = label;
    if (dot == std::string_view::npos) break;
    s.remove_prefix(dot + 1);
    if (s.empty()) return false;  // "a..b" or a trailing dot (stripped before)
  }
  return !std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::optional<IpAddress> parse_ip_address(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (const size_t zone = text.find('%'); zone != std::string_view::npos) {
    text = text.substr(0, zone);
  }
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  if (text.find(':') == std::string_view::npos) {
    // Dotted quad by hand (the common case, on every lookup): four decimal parts of 1-3 digits,
    // each at most 255, no sign or leading zeros beyond "0" (as inet_pton).
    uint32_t v4 = 0;
    int parts = 0;
    size_t i = 0;
    while (parts < 4) {
      size_t digits = 0;
      uint32_t part = 0;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 4) {
        part = part * 10 + static_cast<uint32_t>(text[i] - '0');
        ++i;
        ++digits;
      }
      if (digits == 0 || digits > 3 || part > 255 || (digits > 1 && text[i - digits] == '0')) {
        return std::nullopt;
      }
      v4 = (v4 << 8) | part;
      if (++parts < 4) {
        if (i >= text.size() || text[i] != '.') return std::nullopt;
        ++i;
      }
    }
    if (i != text.size()) return std::nullopt;
    return IpAddress{0, (uint64_t{0xFFFF} << 32) | v4};
  }
  char buf[INET6_ADDRSTRLEN + 1];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  unsigned char bytes[16] = {};
  if (inet_pton(AF_INET6, buf, bytes) != 1) return std::nullopt;
  return from_bytes(bytes);
}

bool valid_intel_list_name(std::string_view name) {
  if (name.empty() || name.size() > 128 || name.front() == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

IntelList::IpSet& IntelList::prefix_set(int bits) {
  auto it = std::find_if(by_prefix_.begin(), by_prefix_.end(),
                         [&](const auto& p) { return p.first <= bits; });
  if (it == by_prefix_.end() || it->first != bits) it = by_prefix_.insert(it, {bits, IpSet{}});
  return it->second;
}

bool IntelList::add(std::string_view entry, std::string* why) {
  const auto refuse = [&](std::string reason) {
    if (why != nullptr) *why = std::move(reason);
    return false;
  };
  if (entry.find_first_of(" \t") != std::string_view::npos) {
    return refuse("more than one entry on the line");
  }
  if (const size_t slash = entry.find('/'); slash != std::string_view::npos) {
    const std::string_view addr_text = entry.substr(0, slash);
    const std::string_view len_text = entry.substr(slash + 1);
    const auto addr = parse_ip_address(addr_text);
    if (!addr || addr_text.find('%') != std::string_view::npos) {
      return refuse("CIDR range without a valid address");
    }
    const bool v4 = addr_text.find(':') == std::string_view::npos;
    const int max = v4 ? 32 : 128;
    if (len_text.empty() || len_text.size() > 3 ||
        !std::all_of(len_text.begin(), len_text.end(),
                     [](char c) { return c >= '0' && c <= '9'; })) {
      return refuse("CIDR prefix length is not a number");
    }
    const int len = std::stoi(std::string(len_text));
    if (len > max) return refuse(fmt::format("CIDR prefix length above {}", max));
    // IPv4 ranges live in the IPv4-mapped part of the IPv6 space (::ffff:0:0/96).
    const int bits = v4 ? 96 + len : len;
    prefix_set(bits).insert(mask(*addr, bits));  // host bits set (10.0.0.5/8) are ignored
    ++size_;
    return true;
  }
  if (const auto addr = parse_ip_address(entry)) {
    prefix_set(128).insert(*addr);
    ++size_;
    return true;
  }
  if (is_hash(entry)) {
    hashes_.insert(ascii_lower(entry));
    ++size_;
    return true;
  }
  std::string_view domain = entry;
  if (domain.starts_with("*.")) domain.remove_prefix(2);  // subdomains match anyway
  if (domain.ends_with('.')) domain.remove_suffix(1);     // fully qualified form
  if (is_domain(domain)) {
    domains_.insert(ascii_lower(domain));
    ++size_;
    return true;
  }
  return refuse("not an IP address, CIDR range, domain or hash");
}

std::shared_ptr<IntelList> IntelList::parse(std::string name, std::string_view text,
                                            std::string_view file, IntelLoadReport& report) {
  auto list = std::make_shared<IntelList>(std::move(name));
  size_t line_no = 0;
  size_t bad_here = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    // `#` (most feeds) and `;` (Spamhaus DROP: "1.2.3.0/24 ; SBL123") start comments.
    line = trim(line.substr(0, line.find_first_of("#;")));
    if (line.empty()) continue;
    std::string why;
    if (list->add(line, &why)) {
      ++report.entries;
      continue;
    }
    ++report.bad_lines;
    if (++bad_here <= kProblemsPerFile) {
      report.problems.push_back(
          fmt::format("{}:{}: {}: '{}'", file, line_no, why, printable_bounded(line, 80)));
    }
  }
  if (bad_here > kProblemsPerFile) {
    report.problems.push_back(
        fmt::format("{}: {} more bad lines not shown", file, bad_here - kProblemsPerFile));
  }
  return list;
}

bool IntelList::contains(std::string_view value) const {
  if (const auto addr = parse_ip_address(value)) {
    for (const auto& [bits, set] : by_prefix_) {
      if (set.contains(mask(*addr, bits))) return true;
    }
    return false;
  }
  if (hashes_.empty() && domains_.empty()) return false;
  std::string v = ascii_lower(value);
  if (is_hash(v) && hashes_.contains(v)) return true;
  if (domains_.empty()) return false;
  if (v.ends_with('.')) v.pop_back();
  // The name itself, then each parent: a.b.evil.com, b.evil.com, evil.com, com.
  std::string_view d = v;
  while (!d.empty()) {
    if (domains_.contains(std::string(d))) return true;
    const size_t dot = d.find('.');
    if (dot == std::string_view::npos) break;
    d.remove_prefix(dot + 1);
  }
  return false;
}

Result<IntelLists> IntelLists::load_dir(const std::string& dir, IntelLoadReport& report) {
  IntelLists out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  if (!fs::is_directory(dir, ec)) {
    return Error::invalid_input(fmt::format("{}: intel lists: not a directory", dir));
  }
  std::vector<fs::path> files;
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (it->path().extension() == ".txt" && it->is_regular_file(ec)) files.push_back(it->path());
  }
  if (ec) return Error{fmt::format("{}: cannot list intel lists: {}", dir, ec.message())};
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    const std::string name = path.stem().string();
    if (!valid_intel_list_name(name)) {
      ++report.bad_lines;
      report.problems.push_back(
          fmt::format("{}: not loaded: a list name is lowercase letters, digits, '.', '_' and '-'",
                      printable(path.string())));
      continue;
    }
    const uintmax_t size = fs::file_size(path, ec);
    if (ec || size > kMaxListBytes) {
      return Error{fmt::format("{}: cannot read intel list: {}", path.string(),
                               ec ? ec.message() : "larger than 512 MiB")};
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) {
      return Error{
          fmt::format("{}: cannot read intel list: {}", path.string(), std::strerror(errno))};
    }
    ++report.files;
    out.add(IntelList::parse(name, text.str(), path.string(), report));
  }
  return out;
}

void IntelLists::add(std::shared_ptr<const IntelList> list) {
  const std::string name = list->name();
  lists_[name] = std::move(list);
}

std::shared_ptr<const IntelList> IntelLists::find(std::string_view name) const {
  const auto it = lists_.find(name);
  return it == lists_.end() ? nullptr : it->second;
}

}  // namespace soc
