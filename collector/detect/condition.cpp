#include "collector/detect/condition.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace soc {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' ||
         c == '*';
}

struct Token {
  enum class Kind { kWord, kOpen, kClose, kEnd, kBad };
  Kind kind = Kind::kEnd;
  std::string_view text;
  size_t offset = 0;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) { advance(); }

  CondParse run() {
    CondParse out;
    try {
      CondExpr e = expr();
      if (tok_.kind != Token::Kind::kEnd) {
        fail(tok_.offset, fmt::format("unexpected '{}' (expected and, or or the end)", tok_.text));
      }
      out.expr = std::move(e);
    } catch (const CondError& e) {
      out.error = e;
    }
    return out;
  }

 private:
  [[noreturn]] static void fail(size_t offset, std::string message) {
    throw CondError{offset, std::move(message)};
  }

  void advance() {
    size_t i = pos_;
    while (i < text_.size() && std::isspace(static_cast<unsigned char>(text_[i]))) ++i;
    tok_ = Token{};
    tok_.offset = i;
    if (i >= text_.size()) {
      pos_ = i;
      return;
    }
    const char c = text_[i];
    if (c == '(' || c == ')') {
      tok_.kind = c == '(' ? Token::Kind::kOpen : Token::Kind::kClose;
      tok_.text = text_.substr(i, 1);
      pos_ = i + 1;
      return;
    }
    if (c == '|') {
      fail(i, "aggregations ('| count() ...') are not supported; use threshold");
    }
    size_t j = i;
    while (j < text_.size() && name_char(text_[j])) ++j;
    if (j == i) fail(i, fmt::format("unexpected character '{}'", c));
    tok_.kind = Token::Kind::kWord;
    tok_.text = text_.substr(i, j - i);
    pos_ = j;
  }

  bool at_word(std::string_view w) const {
    return tok_.kind == Token::Kind::kWord && iequals(tok_.text, w);
  }

  CondExpr expr() {
    CondExpr first = term();
    if (!at_word("or")) return first;
    CondExpr node;
    node.kind = CondExpr::Kind::kOr;
    node.offset = first.offset;
    node.kids.push_back(std::move(first));
    while (at_word("or")) {
      advance();
      node.kids.push_back(term());
    }
    return node;
  }

  CondExpr term() {
    CondExpr first = factor();
    if (!at_word("and")) return first;
    CondExpr node;
    node.kind = CondExpr::Kind::kAnd;
    node.offset = first.offset;
    node.kids.push_back(std::move(first));
    while (at_word("and")) {
      advance();
      node.kids.push_back(factor());
    }
    return node;
  }

  CondExpr factor() {
    const size_t at = tok_.offset;
    switch (tok_.kind) {
      case Token::Kind::kEnd:
        fail(at, "condition ends where a selection name was expected");
      case Token::Kind::kClose:
        fail(at, "unexpected ')' (expected a selection name)");
      case Token::Kind::kBad:
        fail(at, "unexpected character");
      case Token::Kind::kOpen: {
        advance();
        CondExpr inner = expr();
        if (tok_.kind != Token::Kind::kClose) fail(tok_.offset, "missing ')'");
        advance();
        return inner;
      }
      case Token::Kind::kWord:
        break;
    }
    if (at_word("not")) {
      advance();
      CondExpr node;
      node.kind = CondExpr::Kind::kNot;
      node.offset = at;
      node.kids.push_back(factor());
      return node;
    }
    const std::string_view word = tok_.text;
    if (word == "1" || iequals(word, "any") || iequals(word, "all")) {
      const bool all = iequals(word, "all");
      advance();
      if (at_word("of")) {
        advance();
        std::string pattern;
        if (at_word("them")) {
          pattern = "them";
        } else if (tok_.kind == Token::Kind::kWord && !is_condition_keyword(tok_.text)) {
          pattern = std::string(tok_.text);
        } else {
          fail(tok_.offset, "expected a selection pattern or 'them' after 'of'");
        }
        CondExpr node;
        node.kind = all ? CondExpr::Kind::kAllOf : CondExpr::Kind::kAnyOf;
        node.offset = at;
        node.name = std::move(pattern);
        advance();
        return node;
      }
      if (word != "1") fail(at, fmt::format("'{}' must be followed by 'of'", word));
      CondExpr node;  // a selection literally named "1"
      node.offset = at;
      node.name = "1";
      return node;
    }
    if (is_condition_keyword(word)) fail(at, fmt::format("unexpected '{}'", word));
    if (word.find('*') != std::string_view::npos) {
      fail(at, fmt::format("'{}': wildcards are only allowed after '1 of' / 'all of'", word));
    }
    CondExpr node;
    node.offset = at;
    node.name = std::string(word);
    advance();
    return node;
  }

  std::string_view text_;
  size_t pos_ = 0;
  Token tok_;
};

