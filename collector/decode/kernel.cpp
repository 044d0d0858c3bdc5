#include "collector/decode/kernel.h"

#include <optional>

#include "collector/decode/auditd.h"
#include "collector/decode/decoder_registry.h"
#include "collector/decode/firewall.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
using text::npos;

void set_process(string_view name, string_view pid, Fields& f) {
  if (!name.empty()) f.set("kernel.process.name", name);
  if (text::all_digits(pid)) f.set("kernel.process.pid", pid);
}

// `NAME[PID]` ending at `end` (exclusive). NAME is the task's comm: up to 15 bytes, may hold
// spaces, so it is read back from the '['.
bool name_pid(string_view s, string_view& name, string_view& pid) {
  if (s.empty() || s.back() != ']') return false;
  const size_t open = s.rfind('[');
  if (open == npos || open == 0) return false;
  name = s.substr(0, open);
  pid = s.substr(open + 1, s.size() - open - 2);
  return text::all_digits(pid) && name.size() <= 64;
}

// "NAME[PID]: segfault at 0 ip 00007f.. sp 00007ffd.. error 4 in libc.so.6[7f..+195000]" and
// "traps: NAME[PID] general protection fault ip:.. sp:.. error:0 in LIB[..]".
bool crash(string_view m, Fields& f) {
  string_view name, pid;
  if (const size_t at = m.find(": segfault at "); at != npos) {
    if (!name_pid(m.substr(0, at), name, pid)) return false;
    f.set("event.reason", "segfault");
    const size_t in = m.find(" in ", at);
    if (in != npos) {
      const string_view lib = m.substr(in + 4, m.find('[', in + 4) - in - 4);
      if (!lib.empty() && lib.find(' ') == npos) f.set("kernel.crash.library", lib);
    }
  } else if (consume(m, "traps: ")) {
    const size_t close = m.find("] ");
    if (close == npos || !name_pid(m.substr(0, close + 1), name, pid)) return false;
    string_view what = m.substr(close + 2);
    what = what.substr(0, what.find(" ip:"));
    f.set("event.reason", text::trim(what));
  } else {
    return false;
  }
  set_process(name, pid, f);
  f.set("event.action", "process_crash");
  f.set("event.category", "host");
  return true;
}

// "... Killed process 812 (sshd) total-vm:..." / "... Kill process 812 (sshd) score 900 or
// sacrifice child", with any prefix ("Out of memory: ", "Memory cgroup out of memory: ").
bool oom(string_view m, Fields& f) {
  if (consume(m, "oom-kill:")) {
    string_view name, pid;
    for (string_view rest = m; !rest.empty();) {
      const size_t comma = rest.find(',');
      const string_view item = rest.substr(0, comma);
      rest = comma == npos ? string_view() : rest.substr(comma + 1);
      if (item.substr(0, 5) == "task=") name = item.substr(5);
      if (item.substr(0, 4) == "pid=") pid = item.substr(4);
    }
    if (name.empty()) return false;
    set_process(name, pid, f);
  } else {
    size_t at = m.find("Killed process ");
    size_t skip = 15;
    if (at == npos) {
      at = m.find("Kill process ");
      skip = 13;
    }
    if (at == npos ||
        (at != 0 && m.find("out of memory") == npos && m.find("Out of memory") == npos)) {
      return false;
    }
    string_view rest = m.substr(at + skip);
    const string_view pid = text::next_token(rest);
    if (!text::all_digits(pid) || rest.size() < 3 || rest.front() != '(') return false;
    const size_t close = rest.find(')');
    if (close == npos) return false;
    set_process(rest.substr(1, close - 1), pid, f);
    if (m.substr(0, 13) == "Memory cgroup") f.set("event.reason", "memory cgroup limit");
  }
  f.set("event.action", "oom_kill");
  f.set("event.category", "host");
  return true;
}

// `usb BUS-PORT: ...` and the storage driver's lines.
bool usb(string_view m, Fields& f) {
  if (consume(m, "usb-storage ")) {
    const size_t colon = m.find(": ");
    if (colon == npos || m.substr(colon + 2) != "USB Mass Storage device detected") return false;
    f.set("device.id", m.substr(0, colon));
    f.set("event.action", "usb_storage_attached");
    f.set("event.category", "host");
    return true;
  }
  if (m.substr(0, 5) == "scsi ") {
    const size_t at = m.find(": usb-storage ");
    if (at == npos) return false;
    f.set("device.id", text::trim(m.substr(at + 14)));
    f.set("event.action", "usb_storage_attached");
    f.set("event.category", "host");
    return true;
  }
  if (!consume(m, "usb ")) return false;
  const size_t colon = m.find(": ");
  if (colon == npos || colon > 20) return false;
  const string_view port = m.substr(0, colon);
  string_view rest = m.substr(colon + 2);
  if (consume(rest, "New USB device found, ")) {
    // "idVendor=0781, idProduct=5567, bcdDevice= 1.00"
    for (const auto& [key, field] :
         {std::pair<string_view, string_view>{"idVendor=", "usb.vendor_id"},
          {"idProduct=", "usb.product_id"}}) {
      const size_t at = rest.find(key);
      if (at == npos) continue;
      const string_view v = rest.substr(at + key.size(), 4);
      if (v.size() == 4 && text::is_hex_string(v)) f.set(field, v);
    }
    f.set("event.action", "usb_device_attached");
  } else if (consume(rest, "USB disconnect, ")) {
    f.set("event.action", "usb_device_detached");
  } else {
    return false;
  }
  f.set("device.id", port);
  f.set("event.category", "host");
  return true;
}

bool mac_state(string_view m, Fields& f) {
  if (m == "AppArmor: AppArmor disabled by boot time parameter") {
    f.set("event.action", "apparmor_disabled");
    f.set("event.reason", "boot parameter");
  } else if (consume(m, "SELinux:") && (m = text::trim(m)).substr(0, 12) == "Disabled at ") {
    string_view when = m.substr(12);
    if (!when.empty() && when.back() == '.') when.remove_suffix(1);
    if (when != "runtime" && when != "boot") return false;
    f.set("event.action", "selinux_disabled");
    f.set("event.reason", when);
  } else {
    return false;
  }
  f.set("event.category", "host");
  return true;
}

}  // namespace

bool decode_kernel(string_view message, Fields& f) {
  const string_view m = text::trim(message);
  if (m.empty()) return false;
  return crash(m, f) || oom(m, f) || usb(m, f) || mac_state(m, f);
}

// Its entry in the decoder registry (decoder_registry.h). The kernel's program name carries
// netfilter packet logs (the firewall decoder), audit records (AppArmor and SELinux included:
// the auditd decoder) and the kernel's own events (this file).
namespace {

constexpr std::string_view kKernelPrograms[] = {"kernel"};
constexpr std::string_view kKernelFormats[] = {
    "netfilter LOG (ufw, iptables, nftables, firewalld)", "kernel audit: type=... lines",
    "kernel messages: segfaults, OOM kills, USB devices, AppArmor / SELinux state"};

bool decode_kernel_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                           std::optional<SysTime>& time) {
  const std::string_view m = strip_kernel_uptime(msg);
  return decode_firewall(m, fields) || decode_auditd(m, fields, time) || decode_kernel(m, fields);
}

}  // namespace

extern constinit const DecoderSpec kKernelDecoder{
    .name = "kernel",
    .description =
        "Kernel messages: packet logs, audit records, crashes, OOM kills, USB, MAC state",
    .programs = kKernelPrograms,
    .formats = kKernelFormats,
    .decode = decode_kernel_program,
};

}  // namespace soc
