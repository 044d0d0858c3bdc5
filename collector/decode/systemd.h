// Fields from systemd's (PID 1 and user managers') unit state messages.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes one MSG of systemd. "systemd.unit" is the unit when the line names it (always since
// systemd 249, which writes "UNIT - DESCRIPTION"), else "systemd.unit.description" the
// description:
//   Failed to start UNIT[ - DESCRIPTION].                  "unit_start_failed", failure
//   UNIT: Main process exited, code=C, status=S[/NAME]     "unit_process_exited"; failure unless
//                                                          status=0/SUCCESS; "process.exit_code"
//                                                          the number, "systemd.exit.code" C,
//                                                          "event.reason" S
//   UNIT: Failed with result 'R'.                          "unit_failed", reason R
//   Unit UNIT entered failed state. / UNIT: Unit entered failed state.   "unit_failed"
//   Stopped UNIT[ - DESCRIPTION]. / Stopping ...            "unit_stopped" / "unit_stopping"
//   Started UNIT[ - DESCRIPTION].                           "unit_started", success
// False and nothing set for anything else.
bool decode_systemd(std::string_view message, Fields& fields);

}  // namespace soc
