// Pieces the mail decoders (postfix, dovecot, exim, sendmail, courier, cyrus, roundcube ...)
// share: finding the client's address in the ways mail servers write it, and the common fields.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "collector/decode/event.h"
#include "collector/decode/service_event.h"

namespace soc::mail {

// A client as mail servers name it: `HOST[IP]`, `HOST [IP]`, `[IP]`, with an optional `:PORT`
// after the bracket. `ip` has sendmail's "IPv6:" tag and a v4-mapped "::ffff:" prefix removed, so
// one client has one address whatever the server writes.
struct Peer {
  std::string_view host;  // may be empty ("unknown" is kept as written)
  std::string_view ip;
  std::string_view port;  // empty when none
  size_t end = 0;         // offset just past the peer (and its port) in the searched text
};

// The first `[ADDRESS]` in `s` at or after `from` that holds an address, with the host name
// before it and the port after it.
std::optional<Peer> find_bracketed_peer(std::string_view s, size_t from = 0);

// An address as written, without sendmail's "IPv6:" tag or a v4-mapped "::ffff:" prefix; empty
// when it is not an address.
std::string_view clean_ip(std::string_view s);

// Sets service.name, event.category, event.action and event.outcome: the network services' one.
using service::set_event;

// Sets source.ip (and source.port, and source.domain for a host name other than "unknown").
void set_peer(Fields& f, const Peer& peer);

// The value of `KEY` in a `KEY=VALUE` list ("user=<bob>, method=PLAIN, rip=1.2.3.4"): up to the
// next `,` / space (the delimiter given), without the angle brackets some servers put around it.
std::optional<std::string_view> item(std::string_view s, std::string_view key,
                                     std::string_view delimiters = ", ");

// The syslog program (process.name) a decoder was routed by, copied: setting fields may move it.
std::string program_of(const Fields& f);

}  // namespace soc::mail
