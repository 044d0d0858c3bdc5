#include "collector/decode/laurel.h"

#include <simdjson.h>

#include <string>
#include <vector>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
namespace dom = simdjson::dom;

constexpr size_t kMaxArgFields = 16;  // as the auditd decoder: auditd.data.a0..a15
constexpr size_t kMaxArgs = 4096;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Laurel writes bytes it cannot print, '%' and '+' as %XX.
std::string percent_decoded(string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// A scalar as text: strings percent-decoded, integers in decimal; nothing for null and the rest.
std::optional<std::string> text_of(dom::element e) {
  switch (e.type()) {
    case dom::element_type::STRING:
      return percent_decoded(e.get_string().value_unsafe());
    case dom::element_type::INT64:
      return std::to_string(e.get_int64().value_unsafe());
    case dom::element_type::UINT64:
      return std::to_string(e.get_uint64().value_unsafe());
    default:
      return std::nullopt;
  }
}

std::optional<std::string> member(dom::object o, string_view key) {
  dom::element e;
  if (o.at_key(key).get(e) != simdjson::SUCCESS) return std::nullopt;
  return text_of(e);
}

bool unset_id(string_view v) {
  return v == "4294967295" || v == "-1" || v == "unset";
}

std::vector<std::string> argv_of(dom::object o) {
  std::vector<std::string> out;
  dom::array argv;
  if (o.at_key("ARGV").get(argv) != simdjson::SUCCESS) return out;
  for (const auto item : argv) {
    if (out.size() >= kMaxArgs) break;
    out.push_back(text_of(item).value_or(""));
  }
  return out;
}

std::string joined(const std::vector<std::string>& args) {
  std::string line;
  for (const auto& a : args) {
    if (!line.empty()) line += ' ';
    line += a;
  }
  return line;
}

void syscall_fields(dom::object sc, Fields& f) {
  const auto set = [&](string_view key, string_view field, bool id = false) {
    const auto v = member(sc, key);
    if (!v || v->empty() || (id && unset_id(*v))) return;
    f.set(field, *v);
  };
  set("exe", "process.executable");
  set("comm", "process.name");
  set("pid", "process.pid");
  set("ppid", "process.parent.pid");
  set("uid", "user.id", true);
  set("euid", "user.effective.id", true);
  set("auid", "user.audit.id", true);
  set("gid", "group.id", true);
  set("ses", "auditd.session", true);
  set("UID", "user.name", true);
  set("EUID", "user.effective.name", true);
  set("AUID", "user.audit.name", true);
  set("GID", "group.name", true);
  set("SYSCALL", "auditd.data.SYSCALL");
  set("syscall", "auditd.data.syscall");
  if (const auto tty = member(sc, "tty"); tty && *tty != "(none)" && !tty->empty()) {
    f.set("process.tty.name", *tty);
  }
  if (const auto key = member(sc, "key"); key && !key->empty()) f.set("auditd.key", *key);
  if (const auto ok = member(sc, "success")) {
    if (*ok == "yes") f.set("event.outcome", "success");
    if (*ok == "no") f.set("event.outcome", "failure");
  }
  dom::object parent;
  if (sc.at_key("PPID").get(parent) == simdjson::SUCCESS) {
    if (const auto exe = member(parent, "exe"); exe && !exe->empty()) {
      f.set("process.parent.executable", *exe);
    }
    if (const auto comm = member(parent, "comm"); comm && !comm->empty()) {
      f.set("process.parent.name", *comm);
    }
  }
}

int path_rank(dom::object item) {
  const auto type = member(item, "nametype");
  if (type == "CREATE") return 2;
  if (type == "PARENT") return 0;
  return 1;
}

}  // namespace

