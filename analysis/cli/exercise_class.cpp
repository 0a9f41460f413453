// The exercise kinds behind one interface, and a whole class at once: `exercise class` writes a
// handout per trainee (each a different case, named by an opaque code) and the trainer's key;
// `exercise grade` marks a folder of answers files into a gradebook.
//
// A case's seed is a keyed hash (BLAKE2b, libsodium) of its code under the trainer's secret, so
// a trainee who has funnelsim and their handout still cannot print the key.
#include <sodium.h>
#include <sys/stat.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>
#include <yaml-cpp/yaml.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "exercise_cases.hpp"
#include "funnelsim/exercise/course_kinds.hpp"
#include "funnelsim/exercise/exercise.hpp"
#include "funnelsim/results/output_path.hpp"
#include "funnelsim/scenarios/answers.hpp"
#include "funnelsim/scenarios/error.hpp"
#include "funnelsim/scenarios/load.hpp"
#include "funnelsim/stats/csv.hpp"
#include "funnelsim/stats/json.hpp"
#include "funnelsim/stats/text_format.hpp"
#include "handout_html.hpp"
#include "handout_pdf.hpp"
#include "options.hpp"
#include "output_file.hpp"
#include "progress.hpp"

namespace funnelsim::cli {

namespace exercise = analysis::exercise;
using analysis::format_text;

namespace {

template <class Case>
ExerciseCase wrap(Case made) {
  auto shared = std::make_shared<const Case>(std::move(made));
  return {[shared](bool answers) { return exercise::render_handout(*shared, answers); },
          [shared](bool answers) { return exercise::case_json(*shared, answers); },
          [shared](const std::string& file) {
            return exercise::mark(
                *shared, scenarios::load_answers_file(file, exercise::answer_spec(*shared)));
          },
          [shared] { return exercise::mark(*shared, {}); },
          [shared](const std::string& file, std::vector<scenarios::UnreadableAnswer>& unreadable) {
            scenarios::ReadableAnswers read =
                scenarios::load_readable_answers_file(file, exercise::answer_spec(*shared));
            unreadable = std::move(read.unreadable);
            return exercise::mark(*shared, read.answers);
          }};
}

constexpr std::size_t MAX_TRAINEES = 1000;
constexpr std::size_t MAX_NAME_BYTES = 64;
constexpr std::uintmax_t MAX_INPUT_BYTES = 1 << 20;
/// How many headless Chromiums print a class's PDF handouts at once (fewer on fewer cores):
/// each is a browser of its own, with a few hundred MB and several processes.
constexpr int PDF_PRINTERS = 4;

}  // namespace

const char* const EXERCISE_KINDS_HELP =
    "Kinds:\n"
    "  diagnose  a team after a quarter; label each rep (too few prospects, low win rate, low\n"
    "            deal value, stalled, or healthy) from Yield, Balance and Time-in-Step by the\n"
    "            rules the handout prints (playbook §5)\n"
    "  forecast  a branch's funnel and the reps' calls at week W; forecast the quarter by the\n"
    "            funnel model (§4a) and by the calls (§4c), and the new opportunities needed\n"
    "  gap       one rep's P1-P4 gap ladder and weekly prospecting target (§4d)\n"
    "  receipts  a branch's large-project funnel by amount: each stage's expected revenue,\n"
    "            this quarter's software receipts and the gap to the large-project quota (§4b)\n"
    "  standard-funnel\n"
    "            from an annual quota: the quarter's small-project quota, wins a quarter and a\n"
    "            week, the standard count in each stage, new opportunities a week, reps (§2)\n";

const std::vector<ExerciseKind>& exercise_kind_table() {
  static const std::vector<ExerciseKind> kinds = {
      {"diagnose", "A team after a quarter: label each rep's funnel by the printed rules",
       [](const exercise::CaseOptions& options) {
         return wrap(exercise::make_diagnose_case(options));
       }},
      {"forecast", "A branch at week W: forecast the quarter two ways, and the new opportunities",
       [](const exercise::CaseOptions& options) {
         return wrap(exercise::make_forecast_case(options));
       }},
      {"gap", "One rep's P1-P4 gap ladder to fill in",
       [](const exercise::CaseOptions& options) { return wrap(exercise::make_gap_case(options)); }},
      {"receipts",
       "Large projects by amount: each stage's expected revenue, this quarter's software "
       "receipts and the gap",
       [](const exercise::CaseOptions& options) {
         return wrap(exercise::make_receipts_case(options));
       }},
      {"standard-funnel",
       "From an annual quota: the quarter's quota, wins, the standard funnel, new opportunities "
       "a week and the reps needed",
       [](const exercise::CaseOptions& options) {
         return wrap(exercise::make_standard_funnel_case(options));
       }},
  };
  return kinds;
}

std::vector<std::string> exercise_kinds() {
  std::vector<std::string> names;
  for (const ExerciseKind& kind : exercise_kind_table())
    names.emplace_back(kind.name);
  return names;
}

std::string exercise_kinds_text() {
  std::string text;
  for (const std::string& name : exercise_kinds())
    text += (text.empty() ? "" : ", ") + name;
  return text;
}

ExerciseCase make_exercise_case(const std::string& kind, const exercise::CaseOptions& options) {
  for (const ExerciseKind& entry : exercise_kind_table()) {
    if (kind == entry.name)
      return entry.make(options);
  }
  throw UsageError("unknown exercise kind '" + kind + "'; the kinds are " + exercise_kinds_text());
}

exercise::CaseOptions case_options(std::uint64_t seed, const std::string& difficulty,
                                   const std::string& language, const std::string& scenario) {
  exercise::CaseOptions options;
  if (!scenario.empty()) {
    options.scenario =
        std::make_shared<const sim::Model>(scenarios::load_scenario_file(scenario).model);
  }
  options.seed = seed;
  options.difficulty = difficulty == "easy"   ? exercise::Difficulty::easy
                       : difficulty == "hard" ? exercise::Difficulty::hard
                                              : exercise::Difficulty::normal;
  options.language = language == "zh" ? exercise::Language::zh : exercise::Language::en;
  return options;
}

namespace {

std::string extension_of(const std::string& path) {
  const std::string name = std::filesystem::path(path).filename().string();
  const auto dot = name.rfind('.');
  std::string extension = dot == std::string::npos ? "" : name.substr(dot);
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension;
}

}  // namespace

std::string render_handout_file(const std::string& markdown, const std::string& path,
                                bool chinese) {
  const std::string extension = extension_of(path);
  if (extension == ".html" || extension == ".htm")
    return handout_html(markdown, chinese);
  if (extension == ".pdf")
    return handout_pdf(handout_html(markdown, chinese));
  return markdown;
}

// --- the class's secret and codes -------------------------------------------------------------

namespace {

void need_sodium() {
  if (sodium_init() < 0)
    throw std::runtime_error("libsodium could not start");
}

/// A small file's bytes: a regular file, at most `limit` bytes.
std::string read_small_file(const std::string& path, std::uintmax_t limit, const char* what) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (error || !std::filesystem::is_regular_file(status))
    throw scenarios::InputError(path, 0, 0, "", std::string(what) + " must be a regular file");
  if (std::filesystem::file_size(path, error) > limit || error) {
    throw scenarios::InputError(path, 0, 0, "",
                                format_text("%s is larger than %ju bytes", what, limit));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw scenarios::InputError(path, 0, 0, "", std::string("cannot read the ") + what);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos)
    return "";
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

std::array<unsigned char, 32> keyed_hash(const std::array<unsigned char, 32>& key,
                                         const std::string& message) {
  std::array<unsigned char, 32> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(message.data()),
                     message.size(), key.data(), key.size());
  return out;
}

/// Crockford's base32: no I, L, O or U, so a code read aloud or retyped is not misread.
constexpr char BASE32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The opaque code of a trainee's case: 80 bits of a keyed hash, as XXXX-XXXX-XXXX-XXXX.
std::string case_code(const std::array<unsigned char, 32>& secret, const std::string& what) {
  const auto hash = keyed_hash(secret, "funnelsim class code\n" + what);
  std::string code;
  unsigned buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < 10; ++i) {
    buffer = (buffer << 8) | hash[i];
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      if (code.size() % 5 == 4)
        code += '-';
      code += BASE32[(buffer >> bits) & 31U];
    }
  }
  return code;
}

}  // namespace

