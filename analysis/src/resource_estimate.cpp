#include "funnelsim/analysis/resource_estimate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "funnelsim/scenarios/error.hpp"

namespace funnelsim::analysis {
namespace {

constexpr double DAYS_PER_WEEK = 7.0;
// Sizes of the engine's state, rounded up from sim/src: an open opportunity with its pending
// event in the calendar queue, and a rep with its streams and counters.
constexpr double BYTES_PER_OPEN_OPPORTUNITY = 256.0;
constexpr double BYTES_PER_REP = 1024.0;
// HDF5 keeps a chunk cache (1 MiB by default) for each dataset being written.
constexpr double BYTES_PER_DATASET = 1024.0 * 1024.0;
constexpr double BYTES_BASE = 64.0 * 1024.0 * 1024.0;  ///< the program, libraries, the model
constexpr double REPLICATIONS_PER_BATCH = 8.0;         ///< sim::RunOptions::batch, at most
constexpr int FORECAST_MODELS = 6;                     ///< RESULTS.md, forecast/<model>

/// Mean days from a segment's first stage to its outcome, when every stage is passed.
double cycle_days(const sim::Segment& segment) {
  double days = 0.0;
  for (const sim::Stage& stage : segment.stages) {
    days += std::min(stage.days.expected_value(), stage.stall_days);
  }
  return days;
}

/// Leads a team gets a week from its reps' prospecting and the marketing sources feeding it.
std::vector<double> leads_per_week(const sim::Model& model) {
  std::vector<double> leads;
  for (const sim::Team& team : model.teams) {
    leads.push_back(team.headcount * team.prospects_per_week);
  }
  for (const sim::LeadSource& source : model.sources) {
    if (source.kind == sim::LeadSourceKind::marketing) {
      leads[source.team] += source.leads_per_week;
    }
  }
  return leads;
}

/// How many leads each lead of a team brings in all through referrals: a referral is won
/// with the team's best win probability and brings `per_win` more, one generation per sales
/// cycle, over the horizon (a branching process: Σ r^k over the generations that fit).
std::vector<double> referral_factor(const sim::Model& model) {
  std::vector<double> factor(model.teams.size(), 1.0);
  const double horizon_days = model.calendar.total_weeks() * DAYS_PER_WEEK;
  for (std::size_t t = 0; t < model.teams.size(); ++t) {
    const sim::Segment& segment = model.segments[model.teams[t].segment];
    const double win =
        std::max(segment.stages.front().win_probability,
                 segment.existing_share > 0.0 ? segment.existing_win_probability : 0.0);
    double per_win = 0.0;
    double delay = 0.0;
    for (const sim::LeadSource& source : model.sources) {
      if (source.kind == sim::LeadSourceKind::referral && source.team == t) {
        per_win += source.per_win;
        delay = std::max(delay, source.delay_days.expected_value());
      }
    }
    const double ratio = per_win * win;
    if (ratio <= 0.0) {
      continue;
    }
    const double generations = std::ceil(horizon_days / std::max(cycle_days(segment) + delay, 1.0));
    double sum = 1.0;
    double term = 1.0;
    for (double k = 0; k < generations && sum < 1e30; ++k) {
      term *= ratio;
      sum += term;
    }
    factor[t] = sum;
  }
  return factor;
}

/// "1 variant", "3 variants".
std::string count_of(std::size_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

std::string format_count(double value) {
  char buffer[48];
  if (value < 1e15) {
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.3g", value);
  }
  return buffer;
}

}  // namespace

std::string format_bytes(double bytes) {
  static const char* const UNITS[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  std::size_t unit = 0;
  while (bytes >= 1024.0 && unit + 1 < std::size(UNITS)) {
    bytes /= 1024.0;
    ++unit;
  }
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, unit == 0 ? "%.0f %s" : "%.3g %s", bytes, UNITS[unit]);
  return buffer;
}

std::string format_seconds(double seconds) {
  char buffer[48];
  if (seconds < 120.0) {
    std::snprintf(buffer, sizeof buffer, "%.2g s", seconds);
  } else if (seconds < 2.0 * 3600) {
    std::snprintf(buffer, sizeof buffer, "%.3g min", seconds / 60.0);
  } else if (seconds < 2.0 * 86400) {
    std::snprintf(buffer, sizeof buffer, "%.3g h", seconds / 3600.0);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.3g days", seconds / 86400.0);
  }
  return buffer;
}

ResourceEstimate estimate_resources(const sim::Model& model, const RunSize& run,
                                    const ResourceLimits& limits) {
  const double quarters = model.calendar.quarters;
  const double weeks_per_quarter = model.calendar.weeks_per_quarter;
  const double measured_weeks = model.calendar.measured_weeks();
  const double total_weeks = model.calendar.total_weeks();
  const double reps = model.rep_count();
  const double variants = static_cast<double>(std::max<std::size_t>(run.variants, 1));
  const double replications = static_cast<double>(run.replications);
  const double threads = std::max(run.threads, 1);

  const std::vector<double> leads = leads_per_week(model);
  const std::vector<double> referrals = referral_factor(model);
  ResourceEstimate estimate;
  double open_opportunities = 0.0;
  for (std::size_t t = 0; t < model.teams.size(); ++t) {
    const sim::Segment& segment = model.segments[model.teams[t].segment];
    const double team_leads = leads[t] * referrals[t];
    estimate.events_per_replication +=
        team_leads * total_weeks * (1.0 + static_cast<double>(segment.stages.size()));
    // Little's law: open opportunities = arrival rate x time in the funnel.
    open_opportunities += team_leads * cycle_days(segment) / DAYS_PER_WEEK;
  }
  estimate.events_per_replication += reps * total_weeks;

  // One replication's row of every dataset (analysis/RESULTS.md), summed over variants.
  double row = quarters * 8.0 * 4.0     // bookings, wins, attainment, cost
               + reps * quarters * 8.0  // rep_bookings
               + FORECAST_MODELS * quarters * weeks_per_quarter * 8.0;
  double datasets = 5.0 + FORECAST_MODELS;
  for (const sim::Segment& segment : model.segments) {
    row += quarters * 8.0 * 3.0  // bookings, wins, leads
           + measured_weeks * static_cast<double>(segment.stages.size()) * 16.0  // funnel
           + measured_weeks * 8.0 * 3.0;  // realized, calls_committed, calls_possible
    datasets += 8.0;
  }
  estimate.output_bytes_per_replication = row * variants;
  estimate.output_bytes = estimate.output_bytes_per_replication * replications;

  // The forecast models replay each week's open funnel; bench/README.md measures them at up
  // to about the cost of the run itself.
  const double forecast_factor = run.forecast_samples > 0 ? 2.0 : 1.1;
  estimate.seconds = estimate.events_per_replication * replications * variants * forecast_factor /
                     (limits.events_per_second_per_thread * threads);

  const double per_thread = open_opportunities * BYTES_PER_OPEN_OPPORTUNITY + reps * BYTES_PER_REP +
                            REPLICATIONS_PER_BATCH * row * variants;
  estimate.peak_memory_bytes = BYTES_BASE + threads * per_thread +
                               datasets * variants * BYTES_PER_DATASET +
                               // each variant's model and resolved scenario
                               variants * (reps * 64.0 + quarters * 64.0);
  return estimate;
}

void check_resources(const sim::Model& model, const RunSize& run, const std::string& source,
                     const ResourceLimits& limits) {
  const std::string replications = std::to_string(run.replications);
  if (run.replications > MAX_REPLICATIONS) {
    throw scenarios::InputError(
        "--replications", 0, 0, "",
        "must be at most " + std::to_string(MAX_REPLICATIONS) + ", got " + replications);
  }
  const ResourceEstimate estimate = estimate_resources(model, run, limits);

  // Which key to change: the replication count, unless a thousand replications (a small
  // run) would already be over the limit; then the scenario makes each one too large.
  const auto largest_team = [&model] {
    std::size_t best = 0;
    for (std::size_t t = 1; t < model.teams.size(); ++t) {
      if (model.teams[t].headcount > model.teams[best].headcount) {
        best = t;
      }
    }
    return model.teams.empty() ? std::string("teams")
                               : "teams." + model.teams[best].name + ".headcount";
  };
  const auto refuse = [&](double used_by_one, double limit, const std::string& model_key,
                          const std::string& what) {
    const double small_run = 1000.0;
    if (used_by_one * small_run <= limit) {
      throw scenarios::InputError("--replications", 0, 0, "",
                                  what + "; at most " +
                                      format_count(std::floor(limit / used_by_one)) +
                                      " replications fit");
    }
    throw scenarios::InputError(source, 0, 0, model_key, what);
  };

  const auto threads = static_cast<std::size_t>(std::max(run.threads, 1));
  const double replication_count = std::max<double>(static_cast<double>(run.replications), 1.0);
  const std::string size = std::to_string(model.rep_count()) + " reps, " +
                           std::to_string(model.calendar.quarters) + " quarters of " +
                           std::to_string(model.calendar.weeks_per_quarter) + " weeks";
  if (estimate.output_bytes > limits.output_bytes) {
    // rep_bookings (reps x quarters) dominates the row of any large scenario.
    const std::string key = model.rep_count() >= model.calendar.quarters * 4
                                ? largest_team()
                                : std::string("calendar.quarters");
    refuse(estimate.output_bytes / replication_count, limits.output_bytes, key,
           "the results would take about " + format_bytes(estimate.output_bytes) + " (" +
               replications + " replications x " + count_of(run.variants, "variant") + " of " +
               size + "); the limit is " + format_bytes(limits.output_bytes));
  }
  if (estimate.peak_memory_bytes > limits.memory_bytes) {
    throw scenarios::InputError(source, 0, 0, largest_team(),
                                "the run would need about " +
                                    format_bytes(estimate.peak_memory_bytes) + " of memory (" +
                                    size + ", " + count_of(threads, "thread") + "); the limit is " +
                                    format_bytes(limits.memory_bytes));
  }
  if (estimate.seconds > limits.seconds) {
    // Leads dominate the events: the team that brings the most is the one to look at.
    std::string key = "teams";
    double most = -1.0;
    const std::vector<double> leads = leads_per_week(model);
    for (std::size_t t = 0; t < model.teams.size(); ++t) {
      if (leads[t] > most) {
        most = leads[t];
        key = "teams." + model.teams[t].name + ".prospects_per_week";
      }
    }
    if (model.calendar.total_weeks() > 2000) {
      key = "calendar.quarters";
    }
    refuse(estimate.seconds / replication_count, limits.seconds, key,
           "the run would take about " + format_seconds(estimate.seconds) + " (" +
               format_count(estimate.events_per_replication) + " events a replication x " +
               replications + " replications x " + count_of(run.variants, "variant") + " on " +
               count_of(threads, "thread") + " at " +
               format_count(limits.events_per_second_per_thread) +
               " events/s each); the limit is " + format_seconds(limits.seconds));
  }
}

}  // namespace funnelsim::analysis
