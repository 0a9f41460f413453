// Every table a handout prints has a header that names its columns: a trainee reading the page
// (or a screen reader reading the HTML) is never given an empty header row.
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "funnelsim/exercise/course_kinds.hpp"
#include "funnelsim/exercise/exercise.hpp"

namespace {

using namespace funnelsim::analysis::exercise;

/// The header rows of the Markdown tables in `page` (a row directly above a |---| rule) that
/// have an empty cell.
std::vector<std::string> empty_headers(const std::string& page) {
  std::vector<std::string> lines, found;
  std::istringstream in(page);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].rfind("|---", 0) != 0)
      continue;
    const std::string& header = lines[i - 1];
    std::size_t from = 1;
    for (std::size_t bar; (bar = header.find('|', from)) != std::string::npos; from = bar + 1) {
      if (header.find_first_not_of(' ', from) == bar)
        found.push_back(header);
    }
  }
  return found;
}

}  // namespace

TEST_CASE("Handout tables name their columns, in both languages", "[exercise]") {
  int tables = 0;
  for (const Language language : {Language::en, Language::zh}) {
    for (const Difficulty difficulty : {Difficulty::easy, Difficulty::normal, Difficulty::hard}) {
      for (std::uint64_t seed = 1; seed <= 5; ++seed) {
        CaseOptions options(seed, difficulty, language);
        options.outcome_samples = 20;
        const std::string pages[] = {render_handout(make_diagnose_case(options), true),
                                     render_handout(make_forecast_case(options), true),
                                     render_handout(make_gap_case(options), true),
                                     render_handout(make_receipts_case(options), true),
                                     render_handout(make_standard_funnel_case(options), true)};
        for (const std::string& page : pages) {
          CAPTURE(seed, page.substr(0, page.find('\n')));
          CHECK(empty_headers(page).empty());
          for (std::size_t at = 0; (at = page.find("\n|---", at)) != std::string::npos; ++at)
            ++tables;
        }
      }
    }
  }
  CHECK(tables > 150);  // the check read the tables: at least five pages' worth each
}
