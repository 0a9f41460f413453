#pragma once
// The class kit's exercise kinds (receipts, standard-funnel) and handout files by extension,
// for `funnelsim exercise` to dispatch to.

#include <string>

#include "funnelsim/exercise/course_kinds.hpp"

namespace funnelsim::cli {

/// "receipts" (playbook §4b) or "standard-funnel" (§2).
bool is_course_kind(const std::string& kind);

/// A course kind's Markdown handout, with the key when `answers`.
std::string course_handout(const std::string& kind, const analysis::exercise::CaseOptions& options,
                           bool answers);

/// A course kind's case as JSON (analysis::exercise::case_json).
std::string course_json(const std::string& kind, const analysis::exercise::CaseOptions& options,
                        bool answers);

/// Marks the answers file at `answers_file` (InputError with file:line:column for a bad one).
analysis::exercise::Marking course_check(const std::string& kind,
                                         const analysis::exercise::CaseOptions& options,
                                         const std::string& answers_file);

/// What a handout file named `path` holds: an A4 PDF for .pdf (headless Chromium), the HTML
/// page in the handout's language for .html or .htm, the Markdown itself otherwise.
std::string handout_file(const std::string& path, const std::string& markdown,
                         analysis::exercise::Language language);

}  // namespace funnelsim::cli
