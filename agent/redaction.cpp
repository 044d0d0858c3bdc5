#include "agent/redaction.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pcre2.h>

#include <algorithm>
#include <array>

namespace soc {
namespace {

enum Kind : size_t { kCccd = 0, kPhone = 1, kEmail = 2, kFirstUser = 3 };

struct Span {
  size_t begin;
  size_t end;
  size_t kind;
};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_alnum(char c) {
  return is_digit(c) || is_alpha(c);
}
bool is_local_char(char c) {
  return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool is_domain_char(char c) {
  return is_alnum(c) || c == '.' || c == '-';
}

// A number must stand alone: not glued to letters, digits or a decimal point followed by digits.
bool free_before(std::string_view s, size_t i) {
  return i == 0 || !(is_alnum(s[i - 1]) || s[i - 1] == '_' || s[i - 1] == '+');
}
bool free_after(std::string_view s, size_t j) {
  if (j >= s.size()) return true;
  if (is_alnum(s[j]) || s[j] == '_') return false;
  // "0912345678.5" or "0912345678-9" continue a longer token.
  if ((s[j] == '.' || s[j] == '-') && j + 1 < s.size() && is_digit(s[j + 1])) return false;
  return true;
}

size_t digits_at(std::string_view s, size_t i) {
  size_t j = i;
  while (j < s.size() && is_digit(s[j])) ++j;
  return j - i;
}

// Digits grouped as `groups` with one separator (space, dot or dash, the same throughout)
// between groups, starting at i. Returns the end, or 0 when the text does not have that shape.
size_t grouped(std::string_view s, size_t i, std::initializer_list<size_t> groups) {
  size_t j = i;
  char sep = 0;
  bool first = true;
  for (const size_t g : groups) {
    if (!first) {
      if (j >= s.size()) return 0;
      const char c = s[j];
      if (c != ' ' && c != '.' && c != '-') return 0;
      if (sep != 0 && c != sep) return 0;
      sep = c;
      ++j;
    }
    first = false;
    if (digits_at(s, j) != g) return 0;
    j += g;
  }
  return j;
}

bool mobile_prefix(char c) {
  return c == '3' || c == '5' || c == '7' || c == '8' || c == '9';
}

// A Vietnamese phone number starting at i (which is a '0' or '+'), or 0.
size_t match_phone(std::string_view s, size_t i) {
  if (s[i] == '+') {
    if (s.substr(i, 3) != "+84") return 0;
    size_t j = i + 3;
    if (j < s.size() && s[j] == ' ') ++j;
    if (j >= s.size() || !(mobile_prefix(s[j]) || s[j] == '2')) return 0;
    if (digits_at(s, j) == 9 && s[j] != '2') return j + 9;
    if (digits_at(s, j) == 10 && s[j] == '2') return j + 10;
    if (const size_t e = grouped(s, j, {3, 3, 3}); e != 0 && s[j] != '2') return e;
    return 0;
  }
  if (i + 1 >= s.size()) return 0;
  const size_t run = digits_at(s, i);
  if (mobile_prefix(s[i + 1])) {
    if (run == 10) return i + 10;
    if (const size_t e = grouped(s, i, {4, 3, 3}); e != 0) return e;
    if (const size_t e = grouped(s, i, {3, 3, 4}); e != 0) return e;
  } else if (s[i + 1] == '2' && run == 11) {
    return i + 11;  // landline: 02 + area code + number
  }
  return 0;
}

// 12 digits whose first three are a province code (001..096): a CCCD.
bool is_cccd(std::string_view s, size_t i, size_t run) {
  if (run != 12) return false;
  const int province = (s[i] - '0') * 100 + (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
  return province >= 1 && province <= 96;
}

// An e-mail address around the '@' at `at`; returns [begin, end) or begin == end.
std::pair<size_t, size_t> match_email(std::string_view s, size_t at) {
  size_t b = at;
  while (b > 0 && is_local_char(s[b - 1])) --b;
  while (b < at && s[b] == '.') ++b;
  if (b == at) return {at, at};
  size_t e = at + 1;
  while (e < s.size() && is_domain_char(s[e])) ++e;
  while (e > at + 1 && (s[e - 1] == '.' || s[e - 1] == '-')) --e;
  const std::string_view domain = s.substr(at + 1, e - at - 1);
  const size_t dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {at, at};
  const std::string_view tld = domain.substr(dot + 1);
  if (tld.size() < 2 || !std::all_of(tld.begin(), tld.end(), is_alpha)) return {at, at};
  return {b, e};
}

// What is hashed: the same value written differently hashes the same.
std::string normalise(size_t kind, std::string_view v) {
  std::string out;
  if (kind == kPhone) {
    for (const char c : v) {
      if (is_digit(c)) out += c;
    }
    if (out.rfind("84", 0) == 0 && v.substr(0, 1) == "+") out = "0" + out.substr(2);
  } else if (kind == kEmail) {
    for (const char c : v) out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  } else {
    out.assign(v);
  }
  return out;
}

}  // namespace

struct Redactor::Impl {
  struct UserRegex {
    std::string name;
    pcre2_code* code = nullptr;
    pcre2_match_data* md = nullptr;
  };
  RedactionConfig config;
  std::vector<UserRegex> regexes;
  std::vector<std::string> labels;  // per kind
  std::vector<uint64_t> counts;     // per kind
  std::vector<Span> spans;
  pcre2_match_context* match_context = nullptr;  // carries config.match_limit
  bool failed = false;                           // a user pattern could not finish on this line

  ~Impl() {
    pcre2_match_context_free(match_context);
    for (auto& r : regexes) {
      pcre2_match_data_free(r.md);
      pcre2_code_free(r.code);
    }
  }

  void builtins(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
      const char c = s[i];
      if (config.email && c == '@') {
        const auto [b, e] = match_email(s, i);
        if (b < e) {
          // An address swallows digits it contains: drop spans that started inside it.
          while (!spans.empty() && spans.back().end > b) spans.pop_back();
          spans.push_back(Span{b, e, kEmail});
          i = e;
          continue;
        }
        ++i;
        continue;
      }
      if ((is_digit(c) || c == '+') && free_before(s, i)) {
        if (config.phone && (c == '0' || c == '+')) {
          const size_t e = match_phone(s, i);
          if (e != 0 && free_after(s, e)) {
            spans.push_back(Span{i, e, kPhone});
            i = e;
            continue;
          }
        }
        if (is_digit(c)) {
          const size_t run = digits_at(s, i);
          if (config.cccd && is_cccd(s, i, run) && free_after(s, i + run)) {
            spans.push_back(Span{i, i + run, kCccd});
          }
          i += run;
          continue;
        }
      }
      ++i;
    }
  }

  void users(std::string_view s) {
    for (size_t k = 0; k < regexes.size(); ++k) {
      auto& r = regexes[k];
      size_t start = 0;
      while (start <= s.size()) {
        const int rc = pcre2_match(r.code, reinterpret_cast<PCRE2_SPTR>(s.data()), s.size(), start,
                                   0, r.md, match_context);
        if (rc == PCRE2_ERROR_NOMATCH) break;
        if (rc < 0) {
          // A match/depth/heap limit or another error: the pattern may have matched anywhere
          // from here on, so nothing after this point can be called clean.
          failed = true;
          return;
        }
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(r.md);
        if (ov[1] > ov[0]) spans.push_back(Span{ov[0], ov[1], kFirstUser + k});
        start = ov[1] > start ? ov[1] : start + 1;
      }
    }
  }

  std::string tag(size_t kind, std::string_view value) const {
    const std::string norm = normalise(kind, value);
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int len = 0;
    HMAC(EVP_sha256(), config.salt.data(), static_cast<int>(config.salt.size()),
         reinterpret_cast<const unsigned char*>(norm.data()), norm.size(), mac.data(), &len);
    return fmt::format("[{}:{:02x}{:02x}{:02x}{:02x}]", labels[kind], mac[0], mac[1], mac[2],
                       mac[3]);
  }
};

Redactor::Redactor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Redactor::~Redactor() = default;

Status Redactor::check_regex(const std::string& regex) {
  int err = 0;
  PCRE2_SIZE at = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(regex.data()), regex.size(), 0,
                                   &err, &at, nullptr);
  if (code == nullptr) {
    std::array<PCRE2_UCHAR, 256> msg{};
    pcre2_get_error_message(err, msg.data(), msg.size());
    return Error{fmt::format("invalid regex at offset {}: {}", at,
                             reinterpret_cast<const char*>(msg.data()))};
  }
  pcre2_code_free(code);
  return Ok{};
}

Result<std::unique_ptr<Redactor>> Redactor::create(const RedactionConfig& config) {
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  impl->labels = {"CCCD", "PHONE", "EMAIL"};
  if (config.match_limit != 0) {
    impl->match_context = pcre2_match_context_create(nullptr);
    if (impl->match_context == nullptr) return Error{"redaction: out of memory"};
    pcre2_set_match_limit(impl->match_context, config.match_limit);
  }
  for (const auto& p : config.patterns) {
    int err = 0;
    PCRE2_SIZE at = 0;
    Impl::UserRegex r;
    r.name = p.name;
    r.code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(p.regex.data()), p.regex.size(), 0, &err,
                           &at, nullptr);
    if (r.code == nullptr) {
      auto st = check_regex(p.regex);
      return Error{fmt::format("redaction pattern '{}': {}", p.name, st ? "invalid" : st.error())};
    }
    pcre2_jit_compile(r.code, PCRE2_JIT_COMPLETE);  // falls back to the interpreter if no JIT
    r.md = pcre2_match_data_create_from_pattern(r.code, nullptr);
    impl->regexes.push_back(r);
    impl->labels.push_back(p.name);
  }
  impl->counts.assign(impl->labels.size(), 0);
  return std::make_unique<Redactor>(std::move(impl));
}

