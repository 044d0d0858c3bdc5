#include "collector/decode/auditd.h"

#include <array>
#include <string>
#include <vector>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
using text::npos;

constexpr size_t kMaxDataFields = 32;
constexpr size_t kMaxArgFields = 16;
constexpr size_t kMaxArgs = 4096;  // EXECVE argument indexes past this are ignored

struct TypeName {
  string_view number, name;
};
// The kernel writes record types as numbers; audit.log names them (libaudit's table). The ones a
// SOC looks at.
constexpr auto kTypeNames = std::to_array<TypeName>({
    {"1100", "USER_AUTH"},
    {"1101", "USER_ACCT"},
    {"1102", "USER_MGMT"},
    {"1103", "CRED_ACQ"},
    {"1104", "CRED_DISP"},
    {"1105", "USER_START"},
    {"1106", "USER_END"},
    {"1107", "USER_AVC"},
    {"1108", "USER_CHAUTHTOK"},
    {"1109", "USER_ERR"},
    {"1110", "CRED_REFRESH"},
    {"1111", "USYS_CONFIG"},
    {"1112", "USER_LOGIN"},
    {"1113", "USER_LOGOUT"},
    {"1114", "ADD_USER"},
    {"1115", "DEL_USER"},
    {"1116", "ADD_GROUP"},
    {"1117", "DEL_GROUP"},
    {"1118", "DAC_CHECK"},
    {"1119", "CHGRP_ID"},
    {"1121", "TRUSTED_APP"},
    {"1122", "USER_SELINUX_ERR"},
    {"1123", "USER_CMD"},
    {"1124", "USER_TTY"},
    {"1125", "CHUSER_ID"},
    {"1126", "GRP_AUTH"},
    {"1127", "SYSTEM_BOOT"},
    {"1128", "SYSTEM_SHUTDOWN"},
    {"1129", "SYSTEM_RUNLEVEL"},
    {"1130", "SERVICE_START"},
    {"1131", "SERVICE_STOP"},
    {"1132", "GRP_MGMT"},
    {"1133", "GRP_CHAUTHTOK"},
    {"1134", "MAC_CHECK"},
    {"1135", "ACCT_LOCK"},
    {"1136", "ACCT_UNLOCK"},
    {"1137", "USER_DEVICE"},
    {"1138", "SOFTWARE_UPDATE"},
    {"1200", "DAEMON_START"},
    {"1201", "DAEMON_END"},
    {"1202", "DAEMON_ABORT"},
    {"1203", "DAEMON_CONFIG"},
    {"1204", "DAEMON_RECONFIG"},
    {"1205", "DAEMON_ROTATE"},
    {"1206", "DAEMON_RESUME"},
    {"1207", "DAEMON_ACCEPT"},
    {"1208", "DAEMON_CLOSE"},
    {"1209", "DAEMON_ERR"},
    {"1300", "SYSCALL"},
    {"1302", "PATH"},
    {"1303", "IPC"},
    {"1304", "SOCKETCALL"},
    {"1305", "CONFIG_CHANGE"},
    {"1306", "SOCKADDR"},
    {"1307", "CWD"},
    {"1309", "EXECVE"},
    {"1320", "EOE"},
    {"1325", "NETFILTER_CFG"},
    {"1326", "SECCOMP"},
    {"1327", "PROCTITLE"},
    {"1328", "FEATURE_CHANGE"},
    {"1329", "REPLACE"},
    {"1330", "KERN_MODULE"},
    {"1331", "FANOTIFY"},
    {"1400", "AVC"},
    {"1401", "SELINUX_ERR"},
    {"1402", "AVC_PATH"},
    {"1403", "MAC_POLICY_LOAD"},
    {"1404", "MAC_STATUS"},
    {"1405", "MAC_CONFIG_CHANGE"},
    {"1700", "ANOM_PROMISCUOUS"},
    {"1701", "ANOM_ABEND"},
    {"1702", "ANOM_LINK"},
    {"1703", "ANOM_CREAT"},
    {"1800", "INTEGRITY_DATA"},
    {"1801", "INTEGRITY_METADATA"},
    {"1802", "INTEGRITY_STATUS"},
    {"1803", "INTEGRITY_HASH"},
    {"1804", "INTEGRITY_PCR"},
    {"1805", "INTEGRITY_RULE"},
    {"2100", "ANOM_LOGIN_FAILURES"},
    {"2101", "ANOM_LOGIN_TIME"},
    {"2102", "ANOM_LOGIN_SESSIONS"},
    {"2103", "ANOM_LOGIN_ACCT"},
    {"2104", "ANOM_LOGIN_LOCATION"},
    {"2105", "ANOM_MAX_DAC"},
    {"2106", "ANOM_MAX_MAC"},
    {"2107", "ANOM_AMTU_FAIL"},
    {"2108", "ANOM_RBAC_FAIL"},
    {"2109", "ANOM_RBAC_INTEGRITY_FAIL"},
    {"2110", "ANOM_CRYPTO_FAIL"},
    {"2111", "ANOM_ACCESS_FS"},
    {"2112", "ANOM_EXEC"},
    {"2113", "ANOM_MK_EXEC"},
    {"2114", "ANOM_ADD_ACCT"},
    {"2115", "ANOM_DEL_ACCT"},
    {"2116", "ANOM_MOD_ACCT"},
    {"2117", "ANOM_ROOT_TRANS"},
    {"2300", "ROLE_ASSIGN"},
    {"2301", "ROLE_REMOVE"},
    {"2310", "ROLE_MODIFY"},
});

