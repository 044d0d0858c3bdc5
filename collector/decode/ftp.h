// FTP servers: vsftpd, ProFTPD, Pure-FTPd, wu-ftpd and the BSD / GSS ftpd.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes the syslog MSG of FTP server `program` ("vsftpd", "proftpd", "pure-ftpd", "wu-ftpd",
// "ftpd", ...). Sets service.name = the server, event.category "authentication",
// event.action "ftp_login", event.outcome, source.ip / source.domain, user.name, event.reason
// (service_event.h codes) and error.message for:
//   vsftpd     [pid N] [USER] FAIL LOGIN: Client "IP"[, "REASON"]  /  OK LOGIN: Client "IP"
//   proftpd    HOST (NAME[IP]): USER U (Login failed): REASON  /  USER U: no such user found ...
//              / SECURITY VIOLATION: root login attempted  / Maximum login attempts (N) exceeded
//              / USER U: Login successful.   (": " or " - " after the peer)
//   pure-ftpd  (USER@IP) [WARNING] Authentication failed for user [U]  /  U is now logged in
//   wu-ftpd    failed login from HOST [IP]  /  FTP LOGIN FAILED FROM HOST [IP], USER
//   ftpd       repeated login failures from IP (HOST)
//   connections before a login: "connection from IP (HOST) ..." (ftpd, wu-ftpd) and vsftpd's
//              CONNECT: Client "IP"   event.category "network", event.action "ftp_connection",
//              outcome unknown
//   any        PAM "authentication failure; ... rhost=IP user=U": the PAM fields (pam.h, action
//              "pam_auth_failure") plus service.name, event.category, event.reason
//              bad_credentials
bool decode_ftp(std::string_view program, std::string_view msg, Fields& f);

// A line of an FTP server's own log file (no syslog header): vsftpd's vsftpd.log
// ("Thu Sep  8 00:39:49 2016 [pid 15019] [guest] FAIL LOGIN: ...") and ProFTPD's proftpd.log
// ("2013-11-16 21:59:30,121 host proftpd[25891] host (NAME[IP]): ..."), also when syslog
// lost the colon after ProFTPD's pid. Sets process.name as well.
bool decode_ftp_file_line(std::string_view line, Fields& f);

}  // namespace soc
