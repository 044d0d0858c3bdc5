// Terminal output helpers shared by socctl commands.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"

namespace soc::ctl {

// Makes text from logs safe to print on an analyst's terminal: control characters (C0, DEL, C1),
// bidirectional overrides and bytes that are not valid UTF-8 become visible escapes (\xNN, \u....)
// instead of moving the cursor, recolouring the screen or reordering what is shown.
std::string printable(std::string_view text);

// Columns a string takes on a terminal, counted as UTF-8 code points (good enough for the Latin
// and Vietnamese text we show; no wide CJK handling).
size_t display_width(std::string_view text);

// Local time to the second, e.g. "2026-11-23 19:47:00".
std::string format_local_seconds(SysTime t);

// A left-aligned text table: a header row, then rows; columns two spaces apart, the last column
// unpadded. Cells are passed through printable().
class Table {
 public:
  explicit Table(std::vector<std::string> headers);
  void add_row(std::vector<std::string> cells);
  void print(std::FILE* out) const;

 private:
  std::vector<std::vector<std::string>> rows_;  // rows_[0] is the header
};

}  // namespace soc::ctl
