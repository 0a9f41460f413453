#pragma once
/// JSON literals: the one writer of JSON that every command, compare and the report use.

#include <cstdint>
#include <string>
#include <string_view>

namespace funnelsim::analysis {

/// A JSON string literal: quotes, backslashes and control characters escaped, and '<' too, so
/// that no string can close the <script> element a report's data sits in.
std::string json_string(std::string_view text);

/// A JSON number: the shortest text that reads back as the same double; null for NaN and
/// infinity, which JSON cannot express.
std::string json_number(double value);

/// A JSON integer, exact: counts and seeds beyond 2^53, which a double would round.
std::string json_integer(std::uint64_t value);

/// true or false.
std::string json_bool(bool value);

/// `value` rounded to `digits` significant digits (1 to 17), for numbers that are shown, not
/// read back: the report's chart data, which stay small so.
double significant(double value, int digits);

}  // namespace funnelsim::analysis
