#pragma once
// One reader per part of a scenario; each validates its part and fills the model's structs.

#include <cstddef>
#include <optional>
#include <vector>

#include "funnelsim/sim/model.hpp"
#include "names.hpp"
#include "yaml_reader.hpp"

namespace funnelsim::scenarios::detail {

// Sizes a scenario may have (scenarios/README.md, "Limits"): far above any real sales
// organisation, low enough that a typo (a headcount of 1e9) is caught before it is simulated.
constexpr std::size_t MAX_SEGMENTS = 100;
constexpr std::size_t MAX_STAGES = 50;  ///< per segment
constexpr std::size_t MAX_TEAMS = 1'000;
constexpr std::size_t MAX_SOURCES = 1'000;
constexpr std::size_t MAX_BUCKETS = 1'000;   ///< per empirical distribution
constexpr int MAX_HEADCOUNT = 100'000;       ///< per team
constexpr long MAX_REPS = 1'000'000;         ///< over all teams
constexpr std::size_t MAX_VARIANTS = 1'000;  ///< variants and sweep combinations together

/// `calendar:` (optional: every key has a default).
sim::Calendar read_calendar(const std::optional<Field>& field);

/// `segments:`; fills `names` with the segment names for teams to refer to.
std::vector<sim::Segment> read_segments(const Field& field, NameList& names);

/// `teams:`; each team's quota is expanded to one entry per measured quarter.
std::vector<sim::Team> read_teams(const Field& field, const NameList& segments,
                                  const sim::Calendar& calendar, NameList& names);

/// `sources:` (optional).
std::vector<sim::LeadSource> read_sources(const std::optional<Field>& field, const NameList& teams);

/// The organisation's quota per measured quarter, from `quota:` or else from the teams.
/// `root` locates the error when `quota:` is absent and the teams' quotas leave a quarter at 0.
std::vector<double> read_quota(const std::optional<Field>& field, const Field& root,
                               const std::vector<sim::Team>& teams, const sim::Calendar& calendar);

/// The whole scenario.
sim::Model read_model(const Field& root);

}  // namespace funnelsim::scenarios::detail
