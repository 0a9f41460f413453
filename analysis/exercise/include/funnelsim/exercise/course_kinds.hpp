#pragma once
/// The class kit's arithmetic exercises (issue #20): the course's own worked calculations with
/// fresh numbers, so that a trainer can hand each new sales manager a case of their own.
///
/// - `receipts`: the objective funnel model for large projects, by amount (playbook §4b).
/// - `standard-funnel`: the balanced funnel a branch must keep, derived from its quota
///   (playbook §2).
///
/// As for the other kinds, a case is a pure function of (seed, difficulty, scenario). Every
/// given is rounded to what the handout prints when the case is made, and the key is computed
/// from those printed numbers only, so that a trainee who follows the handout's method reaches
/// the key exactly.

#include <string>
#include <vector>

#include "funnelsim/exercise/exercise.hpp"
#include "funnelsim/scenarios/answers.hpp"

namespace funnelsim::analysis::exercise {

// --- receipts (playbook §4b) --------------------------------------------------------------

/// One stage of the large-project funnel as the handout prints it.
struct ReceiptsStage {
  std::string name;  ///< the playbook's "potential" ... "negotiation", or a scenario's own name
  std::string answer_key;        ///< "revenue_negotiation": the stage's key in an answers file
  double win_probability = 0.0;  ///< cumulative (playbook §1)
  double amount = 0.0;           ///< 万 open in the stage today, as printed
};

/// The answer key, computed from the printed givens.
struct ReceiptsKey {
  std::vector<double> expected_revenue;  ///< 万 per stage: amount × win probability
  double large_quota = 0.0;              ///< 万: branch quarterly quota × large-project share
  /// 万: negotiation's expected revenue × paid-within-year share × this quarter's share.
  double negotiation_receipts = 0.0;
  /// 万: (negotiation_receipts + won_receipts) × software share.
  double software_receipts = 0.0;
  /// 万: large_quota − software_receipts − realized; negative when the forecast beats it.
  double amount_gap = 0.0;
};

/// A branch's large-project funnel mid-quarter: forecast its software receipts (§4b).
struct ReceiptsCase {
  CaseOptions options;
  /// In funnel order; the last is the negotiation stage whose deals can pay this quarter.
  std::vector<ReceiptsStage> stages;
  bool playbook_stages = true;     ///< false: the stages are the trainer's scenario's
  double branch_quota = 0.0;       ///< 万, the branch's quarterly quota (all projects)
  double won_receipts = 0.0;       ///< 万 still to be received this quarter from deals already won
  double realized = 0.0;           ///< 万 software receipts already received this quarter
  double large_share = 0.25;       ///< the large projects' share of the branch quota
  double paid_within_year = 0.70;  ///< share of a contract's value paid within the year
  double quarter_share = 0.50;     ///< share of the year's receipts that fall in this quarter
  double software_share = 0.75;    ///< software : implementation = 3 : 1
  int decimals = 0;                ///< decimals of the printed amounts
  double tolerance = 0.02;         ///< relative tolerance for marking
  double floor = 0.5;              ///< 万: the absolute tolerance for small values
  ReceiptsKey key;
};

ReceiptsCase make_receipts_case(const CaseOptions& options);
/// Recomputes the key from a case's givens: the one formula of §4b that the case, the handout's
/// working and the marking share.
ReceiptsKey receipts_key(const ReceiptsCase& exercise);

// --- standard funnel (playbook §2) --------------------------------------------------------

struct StandardFunnelGiven {
  std::string name;
  std::string answer_key;        ///< "count_intent"
  double win_probability = 0.0;  ///< cumulative, as printed (to 0.1 percentage point)
};

/// The answer key. Rounding (printed on the handout): the quarter's quota to whole 万 and the
/// quarter's wins to whole deals, half up, as the course does ("≈ 240 万 → 120 wins"); every
/// later figure is kept unrounded; reps are rounded up.
struct StandardFunnelKey {
  long quarter_quota = 0;  ///< 万: annual × VAT × small-project share × quarter's share
  long wins_quarter = 0;   ///< quarter_quota ÷ average deal
  double wins_week = 0.0;  ///< wins_quarter ÷ selling weeks
  std::vector<double> standard_count;  ///< per stage: wins_week × weeks per stage ÷ p(stage)
  double new_week = 0.0;               ///< wins_week ÷ p(first stage)
  long reps = 0;                       ///< ⌈new_week ÷ prospects per rep a week⌉
};

/// A branch's quota: derive the small-project funnel it must keep at all times (§2).
struct StandardFunnelCase {
  CaseOptions options;
  bool playbook_stages = true;  ///< false: stages, deal and prospecting from the scenario
  long annual_quota = 0;        ///< 万, software direct sales, without VAT
  double vat = 1.17;            ///< the VAT multiplier that makes the quota tax-inclusive
  int small_share_percent = 70;
  int quarter_share_percent = 28;
  double average_deal = 2.0;     ///< 万 a small deal, 2 decimals
  double weeks_per_stage = 1.0;  ///< 1 decimal
  int selling_weeks = 12;        ///< the course's selling weeks in a quarter
  std::vector<StandardFunnelGiven> stages;
  double prospects_per_rep = 5.0;  ///< new prospects a rep finds a week, 1 decimal
  double tolerance = 0.01;         ///< relative tolerance for marking
  double whole_floor = 0.5;        ///< absolute tolerance for the quota (万) and the wins
  double fraction_floor = 0.05;    ///< absolute tolerance for wins a week and the counts
  StandardFunnelKey key;
};

StandardFunnelCase make_standard_funnel_case(const CaseOptions& options);
StandardFunnelKey standard_funnel_key(const StandardFunnelCase& exercise);

// --- handouts, JSON, marking --------------------------------------------------------------

/// The Markdown handout in `options.language`; with `answers`, followed by the worked key.
std::string render_handout(const ReceiptsCase& exercise, bool answers);
std::string render_handout(const StandardFunnelCase& exercise, bool answers);

/// {"kind", "seed", "difficulty", "language", "givens": every printed number as printed,
/// "key": the answers (only with `answers`)}.
std::string case_json(const ReceiptsCase& exercise, bool answers);
std::string case_json(const StandardFunnelCase& exercise, bool answers);

scenarios::AnswerSpec answer_spec(const ReceiptsCase& exercise);
scenarios::AnswerSpec answer_spec(const StandardFunnelCase& exercise);

Marking mark(const ReceiptsCase& exercise, const std::vector<GivenAnswer>& answers);
Marking mark(const StandardFunnelCase& exercise, const std::vector<GivenAnswer>& answers);

}  // namespace funnelsim::analysis::exercise