std::array<unsigned char, 32> read_class_secret(const std::string& path) {
  need_sodium();
  const std::string secret = trimmed(read_small_file(path, 4096, "the secret file"));
  if (secret.size() < 16) {
    throw scenarios::InputError(path, 0, 0, "",
                                "the secret must be at least 16 characters (for example: head "
                                "-c 24 /dev/urandom | base64 > secret.txt)");
  }
  std::array<unsigned char, 32> key{};
  const std::string message = "funnelsim class secret\n" + secret;
  crypto_generichash(key.data(), key.size(), reinterpret_cast<const unsigned char*>(message.data()),
                     message.size(), nullptr, 0);
  return key;
}

std::uint64_t class_case_seed(const std::array<unsigned char, 32>& secret,
                              const std::string& code) {
  const auto hash = keyed_hash(secret, "funnelsim class seed\n" + code);
  std::uint64_t seed = 0;
  for (std::size_t i = 0; i < 8; ++i)
    seed = (seed << 8) | hash[i];
  return seed;
}

bool is_class_code(const std::string& code) {
  if (code.size() != 19)
    return false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (i % 5 == 4 ? code[i] != '-' : std::string_view(BASE32).find(code[i]) == std::string::npos)
      return false;
  }
  return true;
}

// --- exercise class ---------------------------------------------------------------------------