// What a record type is about, as ECS's event.category, and the event.action it gets when its
// record has no op= of its own. First match wins: exact names, then prefixes ("ANOM_").
struct TypeMeaning {
  string_view type;  // a name, or a prefix ending in '_'
  string_view category, action;
};
constexpr auto kTypeMeanings = std::to_array<TypeMeaning>({
    {"USER_AUTH", "authentication", "user_auth"},
    {"USER_LOGIN", "authentication", "user_login"},
    {"USER_ACCT", "authentication", "user_acct"},
    {"GRP_AUTH", "authentication", "group_auth"},
    {"USER_ERR", "authentication", "user_err"},
    {"ANOM_LOGIN_FAILURES", "authentication", "login_failures_exceeded"},
    {"ANOM_LOGIN_", "authentication", "login_anomaly"},
    {"ADD_USER", "iam", "user_created"},
    {"DEL_USER", "iam", "user_deleted"},
    {"ADD_GROUP", "iam", "group_created"},
    {"DEL_GROUP", "iam", "group_deleted"},
    {"USER_MGMT", "iam", "user_modified"},
    {"GRP_MGMT", "iam", "group_modified"},
    {"USER_CHAUTHTOK", "iam", "password_changed"},
    {"GRP_CHAUTHTOK", "iam", "group_password_changed"},
    {"ACCT_LOCK", "iam", "account_locked"},
    {"ACCT_UNLOCK", "iam", "account_unlocked"},
    {"ROLE_ASSIGN", "iam", "role_assigned"},
    {"ROLE_REMOVE", "iam", "role_removed"},
    {"ROLE_MODIFY", "iam", "role_modified"},
    {"USER_ROLE_CHANGE", "iam", "role_changed"},
    {"ANOM_ADD_ACCT", "iam", "user_created"},
    {"ANOM_DEL_ACCT", "iam", "user_deleted"},
    {"ANOM_MOD_ACCT", "iam", "user_modified"},
    {"ANOM_ROOT_TRANS", "iam", "root_transition"},
    {"ANOM_PROMISCUOUS", "network", "promiscuous_mode"},
    {"ANOM_ABEND", "process", "process_crashed"},
    {"ANOM_", "intrusion_detection", "anomaly"},
    {"DAEMON_", "host", ""},  // action from the name: daemon_start, daemon_end, ...
    {"MAC_", "configuration", ""},
    {"AVC", "configuration", "access_denied"},
    {"USER_AVC", "configuration", "access_denied"},
    {"SELINUX_ERR", "configuration", "selinux_error"},
    {"USER_SELINUX_ERR", "configuration", "selinux_error"},
});

