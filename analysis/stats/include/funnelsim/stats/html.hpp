#pragma once
// Text placed in an HTML page: the one escape that every HTML writer uses (the report, the
// calibration and diagnosis pages, the handouts' titles).

#include <string>
#include <string_view>

namespace funnelsim::analysis {

/// `text` with <, >, & and " written as entities: safe inside an element or a quoted
/// attribute.
std::string html_text(std::string_view text);

}  // namespace funnelsim::analysis