void collect_names(const CondExpr& e, const std::vector<std::string>& names,
                   std::vector<CondExpr>& out) {
  for (const auto& n : names) {
    const bool hit = e.name == "them" ? (n.empty() || n[0] != '_') : glob_match(e.name, n);
    if (!hit) continue;
    CondExpr leaf;
    leaf.offset = e.offset;
    leaf.name = n;
    out.push_back(std::move(leaf));
  }
}

}  // namespace

bool is_condition_keyword(std::string_view w) {
  for (std::string_view k : {"and", "or", "not", "of", "them", "all", "any"}) {
    if (iequals(w, k)) return true;
  }
  return false;
}

bool glob_match(std::string_view p, std::string_view s) {
  // Iterative glob with backtracking to the last '*'.
  size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (pi < p.size() && p[pi] == s[si]) {
      ++pi;
      ++si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

CondParse parse_condition(std::string_view text) {
  return Parser(text).run();
}

std::optional<CondError> expand_condition(CondExpr& e, const std::vector<std::string>& names) {
  switch (e.kind) {
    case CondExpr::Kind::kName:
      if (std::find(names.begin(), names.end(), e.name) == names.end()) {
        return CondError{e.offset, fmt::format("unknown selection '{}'", e.name)};
      }
      return std::nullopt;
    case CondExpr::Kind::kAnyOf:
    case CondExpr::Kind::kAllOf: {
      std::vector<CondExpr> kids;
      const bool all = e.kind == CondExpr::Kind::kAllOf;
      collect_names(e, names, kids);
      if (kids.empty()) {
        return CondError{e.offset, fmt::format("no selection matches '{}'", e.name)};
      }
      if (kids.size() == 1) {
        CondExpr only = std::move(kids.front());
        e = std::move(only);
        return std::nullopt;
      }
      e.kind = all ? CondExpr::Kind::kAnd : CondExpr::Kind::kOr;
      e.name.clear();
      e.kids = std::move(kids);
      return std::nullopt;
    }
    case CondExpr::Kind::kAnd:
    case CondExpr::Kind::kOr:
    case CondExpr::Kind::kNot:
      for (auto& k : e.kids) {
        if (auto err = expand_condition(k, names)) return err;
      }
      return std::nullopt;
  }
  return std::nullopt;
}

std::string to_string(const CondExpr& e) {
  const auto child = [&](const CondExpr& k) {
    // Parenthesise a nested and/or: "a and (b or c)"; names, nots and quantifiers bind tighter.
    const bool group =
        (k.kind == CondExpr::Kind::kAnd || k.kind == CondExpr::Kind::kOr) && (e.kind != k.kind);
    return group ? "(" + to_string(k) + ")" : to_string(k);
  };
  switch (e.kind) {
    case CondExpr::Kind::kName:
      return e.name;
    case CondExpr::Kind::kAnyOf:
      return "1 of " + e.name;
    case CondExpr::Kind::kAllOf:
      return "all of " + e.name;
    case CondExpr::Kind::kNot:
      return "not " + child(e.kids.at(0));
    case CondExpr::Kind::kAnd:
    case CondExpr::Kind::kOr: {
      std::string out;
      for (const auto& k : e.kids) {
        if (!out.empty()) out += e.kind == CondExpr::Kind::kAnd ? " and " : " or ";
        out += child(k);
      }
      return out;
    }
  }
  return "";
}

}  // namespace soc
