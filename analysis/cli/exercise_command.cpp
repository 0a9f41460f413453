// 'funnelsim exercise': training cases for new sales managers, with answer keys and marking.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "funnelsim/exercise/exercise.hpp"
#include "funnelsim/scenarios/answers.hpp"
#include "handout_html.hpp"
#include "options.hpp"
#include "output_file.hpp"

namespace funnelsim::cli {
namespace {

namespace exercise = analysis::exercise;

const std::map<std::string, exercise::Difficulty> DIFFICULTIES = {
    {"easy", exercise::Difficulty::easy},
    {"normal", exercise::Difficulty::normal},
    {"hard", exercise::Difficulty::hard}};

struct HandoutArgs {
  std::string kind;
  std::uint64_t seed = 0;
  std::string difficulty = "normal";
  bool answers = false;
  std::string output = "-";
  bool force = false;
};

struct CheckArgs {
  std::string kind;
  std::uint64_t seed = 0;
  std::string difficulty = "normal";
  std::string answers;
};

exercise::CaseOptions case_options(std::uint64_t seed, const std::string& difficulty) {
  return {seed, DIFFICULTIES.at(difficulty)};
}

std::string handout(const HandoutArgs& args) {
  const exercise::CaseOptions options = case_options(args.seed, args.difficulty);
  if (args.kind == "diagnose")
    return exercise::render_handout(exercise::make_diagnose_case(options), args.answers);
  if (args.kind == "forecast")
    return exercise::render_handout(exercise::make_forecast_case(options), args.answers);
  return exercise::render_handout(exercise::make_gap_case(options), args.answers);
}

bool is_html(const std::string& path) {
  const auto dot = path.rfind('.');
  if (dot == std::string::npos)
    return false;
  const std::string extension = path.substr(dot);
  return extension == ".html" || extension == ".htm";
}

int write_handout(const HandoutArgs& args) {
  if (args.output != "-")
    check_output_target(args.output, args.force);
  const std::string markdown = handout(args);
  if (args.output == "-") {
    std::fwrite(markdown.data(), 1, markdown.size(), stdout);
    return SUCCESS;
  }
  write_atomically(args.output, is_html(args.output) ? handout_html(markdown) : markdown,
                   args.force);
  return SUCCESS;
}

template <class Case>
exercise::Marking mark_case(const Case& exercise_case, const std::string& answers_file) {
  const auto answers =
      scenarios::load_answers_file(answers_file, exercise::answer_spec(exercise_case));
  return exercise::mark(exercise_case, answers);
}

int check(const CheckArgs& args) {
  const exercise::CaseOptions options = case_options(args.seed, args.difficulty);
  exercise::Marking marking;
  if (args.kind == "diagnose") {
    marking = mark_case(exercise::make_diagnose_case(options), args.answers);
  } else if (args.kind == "forecast") {
    marking = mark_case(exercise::make_forecast_case(options), args.answers);
  } else {
    marking = mark_case(exercise::make_gap_case(options), args.answers);
  }
  std::printf("%s case %llu (%s): %d of %zu right\n\n", args.kind.c_str(),
              static_cast<unsigned long long>(args.seed), args.difficulty.c_str(),
              marking.correct(), marking.answers.size());
  for (const exercise::MarkedAnswer& answer : marking.answers) {
    std::printf("%s %s: %s", answer.correct ? "✓" : "✗", answer.key.c_str(), answer.given.c_str());
    if (!answer.correct)
      std::printf(" (key: %s)", answer.expected.c_str());
    std::printf("\n    %s\n", answer.explanation.c_str());
  }
  return SUCCESS;
}

constexpr const char* KINDS_HELP =
    "Kinds:\n"
    "  diagnose  a team after a quarter; name each rep's problem (too few prospects, low win\n"
    "            rate, low deal value, stalled opportunities, or healthy) from Yield, Balance\n"
    "            and Time-in-Step (playbook §5)\n"
    "  forecast  a branch's funnel at week W; forecast the quarter and the new opportunities\n"
    "            it needs (§4a, §4c); the key adds what the simulation says happened next\n"
    "  gap       one rep's P1-P4 gap ladder and weekly prospecting target (§4d)\n";

void add_case_options(CLI::App& command, std::uint64_t& seed, std::string& difficulty) {
  command.add_option("--seed", seed, "Case number: the same seed gives the same case")
      ->required()
      ->check(integer_in(0, MAX_SEED));
  command
      .add_option("--difficulty", difficulty,
                  "easy: strong signals, round numbers; hard: subtle signals, more reps, tight "
                  "tolerances")
      ->check(CLI::IsMember({"easy", "normal", "hard"}))
      ->default_str("normal");
}

Command add_handout_command(CLI::App& parent, const std::string& kind, const std::string& about) {
  auto args = std::make_shared<HandoutArgs>();
  args->kind = kind;
  CLI::App* command = parent.add_subcommand(kind, about);
  add_case_options(*command, args->seed, args->difficulty);
  command->add_flag("--answers", args->answers, "Append the answer key (for the trainer)");
  command
      ->add_option("-o,--output", args->output,
                   "Handout file: Markdown, or HTML when the name ends in .html; - for stdout")
      ->default_str("-");
  command->add_flag("--force", args->force, "Overwrite an existing output file");
  return {command, [args] { return write_handout(*args); }};
}

Command add_check_command(CLI::App& parent) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* command =
      parent.add_subcommand("check", "Mark a trainee's answers file and explain each miss");
  command->add_option("kind", args->kind, "diagnose, forecast or gap")
      ->required()
      ->check(CLI::IsMember({"diagnose", "forecast", "gap"}));
  add_case_options(*command, args->seed, args->difficulty);
  command
      ->add_option("answers", args->answers, "The trainee's answers (YAML, as the handout shows)")
      ->required()
      ->check(CLI::ExistingFile);
  return {command, [args] { return check(*args); }};
}

}  // namespace

Command add_exercise_command(CLI::App& app) {
  CLI::App* parent = app.add_subcommand(
      "exercise", "Training cases for new sales managers, with answer keys and marking");
  parent->require_subcommand(1);
  parent->footer(
      std::string(KINDS_HELP) +
      "\nExamples:\n"
      "  funnelsim exercise diagnose --seed 7 -o case7.md         # the trainee's handout\n"
      "  funnelsim exercise diagnose --seed 7 --answers -o key7.html\n"
      "  funnelsim exercise check diagnose --seed 7 answers.yaml  # mark the answers\n"
      "Give every trainee a different seed; the same seed and difficulty give a\n"
      "byte-identical handout.");
  const std::vector<Command> kinds = {
      add_handout_command(*parent, "diagnose", "A team after a quarter: name each rep's problem"),
      add_handout_command(*parent, "forecast",
                          "A branch at week W: forecast the quarter and the new opportunities"),
      add_handout_command(*parent, "gap", "One rep's P1-P4 gap ladder to fill in"),
      add_check_command(*parent),
  };
  return {parent, [kinds] {
            for (const Command& kind : kinds) {
              if (kind.parser->parsed())
                return kind.run();
            }
            return static_cast<int>(BAD_INPUT);
          }};
}

}  // namespace funnelsim::cli