namespace {

/// Whether `text` is well-formed UTF-8 without control characters.
bool printable_utf8(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = byte < 0x80         ? 1
                         : (byte >> 5) == 6  ? 2
                         : (byte >> 4) == 14 ? 3
                         : (byte >> 3) == 30 ? 4
                                             : 0;
    if (length == 0 || i + length > text.size())
      return false;
    if (length == 1 && (byte < 0x20 || byte == 0x7f))
      return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 2)
        return false;
    }
    i += length;
  }
  return true;
}

struct Trainee {
  std::string name;
  std::string code;
  std::uint64_t seed = 0;
  std::string stem;  ///< "07-Wang Wei": the handout's and the answers file's name
};

/// The roster: one trainee a line; blank lines and lines starting with '#' are skipped.
std::vector<std::string> read_roster(const std::string& path) {
  const std::string text = read_small_file(path, MAX_INPUT_BYTES, "the roster");
  std::vector<std::string> names;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0)
      line.erase(0, 3);
    const std::string name = trimmed(line);
    if (name.empty() || name[0] == '#')
      continue;
    auto fail = [&](const std::string& message) {
      throw scenarios::InputError(path, number, 1, "", message);
    };
    if (!printable_utf8(name))
      fail("a trainee's name must be UTF-8 text without control characters");
    if (name.size() > MAX_NAME_BYTES)
      fail(format_text("a trainee's name may have at most %zu bytes", MAX_NAME_BYTES));
    if (std::find(names.begin(), names.end(), name) != names.end())
      fail("'" + name + "' is on the roster twice; names must be unique");
    if (names.size() == MAX_TRAINEES)
      fail(format_text("a class has at most %zu trainees", MAX_TRAINEES));
    names.push_back(name);
  }
  if (names.empty())
    throw scenarios::InputError(path, 0, 0, "", "the roster names no trainee");
  return names;
}

/// A file name from a trainee's name: characters that file systems or shells treat specially
/// become '_'; the number in front keeps names apart and in roster order.
std::string file_stem(std::size_t index, const std::string& name, std::size_t count) {
  std::string safe;
  for (const char c : name) {
    const bool special = std::string_view("/\\:*?\"<>| '`$&;").find(c) != std::string_view::npos;
    safe += special ? '_' : c;
  }
  const int width = count < 100 ? 2 : count < 1000 ? 3 : 4;
  return format_text("%0*zu-", width, index + 1) + safe;
}

std::string handout_extension(const std::string& format) {
  return format == "html" ? ".html" : format == "pdf" ? ".pdf" : ".md";
}

struct ClassArgs {
  std::string kind;
  std::string roster;
  std::string secret;
  std::string difficulty = "normal";
  std::string language = "en";
  std::string format = "md";
  std::string scenario;
  std::string output;
  bool force = false;
};

std::string yaml_text(const std::string& text) {
  return analysis::json_string(text);  // a JSON string is a YAML double-quoted scalar
}

// --- class.yaml: reading it back, and checking it ---------------------------------------------

struct ClassFile {
  std::string kind, difficulty, language;
  bool scenario = false;  ///< the class works the scenario.yaml beside it
  std::vector<Trainee> trainees;
  std::vector<std::string> answers_files;
  std::vector<std::string> handouts;  ///< the handouts' file names, as the class wrote them
  /// Where each trainee's name, code and seed are in the file, for the secret's check.
  struct Marks {
    YAML::Mark name, code, seed;
  };
  std::vector<Marks> marks;
};

/// The words case_code hashes into a trainee's code: the class's kind, difficulty, language
/// and the trainee's name.
std::string code_subject(const std::string& kind, const std::string& difficulty,
                         const std::string& language, const std::string& name) {
  return kind + "\n" + difficulty + "\n" + language + "\n" + name;
}

