// Terminal output helpers shared by socctl commands.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/printable.h"

namespace soc::ctl {

// Text from logs goes through printable() (common/printable.h) before it reaches the terminal.
using soc::printable;

// Columns a string takes on a terminal, counted as UTF-8 code points (good enough for the Latin
// and Vietnamese text we show; no wide CJK handling).
size_t display_width(std::string_view text);

// printable() line by line: a message of several lines (a loader's errors) keeps its line breaks.
std::string printable_lines(std::string_view text);

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