const TypeMeaning* meaning_of(string_view type) {
  for (const auto& m : kTypeMeanings) {
    if (m.type.back() == '_' ? type.substr(0, m.type.size()) == m.type : type == m.type) return &m;
  }
  return nullptr;
}

string_view type_name(string_view type) {
  if (!text::all_digits(type)) return type;
  for (const auto& t : kTypeNames) {
    if (t.number == type) return t.name;
  }
  return type;
}

struct Value {
  string_view text;
  bool quoted = false;  // "..." or '...'
};

// Splits `KEY=VALUE` items. A value is "..." or '...' up to the matching quote (auditd never
// escapes inside them), or a bare token. Calls on(key, value); stops at \x1d (enriched tail).
template <class F>
string_view for_each_kv(string_view s, F&& on) {
  while (!s.empty()) {
    if (s.front() == ' ') {
      s.remove_prefix(1);
      continue;
    }
    if (s.front() == '\x1d') return s.substr(1);
    const size_t end_key = s.find_first_of("= \x1d");
    if (end_key == npos || s[end_key] != '=') {
      // A bare word such as "DF" or a key without value: skip it.
      s.remove_prefix(end_key == npos ? s.size() : end_key);
      continue;
    }
    const string_view key = s.substr(0, end_key);
    s.remove_prefix(end_key + 1);
    Value v;
    if (!s.empty() && (s.front() == '"' || s.front() == '\'')) {
      const char q = s.front();
      const size_t close = s.find(q, 1);
      v.quoted = true;
      v.text = s.substr(1, close == npos ? npos : close - 1);
      s.remove_prefix(close == npos ? s.size() : close + 1);
    } else {
      const size_t end = s.find_first_of(" \x1d");
      v.text = s.substr(0, end);
      s.remove_prefix(end == npos ? s.size() : end);
    }
    if (!key.empty()) on(key, v);
  }
  return {};
}

// The text of a string-valued key: quoted as is, bare hex decoded (NUL separators to spaces) into
// `buf`. Returns a view of one or the other.
string_view text_value(const Value& v, std::string& buf) {
  if (v.quoted || !text::is_hex_string(v.text)) return v.text;
  buf = text::hex_decode(v.text);
  for (char& c : buf) {
    if (c == '\0') c = ' ';
  }
  while (!buf.empty() && buf.back() == ' ') buf.pop_back();
  return buf;
}

bool unset_id(string_view v) {
  return v == "4294967295" || v == "-1" || v == "unset";
}

std::string_view outcome_of(string_view v) {
  if (v == "yes" || v == "success" || v == "1") return "success";
  if (v == "no" || v == "failed" || v == "0") return "failure";
  return {};
}

struct Record {
  string_view type;  // named
  Fields& f;
  size_t data_fields = 0;
  bool user_from_acct = false;
  std::vector<std::string> args;
  std::vector<bool> arg_seen;

  void data(string_view key, const Value& v) {
    if (data_fields >= kMaxDataFields) return;
    ++data_fields;
    thread_local std::string name;  // field names are built per record: reuse the buffer
    name.assign("auditd.data.");
    name += key;
    f.set(name, v.text);
  }

  // EXECVE's aN=VALUE and aN[i]=PIECE (long arguments come in hex pieces after aN_len=).
  bool arg(string_view key, const Value& v) {
    if (key.size() < 2 || key[0] != 'a' || !text::is_digit(key[1])) return false;
    string_view rest = key.substr(1);
    size_t digits = 0;
    while (digits < rest.size() && text::is_digit(rest[digits])) ++digits;
    const auto index = text::parse_uint(rest.substr(0, digits));
    const string_view tail = rest.substr(digits);
    if (!index) return false;
    if (tail == "_len") return true;
    const bool piece = !tail.empty() && tail.front() == '[' && tail.back() == ']';
    if (!tail.empty() && !piece) return false;
    if (*index >= static_cast<int64_t>(kMaxArgs)) return true;
    const size_t i = static_cast<size_t>(*index);
    if (args.size() <= i) {
      args.resize(i + 1);
      arg_seen.resize(i + 1);
    }
    arg_seen[i] = true;
    if (piece) {
      args[i] += text::hex_decode(v.text);
    } else {
      std::string buf;
      args[i] += text_value(v, buf);
    }
    return true;
  }