ClassFile read_class_file(const std::string& path) {
  const std::string text = read_small_file(path, MAX_INPUT_BYTES, "the class file");
  auto fail = [&](const YAML::Mark& mark, const std::string& key, const std::string& message) {
    throw scenarios::InputError(path, mark.line + 1, mark.column + 1, key, message);
  };
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    throw scenarios::InputError(path, error.mark.line + 1, error.mark.column + 1, "", error.msg);
  }
  if (!root.IsMap())
    fail(root.Mark(), "", "a class file is a mapping, as `exercise class` writes it");
  ClassFile file;
  auto text_of = [&](const YAML::Node& node, const std::string& key) {
    if (!node || !node.IsScalar())
      fail(node ? node.Mark() : root.Mark(), key, "missing, or not a text");
    return node.as<std::string>();
  };
  file.kind = text_of(root["kind"], "kind");
  const std::vector<std::string> kinds = exercise_kinds();
  if (std::find(kinds.begin(), kinds.end(), file.kind) == kinds.end())
    fail(root["kind"].Mark(), "kind", "not one of " + exercise_kinds_text());
  file.difficulty = text_of(root["difficulty"], "difficulty");
  if (file.difficulty != "easy" && file.difficulty != "normal" && file.difficulty != "hard")
    fail(root["difficulty"].Mark(), "difficulty", "must be easy, normal or hard");
  file.language = text_of(root["language"], "language");
  if (file.language != "en" && file.language != "zh")
    fail(root["language"].Mark(), "language", "must be en or zh");
  if (const YAML::Node scenario = root["scenario"]) {
    if (!scenario.IsScalar() || scenario.as<std::string>() != "scenario.yaml")
      fail(scenario.Mark(), "scenario", "must be scenario.yaml, the copy beside class.yaml");
    file.scenario = true;
  }
  const YAML::Node trainees = root["trainees"];
  if (!trainees || !trainees.IsSequence() || trainees.size() == 0 || trainees.size() > MAX_TRAINEES)
    fail(trainees ? trainees.Mark() : root.Mark(), "trainees",
         format_text("must be a list of 1 to %zu trainees", MAX_TRAINEES));
  for (std::size_t i = 0; i < trainees.size(); ++i) {
    const YAML::Node entry = trainees[i];
    const std::string where = format_text("trainees[%zu]", i);
    if (!entry.IsMap())
      fail(entry.Mark(), where, "must be a mapping");
    Trainee trainee;
    trainee.name = text_of(entry["name"], where + ".name");
    trainee.code = text_of(entry["code"], where + ".code");
    try {
      trainee.seed = entry["seed"].as<std::uint64_t>();
    } catch (const YAML::Exception&) {
      fail(entry["seed"] ? entry["seed"].Mark() : entry.Mark(), where + ".seed",
           "must be a whole number from 0 to 18446744073709551615");
    }
    if (!is_class_code(trainee.code)) {
      fail(entry["code"].Mark(), where + ".code",
           "'" + trainee.code +
               "' is not a case code: four groups of four of 0-9 and A-Z without I, L, O "
               "and U, joined by '-', as `exercise class` writes them");
    }
    const std::string answers = text_of(entry["answers"], where + ".answers");
    if (answers.empty() || answers.find('/') != std::string::npos || answers[0] == '.')
      fail(entry["answers"].Mark(), where + ".answers", "must be a plain file name");
    // Two entries with one name, code or answers file would mark one trainee's work twice.
    for (std::size_t j = 0; j < file.trainees.size(); ++j) {
      const std::string other = format_text("trainees[%zu]", j);
      if (file.trainees[j].name == trainee.name)
        fail(entry["name"].Mark(), where + ".name",
             "'" + trainee.name + "' is also " + other + "'s name; names must be unique");
      if (file.trainees[j].code == trainee.code)
        fail(entry["code"].Mark(), where + ".code",
             trainee.code + " is also " + other + "'s code; codes must be unique");
      if (file.answers_files[j] == answers)
        fail(entry["answers"].Mark(), where + ".answers",
             "'" + answers + "' is also " + other + "'s answers file");
    }
    file.trainees.push_back(trainee);
    file.answers_files.push_back(answers);
    const std::string handout = text_of(entry["handout"], where + ".handout");
    if (handout.empty() || handout.find('/') != std::string::npos || handout[0] == '.')
      fail(entry["handout"].Mark(), where + ".handout", "must be a plain file name");
    for (std::size_t j = 0; j < file.handouts.size(); ++j) {
      if (file.handouts[j] == handout)
        fail(entry["handout"].Mark(), where + ".handout",
             format_text("'%s' is also trainees[%zu]'s handout", handout.c_str(), j));
    }
    file.handouts.push_back(handout);
    file.marks.push_back({entry["name"].Mark(), entry["code"].Mark(), entry["seed"].Mark()});
  }
  return file;
}

