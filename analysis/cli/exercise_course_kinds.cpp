#include "exercise_course_kinds.hpp"

#include "funnelsim/scenarios/answers.hpp"
#include "handout_html_language.hpp"
#include "handout_pdf.hpp"

namespace funnelsim::cli {
namespace {

namespace exercise = analysis::exercise;

bool ends_with(const std::string& text, const std::string& tail) {
  return text.size() >= tail.size() &&
         text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

bool is_course_kind(const std::string& kind) {
  return kind == "receipts" || kind == "standard-funnel";
}

std::string course_handout(const std::string& kind, const exercise::CaseOptions& options,
                           bool answers) {
  return kind == "receipts"
             ? exercise::render_handout(exercise::make_receipts_case(options), answers)
             : exercise::render_handout(exercise::make_standard_funnel_case(options), answers);
}

std::string course_json(const std::string& kind, const exercise::CaseOptions& options,
                        bool answers) {
  return kind == "receipts"
             ? exercise::case_json(exercise::make_receipts_case(options), answers)
             : exercise::case_json(exercise::make_standard_funnel_case(options), answers);
}

exercise::Marking course_check(const std::string& kind, const exercise::CaseOptions& options,
                               const std::string& answers_file) {
  if (kind == "receipts") {
    const exercise::ReceiptsCase receipts = exercise::make_receipts_case(options);
    return exercise::mark(
        receipts, scenarios::load_answers_file(answers_file, exercise::answer_spec(receipts)));
  }
  const exercise::StandardFunnelCase funnel = exercise::make_standard_funnel_case(options);
  return exercise::mark(funnel,
                        scenarios::load_answers_file(answers_file, exercise::answer_spec(funnel)));
}

std::string handout_file(const std::string& path, const std::string& markdown,
                         exercise::Language language) {
  if (ends_with(path, ".pdf"))
    return handout_pdf(handout_html(markdown, language));
  if (ends_with(path, ".html") || ends_with(path, ".htm"))
    return handout_html(markdown, language);
  return markdown;
}

}  // namespace funnelsim::cli
