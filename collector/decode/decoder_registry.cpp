#include "collector/decode/decoder_registry.h"

#include <array>
#include <unordered_set>

namespace soc {

// The built-in decoders, one line each. Each spec is defined (constinit: no static-init order
// to worry about) in its decoder's own file; naming it here also keeps the linker from dropping
// that file's object out of the static library.
extern const DecoderSpec kSshdDecoder;        // sshd.cpp
extern const DecoderSpec kSudoDecoder;        // sudo.cpp
extern const DecoderSpec kSuDecoder;          // su.cpp
extern const DecoderSpec kAccountDecoder;     // account.cpp
extern const DecoderSpec kCronDecoder;        // cron.cpp
extern const DecoderSpec kLoginDecoder;       // login.cpp
extern const DecoderSpec kPamDecoder;         // pam.cpp
extern const DecoderSpec kAuditdDecoder;      // auditd.cpp
extern const DecoderSpec kFirewallDecoder;    // firewall.cpp
extern const DecoderSpec kWebDecoder;         // web.cpp
extern const DecoderSpec kJsonDecoder;        // json.cpp
extern const DecoderSpec kKernelDecoder;      // kernel.cpp
extern const DecoderSpec kSystemdDecoder;     // systemd.cpp
extern const DecoderSpec kDockerDecoder;      // docker.cpp
extern const DecoderSpec kFail2banDecoder;    // fail2ban.cpp
extern const DecoderSpec kScanlogdDecoder;    // portscan.cpp
extern const DecoderSpec kPortsentryDecoder;  // portscan.cpp
extern const DecoderSpec kXinetdDecoder;      // xinetd.cpp

namespace {

constexpr std::array<const DecoderSpec*, 18> kBuiltin = {
    &kSshdDecoder,     &kSudoDecoder,       &kSuDecoder,      &kAccountDecoder,  &kCronDecoder,
    &kLoginDecoder,    &kPamDecoder,        &kAuditdDecoder,  &kFirewallDecoder, &kWebDecoder,
    &kJsonDecoder,     &kKernelDecoder,     &kSystemdDecoder, &kDockerDecoder,   &kFail2banDecoder,
    &kScanlogdDecoder, &kPortsentryDecoder, &kXinetdDecoder,
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

const DecoderSpec* DecoderRegistry::find(std::string_view name) const {
  for (const DecoderSpec* spec : specs_) {
    if (spec->name == name) return spec;
  }
  return nullptr;
}

}  // namespace soc
