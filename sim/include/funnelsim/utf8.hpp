#pragma once
/// UTF-8 validation shared by everything that reads untrusted text: scenario files and the
/// names stored in results files.

#include <cstddef>
#include <string_view>

namespace funnelsim {

/// The length of the UTF-8 sequence at `offset` of `text`, or 0 when it is not valid UTF-8
/// (overlong forms, surrogates and code points above U+10FFFF included).
std::size_t utf8_sequence_length(std::string_view text, std::size_t offset);

}  // namespace funnelsim
