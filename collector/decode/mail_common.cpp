#include "collector/decode/mail_common.h"

#include "collector/decode/text.h"

namespace soc::mail {

using std::string_view;
using text::npos;

string_view clean_ip(string_view s) {
  text::consume(s, "IPv6:");
  if (s.size() > 7 && (s.substr(0, 7) == "::ffff:" || s.substr(0, 7) == "::FFFF:") &&
      s.find('.') != npos) {
    s.remove_prefix(7);
  }
  return text::is_ip(s) ? s : string_view{};
}

std::optional<Peer> find_bracketed_peer(string_view s, size_t from) {
  for (size_t open = s.find('[', from); open != npos; open = s.find('[', open + 1)) {
    const size_t close = s.find(']', open + 1);
    if (close == npos) return std::nullopt;
    const string_view ip = clean_ip(s.substr(open + 1, close - open - 1));
    if (ip.empty()) continue;
    // "(HELO [1.2.3.4])" is what the client said its name was, "I=[IP]" is exim's own interface.
    if (open > 0 && s[open - 1] == '(') continue;
    if (open > 1 && s.substr(open - 2, 2) == "I=") continue;
    Peer p;
    p.ip = ip;
    // The host name: the token right before the bracket (with or without a space between).
    size_t host_end = open;
    if (host_end > 0 && s[host_end - 1] == ' ') --host_end;
    size_t host_start = s.rfind(' ', host_end == 0 ? 0 : host_end - 1);
    host_start = host_start == npos ? 0 : host_start + 1;
    if (host_end > host_start && s[host_end - 1] != ')' && s[host_end - 1] != ':' &&
        s[host_end - 1] != ',') {
      p.host = s.substr(host_start, host_end - host_start);
    }
    p.end = close + 1;
    if (p.end < s.size() && s[p.end] == ':') {
      size_t digits = p.end + 1;
      while (digits < s.size() && text::is_digit(s[digits])) ++digits;
      const string_view port = s.substr(p.end + 1, digits - p.end - 1);
      if (text::is_port(port)) {
        p.port = port;
        p.end = digits;
      }
    }
    return p;
  }
  return std::nullopt;
}

void set_peer(Fields& f, const Peer& peer) {
  f.set("source.ip", peer.ip);
  if (!peer.port.empty()) f.set("source.port", peer.port);
  if (!peer.host.empty() && peer.host != "unknown" && !text::is_ip(peer.host)) {
    f.set("source.domain", peer.host);
  }
}

std::optional<string_view> item(string_view s, string_view key, string_view delimiters) {
  for (size_t at = s.find(key); at != npos; at = s.find(key, at + 1)) {
    const bool starts_item = at == 0 || s[at - 1] == ' ' || s[at - 1] == ',';
    if (!starts_item || at + key.size() >= s.size() || s[at + key.size()] != '=') continue;
    string_view value = s.substr(at + key.size() + 1);
    if (!value.empty() && value.front() == '<') {
      const size_t close = value.find('>');
      if (close == npos) return std::nullopt;
      return value.substr(1, close - 1);
    }
    return value.substr(0, value.find_first_of(delimiters));
  }
  return std::nullopt;
}

std::string program_of(const Fields& f) {
  const auto program = f.get("process.name");
  return program ? std::string(*program) : std::string();
}

}  // namespace soc::mail