bool decode_laurel(string_view text, Fields& f, std::optional<SysTime>& time) {
  if (text.substr(0, 7) != "{\"ID\":\"") return false;
  thread_local dom::parser parser;
  thread_local std::string buffer;
  buffer.reserve(text.size() + simdjson::SIMDJSON_PADDING);
  buffer.assign(text);
  dom::object root;
  if (parser.parse(buffer.data(), buffer.size(), false).get(root) != simdjson::SUCCESS) {
    return false;
  }
  // "ID": "EPOCH.MS:SERIAL", as in audit(...).
  const auto id = member(root, "ID");
  if (!id) return false;
  const size_t colon = id->find(':');
  if (colon == std::string::npos) return false;
  const string_view stamp = string_view(*id).substr(0, colon);
  const string_view serial = string_view(*id).substr(colon + 1);
  const size_t dot = stamp.find('.');
  const auto secs = text::parse_uint(stamp.substr(0, dot));
  const auto millis = dot == string_view::npos ? std::optional<int64_t>(0)
                                               : text::parse_uint(stamp.substr(dot + 1, 3));
  if (!secs || !millis || !text::all_digits(serial) || *secs > 7258118400LL) return false;

  std::string records;
  for (const auto field : root) {
    if (field.key == "ID" || field.key == "PARENT_INFO") continue;
    if (!records.empty()) records += ' ';
    records += field.key;
  }
  f.set("auditd.id", serial);
  f.set("auditd.records", records);
  f.set("service.name", "laurel");
  time = SysTime{std::chrono::duration_cast<SysTime::duration>(std::chrono::seconds{*secs} +
                                                               std::chrono::milliseconds{*millis})};

  dom::object o;
  if (root.at_key("SYSCALL").get(o) == simdjson::SUCCESS) syscall_fields(o, f);
  bool executed = false;
  if (root.at_key("EXECVE").get(o) == simdjson::SUCCESS) {
    executed = true;
    const auto args = argv_of(o);
    if (!args.empty()) {
      f.set("process.command_line", joined(args));
      f.set("process.args", text::json_string_array(args.data(), args.size()));
      for (size_t i = 0; i < args.size() && i < kMaxArgFields; ++i) {
        f.set("auditd.data.a" + std::to_string(i), args[i]);
      }
    }
    if (const auto argc = member(o, "argc")) f.set("process.args_count", *argc);
  }
  if (root.at_key("PROCTITLE").get(o) == simdjson::SUCCESS) {
    const auto title = joined(argv_of(o));
    if (!title.empty()) {
      f.set("process.title", title);
      if (executed && !f.get("process.command_line")) f.set("process.command_line", title);
    }
  }
  if (root.at_key("CWD").get(o) == simdjson::SUCCESS) {
    if (const auto cwd = member(o, "cwd"); cwd && !cwd->empty()) {
      f.set("process.working_directory", *cwd);
    }
  }
  dom::array paths;
  if (root.at_key("PATH").get(paths) == simdjson::SUCCESS) {
    int best = -1;
    for (const auto item : paths) {
      dom::object p;
      if (item.get(p) != simdjson::SUCCESS) continue;
      const auto name = member(p, "name");
      const int rank = path_rank(p);
      if (name && !name->empty() && rank > best) {
        f.set("file.path", *name);
        best = rank;
      }
    }
  }
  if (root.at_key("PARENT_INFO").get(o) == simdjson::SUCCESS) {
    if (const auto exe = member(o, "exe");
        exe && !exe->empty() && !f.get("process.parent.executable")) {
      f.set("process.parent.executable", *exe);
    }
    if (const auto comm = member(o, "comm");
        comm && !comm->empty() && !f.get("process.parent.name")) {
      f.set("process.parent.name", *comm);
    }
    const auto args = argv_of(o);
    if (!args.empty()) f.set("process.parent.command_line", joined(args));
  }
  if (executed) {
    f.set("event.category", "process");
    f.set("event.action", "executed");
  }
  return true;
}

// Its entry in the decoder registry (decoder_registry.h): chosen by the line's shape.
namespace {

constexpr std::string_view kLaurelFormats[] = {"LAUREL JSON audit events ({\"ID\":...})"};

}  // namespace

extern constinit const DecoderSpec kLaurelDecoder{
    .name = "laurel",
    .description = "LAUREL's JSON audit events (auditd plug-in), chosen by the line's first bytes",
    .formats = kLaurelFormats,
};

}  // namespace soc
