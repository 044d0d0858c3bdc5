#include "collector/decode/sshd.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace soc {
namespace {

struct Want {
  std::optional<std::string_view> user, ip, port, action, outcome, method;
};

void expect_decoded(std::string_view message, const Want& want) {
  Fields f;
  ASSERT_TRUE(decode_sshd(message, f)) << message;
  EXPECT_EQ(f.get("user.name"), want.user) << message;
  EXPECT_EQ(f.get("source.ip"), want.ip) << message;
  EXPECT_EQ(f.get("source.port"), want.port) << message;
  EXPECT_EQ(f.get("event.action"), want.action) << message;
  EXPECT_EQ(f.get("event.outcome"), want.outcome) << message;
  EXPECT_EQ(f.get("ssh.method"), want.method) << message;
}

TEST(DecodeSshd, ProgramNames) {
  EXPECT_TRUE(is_sshd_program("sshd"));
  EXPECT_TRUE(is_sshd_program("sshd-session"));
  EXPECT_TRUE(is_sshd_program("sshd-auth"));
  EXPECT_FALSE(is_sshd_program("sshd-keygen"));
  EXPECT_FALSE(is_sshd_program("sudo"));
}

TEST(DecodeSshd, FailedPassword) {
  expect_decoded("Failed password for root from 203.0.113.7 port 52144 ssh2",
                 {"root", "203.0.113.7", "52144", "ssh_login", "failure", "password"});
}

TEST(DecodeSshd, FailedPasswordForInvalidUser) {
  expect_decoded("Failed password for invalid user nagios from 198.51.100.23 port 40022 ssh2",
                 {"nagios", "198.51.100.23", "40022", "ssh_login", "failure", "password"});
}

TEST(DecodeSshd, FailedPasswordFromIpv6) {
  expect_decoded("Failed password for invalid user ubuntu from 2001:db8:4f::a1 port 61000 ssh2",
                 {"ubuntu", "2001:db8:4f::a1", "61000", "ssh_login", "failure", "password"});
}

TEST(DecodeSshd, FailedPublickey) {
  expect_decoded(
      "Failed publickey for deploy from 2001:db8::17 port 50514 ssh2: ED25519 "
      "SHA256:Xq3a0hV0pZl8c3JY2m9bWfLQp0m9e1TnZ2yq5kq4G2s",
      {"deploy", "2001:db8::17", "50514", "ssh_login", "failure", "publickey"});
}

TEST(DecodeSshd, FailedNoneForInvalidUser) {
  expect_decoded("Failed none for invalid user guest from 192.0.2.77 port 33810 ssh2",
                 {"guest", "192.0.2.77", "33810", "ssh_login", "failure", "none"});
}

TEST(DecodeSshd, AcceptedLogins) {
  expect_decoded("Accepted password for hung from 10.20.30.40 port 50122 ssh2",
                 {"hung", "10.20.30.40", "50122", "ssh_login", "success", "password"});
  expect_decoded(
      "Accepted publickey for git from 192.0.2.15 port 42242 ssh2: RSA "
      "SHA256:2mvQ1lYd8Yb1W3Rk7S0tP6u9rX4cJq8yZp1nHkLw0aE",
      {"git", "192.0.2.15", "42242", "ssh_login", "success", "publickey"});
  expect_decoded(
      "Accepted keyboard-interactive/pam for lan from fe80::1c2:3ff:fe4d:5e6f port 2201 ssh2",
      {"lan", "fe80::1c2:3ff:fe4d:5e6f", "2201", "ssh_login", "success",
       "keyboard-interactive/pam"});
}

TEST(DecodeSshd, InvalidUser) {
  expect_decoded("Invalid user oracle from 192.0.2.44 port 51234",
                 {"oracle", "192.0.2.44", "51234", "ssh_invalid_user", "failure", std::nullopt});
  // Older sshd logs no port here.
  expect_decoded("Invalid user test from 192.0.2.45",
                 {"test", "192.0.2.45", std::nullopt, "ssh_invalid_user", "failure", std::nullopt});
}

TEST(DecodeSshd, InvalidUserThatIsEmpty) {
  expect_decoded(
      "Invalid user  from 192.0.2.68 port 34916",
      {std::nullopt, "192.0.2.68", "34916", "ssh_invalid_user", "failure", std::nullopt});
}

TEST(DecodeSshd, PreauthDisconnects) {
  expect_decoded("Connection closed by authenticating user root 192.0.2.8 port 39000 [preauth]",
                 {"root", "192.0.2.8", "39000", "ssh_preauth_disconnect", "failure", std::nullopt});
  expect_decoded(
      "Disconnected from invalid user test 2001:db8:1::5 port 22222 [preauth]",
      {"test", "2001:db8:1::5", "22222", "ssh_preauth_disconnect", "failure", std::nullopt});
  expect_decoded(
      "Connection closed by invalid user admin 198.51.100.2 port 4410 [preauth]",
      {"admin", "198.51.100.2", "4410", "ssh_preauth_disconnect", "failure", std::nullopt});
  expect_decoded("Disconnected from authenticating user pi 198.51.100.3 port 4411 [preauth]",
                 {"pi", "198.51.100.3", "4411", "ssh_preauth_disconnect", "failure", std::nullopt});
}

TEST(DecodeSshd, ConnectionClosedWithoutAUser) {
  // No user: a scanner or a client that gave up before authenticating. Not a login attempt; the
  // [preauth] tag makes it a failure, without it (a logout on OpenSSH < 7) the outcome is unknown.
  expect_decoded(
      "Connection closed by 203.0.113.5 port 4000 [preauth]",
      {std::nullopt, "203.0.113.5", "4000", "ssh_connection_closed", "failure", std::nullopt});
  expect_decoded(
      "Connection closed by 192.0.2.15 port 35352",
      {std::nullopt, "192.0.2.15", "35352", "ssh_connection_closed", "unknown", std::nullopt});
  expect_decoded("Connection closed by 192.0.2.111 [preauth]",
                 {std::nullopt, "192.0.2.111", std::nullopt, "ssh_connection_closed", "failure",
                  std::nullopt});
  Fields f;
  ASSERT_TRUE(decode_sshd("Connection reset by 2001:db8::39 port 14282 [preauth]", f));
  EXPECT_EQ(f.get("event.action"), "ssh_connection_closed");
  EXPECT_EQ(f.get("event.reason"), "reset");
  EXPECT_EQ(f.get("source.ip"), "2001:db8::39");
  // With a user it is a pre-authentication disconnect, as before.
  expect_decoded("Connection reset by authenticating user root 192.0.2.20 port 1558 [preauth]",
                 {"root", "192.0.2.20", "1558", "ssh_preauth_disconnect", "failure", std::nullopt});
}

TEST(DecodeSshd, PamAuthenticationFailure) {
  expect_decoded(
      "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= "
      "rhost=203.0.113.9  user=root",
      {"root", "203.0.113.9", std::nullopt, "pam_auth_failure", "failure", std::nullopt});
  // Unknown users log no user=; the trailing space is real.
  expect_decoded(
      "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= "
      "rhost=2001:db8::99 ",
      {std::nullopt, "2001:db8::99", std::nullopt, "pam_auth_failure", "failure", std::nullopt});
  // The old "sshd(pam_unix)[pid]:" tag puts no pam_unix prefix on the message.
  expect_decoded(
      "authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=192.0.2.200 ",
      {std::nullopt, "192.0.2.200", std::nullopt, "pam_auth_failure", "failure", std::nullopt});
}

TEST(DecodeSshd, PamRhostThatIsAHostNameIsADomain) {
  Fields f;
  ASSERT_TRUE(
      decode_sshd("pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 "
                  "tty=ssh ruser= rhost=scanner.example.net  user=admin",
                  f));
  EXPECT_EQ(f.get("source.ip"), std::nullopt);
  EXPECT_EQ(f.get("source.domain"), "scanner.example.net");
  EXPECT_EQ(f.get("user.name"), "admin");
}

TEST(DecodeSshd, UserNameCannotForgeTheSource) {
  // The attacker chose the user name "x from 10.0.0.1 port 22 ssh2"; the real peer is last.
  expect_decoded(
      "Failed password for invalid user x from 10.0.0.1 port 22 ssh2 from 203.0.113.5 port 4000 "
      "ssh2",
      {"x from 10.0.0.1 port 22 ssh2", "203.0.113.5", "4000", "ssh_login", "failure", "password"});
  expect_decoded(
      "Connection closed by invalid user a 10.0.0.1 port 1 203.0.113.5 port 4000 [preauth]",
      {"a 10.0.0.1 port 1", "203.0.113.5", "4000", "ssh_preauth_disconnect", "failure",
       std::nullopt});
  expect_decoded(
      "Invalid user from 10.0.0.1 from 203.0.113.5 port 4000",
      {"from 10.0.0.1", "203.0.113.5", "4000", "ssh_invalid_user", "failure", std::nullopt});
}

TEST(DecodeSshd, MaximumAuthenticationAttempts) {
  expect_decoded(
      "error: maximum authentication attempts exceeded for root from 203.0.113.61 port 49940 "
      "ssh2 [preauth]",
      {"root", "203.0.113.61", "49940", "ssh_max_auth_attempts", "failure", std::nullopt});
  expect_decoded(
      "error: maximum authentication attempts exceeded for invalid user xxx from 192.0.2.7 port "
      "49941 ssh2 [preauth]",
      {"xxx", "192.0.2.7", "49941", "ssh_max_auth_attempts", "failure", std::nullopt});
  // OpenSSH before 7 names only the user.
  expect_decoded(
      "Disconnecting: Too many authentication failures for admin [preauth]",
      {"admin", std::nullopt, std::nullopt, "ssh_max_auth_attempts", "failure", std::nullopt});
}

TEST(DecodeSshd, PreauthProbesKeepThePeerAndTheReason) {
  expect_decoded(
      "Did not receive identification string from 198.51.100.40 port 35836",
      {std::nullopt, "198.51.100.40", "35836", "ssh_no_identification", "failure", std::nullopt});
  expect_decoded("Did not receive identification string from 198.51.100.41",
                 {std::nullopt, "198.51.100.41", std::nullopt, "ssh_no_identification", "failure",
                  std::nullopt});
  expect_decoded(
      "banner exchange: Connection from 198.51.100.42 port 44105: invalid format",
      {std::nullopt, "198.51.100.42", "44105", "ssh_banner_invalid", "failure", std::nullopt});
  expect_decoded(
      "fatal: Timeout before authentication for 198.51.100.44 port 55555",
      {std::nullopt, "198.51.100.44", "55555", "ssh_preauth_timeout", "failure", std::nullopt});
  Fields f;
  ASSERT_TRUE(
      decode_sshd("Unable to negotiate with 198.51.100.43 port 55419: no matching key exchange "
                  "method found. Their offer: diffie-hellman-group1-sha1 [preauth]",
                  f));
  EXPECT_EQ(f.get("event.action"), "ssh_negotiation_failed");
  EXPECT_EQ(f.get("source.ip"), "198.51.100.43");
  EXPECT_EQ(f.get("event.reason"),
            "no matching key exchange method found. Their offer: diffie-hellman-group1-sha1");
  Fields g;  // the same with OpenSSH 7's "fatal: " prefix
  ASSERT_TRUE(
      decode_sshd("fatal: Unable to negotiate with 198.51.100.43 port 55420: no matching cipher "
                  "found. Their offer: 3des-cbc",
                  g));
  EXPECT_EQ(g.get("event.action"), "ssh_negotiation_failed");
  EXPECT_EQ(g.get("source.port"), "55420");
}

TEST(DecodeSshd, BadProtocolVersionTakesTheRightmostPeer) {
  // The quoted text is the client's and may itself hold " from ADDRESS".
  expect_decoded(
      "Bad protocol version identification 'GET / HTTP/1.1' from 203.0.113.80 port 31778",
      {std::nullopt, "203.0.113.80", "31778", "ssh_bad_protocol_version", "failure", std::nullopt});
  expect_decoded(
      "Bad protocol version identification 'x' from 10.0.0.1' from 203.0.113.81 port 31779",
      {std::nullopt, "203.0.113.81", "31779", "ssh_bad_protocol_version", "failure", std::nullopt});
}

TEST(DecodeSshd, DnsMismatchIsPossibleBreakInAttempt) {
  Fields a;
  ASSERT_TRUE(
      decode_sshd("reverse mapping checking getaddrinfo for 45-9-148-1.static.example.net "
                  "[45.9.148.1] failed - POSSIBLE BREAK-IN ATTEMPT!",
                  a));
  EXPECT_EQ(a.get("event.action"), "ssh_dns_mismatch");
  EXPECT_EQ(a.get("source.ip"), "45.9.148.1");
  EXPECT_EQ(a.get("source.domain"), "45-9-148-1.static.example.net");
  Fields b;
  ASSERT_TRUE(
      decode_sshd("Address 203.0.113.90 maps to mail.example.org, but this does not map back to "
                  "the address - POSSIBLE BREAK-IN ATTEMPT!",
                  b));
  EXPECT_EQ(b.get("event.action"), "ssh_dns_mismatch");
  EXPECT_EQ(b.get("source.ip"), "203.0.113.90");
  EXPECT_EQ(b.get("source.domain"), "mail.example.org");
}

TEST(DecodeSshd, UserNotAllowedAndRootRefused) {
  Fields a;
  ASSERT_TRUE(
      decode_sshd("User root from 203.0.113.12 not allowed because not listed in AllowUsers", a));
  EXPECT_EQ(a.get("event.action"), "ssh_user_not_allowed");
  EXPECT_EQ(a.get("user.name"), "root");
  EXPECT_EQ(a.get("source.ip"), "203.0.113.12");
  EXPECT_EQ(a.get("event.reason"), "not listed in AllowUsers");
  Fields b;
  ASSERT_TRUE(decode_sshd("User oracle not allowed because account is locked", b));
  EXPECT_EQ(b.get("user.name"), "oracle");
  EXPECT_EQ(b.get("source.ip"), std::nullopt);
  EXPECT_EQ(b.get("event.reason"), "account is locked");
  Fields c;
  ASSERT_TRUE(decode_sshd("User allena from example.com not allowed because not in any group", c));
  EXPECT_EQ(c.get("source.domain"), "example.com");
  expect_decoded(
      "ROOT LOGIN REFUSED FROM 203.0.113.13 port 12345 [preauth]",
      {"root", "203.0.113.13", "12345", "ssh_root_login_refused", "failure", std::nullopt});
}

TEST(DecodeSshd, BenignAndMalformedLinesAreNotDecoded) {
  for (std::string_view m : {
           "Server listening on 0.0.0.0 port 22.",
           "Server listening on :: port 22.",
           "Disconnected from user hung 10.20.30.40 port 50122",
           "Received disconnect from 203.0.113.5 port 4000 11 no colons",
           "pam_unix(sshd:session): session opened for user hung(uid=1000) by (uid=0)",
           "pam_unix(sshd:session): session closed for user hung",
           "Received signal 15; terminating.",
           "Failed password for root from not-an-address port 22 ssh2",
           "Failed password for root",
           "Failed password",
           "Failed ",
           "Accepted",
           "Invalid user",
           "Invalid user bob from 999.1.1.1 port 22",
           "Connection closed by authenticating user root 192.0.2.8 port [preauth]",
           "Connection closed by authenticating user root 192.0.2.8",
           "Disconnected from invalid user x port 22 [preauth]",
           "error: Bind to port 22 on 0.0.0.0 failed: Address already in use.",
           "Did not receive identification string from not-an-address",
           "Unable to negotiate with 198.51.100.43 port 55419 no colon",
           "Address 203.0.113.90 maps to mail.example.org",
           "reverse mapping checking getaddrinfo for host [999.1.1.1] failed",
           "User child is on pid 4242",
           "User two words from 203.0.113.12 not allowed because x",
           "maximum authentication attempts exceeded for root",
           "ROOT LOGIN REFUSED FROM somewhere",
           "Connection closed by remote host",
           "Connection closed by 203.0.113.5 port 4000 extra",
           "Bad protocol version identification 'x'",
           "",
       }) {
    Fields f;
    EXPECT_FALSE(decode_sshd(m, f)) << m;
    EXPECT_EQ(f.get("source.ip"), std::nullopt) << m;
    EXPECT_TRUE(f.all().empty()) << m;
  }
}

TEST(DecodeSshd, PortOutOfRangeKeepsTheAddressOnly) {
  Fields f;
  ASSERT_TRUE(decode_sshd("Failed password for root from 192.0.2.1 port 70000 ssh2", f));
  EXPECT_EQ(f.get("source.ip"), "192.0.2.1");
  EXPECT_EQ(f.get("source.port"), std::nullopt);
}

// Issue 12: shapes fail2ban counts that were left undecoded. A client giving up before
// authentication, and the address-less kex failure a banner-less scanner leaves (OpenSSH 8+).
TEST(DecodeSshd, PreauthDisconnectAndAddresslessKexFailure) {
  Fields f;
  ASSERT_TRUE(
      decode_sshd("Received disconnect from 203.0.113.5 port 4000:11: Bye Bye [preauth]", f));
  EXPECT_EQ(f.get("event.action"), "ssh_client_disconnect");
  EXPECT_EQ(f.get("event.outcome"), "failure");
  EXPECT_EQ(f.get("source.ip"), "203.0.113.5");
  EXPECT_EQ(f.get("ssh.disconnect_code"), "11");
  Fields logout;
  ASSERT_TRUE(decode_sshd(
      "Received disconnect from 10.20.30.40 port 50122:11: disconnected by user", logout));
  EXPECT_EQ(logout.get("event.outcome"), "unknown");
  Fields kex;
  ASSERT_TRUE(
      decode_sshd("error: kex_exchange_identification: Connection closed by remote host", kex));
  EXPECT_EQ(kex.get("event.action"), "ssh_kex_failed");
  EXPECT_EQ(kex.get("source.ip"), std::nullopt);
}

}  // namespace
}  // namespace soc
