#include "funnelsim/stats/text_format.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace funnelsim::analysis {
namespace {

/// Unicode's East Asian Width W and F ranges (UAX #11), merged into the blocks that hold them.
constexpr std::array<std::pair<char32_t, char32_t>, 18> WIDE = {{
    {0x1100, 0x115F},    // Hangul Jamo initials
    {0x231A, 0x231B},    // watch, hourglass
    {0x2329, 0x232A},    // angle brackets
    {0x23E9, 0x23EC},    // media buttons
    {0x2E80, 0x303E},    // CJK radicals, Kangxi, CJK symbols and punctuation (、。「」)
    {0x3041, 0x33FF},    // kana, bopomofo, Hangul compatibility, CJK compatibility
    {0x3400, 0x4DBF},    // CJK extension A
    {0x4E00, 0x9FFF},    // CJK unified ideographs
    {0xA000, 0xA4CF},    // Yi
    {0xA960, 0xA97F},    // Hangul Jamo extended A
    {0xAC00, 0xD7A3},    // Hangul syllables
    {0xF900, 0xFAFF},    // CJK compatibility ideographs
    {0xFE10, 0xFE19},    // vertical forms
    {0xFE30, 0xFE6F},    // CJK compatibility forms, small forms
    {0xFF00, 0xFF60},    // fullwidth forms (（）：，０-９Ａ-Ｚ)
    {0xFFE0, 0xFFE6},    // fullwidth signs (￥)
    {0x1F300, 0x1F64F},  // pictographs, emoticons
    {0x20000, 0x3FFFD},  // CJK extensions B and later
}};

bool wide(char32_t code) {
  return std::any_of(WIDE.begin(), WIDE.end(), [code](const auto& range) {
    return code >= range.first && code <= range.second;
  });
}

/// Combining marks that draw over the character before them.
bool zero_width(char32_t code) {
  return (code >= 0x0300 && code <= 0x036F) || (code >= 0x200B && code <= 0x200F) ||
         (code >= 0xFE00 && code <= 0xFE0F) || code < 0x20 || (code >= 0x7F && code < 0xA0);
}

}  // namespace

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const std::size_t length = byte < 0x80           ? 1
                               : (byte >> 5) == 0x6  ? 2
                               : (byte >> 4) == 0xE  ? 3
                               : (byte >> 3) == 0x1E ? 4
                                                     : 0;
    bool valid = length != 0 && i + length <= text.size();
    char32_t code = length == 1 ? byte : length == 2 ? byte & 0x1Fu : byte & (0x7Fu >> length);
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      valid = (next >> 6) == 2;
      code = (code << 6) | (next & 0x3Fu);
    }
    if (!valid) {
      ++width;  // an invalid byte: a replacement character, one column
      ++i;
      continue;
    }
    width += zero_width(code) ? 0 : wide(code) ? 2 : 1;
    i += length;
  }
  return width;
}

std::string pad_to_width(std::string_view text, std::size_t width) {
  const std::size_t used = display_width(text);
  return std::string(text) + std::string(used < width ? width - used : 0, ' ');
}

}  // namespace funnelsim::analysis
