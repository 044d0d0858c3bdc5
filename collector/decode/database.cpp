#include "collector/decode/database.h"

#include <algorithm>
#include <optional>
#include <string>

#include "collector/decode/connection_table.h"
#include "collector/decode/decoder_registry.h"
#include "collector/decode/service_event.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
constexpr size_t npos = string_view::npos;

ConnectionTable& connections() {
  thread_local ConnectionTable table(8192);
  return table;
}

void db_failure(Fields& f, string_view service, string_view reason, string_view message) {
  service::set_auth_failure(f, service, "db_login", reason);
  f.set("error.message", message);
}

// --- MySQL / MariaDB ---------------------------------------------------------------------------

// "Access denied for user 'U'@'HOST'[ (using password: YES|NO)]" ending the line.
bool mysql(string_view s, Fields& f) {
  if (const size_t at = s.find("Access denied for user '"); at != npos) {
    string_view rest = s.substr(at + 24);
    const size_t sep = rest.rfind("'@'");
    if (sep == npos) return false;
    const string_view user = rest.substr(0, sep);
    rest.remove_prefix(sep + 3);
    const size_t quote = rest.find('\'');
    if (quote == npos) return false;
    const string_view host = rest.substr(0, quote);
    const string_view tail = text::trim(rest.substr(quote + 1));
    if (!tail.empty() && tail != "(using password: YES)" && tail != "(using password: NO)") {
      return false;  // text after the message: not the server's line
    }
    f.set("user.name", user);
    service::set_source_host(f, host);
    db_failure(f, "mysql", service::kBadCredentials, s.substr(at));
    return true;
  }
  if (const size_t at = s.find("Host '"); at != npos) {
    const string_view host = service::between(s, "Host '", "'", at);
    if (s.find("' is blocked because of many connection errors") == npos) return false;
    service::set_source_host(f, host);
    db_failure(f, "mysql", service::kMaxAttempts, s.substr(at));
    return true;
  }
  return false;
}

// --- PostgreSQL --------------------------------------------------------------------------------

// An address in the log_line_prefix: "client=IP", "host=IP", "IP(PORT)", "@IP", "%h:%d:%u"
// ("192.0.2.9:db:postgres"), "%m:%r:" ("UTC:192.0.2.9(5432):"). Loopback addresses are skipped.
void postgres_prefix_peer(string_view prefix, Fields& f) {
  constexpr string_view kSeparators = " ,[]()=@";
  for (size_t i = 0; i < prefix.size();) {
    const size_t start = prefix.find_first_not_of(kSeparators, i);
    if (start == npos) break;
    const size_t end = prefix.find_first_of(kSeparators, start);
    const string_view token = prefix.substr(start, end == npos ? npos : end - start);
    i = end == npos ? prefix.size() : end;
    string_view ip;
    if (text::is_ip(token)) {
      ip = token;
    } else if (token.find('.') != npos) {  // an IPv4 address between ':' of a prefix
      for (string_view rest = token; !rest.empty();) {
        const size_t colon = rest.find(':');
        const string_view part = rest.substr(0, colon);
        if (part.find('.') != npos && text::is_ip(part)) {
          ip = part;
          break;
        }
        rest.remove_prefix(colon == npos ? rest.size() : colon + 1);
      }
    }
    if (ip.empty() || ip == "127.0.0.1" || ip == "::1") continue;
    service::set_source_host(f, ip);
    if (end != npos && prefix[end] == '(') {
      const string_view port = service::between(prefix, "(", ")", end);
      if (text::is_port(port)) f.set("source.port", port);
    }
    return;
  }
}

