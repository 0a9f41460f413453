#include "funnelsim/report/export.hpp"

#include <algorithm>
#include <numeric>

#include "funnelsim/stats/csv.hpp"

namespace funnelsim::analysis {
namespace {

/// Replications read at a time: a few MiB of bookings and costs whatever the file's size.
constexpr std::size_t SLAB_ROWS = 65'536;
/// Values of rep_bookings read at a time (8 MiB as double).
constexpr std::size_t REP_SLAB_VALUES = std::size_t{1} << 20;

ErrorLocation in_variant(const std::string& variant) {
  // In the file the command names (naming_results_file).
  return ErrorLocation{{}, 0, 0, "variant '" + variant + "'"};
}

}  // namespace

ReplicationTable replication_table(const ResultsReader& reader, const std::string& variant) {
  const DatasetInfo bookings = reader.dataset_info(variant, "bookings");
  const std::vector<double> quota = reader.read_vector(variant, "quota");
  ReplicationTable table;
  table.variant = variant;
  table.has_cost = reader.has_dataset(variant, "cost");
  if (bookings.shape.size() != 2 || bookings.shape[1] != quota.size() ||
      (table.has_cost && reader.dataset_info(variant, "cost").shape != bookings.shape)) {
    throw ResultsError(in_variant(variant), "bookings, quota and cost disagree in shape");
  }
  table.replications = bookings.shape[0];
  if (table.replications == 0) {
    throw ResultsError(in_variant(variant), "no replications to export");
  }
  table.first_replication = reader.metadata().first_replication;
  for (std::size_t q = 0; q < quota.size(); ++q) {
    table.periods.push_back("Q" + std::to_string(q + 1));
  }
  // As summarize() names and sums the whole run.
  table.periods.push_back(quota.size() == 4 ? "year" : "total");
  table.quota = quota;
  table.quota.push_back(std::accumulate(quota.begin(), quota.end(), 0.0));
  return table;
}

std::vector<std::string> replication_columns(const ReplicationTable& table) {
  std::vector<std::string> columns{"replication"};
  for (const char* series : {"bookings_", "quota_met_", "cost_"}) {
    if (std::string(series) == "cost_" && !table.has_cost) {
      continue;
    }
    for (const std::string& period : table.periods) {
      columns.push_back(series + period);
    }
  }
  return columns;
}

void for_each_replication(const ResultsReader& reader, const ReplicationTable& table,
                          const std::function<void(const ReplicationRow&)>& row) {
  const std::size_t quarters = table.periods.size() - 1;
  ReplicationRow current;
  for (std::size_t first = 0; first < table.replications; first += SLAB_ROWS) {
    const std::size_t count = std::min(SLAB_ROWS, table.replications - first);
    const Array bookings = reader.read_rows(table.variant, "bookings", first, count);
    Array cost;
    if (table.has_cost) {
      cost = reader.read_rows(table.variant, "cost", first, count);
    }
    for (std::size_t r = 0; r < count; ++r) {
      current.replication = table.first_replication + first + r;
      current.bookings.assign(quarters + 1, 0.0);
      current.cost.assign(table.has_cost ? quarters + 1 : 0, 0.0);
      current.quota_met.assign(quarters + 1, 0);
      for (std::size_t q = 0; q < quarters; ++q) {
        // Summed in quarter order from 0, as summarize() sums the whole run.
        current.bookings[q] = bookings.values[r * quarters + q];
        current.bookings[quarters] += current.bookings[q];
        if (table.has_cost) {
          current.cost[q] = cost.values[r * quarters + q];
          current.cost[quarters] += current.cost[q];
        }
      }
      for (std::size_t p = 0; p <= quarters; ++p) {
        current.quota_met[p] = current.bookings[p] >= table.quota[p] ? 1 : 0;
      }
      row(current);
    }
  }
}

void write_replications_csv(const ResultsReader& reader, const std::string& variant,
                            const std::function<void(std::string_view)>& write) {
  const ReplicationTable table = replication_table(reader, variant);
  std::string text;
  for (const std::string& column : replication_columns(table)) {
    text += (text.empty() ? "" : ",") + column;
  }
  text += "\n";
  for_each_replication(reader, table, [&](const ReplicationRow& row) {
    text += std::to_string(row.replication);
    for (const double amount : row.bookings) {
      text += "," + csv_number(amount);
    }
    for (const int met : row.quota_met) {
      text += met != 0 ? ",1" : ",0";
    }
    for (const double amount : row.cost) {
      text += "," + csv_number(amount);
    }
    text += "\n";
    if (text.size() >= (std::size_t{1} << 20)) {
      write(text);
      text.clear();
    }
  });
  write(text);
}

std::vector<TeamBookings> team_bookings(const ResultsReader& reader, const std::string& variant) {
  if (!reader.has_dataset(variant, "rep_bookings") || !reader.has_dataset(variant, "rep_team")) {
    return {};
  }
  const std::vector<std::string> rep_team = reader.read_strings(variant, "rep_team");
  const DatasetInfo info = reader.dataset_info(variant, "rep_bookings");
  const DatasetInfo bookings = reader.dataset_info(variant, "bookings");
  if (info.shape.size() != 3 || bookings.shape.size() != 2 || info.shape[0] != bookings.shape[0] ||
      info.shape[1] != rep_team.size() || info.shape[2] != bookings.shape[1]) {
    throw ResultsError(in_variant(variant),
                       "rep_bookings, rep_team and bookings disagree in shape");
  }
  const std::size_t replications = info.shape[0], reps = info.shape[1], quarters = info.shape[2];

  std::vector<TeamBookings> teams;
  std::vector<std::size_t> team_of(reps);
  for (std::size_t rep = 0; rep < reps; ++rep) {
    const auto found = std::find_if(teams.begin(), teams.end(), [&](const TeamBookings& team) {
      return team.team == rep_team[rep];
    });
    team_of[rep] = static_cast<std::size_t>(found - teams.begin());
    if (found == teams.end()) {
      teams.push_back({rep_team[rep], 0, std::vector<double>(quarters + 1, 0.0)});
    }
    ++teams[team_of[rep]].reps;
  }
  if (replications == 0 || reps == 0) {
    return teams;
  }
  // Sums over replications, then divided once: the mean of each team's quarterly bookings.
  const std::size_t per_replication = reps * quarters;
  const std::size_t slab =
      std::max<std::size_t>(1, REP_SLAB_VALUES / std::max<std::size_t>(per_replication, 1));
  for (std::size_t first = 0; first < replications; first += slab) {
    const std::size_t count = std::min(slab, replications - first);
    const Array values = reader.read_rows(variant, "rep_bookings", first, count);
    for (std::size_t r = 0; r < count; ++r) {
      for (std::size_t rep = 0; rep < reps; ++rep) {
        std::vector<double>& sums = teams[team_of[rep]].mean;
        for (std::size_t q = 0; q < quarters; ++q) {
          sums[q] += values.values[(r * reps + rep) * quarters + q];
        }
      }
    }
  }
  for (TeamBookings& team : teams) {
    team.mean[quarters] = 0.0;
    for (std::size_t q = 0; q < quarters; ++q) {
      team.mean[q] /= static_cast<double>(replications);
      team.mean[quarters] += team.mean[q];
    }
  }
  return teams;
}

}  // namespace funnelsim::analysis
