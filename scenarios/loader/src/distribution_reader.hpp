#pragma once
// Distributions in a scenario: `{dist: gamma, mean: 7, cv: 0.3}`, or a bare number for fixed.

#include "funnelsim/sim/model.hpp"
#include "yaml_reader.hpp"

namespace funnelsim::scenarios::detail {

/// What a fixed value may be: durations and deal sizes must be > 0, delays may be 0.
enum class FixedValue { positive, non_negative };

/// Reads and validates a distribution; empirical weights come back normalised to sum 1.
sim::Distribution read_distribution(const Field& field, FixedValue fixed_value);

}  // namespace funnelsim::scenarios::detail
