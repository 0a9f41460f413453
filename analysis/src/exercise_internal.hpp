#pragma once
// Helpers shared by the exercise sources.

#include <cstdio>
#include <string>

namespace funnelsim::analysis::exercise {

/// printf-style formatting into a std::string of any length.
template <class... Values>
std::string format_value(const char* pattern, Values... values) {
  const int length = std::snprintf(nullptr, 0, pattern, values...);
  std::string text(static_cast<std::size_t>(length > 0 ? length : 0), '\0');
  std::snprintf(text.data(), text.size() + 1, pattern, values...);
  return text;
}

}  // namespace funnelsim::analysis::exercise
