#pragma once
/// Each rep's quarter read from a CRM history the way the playbook does (§5) — Yield, Balance,
/// Time-in-Step, deal value — against a standard funnel (a scenario's, or one calibrated from
/// the team's own history), with the diagnose exercise's rules and wording (diagnose_rep).

#include <optional>
#include <string>
#include <vector>

#include "funnelsim/crm/history.hpp"
#include "funnelsim/exercise/exercise.hpp"

namespace funnelsim::sim {
struct Model;
}

namespace funnelsim::analysis::crm {

struct DiagnoseRequest {
  double quarter_start = 0.0;  ///< days since 1970-01-01
  double quarter_end = 0.0;
  std::string segment;                   ///< empty: the history's only segment
  std::string world;                     ///< empty: the history's only world
  const sim::Model* scenario = nullptr;  ///< the standard; none: calibrated from the history
};

struct RepDiagnosis {
  exercise::RepFigures figures;
  exercise::Diagnosis diagnosis;
};

struct DiagnoseReport {
  std::string segment;
  std::string standard_source;  ///< the scenario, or "the history's own calibration"
  double quarter_start = 0.0;
  double quarter_end = 0.0;
  exercise::RepStandard standard;
  std::vector<RepDiagnosis> reps;
};

/// The quarter `text` names: `YYYY-Qn` (a calendar quarter), a date (13 weeks from it), or a
/// number (funnelsim's measured quarter, 0-based, when the history has its day 0). Throws a
/// usage Error otherwise.
std::pair<double, double> parse_quarter(const std::string& text, const History& history);

DiagnoseReport diagnose_history(const History& history, const DiagnoseRequest& request);

std::string diagnose_text(const DiagnoseReport& report);
std::string diagnose_html(const DiagnoseReport& report);
std::string diagnose_json(const DiagnoseReport& report);

}  // namespace funnelsim::analysis::crm