bool postgres(string_view s, Fields& f) {
  // "FATAL:  " (two spaces, as PostgreSQL writes it; one after some relays).
  const size_t fatal = s.find("FATAL: ");
  const size_t text_at = fatal == npos ? npos : s.find_first_not_of(' ', fatal + 6);
  const size_t log = s.find("LOG:  ");
  const std::string key = ConnectionTable::key(f, "pg");
  if (log != npos) {
    string_view body = s.substr(log + 6);
    if (consume(body, "connection received: host=")) {
      const string_view host = body.substr(0, body.find(' '));
      if (!service::set_source_host(f, host)) return false;
      auto& e = connections().at(key);
      e = {};
      e.ip = f.get("source.ip").value_or("");
      if (const size_t p = body.find(" port="); p != npos) {
        const string_view port = body.substr(p + 6, body.find(' ', p + 6) - p - 6);
        if (text::is_port(port)) e.port = std::string(port);
      }
      if (!e.port.empty()) f.set("source.port", e.port);
      service::set_event(f, "postgresql", "network", "db_connection", "success");
      return true;
    }
    if (consume(body, "connection authorized: user=")) {
      f.set("user.name", body.substr(0, body.find(' ')));
      postgres_prefix_peer(s.substr(0, log), f);
      if (const auto* e = connections().find(key); e && !f.get("source.ip")) {
        f.set("source.ip", e->ip);
      }
      service::set_event(f, "postgresql", "authentication", "db_login", "success");
      return true;
    }
    return false;
  }
  if (fatal == npos) return false;
  string_view body = s.substr(text_at);
  string_view reason;
  if (consume(body, "password authentication failed for user \"")) {
    f.set("user.name", body.substr(0, body.find('"')));
    reason = service::kBadPassword;
  } else if (consume(body, "no pg_hba.conf entry for host \"")) {
    service::set_source_host(f, body.substr(0, body.find('"')));
    f.set("user.name", service::between(body, "user \"", "\""));
    reason = service::kNotAllowed;
  } else if (consume(body, "role \"")) {
    if (body.find("\" does not exist") == npos) return false;
    f.set("user.name", body.substr(0, body.find('"')));
    reason = service::kUnknownUser;
  } else if (body.find("authentication failed for user \"") != npos) {
    f.set("user.name", service::between(body, "user \"", "\""));
    reason = service::kBadCredentials;  // md5, scram, ldap, pam, cert, ident ...
  } else {
    return false;
  }
  if (!f.get("source.ip")) postgres_prefix_peer(s.substr(0, fatal), f);
  if (!f.get("source.ip")) {
    if (const auto* e = connections().find(key)) {
      if (!e->ip.empty()) f.set("source.ip", e->ip);
      if (!e->port.empty()) f.set("source.port", e->port);
    }
  }
  db_failure(f, "postgresql", reason, s.substr(text_at));
  return true;
}

// --- MongoDB -----------------------------------------------------------------------------------

