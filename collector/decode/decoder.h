// The decoding chain for one event: syslog header, then the decoder for the program that logged.
#pragma once

#include "collector/decode/event.h"

namespace soc {

class Decoder {
 public:
  Decoder();

  // Replaces event.fields with what the line yields and sets event.time. Always sets
  // "event.original" (= env.msg), "agent.id", "host.name" (the syslog header's host, else
  // env.host), "organization.id" (= env.org), "log.file.path" (env.src without a "file:" prefix)
  // and "message" (the syslog MSG, else the whole line; without a trailing CR); then the syslog
  // fields (syslog.h) and the program's fields (sshd.h, sudo.h). "event.repeat_count" is set for
  // rsyslog's "message repeated N times: [ ... ]", whose inner message is decoded. event.time is
  // the line's own timestamp, else the envelope's ts, else now. Never throws and never fails: an
  // unknown line keeps the base fields.
  void decode(Event& event) const;
};

}  // namespace soc
