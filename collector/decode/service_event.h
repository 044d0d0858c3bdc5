// The fields every network-service decoder (FTP, DNS, proxies, LDAP, VPN, samba, dropbear, doas,
// databases, VoIP and the other remote-access daemons) sets the same way, so that one rule shape
// serves every service: "service.name", "event.category", "event.action", "event.outcome",
// "source.ip" / "source.port", "user.name", "event.reason" (a short code, below) and
// "error.message" (the service's own words).
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc::service {

// Reason codes for "event.reason" on failures, shared by every service decoder:
//   unknown_user     the account does not exist (user enumeration)
//   bad_password     the account exists, the secret was wrong
//   bad_credentials  the service does not say which of the two
//   max_attempts     the service cut the client off after too many failures
//   root_login       a login as root was refused
//   not_allowed      the account or address may not use the service (ACL, ftpusers, pg_hba)
//   denied           a request was refused by policy (DNS query, proxy ACL)
//   locked           the account is locked or disabled
//   tls_error        TLS handshake, HMAC or certificate failure before authentication
//   protocol_error   malformed or unexpected protocol data (probing)
inline constexpr std::string_view kUnknownUser = "unknown_user";
inline constexpr std::string_view kBadPassword = "bad_password";
inline constexpr std::string_view kBadCredentials = "bad_credentials";
inline constexpr std::string_view kMaxAttempts = "max_attempts";
inline constexpr std::string_view kRootLogin = "root_login";
inline constexpr std::string_view kNotAllowed = "not_allowed";
inline constexpr std::string_view kDenied = "denied";
inline constexpr std::string_view kLocked = "locked";
inline constexpr std::string_view kTlsError = "tls_error";
inline constexpr std::string_view kProtocolError = "protocol_error";

// Sets "service.name", "event.category", "event.action" and "event.outcome".
void set_event(Fields& f, std::string_view service, std::string_view category,
               std::string_view action, std::string_view outcome);

// set_event with category "authentication" and outcome "failure", plus "event.reason".
void set_auth_failure(Fields& f, std::string_view service, std::string_view action,
                      std::string_view reason);

// "::ffff:192.0.2.1" (an IPv4-mapped IPv6 address, any case) as "192.0.2.1"; anything else as is.
std::string_view unmapped(std::string_view ip);

// Sets "source.ip" (unmapped) when `ip` is an address, else "source.domain" when it is a plain
// host name; false (nothing set) for anything else.
bool set_source_host(Fields& f, std::string_view host);

// An endpoint "IP:PORT", "[IP]:PORT", "IP" or, with sep '#' / '.', BIND's "IP#PORT" and dante's
// "IP.PORT": sets "source.ip" and "source.port" (when present). The port is taken after the last
// `sep` only when what precedes it is an address, so "2001:db8::1" stays whole. False and nothing
// set when there is no address.
bool set_source_endpoint(Fields& f, std::string_view endpoint, char sep = ':');

// The text between the first `open` at or after `from` and the next `close` after it; empty when
// either is missing.
std::string_view between(std::string_view s, std::string_view open, std::string_view close,
                         size_t from = 0);

// True when `s` starts with `prefix`, ASCII case ignored.
bool starts_with_nocase(std::string_view s, std::string_view prefix);

}  // namespace soc::service
