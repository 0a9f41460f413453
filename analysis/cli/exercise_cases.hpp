#pragma once
// The exercise kinds behind one interface, for the commands that make, render and mark cases
// one at a time (exercise_command.cpp) or for a whole class (exercise_class.cpp).

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "funnelsim/exercise/exercise.hpp"
#include "funnelsim/scenarios/answers.hpp"

namespace funnelsim::cli {

/// One generated case of any kind: its handout, its JSON and the marking of an answers file.
struct ExerciseCase {
  std::function<std::string(bool answers)> markdown;
  std::function<std::string(bool answers)> json;
  /// Reads the answers file (an InputError naming file, line and key when it is bad) and marks.
  std::function<analysis::exercise::Marking(const std::string& answers_file)> mark;
  /// The marking of no answers at all: every question a miss.
  std::function<analysis::exercise::Marking()> unanswered;
  /// As mark, but an answer that cannot be read is left out of the marking (a miss) and
  /// returned apart (`exercise grade`); an InputError only when the whole file is unreadable.
  std::function<analysis::exercise::Marking(const std::string& answers_file,
                                            std::vector<scenarios::UnreadableAnswer>& unreadable)>
      mark_readable;
};

struct ExerciseKind {
  const char* name;
  const char* about;
  std::function<ExerciseCase(const analysis::exercise::CaseOptions&)> make;
};

const std::vector<ExerciseKind>& exercise_kind_table();
std::vector<std::string> exercise_kinds();
/// "diagnose, forecast, gap, ..." for help texts.
std::string exercise_kinds_text();
extern const char* const EXERCISE_KINDS_HELP;

/// A case of `kind` (one of exercise_kinds()).
ExerciseCase make_exercise_case(const std::string& kind,
                                const analysis::exercise::CaseOptions& options);

/// A case's options; `scenario`, when not empty, is the trainer's scenario file whose funnel
/// the case works (validated as `funnelsim validate` does; an InputError when it is bad).
analysis::exercise::CaseOptions case_options(std::uint64_t seed, const std::string& difficulty,
                                             const std::string& language,
                                             const std::string& scenario = "");

/// The handout as the output file's name asks: Markdown, or HTML (.html, .htm), or an A4 PDF
/// (.pdf, printed by headless Chromium).
std::string render_handout_file(const std::string& markdown, const std::string& path, bool chinese);

/// A class's secret: the file's bytes (a regular file of 16 to 4096 bytes, surrounding blanks
/// ignored), hashed into a 32-byte key. UsageError/InputError when it is unfit.
std::array<unsigned char, 32> read_class_secret(const std::string& path);
/// The seed behind a case code, which only the secret can give.
std::uint64_t class_case_seed(const std::array<unsigned char, 32>& secret, const std::string& code);
/// Whether `code` has a class code's shape: four groups of four of Crockford's base32 digits
/// (0-9 and A-Z without I, L, O and U), joined by '-'.
bool is_class_code(const std::string& code);

/// --difficulty, --lang and --scenario, as every exercise command takes them.
void add_case_options(CLI::App& command, std::string& difficulty, std::string& language,
                      std::string& scenario);

Command add_class_command(CLI::App& parent);
Command add_grade_command(CLI::App& parent);

}  // namespace funnelsim::cli
