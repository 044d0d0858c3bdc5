#include "collector/decode/webapp_auth.h"

#include <array>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/text.h"
#include "common/event_dataset.h"

namespace soc {
namespace {

using std::string_view;
using text::npos;

// What lies between the first `left` (after `from`) and the next `right`; nullopt when either is
// missing. An empty `right` takes the rest of `s`.
std::optional<string_view> between(string_view s, string_view left, string_view right,
                                   size_t from = 0) {
  const size_t l = s.find(left, from);
  if (l == npos) return std::nullopt;
  const string_view rest = s.substr(l + left.size());
  if (right.empty()) return rest;
  const size_t r = rest.find(right);
  if (r == npos) return std::nullopt;
  return rest.substr(0, r);
}

// An address as applications print it: bare, or in brackets ("[192.168.1.85]").
string_view strip_brackets(string_view ip) {
  if (ip.size() > 2 && ip.front() == '[' && ip.back() == ']') return ip.substr(1, ip.size() - 2);
  return ip;
}

struct Login {
  string_view service;
  string_view outcome = "failure";
  string_view ip;
  string_view user;
  string_view reason;
  string_view action = "web_login";
};

// Sets the fields of `login`; false (nothing set) without a valid address, so that a look-alike
// line of another program is not taken for a login.
bool emit(const Login& login, Fields& f, bool need_ip = true) {
  const string_view ip = strip_brackets(login.ip);
  if (need_ip && !text::is_ip(ip)) return false;
  f.set("event.category", "authentication");
  if (!f.get("event.dataset")) f.set("event.dataset", kDatasetWebApp);
  f.set("event.action", login.action);
  f.set("event.outcome", login.outcome);
  f.set("service.name", login.service);
  if (text::is_ip(ip)) f.set("source.ip", ip);
  const string_view user = text::trim(login.user);
  if (!user.empty() && user != "null" && user != "--") f.set("user.name", user);
  if (!login.reason.empty()) f.set("event.reason", login.reason);
  return true;
}

// phpMyAdmin's syslog: "user denied: root (mysql-denied) from 192.0.2.1"; "user allowed: ...".
bool phpmyadmin(string_view m, Fields& f) {
  for (const auto& [prefix, outcome] :
       {std::pair{string_view("user denied: "), string_view("failure")},
        std::pair{string_view("user allowed: "), string_view("success")}}) {
    if (!m.starts_with(prefix)) continue;
    m.remove_prefix(prefix.size());
    const size_t paren = m.find(" (");
    const auto reason = between(m, "(", ")");
    const size_t from = m.rfind(" from ");
    if (paren == npos || from == npos) return false;
    return emit({.service = "phpmyadmin",
                 .outcome = outcome,
                 .ip = m.substr(from + 6),
                 .user = m.substr(0, paren),
                 .reason = reason.value_or("")},
                f);
  }
  return false;
}

// webmin / usermin: "Invalid login as root from 89.2.49.230", "Non-existent login as robert from
// IP", "Successful login as root from IP".
bool webmin(string_view m, Fields& f) {
  for (const auto& [prefix, outcome, reason] :
       {std::tuple{string_view("Invalid login as "), string_view("failure"),
                   string_view("wrong password")},
        std::tuple{string_view("Non-existent login as "), string_view("failure"),
                   string_view("unknown user")},
        std::tuple{string_view("Successful login as "), string_view("success"), string_view()}}) {
    if (!m.starts_with(prefix)) continue;
    m = text::trim(m.substr(prefix.size()));
    const size_t from = m.rfind(" from ");
    if (from == npos) return false;
    string_view ip = m.substr(from + 6);
    ip = ip.substr(0, ip.find(' '));
    return emit({.service = "webmin",
                 .outcome = outcome,
                 .ip = ip,
                 .user = m.substr(0, from),
                 .reason = reason},
                f);
  }
  return false;
}

// Grafana (logfmt): `... msg="Invalid username or password" ... uname=X ... remote_addr=IP`.
bool grafana(string_view m, Fields& f) {
  if (m.find("msg=\"Invalid username or password\"") == npos) return false;
  string_view ip = between(m, "remote_addr=", "").value_or("");
  ip = ip.substr(0, ip.find(' '));
  string_view user = between(m, " uname=", "").value_or("");
  user = user.substr(0, user.find(' '));
  const auto error = between(m, " error=\"", "\"");
  return emit({.service = "grafana", .ip = ip, .user = user, .reason = error.value_or("")}, f);
}

// GitLab application.log: "Failed Login: username=admin ip=80.10.11.12" (names may hold spaces).
bool gitlab(string_view m, Fields& f) {
  const auto user = between(m, "Failed Login: username=", " ip=");
  if (!user) return false;
  string_view ip = between(m, " ip=", "").value_or("");
  ip = ip.substr(0, ip.find(' '));
  return emit({.service = "gitlab", .ip = ip, .user = *user}, f);
}

// Drupal's syslog module: `BASE|TIMESTAMP|TYPE|IP|URI|REFERER|UID|LINK|MESSAGE`, type "user":
// "Login attempt failed for NAME.", "Login attempt failed from IP.", "Session opened for NAME.".
bool drupal(string_view m, Fields& f) {
  if (!m.starts_with("http")) return false;
  std::array<string_view, 8> part{};
  string_view rest = m;
  for (auto& p : part) {
    const size_t bar = rest.find('|');
    if (bar == npos) return false;
    p = rest.substr(0, bar);
    rest.remove_prefix(bar + 1);
  }
  if (part[2] != "user" || !text::all_digits(part[1])) return false;
  // The message follows "UID|LINK|"; a URI holding '|' shifts the columns, so search for it.
  const size_t at = m.find("|Login attempt failed ");
  if (at != npos) {
    string_view who = m.substr(at + 22);
    const bool from = text::consume(who, "from ");
    if (!from) text::consume(who, "for ");
    who = who.substr(0, who.find('|'));
    if (who.ends_with('.')) who.remove_suffix(1);
    return emit({.service = "drupal", .ip = part[3], .user = from ? string_view() : who}, f);
  }
  if (const auto user = between(m, "|Session opened for ", ".")) {
    return emit({.service = "drupal", .outcome = "success", .ip = part[3], .user = *user}, f);
  }
  return false;
}

// Froxlor: "[Login Action 1.2.3.4] Unknown user 'user' tried to login.", "... User 'admin' tried
// to login with wrong password."; 2.x: `froxlor.WARNING: User tried to login with wrong password.
// {"source":"login","action":"50","user":"1.2.3.4"}` (the "user" of the context is the address).
bool froxlor(string_view m, Fields& f) {
  if (const auto ip = between(m, "[Login Action ", "] ")) {
    const string_view reason = m.find("Unknown user") != npos     ? "unknown user"
                               : m.find("wrong password") != npos ? "wrong password"
                                                                  : string_view();
    if (reason.empty()) return false;
    return emit({.service = "froxlor",
                 .ip = *ip,
                 .user = between(m, "ser '", "'").value_or(""),
                 .reason = reason},
                f);
  }
  if (m.find("tried to login") == npos || m.find("\"source\":\"login\"") == npos) return false;
  return emit({.service = "froxlor",
               .ip = between(m, "\"user\":\"", "\"").value_or(""),
               .reason = m.find("Unknown user") != npos ? "unknown user" : "wrong password"},
              f);
}

// Proxmox VE (pvedaemon / pveproxy): "authentication failure; rhost=IP user=root@pam msg=...".
bool proxmox(string_view m, Fields& f) {
  if (!m.starts_with("authentication failure; rhost=")) return false;
  string_view ip = between(m, "rhost=", " ").value_or("");
  if (ip.starts_with("::ffff:")) ip.remove_prefix(7);
  return emit({.service = "proxmox",
               .ip = ip,
               .user = between(m, " user=", " ").value_or(""),
               .reason = between(m, " msg=", "").value_or("")},
              f);
}

// Vaultwarden: "Username or password is incorrect. Try again. IP: X. Username: Y.", "Invalid
// admin token. IP: X", "Invalid TOTP code! Server time: ... IP: X".
bool vaultwarden(string_view m, Fields& f) {
  string_view action = "web_login", reason;
  if (m.find("Username or password is incorrect.") != npos) {
    reason = "wrong password";
  } else if (m.find("Invalid admin token") != npos) {
    action = "admin_token";
    reason = "invalid admin token";
  } else if (m.find("Invalid TOTP code") != npos) {
    action = "mfa";
    reason = "invalid TOTP code";
  } else {
    return false;
  }
  string_view ip = between(m, "IP: ", "").value_or("");
  ip = ip.substr(0, ip.find(' '));
  if (ip.ends_with('.')) ip.remove_suffix(1);
  string_view user = between(m, "Username: ", "").value_or("");
  if (user.ends_with('.')) user.remove_suffix(1);
  return emit(
      {.service = "vaultwarden", .ip = ip, .user = user, .reason = reason, .action = action}, f);
}

// Bitwarden (self-hosted): "[WRN] Failed login attempt. 192.168.0.16", "Failed login attempt,
// 2FA invalid. IP".
bool bitwarden(string_view m, Fields& f) {
  const size_t at = m.find("Failed login attempt");
  // Its own log levels or logger name: another program's "Failed login attempt" is not Bitwarden.
  if (at == npos ||
      (m.find("[WRN]") == npos && m.find("[Warning]") == npos && m.find("Bit.Core.") == npos)) {
    return false;
  }
  const bool mfa = m.find("2FA invalid", at) != npos;
  const size_t sp = m.rfind(' ');
  return emit({.service = "bitwarden",
               .ip = m.substr(sp + 1),
               .reason = mfa ? "2FA invalid" : "wrong password",
               .action = mfa ? "mfa" : "web_login"},
              f);
}

// Apache Guacamole: `Authentication attempt from IP for user "NAME" failed.` (and "from [IP]").
bool guacamole(string_view m, Fields& f) {
  const auto ip = between(m, "Authentication attempt from ", " for user \"");
  if (!ip || m.find("\" failed.") == npos) return false;
  string_view addr = *ip;
  addr = addr.substr(0, addr.find(','));  // "IP, PROXY" behind a reverse proxy
  return emit(
      {.service = "guacamole", .ip = addr, .user = between(m, "user \"", "\"").value_or("")}, f);
}

// Centreon login.log: "[WEB] [IP] Authentication failed for 'admin' : password mismatch".
bool centreon(string_view m, Fields& f) {
  const auto user = between(m, "] Authentication failed for '", "'");
  if (!user) return false;
  const size_t at = m.find("] Authentication failed for '");
  const size_t open = m.rfind('[', at);
  if (open == npos) return false;
  return emit({.service = "centreon",
               .ip = m.substr(open + 1, at - open - 1),
               .user = *user,
               .reason = between(m, "' : ", "").value_or("")},
              f);
}

// DirectAdmin login.log: "'IP' 2 failed login attempts. Account 'test'", "... Invalid account
// 'x'", "'IP' successful login to 'nobody' after 1 attempts".
bool directadmin(string_view m, Fields& f) {
  const auto ip = between(m, ": '", "' ");
  if (!ip) return false;
  if (m.find("' successful login to '") != npos) {
    return emit({.service = "directadmin",
                 .outcome = "success",
                 .ip = *ip,
                 .user = between(m, "successful login to '", "'").value_or("")},
                f);
  }
  if (m.find(" failed login attempt") == npos) return false;
  const bool invalid = m.find("Invalid account '") != npos;
  return emit({.service = "directadmin",
               .ip = *ip,
               .user = between(m, "ccount '", "'").value_or(""),
               .reason = invalid ? "unknown user" : "wrong password"},
              f);
}

// Monitorix's own HTTP server: "... - NOTEXIST - [IP] File does not exist: /x", "NOTALLOWED",
// "AUTHERR - [IP] Authentication error: /monitorix/".
bool monitorix(string_view m, Fields& f) {
  for (const auto& [tag, reason, action] :
       {std::tuple{string_view(" - AUTHERR - ["), string_view("authentication error"),
                   string_view("web_login")},
        std::tuple{string_view(" - NOTALLOWED - ["), string_view("access not allowed"),
                   string_view("access_denied")},
        std::tuple{string_view(" - NOTEXIST - ["), string_view("file does not exist"),
                   string_view("file_not_found")}}) {
    const auto ip = between(m, tag, "]");
    if (!ip) continue;
    if (action != "web_login") {
      if (!text::is_ip(*ip)) return false;
      f.set("event.category", "web");
      f.set("event.dataset", kDatasetWebApp);
      f.set("event.action", action);
      f.set("event.outcome", "failure");
      f.set("service.name", "monitorix");
      f.set("source.ip", *ip);
      f.set("event.reason", reason);
      if (const auto path = between(m, ": ", "", m.find(tag) + tag.size())) {
        f.set("url.path", *path);
      }
      return true;
    }
    return emit({.service = "monitorix", .ip = *ip, .reason = reason}, f);
  }
  return false;
}

// Group-Office: `LOGIN FAILED for user: "asdsad" from IP: 127.0.0.1`, `LOGIN SUCCESS for ...`.
bool groupoffice(string_view m, Fields& f) {
  const bool failed = m.find("LOGIN FAILED for user: \"") != npos;
  if (!failed && m.find("LOGIN SUCCESS for user: \"") == npos) return false;
  return emit({.service = "groupoffice",
               .outcome = failed ? "failure" : "success",
               .ip = between(m, "from IP: ", "").value_or(""),
               .user = between(m, "user: \"", "\"").value_or("")},
              f);
}

// Horde: "FAILED LOGIN for graham [203.16.208.190] to Horde [...]".
bool horde(string_view m, Fields& f) {
  const auto user = between(m, "FAILED LOGIN for ", " [");
  if (!user) return false;
  return emit({.service = "horde",
               .ip = between(m, " [", "]", m.find("FAILED LOGIN for ")).value_or(""),
               .user = *user},
              f);
}

// OpenWebMail: "... - [PID] (IP) USER - login error - no such user - loginname=x", "userinfo
// error", "... Password incorrect".
bool openwebmail(string_view m, Fields& f) {
  const size_t err = m.find(" - login error - ");
  const size_t info = m.find(" - userinfo error - ");
  if (err == npos && info == npos) return false;
  const auto ip = between(m, "] (", ") ");
  if (!ip) return false;
  const size_t user_at = m.find(") ", m.find("] (")) + 2;
  const size_t user_end = std::min(err, info);
  return emit({.service = "openwebmail",
               .ip = *ip,
               .user = user_end > user_at ? m.substr(user_at, user_end - user_at) : string_view(),
               .reason = m.find("Password incorrect") != npos ? "wrong password" : "unknown user"},
              f);
}

// Tine 2.0: "Tinebase_Controller::login::106 Login with username X from IP failed (-1)!".
bool tine20(string_view m, Fields& f) {
  const auto user = between(m, "Login with username ", " from ");
  if (!user || m.find(" failed (") == npos) return false;
  return emit({.service = "tine20",
               .ip = between(m, " from ", " ", m.find("Login with username ")).value_or(""),
               .user = *user},
              f);
}

// monit's HTTP interface: "HttpRequest: access denied -- client IP: wrong password for user 'x'",
// "... unknown user 'x'", "Warning: Client 'IP' supplied wrong password for user 'admin' ...".
bool monit(string_view m, Fields& f) {
  if (const auto rest = between(m, "access denied -- client ", "")) {
    const size_t colon = rest->find(": ");
    if (colon == npos) return false;
    const string_view reason = rest->substr(colon + 2);
    return emit({.service = "monit",
                 .ip = rest->substr(0, colon),
                 .user = between(reason, "user '", "'").value_or(""),
                 .reason = reason.substr(0, reason.find(" '"))},
                f);
  }
  const auto ip = between(m, "Client '", "' supplied ");
  if (!ip || m.find("accessing monit httpd") == npos) return false;
  return emit({.service = "monit",
               .ip = *ip,
               .user = between(m, "user '", "'").value_or(""),
               .reason = m.find("unknown user") != npos ? "unknown user" : "wrong password"},
              f);
}

// SOGo: "SOGoRootPage Login from 'IP' for user 'NAME' might not have worked - password policy".
bool sogo(string_view m, Fields& f) {
  const auto ip = between(m, "Login from '", "' for user '");
  if (!ip || m.find("might not have worked") == npos) return false;
  const string_view first = ip->substr(0, ip->find(','));  // "CLIENT, PROXY"
  return emit({.service = "sogo", .ip = first, .user = between(m, "for user '", "'").value_or("")},
              f);
}

// Parsers that test the message's start: cheap enough to try on any line.
constexpr std::array kPrefixParsers = {phpmyadmin, webmin, drupal, proxmox};
// Parsers that search the message; tried only when one of their words occurs (most lines that
// reach this decoder are other programs' and must cost a few searches, not twenty).
constexpr std::array kSearchParsers = {
    grafana,   gitlab,      froxlor, vaultwarden, bitwarden, guacamole, centreon, directadmin,
    monitorix, groupoffice, horde,   openwebmail, tine20,    monit,     sogo};

bool may_be_login(string_view m) {
  static constexpr string_view kWords[] = {"ogin", "OGIN", "uthentication", "assword",
                                           "IP: ", "- [",  "denied",        "Client '"};
  for (const string_view w : kWords) {
    if (m.find(w) != npos) return true;
  }
  return false;
}

bool decode_webapp_program(string_view msg, const ReadTime&, Fields& f, std::optional<SysTime>&) {
  return decode_webapp_auth(msg, f);
}

constexpr std::string_view kPrograms[] = {
    "phpMyAdmin", "phpmyadmin", "webmin",    "usermin",        "Froxlor", "froxlor",
    "pvedaemon",  "pveproxy",   "grafana",   "grafana-server", "gitlab",  "vaultwarden",
    "bitwarden",  "guacd",      "guacamole", "centreon",       "tine20"};
constexpr std::string_view kFormats[] = {
    "phpMyAdmin syslog (user denied / allowed)",
    "webmin / usermin login lines",
    "Grafana logfmt login failures",
    "GitLab application.log Failed Login",
    "Drupal syslog module (pipe-separated)",
    "Froxlor 0.x and 2.x login lines",
    "Proxmox VE pvedaemon authentication failure",
    "Vaultwarden and Bitwarden login failures",
    "Guacamole authentication attempts",
    "Centreon, DirectAdmin, Monitorix, Group-Office login logs",
    "Horde, OpenWebMail, Tine 2.0, monit httpd, SOGo login failures"};

}  // namespace

bool decode_webapp_auth(string_view msg, Fields& f) {
  for (const auto parse : kPrefixParsers) {
    if (parse(msg, f)) return true;
  }
  if (!may_be_login(msg)) return false;
  for (const auto parse : kSearchParsers) {
    if (parse(msg, f)) return true;
  }
  return false;
}

extern constinit const DecoderSpec kWebappAuthDecoder{
    .name = "webapp_auth",
    .description =
        "Login lines of web applications and admin panels (phpMyAdmin, webmin, Grafana, "
        "GitLab, Drupal, Proxmox, Vaultwarden ...)",
    .programs = kPrograms,
    .formats = kFormats,
    .decode = decode_webapp_program,
};

}  // namespace soc
