#include "handout_html.hpp"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "funnelsim/stats/html.hpp"

namespace funnelsim::cli {
namespace {

constexpr const char* STYLE = R"(<style>
body { font: 15px/1.5 system-ui, "Noto Sans CJK SC", "Noto Sans SC", sans-serif; max-width: 60em;
       margin: 2em auto; padding: 0 1em; color: #222; }
:lang(zh) body, body:lang(zh) { font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif; }
h1 { font-size: 1.6em; border-bottom: 2px solid #4c78a8; padding-bottom: .2em; }
h2 { font-size: 1.2em; margin-top: 1.6em; color: #4c78a8; }
table { border-collapse: collapse; margin: .6em 0; }
th, td { border: 1px solid #ccc; padding: .25em .6em; vertical-align: top; }
th { background: #eef3f8; text-align: left; }
td { font-variant-numeric: tabular-nums; }
pre { background: #f6f6f6; padding: .6em; }
@page { size: A4; margin: 15mm; }
@media print { body { margin: 0; max-width: none; font-size: 12px; } h2 { break-after: avoid; }
               table { break-inside: avoid; } }
</style>)";

/// The first heading's text, for the page title.
std::string title_of(const std::string& markdown) {
  if (markdown.rfind("# ", 0) != 0)
    return "funnelsim exercise";
  std::string title = markdown.substr(2, markdown.find('\n') - 2);
  return analysis::html_text(title);
}

}  // namespace

std::string handout_html(const std::string& markdown, bool chinese) {
  cmark_gfm_core_extensions_ensure_registered();
  const std::unique_ptr<cmark_parser, decltype(&cmark_parser_free)> parser(
      cmark_parser_new(CMARK_OPT_DEFAULT), &cmark_parser_free);
  if (cmark_syntax_extension* table = cmark_find_syntax_extension("table"))
    cmark_parser_attach_syntax_extension(parser.get(), table);
  cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
  const std::unique_ptr<cmark_node, decltype(&cmark_node_free)> document(
      cmark_parser_finish(parser.get()), &cmark_node_free);
  char* body = cmark_render_html(document.get(), CMARK_OPT_DEFAULT,
                                 cmark_parser_get_syntax_extensions(parser.get()));
  if (body == nullptr)
    throw std::runtime_error("cannot render the handout as HTML");
  std::string page = std::string("<!DOCTYPE html>\n<html lang=\"") + (chinese ? "zh-CN" : "en") +
                     "\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + title_of(markdown) +
                     "</title>\n" + STYLE + "\n</head>\n<body>\n" + body + "</body>\n</html>\n";
  std::free(body);
  return page;
}

}  // namespace funnelsim::cli
