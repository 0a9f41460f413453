#pragma once
// A handout's HTML page in the handout's language, ready to print on A4.

#include <string>

#include "funnelsim/exercise/exercise.hpp"

namespace funnelsim::cli {

/// handout_html(markdown), with the page's language (`lang="zh-CN"` for a Chinese handout, so
/// that the browser shapes Han characters the Simplified way), a font stack that names Noto Sans
/// CJK SC (Debian's fonts-noto-cjk: every 万 and every Chinese handout's character has a glyph,
/// never a missing-glyph box), and A4 paper with 15 mm margins for printing and PDF.
std::string handout_html(const std::string& markdown, analysis::exercise::Language language);

}  // namespace funnelsim::cli
