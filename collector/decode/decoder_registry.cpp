#include "collector/decode/decoder_registry.h"

#include <array>
#include <unordered_set>

namespace soc {

// The built-in decoders, one line each. Each spec is defined (constinit: no static-init order
// to worry about) in its decoder's own file; naming it here also keeps the linker from dropping
// that file's object out of the static library.
extern const DecoderSpec kMailFilesDecoder;     // mail_file.cpp
extern const DecoderSpec kSshdDecoder;          // sshd.cpp
extern const DecoderSpec kSudoDecoder;          // sudo.cpp
extern const DecoderSpec kSuDecoder;            // su.cpp
extern const DecoderSpec kAccountDecoder;       // account.cpp
extern const DecoderSpec kCronDecoder;          // cron.cpp
extern const DecoderSpec kLoginDecoder;         // login.cpp
extern const DecoderSpec kPamDecoder;           // pam.cpp
extern const DecoderSpec kAuditdDecoder;        // auditd.cpp
extern const DecoderSpec kFirewallDecoder;      // firewall.cpp
extern const DecoderSpec kWebDecoder;           // web.cpp
extern const DecoderSpec kJsonDecoder;          // json.cpp
extern const DecoderSpec kLaurelDecoder;        // laurel.cpp
extern const DecoderSpec kFtpDecoder;           // ftp.cpp
extern const DecoderSpec kDnsDecoder;           // dns.cpp
extern const DecoderSpec kProxyDecoder;         // proxy.cpp
extern const DecoderSpec kSlapdDecoder;         // slapd.cpp
extern const DecoderSpec kVpnDecoder;           // vpn.cpp
extern const DecoderSpec kSambaDecoder;         // samba.cpp
extern const DecoderSpec kDropbearDecoder;      // dropbear.cpp
extern const DecoderSpec kDoasDecoder;          // doas.cpp
extern const DecoderSpec kDatabaseDecoder;      // database.cpp
extern const DecoderSpec kVoipDecoder;          // voip.cpp
extern const DecoderSpec kRemoteAccessDecoder;  // remote_access.cpp
extern const DecoderSpec kPostfixDecoder;       // postfix.cpp
extern const DecoderSpec kDovecotDecoder;       // dovecot.cpp
extern const DecoderSpec kEximDecoder;          // exim.cpp
extern const DecoderSpec kSendmailDecoder;      // sendmail.cpp
extern const DecoderSpec kCourierDecoder;       // courier.cpp
extern const DecoderSpec kCyrusDecoder;         // cyrus.cpp
extern const DecoderSpec kImapdDecoder;         // imapd.cpp
extern const DecoderSpec kRoundcubeDecoder;     // roundcube.cpp
extern const DecoderSpec kSolidPop3dDecoder;    // solid_pop3d.cpp
extern const DecoderSpec kQmailDecoder;         // qmail.cpp
extern const DecoderSpec kSogoDecoder;          // sogo.cpp
extern const DecoderSpec kHordeDecoder;         // horde.cpp
extern const DecoderSpec kKerioDecoder;         // kerio.cpp
extern const DecoderSpec kAsspDecoder;          // assp.cpp
extern const DecoderSpec kDominoDecoder;        // domino.cpp
extern const DecoderSpec kPerditionDecoder;     // perdition.cpp
extern const DecoderSpec kWebmailFilesDecoder;  // webmail_files.cpp
extern const DecoderSpec kZimbraDecoder;        // zimbra.cpp
extern const DecoderSpec kKernelDecoder;        // kernel.cpp
extern const DecoderSpec kSystemdDecoder;       // systemd.cpp
extern const DecoderSpec kDockerDecoder;        // docker.cpp
extern const DecoderSpec kFail2banDecoder;      // fail2ban.cpp
extern const DecoderSpec kScanlogdDecoder;      // portscan.cpp
extern const DecoderSpec kPortsentryDecoder;    // portscan.cpp
extern const DecoderSpec kXinetdDecoder;        // xinetd.cpp

extern const DecoderSpec kLighttpdDecoder;    // lighttpd.cpp
extern const DecoderSpec kPhpDecoder;         // php.cpp
extern const DecoderSpec kWebappAuthDecoder;  // webapp_auth.cpp
namespace {

constexpr std::array<const DecoderSpec*, 52> kBuiltin = {
    // first: its shape comes before the other shapes
    &kMailFilesDecoder,
    &kSshdDecoder,
    &kSudoDecoder,
    &kSuDecoder,
    &kAccountDecoder,
    &kCronDecoder,
    &kLoginDecoder,
    &kPamDecoder,
    &kAuditdDecoder,
    &kFirewallDecoder,
    // their shapes (digit-led files) come before web's
    &kFail2banDecoder,
    &kPortsentryDecoder,
    &kWebDecoder,
    &kJsonDecoder,
    &kLaurelDecoder,
    // the system (issue 12)
    &kKernelDecoder,
    &kSystemdDecoder,
    &kDockerDecoder,
    &kScanlogdDecoder,
    &kXinetdDecoder,
    // network services (issue 12)
    &kFtpDecoder,
    &kDnsDecoder,
    &kProxyDecoder,
    &kSlapdDecoder,
    &kVpnDecoder,
    &kSambaDecoder,
    &kDropbearDecoder,
    &kDoasDecoder,
    &kDatabaseDecoder,
    &kVoipDecoder,
    &kRemoteAccessDecoder,
    // web servers and web applications (issue 12)
    &kLighttpdDecoder,
    &kPhpDecoder,
    &kWebappAuthDecoder,
    // mail
    &kPostfixDecoder,
    &kDovecotDecoder,
    &kEximDecoder,
    &kSendmailDecoder,
    &kCourierDecoder,
    &kCyrusDecoder,
    &kImapdDecoder,
    &kRoundcubeDecoder,
    &kSolidPop3dDecoder,
    &kQmailDecoder,
    &kSogoDecoder,
    &kHordeDecoder,
    &kKerioDecoder,
    &kAsspDecoder,
    &kDominoDecoder,
    &kPerditionDecoder,
    &kWebmailFilesDecoder,
    &kZimbraDecoder,
};

// An array longer than its initializer list pads with null, which would crash the registry.
constexpr bool every_slot_filled(const auto& specs) {
  for (const DecoderSpec* spec : specs) {
    if (spec == nullptr) return false;
  }
  return true;
}
static_assert(every_slot_filled(kBuiltin), "kBuiltin's size is larger than its list");

}  // namespace

const DecoderRegistry& DecoderRegistry::builtin() {
  static const DecoderRegistry registry(kBuiltin);
  return registry;
}

DecoderRegistry::DecoderRegistry(std::span<const DecoderSpec* const> specs) : specs_(specs) {
  std::unordered_set<std::string_view> names;
  for (const DecoderSpec* spec : specs_) {
    if (!names.insert(spec->name).second) {
      problems_.push_back("decoder " + std::string(spec->name) + " is listed twice");
      continue;  // its programs stay with the first
    }
    if (spec->shape.decode != nullptr) shaped_.push_back(spec);
    if (!spec->programs.empty() && spec->decode == nullptr) {
      // Routing its programs nowhere would crash on the first line: leave them to the shape rule.
      problems_.push_back("decoder " + std::string(spec->name) +
                          " has programs but no decode function");
      continue;
    }
    for (const std::string_view program : spec->programs) {
      const auto [it, added] = by_program_.emplace(program, spec);
      if (!added) {
        problems_.push_back("program " + std::string(program) + " is claimed by " +
                            std::string(it->second->name) + " and " + std::string(spec->name));
      }
    }
  }
}

const DecoderSpec* DecoderRegistry::for_program_family(std::string_view program) const {
  // "postfix-incoming/submission/smtpd" -> "postfix-incoming" -> "postfix"; "cyrus/imaps" ->
  // "cyrus": multi-instance and per-service tags of one daemon.
  const size_t slash = program.find('/');
  if (slash == std::string_view::npos || slash == 0) return nullptr;
  const std::string_view first = program.substr(0, slash);
  if (const auto it = by_program_.find(first); it != by_program_.end()) return it->second;
  const size_t dash = first.find('-');
  if (dash == std::string_view::npos || dash == 0) return nullptr;
  const auto it = by_program_.find(first.substr(0, dash));
  return it == by_program_.end() ? nullptr : it->second;
}

const DecoderSpec* DecoderRegistry::decode_by_shape(std::string_view text, const ReadTime& read,
                                                    Fields& fields,
                                                    std::optional<SysTime>& time) const {
  if (text.empty()) return nullptr;
  for (const DecoderSpec* spec : shaped_) {
    if (!spec->shape.matches(text)) continue;
    if (spec->shape.decode(text, read, fields, time)) return spec;
    if (spec->shape.final) return nullptr;
  }
  return nullptr;
}

std::vector<const DecoderSpec*> DecoderRegistry::shapes_for(std::string_view text) const {
  std::vector<const DecoderSpec*> out;
  if (text.empty()) return out;
  for (const DecoderSpec* spec : shaped_) {
    if (!spec->shape.matches(text)) continue;
    out.push_back(spec);
    if (spec->shape.final) break;
  }
  return out;
}

const DecoderSpec* DecoderRegistry::find(std::string_view name) const {
  for (const DecoderSpec* spec : specs_) {
    if (spec->name == name) return spec;
  }
  return nullptr;
}

}  // namespace soc
