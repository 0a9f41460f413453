#pragma once
/// What `funnelsim export` writes for spreadsheets: one row per replication (as CSV, or as a
/// workbook's sheet), the teams' bookings, and the .xlsx workbook of a results file.
/// Amounts are in 万 (10,000 RMB).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "funnelsim/results/results_file.hpp"

namespace funnelsim::analysis {

/// The most replications a workbook's Replications sheet holds: an .xlsx sheet has
/// 1,048,576 rows, one of them the header. A larger file exports to CSV instead.
inline constexpr std::size_t WORKBOOK_MAX_REPLICATIONS = 1'048'575;

/// The per-replication table of one variant: its columns and what they are measured against.
struct ReplicationTable {
  std::string variant;
  std::size_t replications = 0;
  std::uint64_t first_replication = 0;  ///< the number of row 0 (RESULTS.md)
  /// "Q1", ..., then the whole run, "year" (4 quarters) or "total", as summarize() names them.
  std::vector<std::string> periods;
  std::vector<double> quota;  ///< per period; the whole run's is the sum of the quarters'
  bool has_cost = false;      ///< the file stores the variant's cost (dataset `cost`)
};

/// One replication of a variant. Every vector has one value per period of the table.
struct ReplicationRow {
  std::uint64_t replication = 0;  ///< its number: first_replication + row
  std::vector<double> bookings;   ///< 万; the whole run's is the sum of the quarters'
  /// 1 when bookings >= the period's quota, else 0: the indicators whose mean summarize()
  /// reports as P(quota met), compared the same way.
  std::vector<int> quota_met;
  std::vector<double> cost;  ///< 万; empty unless has_cost
};

/// The table of `variant`. Throws ResultsError if the variant is missing, holds no
/// replications, or its bookings, quota and cost disagree in shape.
ReplicationTable replication_table(const ResultsReader& reader, const std::string& variant);

/// The column names of the table, in order: replication, bookings_<period>...,
/// quota_met_<period>..., and with costs cost_<period>....
std::vector<std::string> replication_columns(const ReplicationTable& table);

/// Calls `row` for every replication of the table, in order, reading the file in slabs so
/// that memory does not grow with the replication count.
void for_each_replication(const ResultsReader& reader, const ReplicationTable& table,
                          const std::function<void(const ReplicationRow&)>& row);

/// The table as CSV, handed to `write` in pieces: a header line of replication_columns(),
/// then one line per replication (numbers as csv_number writes them).
void write_replications_csv(const ResultsReader& reader, const std::string& variant,
                            const std::function<void(std::string_view)>& write);

/// One team's bookings: the sum over its reps (dataset `rep_bookings`, reps named by
/// `rep_team`), averaged over replications.
struct TeamBookings {
  std::string team;
  std::size_t reps = 0;      ///< territories of the team in the file
  std::vector<double> mean;  ///< 万, per period as in ReplicationTable (quarters, whole run)
};

/// The teams of `variant` in the file's rep order (scenario order); empty when the file holds
/// no per-rep data (no `rep_bookings` or `rep_team`). Throws ResultsError if they disagree in
/// shape with each other or with `bookings`.
std::vector<TeamBookings> team_bookings(const ResultsReader& reader, const std::string& variant);

/// An .xlsx workbook of the file, as bytes, with the sheets
///   Summary       summarize(variant) by quarter and for the whole run, with the run's header;
///   Variants      every variant against `variant`, whole run, metric bookings
///                 (compare_variants): distribution, P(quota met), paired difference, cost;
///   Teams         team_bookings(variant), or a note when the file has no per-rep data;
///   Replications  the replication table of `variant`.
/// Numbers are stored unrounded (Excel keeps 15 to 17 significant digits) and only displayed
/// rounded; an undefined number (NaN) is an empty cell and an infinite one the text "inf".
/// libxlsxwriter writes to a file by name: the workbook is built in a private directory
/// (mkdtemp, mode 0700, under the system's temporary directory) that is removed before this
/// returns; the caller publishes the bytes through the output writer. Throws CompareError /
/// ResultsError as summarize and compare_variants do, Error of kind usage for more than
/// WORKBOOK_MAX_REPLICATIONS replications, std::runtime_error when the workbook cannot be
/// written.
std::string export_workbook(const ResultsReader& reader, const std::string& variant);

}  // namespace funnelsim::analysis
