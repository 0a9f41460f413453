#pragma once
/// The report of `funnelsim forecast`: the forecast models of playbook §4 applied to a snapshot,
/// shown with the arithmetic a manager writes on a whiteboard, or as JSON; and, when a scenario
/// was played, the simulation model's outlook. Amounts are in 万.

#include <optional>
#include <string>

#include "funnelsim/forecast/forecast.hpp"
#include "funnelsim/forecast/snapshot.hpp"
#include "funnelsim/forecast/snapshot_simulation.hpp"

namespace funnelsim::analysis {

/// The simulation model's outlook and the scenario file that was played, as the user named it.
struct ScenarioOutlook {
  std::string scenario;
  SimulationOutlook outlook;
};

/// The report as text for a terminal (80 columns): every model `report` holds, step by step,
/// the simulation model's percentiles when given, and the models the snapshot did not allow.
/// `source` names the snapshot file in the title.
std::string forecast_report_text(const std::string& source, const Snapshot& snapshot,
                                 const ForecastReport& report,
                                 const std::optional<ScenarioOutlook>& simulation);

/// The same report as one JSON object (ending in a newline): the snapshot's figures, each
/// model's results under its name, and `simulation` when given.
std::string forecast_report_json(const std::string& source, const Snapshot& snapshot,
                                 const ForecastReport& report,
                                 const std::optional<ScenarioOutlook>& simulation);

}  // namespace funnelsim::analysis
