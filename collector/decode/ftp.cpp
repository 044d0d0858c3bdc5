#include "collector/decode/ftp.h"

#include <optional>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/pam.h"
#include "collector/decode/service_event.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
constexpr size_t npos = string_view::npos;

void login_failure(Fields& f, string_view service, string_view reason, string_view message) {
  service::set_auth_failure(f, service, "ftp_login", reason);
  if (!message.empty()) f.set("error.message", message);
}

// "connection from IP (HOST)[ at DATE]" (BSD ftpd, wu-ftpd with log_connections) and vsftpd's
// "CONNECT: Client \"IP\"": a connection before any login, outcome unknown.
bool connection(string_view program, string_view s, Fields& f) {
  string_view host;
  if (consume(s, "connection from ")) {
    host = s.substr(0, s.find(' '));
  } else if (consume(s, "CONNECT: Client \"")) {
    host = s.substr(0, s.find('"'));
  } else {
    return false;
  }
  if (!text::is_ip(host) || !service::set_source_host(f, host)) return false;
  service::set_event(f, program, "network", "ftp_connection", "unknown");
  return true;
}

// "[pid N] " that vsftpd puts before its messages in vsftpd.log (and with some syslog setups).
void skip_vsftpd_pid(string_view& s) {
  if (consume(s, "[pid ")) {
    const size_t close = s.find("] ");
    s.remove_prefix(close == npos ? s.size() : close + 2);
  }
}

// `[USER] FAIL LOGIN: Client "IP"[, "REASON"]` and `[USER] OK LOGIN: Client "IP"[, ...]`.
bool vsftpd(string_view s, Fields& f) {
  skip_vsftpd_pid(s);
  if (connection("vsftpd", s, f)) return true;
  if (!consume(s, "[")) return false;
  const size_t close = s.find("] ");
  if (close == npos) return false;
  const string_view user = s.substr(0, close);
  s.remove_prefix(close + 2);
  const bool failed = consume(s, "FAIL LOGIN: Client \"");
  if (!failed && !consume(s, "OK LOGIN: Client \"")) return false;
  const size_t quote = s.find('"');
  if (quote == npos || !service::set_source_host(f, s.substr(0, quote))) return false;
  if (!user.empty()) f.set("user.name", user);
  if (failed) {
    const string_view why = service::between(s, ", \"", "\"", quote);
    const bool allow_list = why.find("allow") != npos || why.find("deny") != npos;
    login_failure(f, "vsftpd", allow_list ? service::kNotAllowed : service::kBadCredentials, why);
  } else {
    service::set_event(f, "vsftpd", "authentication", "ftp_login", "success");
  }
  return true;
}

// After the peer `HOST (NAME[IP])` and ": " or " - ": ProFTPD's session messages.
bool proftpd_text(string_view s, Fields& f) {
  if (consume(s, "USER ")) {
    if (const size_t at = s.find(" (Login failed): "); at != npos) {
      f.set("user.name", s.substr(0, at));
      const string_view why = text::trim(s.substr(at + 17));
      const bool refused = why.find("ftpusers") != npos || why.find("denied") != npos ||
                           why.find("not allowed") != npos;
      login_failure(f, "proftpd", refused ? service::kNotAllowed : service::kBadPassword, why);
      return true;
    }
    if (const size_t at = s.rfind(": no such user found"); at != npos) {
      f.set("user.name", s.substr(0, at));
      login_failure(f, "proftpd", service::kUnknownUser, "no such user found");
      return true;
    }
    if (const size_t at = s.find(": Login successful"); at != npos) {
      f.set("user.name", s.substr(0, at));
      service::set_event(f, "proftpd", "authentication", "ftp_login", "success");
      return true;
    }
    return false;
  }
  if (consume(s, "PAM(")) {  // mod_auth_pam: "PAM(USER): Authentication failure."
    const size_t close = s.find("): ");
    if (close == npos || s.find("failure", close) == npos) return false;
    f.set("user.name", s.substr(0, close));
    login_failure(f, "proftpd", service::kBadCredentials, text::trim(s.substr(close + 3)));
    return true;
  }
  if (service::starts_with_nocase(s, "SECURITY VIOLATION: root login attempted")) {
    f.set("user.name", "root");
    login_failure(f, "proftpd", service::kRootLogin, text::trim(s));
    return true;
  }
  if (consume(s, "Maximum login attempts")) {
    login_failure(f, "proftpd", service::kMaxAttempts, text::trim(s));
    return true;
  }
  return false;
}

// `HOST (NAME[IP]): TEXT` or `HOST (NAME[IP]) - TEXT`: the first parenthesised peer is the
// server's; a user name may itself hold one.
bool proftpd(string_view s, Fields& f) {
  const size_t open = s.find(" (");
  if (open == npos) return false;
  const size_t end = s.find("])", open);
  const size_t bracket = s.rfind('[', end);
  if (end == npos || bracket == npos || bracket < open) return false;
  const string_view ip = s.substr(bracket + 1, end - bracket - 1);
  string_view rest = s.substr(end + 2);
  if (!consume(rest, ": ") && !consume(rest, " - ")) return false;
  if (!proftpd_text(text::trim(rest), f)) return false;
  service::set_source_host(f, ip);
  return true;
}