bool Redactor::redact(std::string_view in, std::string& out) {
  auto& m = *impl_;
  m.spans.clear();
  m.failed = false;
  m.builtins(in);
  m.users(in);
  if (m.failed) {
    // Fail closed: a line we could not redact is not shipped at all.
    out.assign(kWithheld);
    ++failed_;
    return true;
  }
  if (m.spans.empty()) return false;
  std::sort(m.spans.begin(), m.spans.end(), [](const Span& a, const Span& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  out.clear();
  size_t pos = 0;
  for (const Span& sp : m.spans) {
    if (sp.begin < pos) continue;  // overlaps an earlier, longer match
    out.append(in.substr(pos, sp.begin - pos));
    out += m.tag(sp.kind, in.substr(sp.begin, sp.end - sp.begin));
    ++m.counts[sp.kind];
    pos = sp.end;
  }
  out.append(in.substr(pos));
  ++lines_;
  return true;
}

std::vector<std::pair<std::string, uint64_t>> Redactor::counts() const {
  std::vector<std::pair<std::string, uint64_t>> out;
  static const std::array<const char*, 3> kNames = {"cccd", "phone", "email"};
  for (size_t k = 0; k < impl_->counts.size(); ++k) {
    out.emplace_back(k < kFirstUser ? kNames[k] : impl_->labels[k], impl_->counts[k]);
  }
  return out;
}

}  // namespace soc