  void kv(string_view key, const Value& v, bool inner) {
    if (type == "EXECVE" && arg(key, v)) return;
    if (key == "msg" && v.quoted && !inner) {
      for_each_kv(v.text, [&](string_view k, const Value& iv) { kv(k, iv, true); });
      return;
    }
    const string_view t = v.text;
    if (key == "type" || key == "node") return;
    if (key == "exe") {
      set_text("process.executable", v);
    } else if (key == "comm") {
      set_text("process.name", v);
    } else if (key == "pid") {
      if (text::all_digits(t)) f.set("process.pid", t);
    } else if (key == "ppid") {
      if (text::all_digits(t)) f.set("process.parent.pid", t);
    } else if (key == "uid") {
      if (!unset_id(t)) f.set("user.id", t);
    } else if (key == "auid") {
      if (!unset_id(t)) f.set("user.audit.id", t);
    } else if (key == "euid") {
      if (!unset_id(t)) f.set("user.effective.id", t);
    } else if (key == "gid") {
      if (!unset_id(t)) f.set("group.id", t);
    } else if (key == "ses") {
      if (!unset_id(t)) f.set("auditd.session", t);
    } else if (key == "tty" || key == "terminal") {
      if (t != "(none)" && t != "?" && !t.empty()) f.set("process.tty.name", t);
    } else if (key == "key") {
      set_key(v);
    } else if (key == "success" || key == "res") {
      const string_view o = outcome_of(t);
      if (!o.empty()) f.set("event.outcome", o);
    } else if (key == "op") {
      if (!t.empty()) f.set("event.action", t);
    } else if (key == "acct") {
      if (t != "?" && set_text("user.name", v)) user_from_acct = true;
    } else if (key == "addr") {
      if (text::is_ip(t)) f.set("source.ip", t);
    } else if (key == "hostname") {
      if (text::is_ip(t)) {
        if (!f.get("source.ip")) f.set("source.ip", t);
      } else if (t != "?" && !t.empty()) {
        f.set("source.domain", t);
      }
    } else if (key == "cmd") {
      set_text("process.command_line", v);
    } else if (key == "cwd") {
      set_text("process.working_directory", v);
    } else if (key == "name" && (type == "PATH" || type == "AVC")) {
      set_text("file.path", v);
    } else if (key == "proctitle") {
      set_text("process.title", v);
    } else if (key == "unit") {
      set_text("service.name", v);
    } else if (key == "argc" && type == "EXECVE") {
      if (text::all_digits(t)) f.set("process.args_count", t);
    } else {
      data(key, v);
    }
  }

  bool set_text(string_view name, const Value& v) {
    if (v.text.empty() || v.text == "(null)") return false;
    std::string buf;
    f.set(name, text_value(v, buf));
    return true;
  }

  void set_key(const Value& v) {
    if (v.text.empty() || v.text == "(null)") return;
    std::string k =
        v.quoted || !text::is_hex_string(v.text) ? std::string(v.text) : text::hex_decode(v.text);
    for (char& c : k) {
      if (c == '\x01') c = ',';  // auditd joins several keys with \x01
    }
    f.set("auditd.key", std::move(k));
  }

  void enriched(string_view key, const Value& v) {
    if (v.text.empty() || unset_id(v.text)) return;
    if (key == "AUID") {
      f.set("user.audit.name", v.text);
    } else if (key == "UID" && !user_from_acct) {
      f.set("user.name", v.text);
    } else if (key == "EUID") {
      f.set("user.effective.name", v.text);
    } else if (key == "GID") {
      f.set("group.name", v.text);
    } else if (key == "SYSCALL") {
      // The syscall's name (execve, memfd_create): what ausearch -i shows and Sigma's auditd
      // rules match as SYSCALL.
      f.set("auditd.data.SYSCALL", v.text);
    }
  }

