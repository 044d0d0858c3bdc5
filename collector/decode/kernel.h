// Fields from the kernel's own messages (kern.log, dmesg, the journal's "kernel" identifier)
// that matter to security: crashes, OOM kills, USB devices and the state of the MAC modules.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes one kernel MSG (syslog header and "[ uptime]" stamp already removed). The process the
// message is about goes to "kernel.process.name" / "kernel.process.pid" ("process.name" stays
// "kernel", the program that logged it):
//   NAME[PID]: segfault at ADDR ip IP sp SP error N in LIB[...]   "process_crash", reason segfault
//   traps: NAME[PID] general protection fault ip:... / trap ...   "process_crash", reason the trap
//   Out of memory: Killed process PID (NAME) ... / Kill process   "oom_kill"
//   Memory cgroup out of memory: Killed process PID (NAME) ...    "oom_kill"
//   oom-kill:constraint=...,task=NAME,pid=PID,uid=N               "oom_kill"
//   usb 1-1: New USB device found, idVendor=V, idProduct=P, ...   "usb_device_attached"
//   usb-storage 1-1:1.0: USB Mass Storage device detected         "usb_storage_attached"
//   scsi host6: usb-storage 1-1:1.0                               "usb_storage_attached"
//   usb 1-1: USB disconnect, device number N                      "usb_device_detached"
//   AppArmor: AppArmor disabled by boot time parameter             "apparmor_disabled"
//   SELinux:  Disabled at runtime. / Disabled at boot.             "selinux_disabled"
// (packet logs and promiscuous mode are the firewall decoder's; audit records, AppArmor and
// SELinux AVC denials included, the auditd decoder's). False and nothing set for anything else.
bool decode_kernel(std::string_view message, Fields& fields);

}  // namespace soc
