// libFuzzer target for the collector's decoding stage: any bytes as a soc.events message value,
// the same bytes as a raw log line, as the MSG of a syslog line from each program the chain
// dispatches on, and straight into every decoder. None may crash, hang or throw.
// Seeds (one line of each format, first byte = selector): tests/fuzz/corpus/decode/, e.g.
//   mkdir -p /tmp/corpus && cp tests/fuzz/corpus/decode/* /tmp/corpus &&
//   build/tests/fuzz/decode_fuzz -max_total_time=600 -max_len=4096 /tmp/corpus
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "collector/decode/access_log.h"
#include "collector/decode/account.h"
#include "collector/decode/apache_error.h"
#include "collector/decode/audit_assembler.h"
#include "collector/decode/auditd.h"
#include "collector/decode/cron.h"
#include "collector/decode/decoder.h"
#include "collector/decode/envelope_reader.h"
#include "collector/decode/firewall.h"
#include "collector/decode/json.h"
#include "collector/decode/login.h"
#include "collector/decode/nginx_error.h"
#include "collector/decode/pam.h"
#include "collector/decode/su.h"
#include "collector/decode/user_decoder.h"

namespace {

// User decoders with and without program / prefilter, so PCRE2 matching is fuzzed too.
soc::Decoder make_decoder() {
  auto user = soc::UserDecoders::parse(R"(
decoders:
  - name: fuzz-app
    program: app
    prefilter: "login"
    regex: 'login (?<result>ok|failed) for (?<user__name>\S+) from (?<source__ip>[0-9a-f.:]+)'
    fields: {result: app.result}
  - name: fuzz-any
    regex: '(?:^|\s)id=(?<app__id>\d+)(?:\s+(?<app__rest>.*))?$'
    set: {event.action: fuzz}
)",
                                       "fuzz.yml");
  if (!user.ok()) __builtin_trap();  // a broken built-in fixture is a bug in this file
  return soc::Decoder(std::move(user.value()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const soc::Decoder decoder = make_decoder();
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  auto parsed = soc::parse_envelope(bytes);
  if (parsed.ok()) {
    soc::Event event;
    event.env = std::move(parsed.value());
    decoder.decode(event);
  }

  // As a line: the first byte picks the envelope's read time (zone, year boundary, unusable).
  static constexpr std::string_view kTimes[] = {"2026-11-23T10:05:00.000+07:00",
                                                "2027-01-01T00:00:03Z",
                                                "2028-02-29T23:59:59.999-05:30", "not a time"};
  const uint8_t selector = size == 0 ? 0 : data[0];
  const std::string_view rest = bytes.substr(size == 0 ? 0 : 1);
  soc::Event event;
  event.env.agent = "fuzz";
  event.env.host = "fuzz.example";
  event.env.src = "file:/var/log/auth.log";
  event.env.ts = std::string(kTimes[selector % std::size(kTimes)]);
  event.env.msg = std::string(rest);
  decoder.decode(event);

  // As the MSG of each program the chain dispatches on (the selector's high bits pick it).
  static constexpr std::string_view kPrograms[] = {
      "sshd[1]", "sudo",  "su[2]",    "useradd[3]", "usermod[4]", "passwd",  "gpasswd", "audispd",
      "kernel",  "nginx", "httpd[5]", "app[6]",     "login[7]",   "CRON[8]", "crontab", "other"};
  event.env.msg = "Nov 23 10:00:01 h " +
                  std::string(kPrograms[(selector >> 2) % std::size(kPrograms)]) + ": " +
                  std::string(rest);
  decoder.decode(event);

  // Audit records joined into events: each line of the input as one record of a stream.
  {
    soc::AuditAssembler assembler(4);
    size_t start = 0;
    while (start <= rest.size()) {
      const size_t end = std::min(rest.find('\n', start), rest.size());
      soc::Event record;
      record.env.agent = "fuzz";
      record.env.ts = "2026-11-23T10:05:00.000+07:00";
      record.env.msg = std::string(rest.substr(start, end - start));
      decoder.decode(record);
      if (assembler.take(record)) assembler.ready().clear();
      start = end + 1;
    }
    assembler.flush();
  }

  // Straight into each decoder, whatever the dispatch would have chosen.
  const soc::ReadTime read{std::chrono::system_clock::time_point{}, 7 * 3600};
  std::optional<soc::SysTime> time;
  soc::Fields f;
  soc::decode_pam(rest, f);
  soc::decode_su(rest, f);
  soc::decode_cron(rest, f);
  soc::decode_login(rest, f);
  soc::decode_account(rest, f);
  soc::decode_auditd(rest, f, time);
  soc::decode_access_log(rest, f, time);
  soc::decode_apache_error(rest, read, f, time);
  soc::decode_nginx_error(rest, read, f, time);
  soc::decode_firewall(soc::strip_kernel_uptime(rest), f);
  soc::decode_json(rest, f, time);
  soc::percent_decode(rest, selector & 1);
  return 0;
}