  void finish_execve() {
    if (args.empty()) return;
    std::string line;
    std::vector<std::string> seen;
    seen.reserve(args.size());
    for (size_t i = 0; i < args.size(); ++i) {
      if (!arg_seen[i]) continue;
      seen.push_back(args[i]);
      if (!line.empty()) line += ' ';
      line += args[i];
      if (i < kMaxArgFields) {
        thread_local std::string name;
        name.assign("auditd.data.a");
        name += std::to_string(i);
        f.set(name, args[i]);
      }
    }
    f.set("process.command_line", std::move(line));
    f.set("process.args", text::json_string_array(seen.data(), seen.size()));
  }
};

// `EPOCH.FRACTION:SERIAL`.
bool parse_stamp(string_view s, std::optional<SysTime>& time, string_view& serial) {
  const size_t colon = s.find(':');
  if (colon == npos) return false;
  serial = s.substr(colon + 1);
  const string_view stamp = s.substr(0, colon);
  const size_t dot = stamp.find('.');
  const auto secs = text::parse_uint(stamp.substr(0, dot));
  if (!secs || !text::all_digits(serial)) return false;
  int64_t nanos = 0;
  if (dot != npos) {
    const string_view frac = stamp.substr(dot + 1);
    if (!text::all_digits(frac)) return false;
    int64_t scale = 100000000;
    for (size_t i = 0; i < frac.size() && i < 9; ++i, scale /= 10) nanos += (frac[i] - '0') * scale;
  }
  // 1900..2200 like every other log time; SysTime (int64 ns) overflows after 2262.
  if (*secs > 7258118400LL) return false;
  time = SysTime{std::chrono::duration_cast<SysTime::duration>(std::chrono::seconds{*secs} +
                                                               std::chrono::nanoseconds{nanos})};
  return true;
}

}  // namespace

bool decode_auditd(string_view message, Fields& f, std::optional<SysTime>& time) {
  string_view s = message;
  consume(s, "audit: ");
  string_view node;
  if (consume(s, "node=")) {
    node = text::next_token(s);
    if (node.empty()) return false;
  }
  if (!consume(s, "type=")) return false;
  const string_view type = text::next_token(s);
  if (type.empty() || type.size() > 40) return false;
  if (!consume(s, "msg=audit(") && !consume(s, "audit(")) return false;
  const size_t close = s.find("):");
  if (close == npos) return false;
  std::optional<SysTime> when;
  string_view serial;
  if (!parse_stamp(s.substr(0, close), when, serial)) return false;
  s.remove_prefix(close + 2);

  Record r{type_name(type), f};
  f.set("auditd.type", r.type);
  f.set("auditd.id", serial);
  if (!node.empty()) f.set("auditd.node", node);
  const string_view tail =
      for_each_kv(s, [&](string_view k, const Value& v) { r.kv(k, v, false); });
  if (!tail.empty()) {
    for_each_kv(tail, [&](string_view k, const Value& v) { r.enriched(k, v); });
  }
  if (r.type == "EXECVE") r.finish_execve();
  if (const TypeMeaning* m = meaning_of(r.type)) {
    if (!f.get("event.category")) f.set("event.category", m->category);
    if (!f.get("event.action")) {
      if (!m->action.empty()) {
        f.set("event.action", m->action);
      } else {
        f.set("event.action", text::to_lower(r.type));  // daemon_end, mac_status, ...
      }
    }
  }
  time = when;
  return true;
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kAuditdPrograms[] = {"auditd", "audit", "audispd", "audisp-syslog"};
constexpr std::string_view kAuditdFormats[] = {"audit.log records (type=... msg=audit(...))",
                                               "audisp-syslog / audispd forwards"};

constexpr std::string_view kAuditdShape[] = {"type=", "node=", "audit"};

bool decode_auditd_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                           std::optional<SysTime>& time) {
  return decode_auditd(msg, fields, time);
}

}  // namespace

extern constinit const DecoderSpec kAuditdDecoder{
    .name = "auditd",
    .description = "Linux audit records, raw from audit.log or forwarded through syslog",
    .programs = kAuditdPrograms,
    .formats = kAuditdFormats,
    .decode = decode_auditd_program,
    .shape = {.prefixes = kAuditdShape,
              .text = "'type=', 'node=' or 'audit' (else the next shapes)",
              .decode = decode_auditd_program,
              .final = false},
};

}  // namespace soc
