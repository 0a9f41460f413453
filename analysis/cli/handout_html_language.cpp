#include "handout_html_language.hpp"

#include "handout_html.hpp"

namespace funnelsim::cli {
namespace {

// After handout_html's own style, so that these rules win. English handouts keep the system
// font and fall back to the CJK font for 万; Chinese ones use the CJK font throughout, whose
// Latin letters and digits match its Han characters.
constexpr const char* PRINT_STYLE_EN = R"(<style>
@page { size: A4; margin: 15mm }
body { font-family: system-ui, "Noto Sans CJK SC", "Noto Sans SC", sans-serif; }
</style>
)";
constexpr const char* PRINT_STYLE_ZH = R"(<style>
@page { size: A4; margin: 15mm }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif; }
</style>
)";

void replace_first(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at != std::string::npos)
    text.replace(at, from.size(), to);
}

}  // namespace

std::string handout_html(const std::string& markdown, analysis::exercise::Language language) {
  const bool chinese = language == analysis::exercise::Language::zh;
  std::string page = handout_html(markdown);
  if (chinese)
    replace_first(page, "<html lang=\"en\">", "<html lang=\"zh-CN\">");
  replace_first(page, "</head>",
                std::string(chinese ? PRINT_STYLE_ZH : PRINT_STYLE_EN) + "</head>");
  return page;
}

}  // namespace funnelsim::cli
