#pragma once
/// Loading a trainee's answers to an exercise (`funnelsim exercise check`): YAML -> the answers
/// as given, each with its location, after checking them against what the exercise asks.
///
/// A diagnose answers file names each rep's problem under `reps:`; a forecast or gap answers
/// file gives named numbers at the top level:
///
///     reps:                       forecast: 251.5
///       Chen: too-few-prospects   new_opportunities: 38
///       Li: healthy

#include <optional>
#include <string>
#include <vector>

namespace funnelsim::scenarios {

/// What an exercise's answers file may hold.
struct AnswerSpec {
  std::string section;               ///< the mapping the answers sit in ("reps"), or "" for top
  std::vector<std::string> keys;     ///< the answers the exercise asks for
  std::vector<std::string> choices;  ///< the values an answer may take; empty: a number
  std::string what;                  ///< how a key reads in messages: "rep", "answer"
};

/// One answer as given, valid for the spec (a known key; a choice, or a finite number).
struct Answer {
  std::string key;
  std::string text;  ///< as written
  std::optional<double> number;
  std::string location;  ///< "answers.yaml:3:5"
};

/// Reads the answers file at `path`. Throws InputError (file:line:col, key path, message) for
/// an unreadable file, bad YAML, an unknown key (suggesting the closest), a duplicate, or a
/// value that is not one of the choices or not a finite number. Unanswered keys (missing, or
/// left blank as in a handout's template) are allowed: the marking counts them as misses.
std::vector<Answer> load_answers_file(const std::string& path, const AnswerSpec& spec);

/// As load_answers_file, for text already in memory; `source_name` is the file errors name.
std::vector<Answer> load_answers_text(const std::string& text, const std::string& source_name,
                                      const AnswerSpec& spec);

/// An answer the file gives but that cannot be read: an unknown key, a duplicate, a value that
/// is not one of the choices, not a finite number, or not a single value.
struct UnreadableAnswer {
  std::string key;       ///< the key as written (an exercise's question, or not one)
  std::string text;      ///< the value as written: the scalar, or how YAML reads it ("a list")
  std::string location;  ///< "answers.yaml:3:5"
  std::string problem;   ///< why it cannot be read, as the strict loader's error says it
};

/// What can be read of an answers file: every readable answer, and the others apart.
struct ReadableAnswers {
  std::vector<Answer> answers;
  std::vector<UnreadableAnswer> unreadable;
};

/// As load_answers_file, but one bad answer does not cost the others (`exercise grade` marks a
/// whole class): each answer that load_answers_file would refuse goes to `unreadable` instead;
/// an answer given twice is unreadable, both times, since it is not clear which one counts.
/// Still throws InputError for what spoils the whole file: it cannot be read, is not YAML,
/// is not a mapping, or lacks the section the answers sit in.
ReadableAnswers load_readable_answers_file(const std::string& path, const AnswerSpec& spec);
ReadableAnswers load_readable_answers_text(const std::string& text, const std::string& source_name,
                                           const AnswerSpec& spec);

}  // namespace funnelsim::scenarios
