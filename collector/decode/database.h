// Database servers: MySQL / MariaDB, PostgreSQL, MongoDB and Microsoft SQL Server logins.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes the syslog MSG of a database server ("mysqld", "mariadbd", "postgres", "mongod", ...)
// or, through decode_database_file_line, a line of its own error log. Every login shape sets
// service.name ("mysql", "postgresql", "mongodb", "mssql"), event.category "authentication",
// event.action "db_login", event.outcome, user.name, source.ip (or source.domain for a host
// name such as "localhost"), event.reason and error.message:
//   MySQL      [TIME] [Warning|Note] [MY-N] [Server] Access denied for user 'U'@'HOST'
//              [(using password: YES|NO)] (nothing may follow: the line is the server's)
//              Host 'HOST' is blocked because of many connection errors    max_attempts
//   PostgreSQL [PREFIX] FATAL:  password authentication failed for user "U"   bad_password
//              FATAL:  no pg_hba.conf entry for host "IP", user "U", database "D"   not_allowed
//              FATAL:  role "U" does not exist                              unknown_user
//              LOG:  connection authorized: user=U database=D                success
//              The address is read from the prefix (%h / %r: "client=IP", "host=IP",
//              "IP(PORT)") or, failing that, from the same pid's "connection received:
//              host=IP port=N" line (log_connections; a bounded per-thread table).
//   MongoDB    [connN] Failed to authenticate U@DB with mechanism M: REASON   (< 3.0)
//              [connN] end connection IP:PORT after such a failure on connN: the failure again,
//              with the address, when the connection's accept line was not seen (so that one
//              attempt is one failure with an address)
//              I ACCESS [connN] M authentication failed for U on DB from client IP:PORT ; R
//              I ACCESS [connN] Successfully authenticated as principal U on DB from client ...
//   MariaDB / MySQL server_audit plugin (tag "mysql-server_auditing" or server_audit.log):
//              [TIME,]SERVERHOST,USER,HOST,CONNID,QUERYID,FAILED_CONNECT|CONNECT,DB,OBJECT,RC
//   MS SQL     DATE TIME Logon  Login failed for user 'U'. Reason: R [CLIENT: IP]
//              DATE TIME Logon  Login succeeded for user 'U'. ... [CLIENT: IP]
bool decode_database(std::string_view program, std::string_view msg, Fields& f);

// A line of a database server's own log file (no syslog header), as decode_database.
bool decode_database_file_line(std::string_view line, Fields& f);

// MongoDB 4.4+ logs JSON ({"t":..,"c":"ACCESS","ctx":"conn1","msg":"Authentication failed",
// "attr":{"principalName":..,"remote":"IP:PORT",..}}), which the JSON decoder has flattened into
// `f`: adds the login fields above. False when the fields are not a MongoDB ACCESS record.
bool decode_mongodb_json(Fields& f);

}  // namespace soc
