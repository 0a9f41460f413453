#pragma once
// A Markdown handout as one printable, self-contained HTML page.

#include <string>

namespace funnelsim::cli {

/// Renders GitHub-flavoured Markdown (tables included) with cmark-gfm, in a page styled for
/// reading on screen and printing on A4.
std::string handout_html(const std::string& markdown);

}  // namespace funnelsim::cli
