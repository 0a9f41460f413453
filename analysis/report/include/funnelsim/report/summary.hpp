#pragma once
/// Summary statistics of a results file over replications: the distribution of bookings
/// and the chance of meeting quota, per measured quarter and for the whole run.

#include <cstddef>
#include <string>
#include <vector>

#include "funnelsim/results/results_file.hpp"
#include "funnelsim/stats/statistics.hpp"

namespace funnelsim::analysis {

/// Statistics of one period (a measured quarter or the whole run) over replications.
/// Amounts are in 万. Percentiles are Hyndman–Fan type 7 (see quantile_sorted).
struct PeriodSummary {
  std::string label;            ///< "Q1", "Q2", ..., "year" (4 quarters) or "total"
  double quota = 0.0;           ///< the organisation's quota for the period, 万
  double mean = 0.0;            ///< mean bookings, 万
  double sd = 0.0;              ///< sample standard deviation of bookings (n - 1), 万
  double standard_error = 0.0;  ///< of the mean bookings, 万
  double p5 = 0.0;              ///< bookings percentiles, 万
  double p25 = 0.0;
  double p50 = 0.0;
  double p75 = 0.0;
  double p95 = 0.0;
  double mean_wins = 0.0;           ///< deals
  double mean_attainment = 0.0;     ///< mean of bookings / quota
  std::size_t quota_met_count = 0;  ///< replications with bookings >= quota
  double quota_met = 0.0;           ///< P(quota met), the share of replications
  Interval quota_met_interval;      ///< 95% Wilson interval of quota_met
};

/// The summary of one variant of a results file.
struct Summary {
  std::string variant;
  std::size_t replications = 0;
  std::vector<PeriodSummary> quarters;  ///< one per measured quarter
  PeriodSummary whole_run;  ///< bookings and wins summed over the quarters, against their quota
};

/// Summarises `variant`. The whole run's quota is the sum of the quarterly quotas and it is
/// met when total bookings >= total quota; a quarter is met when attainment >= 1 (compared as
/// bookings >= quota, which is the same without the rounding of the division).
/// Throws ResultsError if the variant is missing or holds no replications.
Summary summarize(const ResultsReader& reader, const std::string& variant = "baseline");

/// A text table of `summary` within 80 columns, headed by the scenario, seed and
/// replications of `metadata`, with "INCOMPLETE: stopped after N of M" for unfinished runs.
std::string format_summary(const Summary& summary, const FileMetadata& metadata);

/// The numbers of format_summary as one JSON object: the run (scenario, variant, seed,
/// replications, replications_planned, complete, quarters, weeks_per_quarter, warmup_weeks,
/// units "万"), then "quarters", one entry per measured quarter, and "whole_run"; each entry
/// holds "period" and the fields of summary_fields() (shortest round-trip numbers, null where
/// undefined, such as the sd of one replication).
std::string summary_json(const Summary& summary, const FileMetadata& metadata);

/// The same numbers as CSV: a header line (variant, period, replications and
/// summary_fields()), then one row per quarter and one for the whole run. Numbers as
/// csv_number writes them (empty: undefined).
std::string summary_csv(const Summary& summary);

/// The names of a period's numbers in summary_json and summary_csv, in order: quota, mean, sd,
/// standard_error, p5, p25, p50, p75, p95, mean_wins, mean_attainment, quota_met_count,
/// quota_met, quota_met_low, quota_met_high (PeriodSummary's fields, probabilities and
/// attainment as fractions).
const std::vector<std::string>& summary_fields();

/// The values of summary_fields() for one period, in the same order.
std::vector<double> summary_values(const PeriodSummary& period);

}  // namespace funnelsim::analysis