bool mongodb(string_view s, Fields& f) {
  const size_t open = s.find("[conn");
  const size_t listen = s.find("[initandlisten] ");
  if (listen != npos) {
    string_view body = s.substr(listen + 16);
    if (!consume(body, "connection accepted from ")) return false;
    const string_view peer = body.substr(0, body.find(' '));
    const string_view conn = service::between(body, "#", " ");
    if (!service::set_source_endpoint(f, peer) || conn.empty()) return false;
    auto& e = connections().at(ConnectionTable::key(f, conn));
    e = {};
    e.ip = f.get("source.ip").value_or("");
    e.port = f.get("source.port").value_or("");
    service::set_event(f, "mongodb", "network", "db_connection", "success");
    return true;
  }
  if (open == npos) return false;
  const string_view conn = s.substr(open + 5, s.find(']', open) - open - 5);
  string_view body = s.substr(std::min(s.size(), s.find("] ", open) + 2));
  const std::string key = ConnectionTable::key(f, conn);
  if (consume(body, "Failed to authenticate ")) {
    const string_view principal = body.substr(0, body.find(' '));
    f.set("user.name", principal.substr(0, principal.rfind('@')));
    auto& e = connections().at(key);
    e.user = std::string(principal.substr(0, principal.rfind('@')));
    if (!e.ip.empty()) f.set("source.ip", e.ip);
    // Without the accept line the address comes only with "end connection": that line then
    // stands for this failure (counted once by the threshold rules, which need the address).
    e.failed = e.ip.empty();
    const bool unknown = body.find("UserNotFound") != npos;
    db_failure(f, "mongodb", unknown ? service::kUnknownUser : service::kBadCredentials, body);
    return true;
  }
  if (const size_t at = body.find(" authentication failed for "); at != npos) {
    string_view rest = body.substr(at + 27);
    f.set("user.name", rest.substr(0, rest.find(' ')));
    const string_view peer = service::between(rest, "from client ", " ");
    service::set_source_endpoint(f, peer);
    const bool unknown = rest.find("UserNotFound") != npos;
    db_failure(f, "mongodb", unknown ? service::kUnknownUser : service::kBadCredentials, body);
    return true;
  }
  if (consume(body, "Successfully authenticated as principal ")) {
    f.set("user.name", body.substr(0, body.find(' ')));
    service::set_source_endpoint(f, service::between(body, "from client ", " "));
    service::set_event(f, "mongodb", "authentication", "db_login", "success");
    return true;
  }
  if (consume(body, "end connection ")) {
    const string_view peer = body.substr(0, body.find(' '));
    if (!service::set_source_endpoint(f, peer)) return false;
    const auto* e = connections().find(key);
    const bool failed = e != nullptr && e->failed;
    if (failed) {
      if (!e->user.empty()) f.set("user.name", e->user);
      db_failure(f, "mongodb", service::kBadCredentials,
                 "connection closed after a failed authentication");
    } else {
      service::set_event(f, "mongodb", "network", "db_disconnect", "success");
    }
    connections().erase(key);
    return true;
  }
  return false;
}

// --- Microsoft SQL Server ----------------------------------------------------------------------

// "2020-02-24 16:05:21.00 Logon       Login failed for user 'U'. Reason: R [CLIENT: IP]"
bool mssql(string_view s, Fields& f) {
  if (s.size() < 24 || s[4] != '-' || s[10] != ' ' || s[13] != ':') return false;
  s.remove_prefix(std::min(s.size(), s.find(' ', 11)));
  s = text::trim(s);
  if (!consume(s, "Logon")) return false;
  s = text::trim(s);
  const bool failed = consume(s, "Login failed for user '");
  if (!failed && !consume(s, "Login succeeded for user '")) return false;
  const size_t end = s.find("'. ");
  if (end == npos) return false;
  string_view client = service::between(s, "[CLIENT: ", "]", end);
  if (client.empty()) return false;             // every Logon line names the client
  client = client.substr(0, client.find('%'));  // an IPv6 zone ("fe80::1%55")
  if (client != "<local machine>") service::set_source_host(f, client);
  f.set("user.name", s.substr(0, end));
  f.set("process.name", f.get("process.name").value_or("sqlservr"));
  if (failed) {
    const string_view why = s.substr(end + 3);
    const bool unknown = why.find("Could not find a login") != npos;
    const bool password = why.find("Password did not match") != npos;
    db_failure(f, "mssql",
               unknown    ? service::kUnknownUser
               : password ? service::kBadPassword
                          : service::kBadCredentials,
               why.substr(0, why.find(" [CLIENT: ")));
  } else {
    service::set_event(f, "mssql", "authentication", "db_login", "success");
  }
  return true;
}

// --- MariaDB / MySQL server_audit plugin ------------------------------------------------------

