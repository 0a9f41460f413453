#pragma once
// The report's CJK subset font and the code points it covers (analysis/report/fonts), embedded
// at build time by cmake/EmbedFiles.cmake (the definitions are generated into the build tree).

#include <string_view>

namespace funnelsim::analysis::fonts {

/// The WOFF2 file.
std::string_view funnelsim_cjk_subset_woff2();
/// One hexadecimal code point a line, such as "4E07".
std::string_view funnelsim_cjk_subset_codepoints();

}  // namespace funnelsim::analysis::fonts