/// The files the class in `file` wrote beside its class.yaml: roster.csv, its scenario.yaml,
/// its key and its handouts (plain file names: read_class_file refuses others).
std::vector<std::string> class_outputs(const ClassFile& file) {
  std::vector<std::string> names = {"roster.csv"};
  if (file.scenario)
    names.emplace_back("scenario.yaml");
  for (const std::string& handout : file.handouts) {
    const std::string extension = extension_of(handout);
    if (extension == ".md" || extension == ".html" || extension == ".pdf") {
      const std::string key = "key" + extension;
      if (std::find(names.begin(), names.end(), key) == names.end())
        names.push_back(key);
    }
    names.push_back(handout);
  }
  return names;
}

/// With the class's secret: every code is the one the secret gives the trainee's name (in the
/// class's kind, difficulty and language), and every seed the one the secret gives the code.
void check_class_secret(const ClassFile& file, const std::string& path,
                        const std::array<unsigned char, 32>& secret) {
  for (std::size_t i = 0; i < file.trainees.size(); ++i) {
    const Trainee& trainee = file.trainees[i];
    const ClassFile::Marks& marks = file.marks[i];
    const std::string where = format_text("trainees[%zu]", i);
    if (trainee.code !=
        case_code(secret, code_subject(file.kind, file.difficulty, file.language, trainee.name))) {
      throw scenarios::InputError(
          path, marks.code.line + 1, marks.code.column + 1, where + ".code",
          trainee.code + " is not the code this secret gives '" + trainee.name +
              "' in this class (another secret, or an edited name, code, kind, difficulty or "
              "language)");
    }
    if (trainee.seed != class_case_seed(secret, trainee.code)) {
      throw scenarios::InputError(path, marks.seed.line + 1, marks.seed.column + 1, where + ".seed",
                                  "is not the seed this secret gives code " + trainee.code +
                                      ": the seed was edited, or the secret is another");
    }
  }
}

/// With --force into a folder that holds a class: the files that class wrote (as its class.yaml
/// lists them) that the new class does not write, so that the folder does not mix two classes.
/// A class.yaml that cannot be read is refused: what the old class wrote is then unknown.
std::vector<std::string> stale_class_files(const std::filesystem::path& folder,
                                           const std::vector<std::string>& new_files) {
  const std::filesystem::path old_class = folder / "class.yaml";
  std::error_code error;
  if (!std::filesystem::is_regular_file(std::filesystem::symlink_status(old_class, error)))
    return {};
  std::vector<std::string> stale;
  try {
    for (const std::string& name : class_outputs(read_class_file(old_class.string()))) {
      if (std::find(new_files.begin(), new_files.end(), name) == new_files.end())
        stale.push_back(name);
    }
  } catch (const scenarios::InputError& bad) {
    throw scenarios::InputError(
        bad.file(), bad.line(), bad.column(), bad.key_path(),
        bad.message() +
            " (--force replaces the class in this folder and removes its old files, "
            "which this class.yaml must name; mend it, or write the new class to "
            "another folder)");
  }
  return stale;
}

/// Removes each of `names` in `folder` that is a regular file (not a link, not a folder) and
/// none of the command's inputs; anything else there is left alone.
void remove_stale_files(const std::filesystem::path& folder, const std::vector<std::string>& names,
                        const std::vector<analysis::FileIdentity>& inputs) {
  for (const std::string& name : names) {
    const std::filesystem::path path = folder / name;
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
      continue;
    const bool input = std::any_of(inputs.begin(), inputs.end(), [&](const auto& identity) {
      return identity.device == static_cast<std::uint64_t>(info.st_dev) &&
             identity.inode == static_cast<std::uint64_t>(info.st_ino);
    });
    std::error_code ignored;
    if (!input && std::filesystem::remove(path, ignored))
      std::fprintf(stderr, "funnelsim: removed %s, the old class's\n", path.c_str());
  }
}

