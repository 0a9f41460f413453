#pragma once
// printf into a std::string, for the analysis sources that write text (reports, comparisons,
// exercise handouts).

#include <cstdio>
#include <string>

namespace funnelsim::analysis {

/// printf-style formatting into a std::string of any length.
template <class... Values>
std::string format_text(const char* pattern, Values... values) {
  const int length = std::snprintf(nullptr, 0, pattern, values...);
  std::string text(static_cast<std::size_t>(length > 0 ? length : 0), '\0');
  std::snprintf(text.data(), text.size() + 1, pattern, values...);
  return text;
}

}  // namespace funnelsim::analysis