// "[TIME,]SERVERHOST,USER,HOST,CONNID,QUERYID,OPERATION,DB,OBJECT,RETCODE" (syslog tag
// "mysql-server_auditing", or server_audit.log with a leading "YYYYMMDD hh:mm:ss,").
// FAILED_CONNECT is a refused login (retcode 1045: access denied), CONNECT a login.
bool mariadb_audit(string_view s, Fields& f) {
  s = text::trim(s);
  string_view parts[10];
  size_t n = 0;
  for (string_view rest = s; n < 10;) {
    const size_t comma = rest.find(',');
    parts[n++] = rest.substr(0, comma);
    if (comma == npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (n < 9) return false;
  // With the file's timestamp first, the fields move one to the right.
  const size_t op = parts[5] == "FAILED_CONNECT" || parts[5] == "CONNECT"                  ? 5
                    : (n == 10 && (parts[6] == "FAILED_CONNECT" || parts[6] == "CONNECT")) ? 6
                                                                                           : 0;
  if (op == 0) return false;
  const string_view user = parts[op - 4];
  const string_view host = parts[op - 3];
  if (!user.empty()) f.set("user.name", user);
  service::set_source_host(f, host);
  if (parts[op] == "CONNECT") {
    service::set_event(f, "mysql", "authentication", "db_login", "success");
  } else {
    db_failure(f, "mysql", service::kBadCredentials, "FAILED_CONNECT");
  }
  return true;
}

}  // namespace

bool decode_database(string_view program, string_view msg, Fields& f) {
  if (program.starts_with("postgres") || program == "postmaster") return postgres(msg, f);
  if (program.starts_with("mongo")) return mongodb(msg, f);
  if (program == "sqlservr" || program == "mssql") return mssql(msg, f);
  if (program.ends_with("server_auditing")) return mariadb_audit(msg, f);
  return mysql(msg, f);
}

bool decode_database_file_line(string_view line, Fields& f) {
  if (line.find("Access denied for user '") != npos || line.find("' is blocked because") != npos) {
    if (!mysql(line, f)) return false;
    f.set("process.name", "mysqld");
    return true;
  }
  if (line.find(" [conn") != npos || line.find(" [initandlisten] ") != npos) {
    if (!mongodb(line, f)) return false;
    f.set("process.name", "mongod");
    return true;
  }
  if (line.find("FATAL: ") != npos || line.find("LOG:  connection ") != npos) {
    if (!postgres(line, f)) return false;
    f.set("process.name", "postgres");
    return true;
  }
  if (line.find(",FAILED_CONNECT,") != npos || line.find(",CONNECT,") != npos) {
    if (!mariadb_audit(line, f)) return false;
    f.set("process.name", "mysqld");
    return true;
  }
  return mssql(line, f);
}

bool decode_mongodb_json(Fields& f) {
  if (f.get("c") != "ACCESS" || !f.get("attr.remote")) return false;
  const std::string msg(f.get("msg").value_or(""));
  const bool failed = msg == "Authentication failed";
  if (!failed && msg != "Successfully authenticated" && msg != "Authentication succeeded") {
    return false;
  }
  const std::string remote(*f.get("attr.remote"));
  service::set_source_endpoint(f, remote);
  for (const char* key : {"attr.principalName", "attr.user"}) {
    if (const auto user = f.get(key)) {
      const std::string name(*user);
      f.set("user.name", name);
      break;
    }
  }
  f.set("process.name", f.get("process.name").value_or("mongod"));
  if (failed) {
    const std::string error(f.get("attr.error").value_or(""));
    const bool unknown = error.find("UserNotFound") != std::string::npos;
    db_failure(f, "mongodb", unknown ? service::kUnknownUser : service::kBadCredentials, error);
  } else {
    service::set_event(f, "mongodb", "authentication", "db_login", "success");
  }
  return true;
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kDatabasePrograms[] = {
    "mysqld",     "mariadbd",   "mysql",  "mariadb", "mysqld_safe", "postgres",
    "postgresql", "postmaster", "mongod", "mongodb", "sqlservr",    "mysql-server_auditing"};
constexpr std::string_view kDatabaseFormats[] = {
    "MySQL / MariaDB error log", "PostgreSQL server log", "MongoDB log (body and 4.4+ JSON)",
    "SQL Server ERRORLOG"};

bool decode_database_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                             std::optional<SysTime>& /*time*/) {
  const std::string program(fields.get("process.name").value_or(""));
  return decode_database(program, msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kDatabaseDecoder{
    .name = "database",
    .description = "Database logins: MySQL/MariaDB, PostgreSQL, MongoDB, SQL Server",
    .programs = kDatabasePrograms,
    .formats = kDatabaseFormats,
    .decode = decode_database_program,
};

}  // namespace soc
