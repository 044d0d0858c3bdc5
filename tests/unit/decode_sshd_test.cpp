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

TEST(DecodeSshd, BenignAndMalformedLinesAreNotDecoded) {
  for (std::string_view m : {
           "Server listening on 0.0.0.0 port 22.",
           "Server listening on :: port 22.",
           "Received disconnect from 203.0.113.5 port 4000:11: Bye Bye [preauth]",
           "Disconnected from user hung 10.20.30.40 port 50122",
           "Connection closed by 203.0.113.5 port 4000 [preauth]",
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

}  // namespace
}  // namespace soc