int make_class(const ClassArgs& args) {
  const std::vector<std::string> names = read_roster(args.roster);
  const auto secret = read_class_secret(args.secret);
  std::vector<Trainee> trainees;
  for (std::size_t i = 0; i < names.size(); ++i) {
    Trainee trainee;
    trainee.name = names[i];
    trainee.code =
        case_code(secret, code_subject(args.kind, args.difficulty, args.language, names[i]));
    trainee.seed = class_case_seed(secret, trainee.code);
    trainee.stem = file_stem(i, names[i], names.size());
    trainees.push_back(trainee);
  }
  const std::string extension = handout_extension(args.format);
  std::vector<std::string> files = {"class.yaml", "roster.csv", "key" + extension};
  // The trainer's scenario travels with the class, so that grade regenerates the same cases.
  std::string scenario_yaml;
  if (!args.scenario.empty()) {
    scenario_yaml = scenarios::load_scenario_file(args.scenario).resolved_yaml;
    files.push_back("scenario.yaml");
  }
  for (const Trainee& trainee : trainees)
    files.push_back(trainee.stem + extension);
  const std::filesystem::path folder(args.output);
  std::vector<std::filesystem::path> input_paths = {args.roster, args.secret};
  if (!args.scenario.empty())
    input_paths.emplace_back(args.scenario);
  const std::vector<analysis::FileIdentity> inputs = analysis::identify_inputs(input_paths);
  analysis::check_output_directory(folder, args.force, files, inputs);
  const std::vector<std::string> stale =
      args.force ? stale_class_files(folder, files) : std::vector<std::string>{};

  // The cases, in parallel: each is a pure function of its options.
  const bool chinese = args.language == "zh";
  const exercise::CaseOptions base = case_options(0, args.difficulty, args.language, args.scenario);
  std::vector<std::string> handouts(trainees.size()), keys(trainees.size());
  tbb::parallel_for(std::size_t{0}, trainees.size(), [&](std::size_t i) {
    exercise::CaseOptions options = base;
    options.seed = trainees[i].seed;
    options.code = trainees[i].code;
    const ExerciseCase made = make_exercise_case(args.kind, options);
    handouts[i] = made.markdown(false);
    keys[i] = made.markdown(true);
  });
  std::string key_text;
  for (std::size_t i = 0; i < trainees.size(); ++i) {
    key_text += (i == 0 ? "" : "\n---\n\n") + std::string(chinese ? "# 学员：" : "# Trainee: ") +
                trainees[i].name + "\n\n" + keys[i];
  }
  std::string class_yaml = format_text(
      "# funnelsim exercise class: the trainer's file. It holds each case's seed, from which the "
      "key\n# can be regenerated: do not hand it to trainees. `funnelsim exercise grade` reads "
      "it.\nkind: %s\ndifficulty: %s\nlanguage: %s\n%strainees:\n",
      args.kind.c_str(), args.difficulty.c_str(), args.language.c_str(),
      args.scenario.empty() ? "" : "scenario: scenario.yaml\n");
  std::string roster_csv = "trainee,code,handout,answers_file\n";
  for (const Trainee& trainee : trainees) {
    class_yaml += format_text("  - {name: %s, code: %s, seed: %llu, handout: %s, answers: %s}\n",
                              yaml_text(trainee.name).c_str(), trainee.code.c_str(),
                              static_cast<unsigned long long>(trainee.seed),
                              yaml_text(trainee.stem + extension).c_str(),
                              yaml_text(trainee.stem + ".yaml").c_str());
    roster_csv += analysis::csv_text(trainee.name) + "," + trainee.code + "," +
                  analysis::csv_text(trainee.stem + extension) + "," +
                  analysis::csv_text(trainee.stem + ".yaml") + "\n";
  }

  // The pages, the key last. A PDF takes headless Chromium a few seconds: several run at once
  // (at most PDF_PRINTERS, each a browser of its own), with a bar on a terminal.
  std::vector<std::string> rendered(trainees.size() + 1);
  {
    ProgressBar bar(stderr_is_terminal(), "class", "handouts");
    std::mutex progress;
    std::size_t done = 0;
    tbb::task_arena arena(args.format == "pdf" ? PDF_PRINTERS : tbb::task_arena::automatic);
    arena.execute([&] {
      tbb::parallel_for(
          tbb::blocked_range<std::size_t>(0, rendered.size(), 1),
          [&](const tbb::blocked_range<std::size_t>& range) {
            for (std::size_t i = range.begin(); i != range.end(); ++i) {
              const bool key = i == trainees.size();
              const std::string name = key ? "key" + extension : trainees[i].stem + extension;
              rendered[i] = render_handout_file(key ? key_text : handouts[i], name, chinese);
              const std::lock_guard<std::mutex> lock(progress);
              bar.update(++done, rendered.size());
            }
          },
          tbb::simple_partitioner());
    });
    bar.finish();
  }

  const bool created = analysis::make_output_directory(folder, args.force);
  try {
    // Every file through the output writer; all are published once all are complete.
    std::vector<std::unique_ptr<analysis::OutputFile>> outputs;
    auto add = [&](const std::string& name, const std::string& content) {
      outputs.push_back(std::make_unique<analysis::OutputFile>(folder / name, args.force, inputs));
      outputs.back()->write(content);
    };
    add("class.yaml", class_yaml);
    add("roster.csv", roster_csv);
    if (!scenario_yaml.empty())
      add("scenario.yaml", scenario_yaml);
    add("key" + extension, rendered.back());
    for (std::size_t i = 0; i < trainees.size(); ++i)
      add(trainees[i].stem + extension, rendered[i]);
    for (const auto& output : outputs)
      output->commit();
  } catch (...) {
    if (created)
      std::filesystem::remove(folder);  // only while empty: remove() fails on a full folder
    throw;
  }
  // Only once the new class is complete: a failure above leaves the old class whole.
  remove_stale_files(folder, stale, inputs);
  std::printf(
      "%zu handouts (%s, %s, %s) in %s, the key in %s; hand each trainee only their "
      "own handout.\nAnswers files go in one folder, named as roster.csv says; then: "
      "funnelsim exercise grade %s ANSWERS_DIR -o gradebook.csv\n",
      trainees.size(), args.kind.c_str(), args.difficulty.c_str(), args.language.c_str(),
      args.output.c_str(), (folder / ("key" + extension)).c_str(), args.output.c_str());
  return SUCCESS;
}