// `(USER@IP) [LEVEL] TEXT`.
bool pure_ftpd(string_view s, Fields& f) {
  if (!consume(s, "(")) return false;
  const size_t close = s.find(") [");
  if (close == npos) return false;
  const string_view who = s.substr(0, close);
  const size_t at = who.rfind('@');
  if (at == npos) return false;
  s.remove_prefix(close + 2);
  const size_t level_end = s.find("] ");
  if (level_end == npos) return false;
  s.remove_prefix(level_end + 2);
  if (consume(s, "Authentication failed for user [")) {
    f.set("user.name", s.substr(0, s.find(']')));
    login_failure(f, "pure-ftpd", service::kBadCredentials, "Authentication failed");
  } else if (s.find(" is now logged in") != npos) {
    f.set("user.name", s.substr(0, s.find(' ')));
    service::set_event(f, "pure-ftpd", "authentication", "ftp_login", "success");
  } else {
    return false;
  }
  service::set_source_host(f, who.substr(at + 1));
  return true;
}

// `HOST [IP]` at the front of `s`; the address goes to source.ip, else the host to
// source.domain. Returns what follows.
std::optional<string_view> host_bracket_ip(string_view s, Fields& f) {
  const size_t open = s.find(" [");
  const size_t close = s.find(']', open);
  if (open == npos || close == npos) return std::nullopt;
  if (!service::set_source_host(f, s.substr(open + 2, close - open - 2)) &&
      !service::set_source_host(f, s.substr(0, open))) {
    return std::nullopt;
  }
  return s.substr(close + 1);
}

bool wu_ftpd(string_view program, string_view s, Fields& f) {
  if (connection(program, s, f)) return true;
  if (consume(s, "failed login from ")) {
    if (!host_bracket_ip(s, f)) return false;
    login_failure(f, program, service::kBadCredentials, "failed login");
    return true;
  }
  if (consume(s, "FTP LOGIN FAILED FROM ") || consume(s, "FTP LOGIN REFUSED FROM ")) {
    const auto rest = host_bracket_ip(s, f);
    if (!rest) return false;
    string_view user = *rest;
    if (consume(user, ", ")) f.set("user.name", text::trim(user));
    login_failure(f, program, service::kBadCredentials, "FTP LOGIN FAILED");
    return true;
  }
  if (consume(s, "repeated login failures from ")) {
    const string_view host = s.substr(0, s.find(' '));
    if (!service::set_source_host(f, host)) return false;
    login_failure(f, program, service::kMaxAttempts, "repeated login failures");
    return true;
  }
  return false;
}

// "pam_unix(vsftpd:auth): authentication failure; ..." or vsftpd's "(pam_unix) authentication
// failure; ...", or the bare "authentication failure; ...".
bool pam_failure(string_view program, string_view s, Fields& f) {
  if (consume(s, "pam_unix(") || consume(s, "pam_sss(") || consume(s, "pam_ldap(")) {
    const size_t close = s.find("): ");
    if (close == npos) return false;
    s.remove_prefix(close + 3);
  } else {
    consume(s, "(pam_unix) ");
  }
  if (!consume(s, "authentication failure; ")) return false;
  // The action stays pam_auth_failure: vsftpd logs a PAM line and a FAIL LOGIN line for the same
  // attempt, and the PAM rules count PAM lines of every program.
  set_pam_auth_failure(parse_pam_auth_items(s), f);
  f.set("service.name", program);
  f.set("event.category", "authentication");
  f.set("event.reason", service::kBadCredentials);
  return true;
}

}  // namespace

bool decode_ftp(string_view program, string_view msg, Fields& f) {
  if (pam_failure(program, msg, f)) return true;
  if (program == "vsftpd") return vsftpd(msg, f);
  if (program == "proftpd") return proftpd(msg, f);
  if (program.starts_with("pure-ftpd")) return pure_ftpd(msg, f);
  return wu_ftpd(program, msg, f);
}

bool decode_ftp_file_line(string_view line, Fields& f) {
  // ProFTPD: "... proftpd[PID] HOST (NAME[IP]): ..." (its own log, or syslog without the colon).
  for (size_t at = line.find("proftpd["); at != npos; at = line.find("proftpd[", at + 1)) {
    if (at != 0 && line[at - 1] != ' ') continue;
    const size_t close = line.find("] ", at);
    if (close == npos) break;
    f.set("process.name", "proftpd");
    return proftpd(line.substr(close + 2), f);
  }
  // vsftpd.log: "Thu Sep  8 00:39:49 2016 [pid 15019] [guest] FAIL LOGIN: Client ..."
  if (const size_t pid = line.find(" [pid "); pid != npos && pid < 32) {
    if (!vsftpd(line.substr(pid + 1), f)) return false;
    f.set("process.name", "vsftpd");
    return true;
  }
  return false;
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kFtpPrograms[] = {"vsftpd",  "proftpd", "pure-ftpd", "pure-ftpd-mysql",
                                             "wu-ftpd", "wu.ftpd", "ftpd",      "in.ftpd",
                                             "gssftpd"};
constexpr std::string_view kFtpFormats[] = {"vsftpd syslog and vsftpd.log", "ProFTPD messages",
                                            "Pure-FTPd messages", "wu-ftpd / BSD ftpd messages"};

bool decode_ftp_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                        std::optional<SysTime>& /*time*/) {
  const std::string program(fields.get("process.name").value_or(""));
  return decode_ftp(program, msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kFtpDecoder{
    .name = "ftp",
    .description = "FTP servers: vsftpd, ProFTPD, Pure-FTPd, wu-ftpd logins and failures",
    .programs = kFtpPrograms,
    .formats = kFtpFormats,
    .decode = decode_ftp_program,
};

}  // namespace soc
