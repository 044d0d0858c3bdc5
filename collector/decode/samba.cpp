#include "collector/decode/samba.h"

#include <optional>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/service_event.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
constexpr size_t npos = string_view::npos;

string_view reason_of(string_view status) {
  if (status == "NT_STATUS_NO_SUCH_USER") return service::kUnknownUser;
  if (status == "NT_STATUS_WRONG_PASSWORD") return service::kBadPassword;
  if (status == "NT_STATUS_ACCOUNT_LOCKED_OUT" || status == "NT_STATUS_ACCOUNT_DISABLED") {
    return service::kLocked;
  }
  if (status == "NT_STATUS_LOGON_FAILURE") return service::kBadCredentials;
  if (status.find("RESTRICTION") != npos || status.find("INVALID_WORKSTATION") != npos) {
    return service::kNotAllowed;
  }
  return service::kBadCredentials;
}

void result(Fields& f, string_view status) {
  f.set("samba.status", status);
  if (status == "NT_STATUS_OK") {
    service::set_event(f, "samba", "authentication", "smb_login", "success");
  } else {
    service::set_auth_failure(f, "samba", "smb_login", reason_of(status));
  }
}

bool audit(string_view s, Fields& f) {
  const string_view status = service::between(s, "] status [", "]");
  if (status.empty()) return false;
  const size_t user_at = s.find(" user [");
  if (user_at != npos) {
    const string_view domain = service::between(s, " user [", "]");
    const string_view user = service::between(s, "]\\[", "]", user_at);
    if (!user.empty()) f.set("user.name", user);
    if (!domain.empty()) f.set("user.domain", domain);
  }
  string_view remote = service::between(s, "remote host [", "]");
  if (consume(remote, "ipv4:") || consume(remote, "ipv6:")) {
    service::set_source_endpoint(f, remote);
  }
  result(f, status);
  return true;
}

bool check_ntlm(string_view s, Fields& f) {
  const size_t at = s.find("uthentication for user [");
  if (at == npos) return false;
  const string_view user = s.substr(at + 24, s.find(']', at) - at - 24);
  if (const size_t failed = s.find(" FAILED with error "); failed != npos) {
    string_view status = s.substr(failed + 19);
    status = status.substr(0, status.find_first_of(", "));
    f.set("user.name", user);
    result(f, status);
    return true;
  }
  if (s.find(" succeeded") != npos) {
    f.set("user.name", user);
    result(f, "NT_STATUS_OK");
    return true;
  }
  return false;
}

}  // namespace

bool decode_samba(string_view msg, Fields& f) {
  const string_view s = text::trim(msg);
  if (s.substr(0, 7) == "Auth: [") return audit(s, f);
  if (s.find("check_ntlm_password:") != npos) return check_ntlm(s, f);
  // "hosts allow" / "hosts deny": "Denied connection from IP (IP)", "Connection denied from IP".
  for (const string_view prefix :
       {string_view("Denied connection from "), string_view("Connection denied from ")}) {
    if (s.substr(0, prefix.size()) != prefix) continue;
    const string_view host = s.substr(prefix.size(), s.find(' ', prefix.size()) - prefix.size());
    if (!service::set_source_host(f, host)) return false;
    service::set_auth_failure(f, "samba", "smb_login", service::kNotAllowed);
    return true;
  }
  return false;
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kSambaPrograms[] = {"smbd", "smb", "winbindd", "samba", "samba-dcerpcd"};
constexpr std::string_view kSambaFormats[] = {"Samba authentication audit and NTLM results"};

bool decode_samba_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                          std::optional<SysTime>& /*time*/) {
  return decode_samba(msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kSambaDecoder{
    .name = "samba",
    .description = "Samba smbd / winbindd authentication (NT_STATUS_WRONG_PASSWORD, ...)",
    .programs = kSambaPrograms,
    .formats = kSambaFormats,
    .decode = decode_samba_program,
};

}  // namespace soc
