#pragma once
// The Vega, Vega-Lite and vega-embed builds of third_party/vega, embedded at build time by
// cmake/EmbedFiles.cmake (the definitions are generated into the build tree).

#include <string_view>

namespace funnelsim::analysis::vega {

std::string_view vega_min_js();
std::string_view vega_lite_min_js();
std::string_view vega_embed_min_js();

}  // namespace funnelsim::analysis::vega
