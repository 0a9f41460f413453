#pragma once
/// Training exercises for new sales managers (playbook §4–5): cases generated from the
/// simulation, reproducible by seed, rendered as Markdown handouts with answer keys, and the
/// marking of a trainee's answers.
///
/// A case is a pure function of (kind, seed, difficulty). Every number a handout prints is
/// rounded when the case is made, so the handout shows exactly the case's figures and the
/// diagnosis rules below read the same numbers a trainee reads.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "funnelsim/forecast/forecast.hpp"
#include "funnelsim/scenarios/answers.hpp"
#include "funnelsim/sim/model.hpp"

namespace funnelsim::analysis::exercise {

enum class Difficulty { easy, normal, hard };
std::string_view to_string(Difficulty difficulty);

/// The language a handout and its key are written in: English, or the course's own Simplified
/// Chinese (its terms from shared/domain/glossary-zh.md).
enum class Language { en, zh };
std::string_view to_string(Language language);

struct CaseOptions {
  CaseOptions() = default;
  CaseOptions(std::uint64_t seed_, Difficulty difficulty_, Language language_ = Language::en)
      : seed(seed_), difficulty(difficulty_), language(language_) {}

  std::uint64_t seed = 1;
  Difficulty difficulty = Difficulty::normal;
  Language language = Language::en;
  /// A trainer's own scenario (`--scenario`): the case reads its funnel (stages, win
  /// probabilities, days, deal sizes, prospecting) instead of the playbook's small-project
  /// funnel. Null for the playbook's.
  std::shared_ptr<const sim::Model> scenario;
  /// A class's opaque case code (`exercise class`): printed instead of the seed, which a
  /// trainee must not learn, since the seed regenerates the key.
  std::string code;
  /// How many times a forecast case plays the rest of its quarter forward for the key's
  /// "what happened next" range (its own random stream: the number never changes the key).
  std::size_t outcome_samples = 2000;
};

/// How close a number must be to the key to be marked right: within `relative` of the key or
/// within `floor` (in the answer's unit), whichever is wider. Printed on every handout.
struct Tolerance {
  double relative = 0.01;
  double floor = 0.1;
};

// --- diagnose -----------------------------------------------------------------------------

/// What can be wrong with a rep's funnel (playbook §5), or nothing.
enum class Weakness { healthy, too_few_prospects, low_win_rate, low_deal_value, stalled };
inline constexpr Weakness ALL_WEAKNESSES[] = {Weakness::healthy, Weakness::too_few_prospects,
                                              Weakness::low_win_rate, Weakness::low_deal_value,
                                              Weakness::stalled};
/// "too-few-prospects", as trainees write it in their answers.
std::string_view to_string(Weakness weakness);
std::optional<Weakness> weakness_from_string(std::string_view text);

/// The standard a small-project rep is read against (playbook §1–2).
struct RepStandard {
  std::vector<std::string> stages;      ///< intent, solution, negotiation
  std::vector<double> win_probability;  ///< cumulative: 0.20, 0.35, 0.70
  double new_per_week = 5.0;            ///< new opportunities a week
  double days_per_stage = 7.0;          ///< about a week in each stage (the first stage's)
  std::vector<double> stage_days;       ///< each stage's standard days; empty: days_per_stage
  double average_deal = 2.0;            ///< 万
  std::vector<double> standard_count;   ///< open opportunities per stage: K × weeks ÷ p
  std::vector<double> conversion;       ///< stage-to-stage: p(i) ÷ p(i+1), and p(last)
  double win_rate = 0.2;                ///< share of resolved opportunities won
  double quota = 26.0;                  ///< 万 per rep for the quarter
  bool playbook = true;  ///< the playbook's small-project funnel (stage names it translates)
  std::string scenario;  ///< the trainer's scenario's name, when the case reads one
  /// The standard days in stage `i`.
  double days_in(std::size_t i) const {
    return i < stage_days.size() ? stage_days[i] : days_per_stage;
  }
};

/// One rep's quarter as the handout prints it (already rounded as printed).
struct RepFigures {
  std::string name;
  double new_per_week = 0.0;         ///< opportunities entering the funnel a week, 1 decimal
  int wins = 0;                      ///< won this quarter
  double bookings = 0.0;             ///< 万 won this quarter, 1 decimal
  std::vector<int> open_count;       ///< open at the quarter's end, per stage
  std::vector<double> conversion;    ///< % of the stage's exits that moved on (or won), 0 dec.
  double win_rate = 0.0;             ///< % of opportunities resolved this quarter that won
  std::vector<double> days_in_step;  ///< mean days in the stage of this quarter's exits
  double average_won_deal = 0.0;     ///< 万, 2 decimals; 0 without wins
  double average_opportunity = 0.0;  ///< 万 per opportunity opened this quarter, 2 decimals
};

/// One row of the diagnosis rules the handout prints. A rep's label is the first rule, in
/// this order, that its printed figure meets; a rep that meets none is healthy.
enum class Comparison { below, above };
struct DiagnosisRule {
  Weakness label = Weakness::healthy;
  std::string figure;  ///< the printed figure it reads: "days_in_step.solution", "new_per_week"
  Comparison comparison = Comparison::below;
  double ratio = 1.0;      ///< the threshold as a share of the standard
  double standard = 0.0;   ///< the standard's value of the figure
  double threshold = 0.0;  ///< ratio × standard, rounded to two decimals as printed
};
std::vector<DiagnosisRule> diagnosis_rules(const RepStandard& standard);

/// A rep's figures by name, exactly as the handout prints them (the names `rules` use).
std::vector<std::pair<std::string, double>> printed_figures(const RepFigures& rep,
                                                            const RepStandard& standard);

struct DiagnoseCase {
  CaseOptions options;
  RepStandard standard;
  std::vector<RepFigures> reps;
  /// What the case's simulation gave each rep: the generator's intent, which the handout may
  /// not show (a weak rep can have a good quarter). Not the key.
  std::vector<Weakness> planted;
  std::vector<Weakness> key;  ///< per rep: the rules applied to the printed figures
};

DiagnoseCase make_diagnose_case(const CaseOptions& options);

/// The project's own reading of a rep's figures (playbook §5), in the order a manager looks:
/// time-in-step, then the top of the funnel, then the amounts, then the losses between stages.
struct Diagnosis {
  Weakness weakness = Weakness::healthy;
  std::string evidence;  ///< the numbers that show it, against the standard
  std::string question;  ///< the coaching question the playbook would ask
};
Diagnosis diagnose_rep(const RepFigures& rep, const RepStandard& standard);

// --- forecast -----------------------------------------------------------------------------

/// A branch's small-project funnel at the end of week W of a quarter, and what came next.
struct ForecastCase {
  CaseOptions options;
  RepStandard standard;  ///< the funnel the branch works (the playbook's, or the trainer's)
  int reps = 0;
  double standard_prospects = 5.0;  ///< new opportunities a rep finds a week
  int week = 0;                     ///< weeks elapsed in the quarter
  Snapshot snapshot;                ///< as the handout prints it
  ForecastReport formulas;          ///< the course's models on the snapshot
  double actual = 0.0;              ///< 万 the quarter actually booked in the simulation
  /// The simulation model's distribution of the quarter's bookings from this funnel.
  double simulated_mean = 0.0, simulated_p10 = 0.0, simulated_p50 = 0.0, simulated_p90 = 0.0;
  std::size_t simulated_samples = 0;
  /// The key, from the printed numbers: the funnel model (§4a), the reps' calls (§4c) at the
  /// printed α, β, γ, and the new opportunities the funnel model's gap needs.
  double funnel_forecast = 0.0, calls_forecast = 0.0, new_opportunities = 0.0;
  Tolerance amount_tolerance{0.005, 0.5};  ///< the two forecasts, 万
  Tolerance count_tolerance{0.02, 1.0};    ///< new opportunities
};
ForecastCase make_forecast_case(const CaseOptions& options);

// --- gap ----------------------------------------------------------------------------------

/// One rep at the end of week W: the P1–P4 gap ladder to fill in (playbook §4d).
struct GapCase {
  CaseOptions options;
  RepStandard standard;
  std::string rep;
  int week = 0;
  Snapshot snapshot;                      ///< quota, realized, calls, weeks remaining, P1–P4
  GapLadder ladder;                       ///< the key
  double actual = 0.0;                    ///< 万 the rep actually booked by the quarter's end
  Tolerance amount_tolerance{0.01, 0.1};  ///< Gap0-Gap2, 万
  // The floors absorb a trainee's rounding to one decimal at every step, carried on: Gap1 and
  // Gap2 by 0.05 each, Gap3 by (0.1 ÷ P3 = 0.5) + 0.05, NA by 0.55 ÷ P4 + 0.05, the weekly
  // target by NA's ÷ the weeks left (at least 2) + 0.05.
  Tolerance pipeline_tolerance{0.01, 0.6};    ///< Gap3, 万
  Tolerance customers_tolerance{0.01, 0.35};  ///< NA
  Tolerance weekly_tolerance{0.01, 0.25};     ///< the weekly target
};
GapCase make_gap_case(const CaseOptions& options);

// --- handouts -----------------------------------------------------------------------------

/// The Markdown handout in the case's language; with `answers`, followed by the answer key.
std::string render_handout(const DiagnoseCase& exercise, bool answers);
std::string render_handout(const ForecastCase& exercise, bool answers);
std::string render_handout(const GapCase& exercise, bool answers);

/// The case as JSON: `givens`, every number the handout prints, as printed, and the rules and
/// tolerances it states; with `answers`, `key` too.
std::string case_json(const DiagnoseCase& exercise, bool answers);
std::string case_json(const ForecastCase& exercise, bool answers);
std::string case_json(const GapCase& exercise, bool answers);

// --- marking ------------------------------------------------------------------------------

/// One answer the trainee gave, as the answers file's loader read it.
using GivenAnswer = scenarios::Answer;

struct MarkedAnswer {
  std::string key;
  std::string given;
  std::string expected;
  bool correct = false;
  std::string explanation;  ///< why it is right, or what the trainee missed
};
struct Marking {
  std::vector<MarkedAnswer> answers;
  int correct() const;
  bool all_correct() const { return correct() == static_cast<int>(answers.size()); }
};

/// What a kind's answers file may hold: rep names with a weakness each for diagnose, named
/// numbers for forecast and gap.
scenarios::AnswerSpec answer_spec(const DiagnoseCase& exercise);
scenarios::AnswerSpec answer_spec(const ForecastCase& exercise);
scenarios::AnswerSpec answer_spec(const GapCase& exercise);

Marking mark(const DiagnoseCase& exercise, const std::vector<GivenAnswer>& answers);
Marking mark(const ForecastCase& exercise, const std::vector<GivenAnswer>& answers);
Marking mark(const GapCase& exercise, const std::vector<GivenAnswer>& answers);

}  // namespace funnelsim::analysis::exercise
