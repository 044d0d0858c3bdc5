// The decoding chain for one event: syslog header, then the decoder for the program that logged.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "collector/decode/event.h"
#include "collector/decode/user_decoder.h"
#include "common/result.h"

namespace date {
class time_zone;
}

namespace soc {

class DecoderRegistry;

// The zone of timestamps that carry none: RFC 3164 syslog headers, Apache and nginx error logs.
// "Asia/Ho_Chi_Minh" (any IANA name from the system's tzdata), a fixed "+07:00" / "-03:30" /
// "UTC", or "agent": the UTC offset of the agent's read time (its host's local zone).
class LogZone {
 public:
  static constexpr const char* kDefault = "Asia/Ho_Chi_Minh";

  // The default zone. Without tzdata installed it falls back to Vietnam's fixed +07:00.
  LogZone();
  static Result<LogZone> parse(const std::string& spec);

  // The UTC offset, in seconds, to read a zone-less time near `read` in; `agent_offset` is the
  // offset of the agent's read time.
  int offset_at(SysTime read, int agent_offset) const;
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  const date::time_zone* zone_ = nullptr;  // an IANA zone, else:
  std::optional<int> fixed_;               // a fixed offset, else the agent's
};

class Decoder {
 public:
  // How far a line's own time may be ahead of the agent's read time before it is not believed:
  // clock skew of a device sending syslog, not a forged date meant to close threshold windows.
  static constexpr std::chrono::seconds kFutureTolerance{300};

  // Built-in decoders only, zone-less times in LogZone's default.
  Decoder();
  // Built-in decoders, then `user` (see load_user_decoders in user_decoder.h).
  explicit Decoder(UserDecoders user, LogZone zone = LogZone(),
                   std::chrono::seconds future_tolerance = kFutureTolerance);

  // Replaces event.fields with what the line yields and sets event.time. Always sets
  // "event.original" (= env.msg), "agent.id", "host.name" (the syslog header's host, else
  // env.host), "organization.id" (= env.org), "log.file.path" (env.src without a "file:" prefix)
  // and "message" (the syslog MSG, else the whole line; without a trailing CR); then the syslog
  // fields (syslog.h) and the fields of the one built-in decoder chosen:
  //  - for a syslog line, by process.name: the decoder the registry (decoder_registry.h) routes
  //    that program to (`socctl decoders list` prints them: sshd, sudo, su, account tools, cron,
  //    login, auditd, the kernel's firewall lines, web servers); when that decoder does not
  //    recognise the MSG, or no decoder claims the program, by the MSG's line shape: the
  //    registry's shapes in table order (DecoderRegistry::decode_by_shape; `socctl decoders
  //    list` prints them): "pam_" PAM, "type=" / "node=" / "audit" auditd, '[' an Apache or nginx
  //    error line, a digit, ':' or a-f an access line or an nginx error line, '{' / "@cee:" JSON;
  //  - for a line without a syslog header (a file such as audit.log or access.log), by the same
  //    line-shape rule.
  // Then the user decoders (user_decoder.h) run on the MSG (else the whole line) and may add to
  // or overwrite those fields. "event.repeat_count" is set for rsyslog's "message repeated N
  // times: [ ... ]", whose inner message is decoded. event.time is the line's own timestamp (an
  // audit record's epoch, an access log's [time], an error log's date, a JSON @timestamp; else
  // the syslog header's), else the envelope's ts, else now. A timestamp without a zone (RFC 3164,
  // error logs) takes its year from the envelope's ts and its zone from the LogZone. A line's
  // time more than `future_tolerance` ahead of the read time is not believed: event.time is then
  // the read time, event.time_untrusted is set and so is the field "event.time_untrusted" =
  // "true" (rules can look for it). A time in the past is kept: a backlog read late is normal.
  // Never throws and never fails: an unknown line keeps the base fields.
  void decode(Event& event) const;

  // The user decoders' health counters (user_decoder.h); zero without user decoders.
  UserDecoders::Stats user_decoder_stats() const;

 private:
  // Sets event.time to `claimed` unless it is too far ahead of `read`.
  void set_time(Event& event, SysTime claimed, SysTime read) const;

  const DecoderRegistry* registry_;           // the built-in decoders; lives as long as the program
  std::shared_ptr<const UserDecoders> user_;  // shared: a Decoder stays cheap to copy
  LogZone zone_;
  std::chrono::seconds future_tolerance_ = kFutureTolerance;
};

}  // namespace soc