// --- exercise grade ---------------------------------------------------------------------------

struct GradeArgs {
  std::string class_dir;
  std::string answers_dir;
  std::string secret;
  std::string output;
  bool force = false;
};

int grade(const GradeArgs& args) {
  const std::filesystem::path folder(args.class_dir);
  const std::string class_path = (folder / "class.yaml").string();
  check_output_target(args.output, args.force);
  const ClassFile file = read_class_file(class_path);
  if (!args.secret.empty())
    check_class_secret(file, class_path, read_class_secret(args.secret));
  if (!std::filesystem::is_directory(args.answers_dir))
    throw UsageError("the answers folder '" + args.answers_dir + "' is not a directory");

  const exercise::CaseOptions base =
      case_options(0, file.difficulty, file.language,
                   file.scenario ? (folder / "scenario.yaml").string() : std::string());
  struct Graded {
    exercise::Marking marking;
    std::vector<std::string> notes;  ///< per answer: why it could not be read, if it could not
    std::string problem;             ///< why the answers file could not be read, if it could not
    std::vector<scenarios::UnreadableAnswer> unreadable;
  };
  std::vector<Graded> graded(file.trainees.size());
  tbb::parallel_for(std::size_t{0}, file.trainees.size(), [&](std::size_t i) {
    exercise::CaseOptions options = base;
    options.seed = file.trainees[i].seed;
    options.code = file.trainees[i].code;
    const ExerciseCase made = make_exercise_case(file.kind, options);
    const std::filesystem::path answers =
        std::filesystem::path(args.answers_dir) / file.answers_files[i];
    Graded& out = graded[i];
    std::error_code error;
    if (!std::filesystem::exists(answers, error)) {
      out.problem = "no answers file " + answers.string();
      out.marking = made.unanswered();
    } else {
      try {
        out.marking = made.mark_readable(answers.string(), out.unreadable);
      } catch (const Error& bad) {
        out.problem = bad.what();
        out.marking = made.unanswered();
      }
    }
    out.notes.assign(out.marking.answers.size(), out.problem);
    // An answer that could not be read is a miss: the gradebook shows what was written, and why.
    for (const scenarios::UnreadableAnswer& bad : out.unreadable) {
      for (std::size_t k = 0; k < out.marking.answers.size(); ++k) {
        exercise::MarkedAnswer& answer = out.marking.answers[k];
        if (answer.key == bad.key) {
          answer.given = bad.text;
          answer.correct = false;
          out.notes[k] = "could not be read (" + bad.location + "): " + bad.problem;
        }
      }
    }
  });

  std::string csv = "trainee,code,question,given,expected,right,note\n";
  int class_right = 0, class_total = 0;
  for (std::size_t i = 0; i < graded.size(); ++i) {
    const Trainee& trainee = file.trainees[i];
    const Graded& marked = graded[i];
    for (std::size_t k = 0; k < marked.marking.answers.size(); ++k) {
      const exercise::MarkedAnswer& answer = marked.marking.answers[k];
      const std::string given = marked.problem.empty() ? answer.given : "(not read)";
      csv += analysis::csv_text(trainee.name) + "," + trainee.code + "," +
             analysis::csv_text(answer.key) + "," + analysis::csv_text(given) + "," +
             analysis::csv_text(answer.expected) + "," + (answer.correct ? "yes" : "no") + "," +
             analysis::csv_text(marked.notes[k]) + "\n";
    }
    for (const scenarios::UnreadableAnswer& bad : marked.unreadable) {
      std::fprintf(stderr, "funnelsim: warning: %s: %s: %s; marked wrong\n", bad.location.c_str(),
                   bad.key.c_str(), bad.problem.c_str());
    }
    const int right = marked.marking.correct();
    const auto total = static_cast<int>(marked.marking.answers.size());
    class_right += right;
    class_total += total;
    std::string problem = marked.problem;
    if (problem.empty() && !marked.unreadable.empty()) {
      problem = format_text("%zu answer%s could not be read, marked wrong (see the warnings)",
                            marked.unreadable.size(), marked.unreadable.size() == 1 ? "" : "s");
    }
    // Names padded by the columns a terminal draws, so that Chinese names line up.
    std::printf("%s %s  %d of %d right%s%s\n", analysis::pad_to_width(trainee.name, 24).c_str(),
                trainee.code.c_str(), right, total, problem.empty() ? "" : "  — ", problem.c_str());
  }
  write_atomically(args.output, csv, args.force, {class_path});
  std::printf("class: %d of %d answers right (%.0f%%); gradebook: %s\n", class_right, class_total,
              class_total == 0 ? 0.0 : 100.0 * class_right / class_total, args.output.c_str());
  return SUCCESS;
}

}  // namespace

