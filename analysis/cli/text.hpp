#pragma once
// Small text helpers shared by the commands' printing: printf into a string, JSON literals.

#include <cstdio>
#include <string>

namespace funnelsim::cli {

/// printf-style formatting into a std::string (at most 511 characters).
template <class... Values>
std::string format(const char* pattern, Values... values) {
  char text[512];
  std::snprintf(text, sizeof text, pattern, values...);
  return text;
}

/// A JSON string literal, quotes and control characters escaped.
std::string json_string(const std::string& text);

/// A JSON number with 10 significant digits, or null when not finite.
std::string json_number(double value);

}  // namespace funnelsim::cli
