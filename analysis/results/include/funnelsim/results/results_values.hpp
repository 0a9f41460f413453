// Internal: the checks on the values and names a results file holds, made once when a file is
// opened for reading (ResultsReader). A results file is untrusted: a value no run writes is
// refused, naming the file, the dataset and the cell, before any command computes with it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "funnelsim/results/results_file.hpp"

namespace funnelsim::analysis {

/// The largest amount (万) in absolute value a results file may hold: bookings, quota, cost,
/// forecasts, funnel amounts. A quota or a fixed cost is at most 1,000,000 reps x 1e12 = 1e18
/// (scenarios/README.md "Limits"); bookings would need more deals in one quarter than a run
/// within its time limit simulates. Sums of squares over 100,000,000 replications stay below
/// 1e8 x 1e48 = 1e56, far from overflow.
inline constexpr double RESULTS_AMOUNT_LIMIT = 1e24;
/// The largest count (wins, leads, open opportunities): whole and non-negative, exact in a
/// double, above the events a run within its time limit simulates.
inline constexpr double RESULTS_COUNT_LIMIT = 1e15;
/// A name in a results file (variant, segment, team, scenario_name) has at most this many
/// bytes, as the scenario loader requires of the names it loads.
inline constexpr std::size_t RESULTS_NAME_LIMIT_BYTES = 100;

/// What is wrong with a name read from a results file, or "" if nothing: it must be valid
/// UTF-8 of 1 to RESULTS_NAME_LIMIT_BYTES bytes without control characters (U+0000-U+001F,
/// U+007F), the scenario loader's rule, so that no command prints a terminal escape.
std::string results_name_problem(std::string_view name);

/// `name` with every byte outside printable ASCII written as \xNN, for messages.
std::string printable_name(std::string_view name);

/// Throws "not a finite number: VALUE at CELL" located at `context`, e.g. "results.h5:
/// variants/baseline/bookings: not a finite number: nan at replication 3, quarter 2".
[[noreturn]] void throw_not_finite(const ErrorLocation& context, double value,
                                   const std::string& cell);

/// "replication 3, quarter 2": quarter (0-based index) counted from 1.
std::string replication_quarter_cell(std::size_t replication, std::size_t quarter);

/// Checks every name and every value of every variant of an open file, reading each dataset
/// in slabs of rows (bounded memory): see analysis/RESULTS.md, "Reading untrusted files".
/// Throws ResultsError located in `where` (the file's path) and the dataset at fault.
void check_results_values(const ResultsReader& reader, const std::string& where);

}  // namespace funnelsim::analysis
