#pragma once
// A handout's HTML page printed to an A4 PDF with headless Chromium.

#include <chrono>
#include <string>

namespace funnelsim::cli {

/// Prints the self-contained HTML page `html` to PDF with headless Chromium (the page's own
/// `@page` rule sets the paper: handout_html(markdown, language) asks for A4) and returns the
/// PDF's bytes. Chromium runs in a private temporary directory (its page, its profile, its
/// output), removed before this returns. Throws funnelsim::Error (runtime) when Chromium is not
/// installed (naming the package to install), when it fails, when it runs past `timeout` (its
/// whole process group is killed), or when what it wrote is not a PDF.
std::string handout_pdf(const std::string& html,
                        std::chrono::seconds timeout = std::chrono::seconds(60));

/// The Chromium that handout_pdf runs: the first of chromium, chromium-browser, google-chrome
/// on PATH; empty when there is none.
std::string find_chromium();

}  // namespace funnelsim::cli
