#pragma once
// A handout page printed to PDF.

#include <string>

namespace funnelsim::cli {

/// Prints a self-contained HTML page to an A4 PDF with headless Chromium (Debian's chromium,
/// which scripts/setup installs) in a private temporary folder, and returns the PDF's bytes.
/// Throws a runtime error naming what is missing when Chromium is not installed or fails.
std::string handout_pdf(const std::string& html);

}  // namespace funnelsim::cli
