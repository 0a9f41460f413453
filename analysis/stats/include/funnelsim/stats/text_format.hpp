#pragma once
// printf into a std::string, for the analysis sources that write text (reports, comparisons,
// exercise handouts), and the width of text on a terminal, for tables that line up.

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

namespace funnelsim::analysis {

/// printf-style formatting into a std::string of any length.
template <class... Values>
std::string format_text(const char* pattern, Values... values) {
  const int length = std::snprintf(nullptr, 0, pattern, values...);
  std::string text(static_cast<std::size_t>(length > 0 ? length : 0), '\0');
  std::snprintf(text.data(), text.size() + 1, pattern, values...);
  return text;
}

/// The columns UTF-8 `text` takes on a terminal: 2 for an East Asian wide or fullwidth
/// character (CJK ideographs, kana, Hangul, fullwidth forms such as （ and ：, wide emoji), 0 for
/// a combining mark or a control character, 1 for anything else. printf's %-24s counts bytes,
/// three for each of 王, which a terminal draws two columns wide. An invalid byte counts 1.
std::size_t display_width(std::string_view text);

/// `text` followed by spaces up to `width` display columns (as it is when already wider).
std::string pad_to_width(std::string_view text, std::size_t width);

}  // namespace funnelsim::analysis
