#pragma once
// A Markdown handout as one printable, self-contained HTML page.

#include <string>

#include "funnelsim/exercise/exercise.hpp"

namespace funnelsim::cli {

/// Renders GitHub-flavoured Markdown (tables included) with cmark-gfm, in a page styled for
/// reading on screen and printing on A4. A Chinese handout is marked lang="zh-CN" and set in
/// Noto Sans CJK SC (Debian's fonts-noto-cjk, which scripts/setup installs).
std::string handout_html(const std::string& markdown, bool chinese = false);

/// The same, by the handout's language.
inline std::string handout_html(const std::string& markdown,
                                analysis::exercise::Language language) {
  return handout_html(markdown, language == analysis::exercise::Language::zh);
}

}  // namespace funnelsim::cli