Command add_class_command(CLI::App& parent) {
  auto args = std::make_shared<ClassArgs>();
  CLI::App* command = parent.add_subcommand(
      "class",
      "A whole class at once: a different case for every trainee on a roster, each handout "
      "named by an opaque code, and one key for the trainer");
  command->add_option("kind", args->kind, exercise_kinds_text())
      ->required()
      ->check(CLI::IsMember(exercise_kinds()));
  command->add_option("--roster", args->roster, "The trainees: one name a line (# comments)")
      ->required();
  command
      ->add_option("--secret", args->secret,
                   "A file only the trainer has, at least 16 characters: the cases' seeds "
                   "derive from it, so a handout's code cannot regenerate its key without it. "
                   "Keep it to re-create or re-mark the class")
      ->required();
  add_case_options(*command, args->difficulty, args->language, args->scenario);
  command->add_option("--format", args->format, "The handouts' format: md, html or pdf (A4)")
      ->check(CLI::IsMember({"md", "html", "pdf"}))
      ->default_str("md");
  command
      ->add_option("-o,--output", args->output,
                   "The class folder: handouts, key, roster.csv and class.yaml (the trainer's)")
      ->required();
  command->add_flag(
      "--force", args->force,
      "Replace a class in an existing folder: its files are rewritten, and the old class's "
      "files the new one does not write (handouts of trainees no longer on the roster, or in "
      "another format, its key, roster.csv and scenario.yaml, as its class.yaml names them) are "
      "removed, once the new class is complete; nothing else in the folder is touched");
  return {command, [args] { return make_class(*args); }};
}

Command add_grade_command(CLI::App& parent) {
  auto args = std::make_shared<GradeArgs>();
  CLI::App* command = parent.add_subcommand(
      "grade", "Mark a class: every trainee's answers file into one gradebook CSV");
  command->add_option("class", args->class_dir, "The folder `exercise class` wrote")->required();
  command
      ->add_option("answers", args->answers_dir,
                   "The folder of answers files, named as the class's roster.csv says")
      ->required();
  command
      ->add_option("-o,--output", args->output,
                   "The gradebook: trainee, code, question, given, expected, right")
      ->required();
  command->add_option("--secret", args->secret,
                      "The class's secret file: check that class.yaml's codes and seeds are the "
                      "ones it gives (a hand-edited class.yaml is refused)");
  command->add_flag("--force", args->force, "Overwrite an existing gradebook");
  return {command, [args] { return grade(*args); }};
}

}  // namespace funnelsim::cli
