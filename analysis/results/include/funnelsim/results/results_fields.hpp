#pragma once
/// The table of output fields: every dataset of a results file's /variants/<variant> group,
/// with its dimensions, units, description and how the shards of a run combine into it. The
/// writer creates, checks and writes the datasets from it, the reader checks shapes against
/// it, the merge walks it, and a test holds analysis/RESULTS.md to it.

#include <array>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "funnelsim/sim/results.hpp"

namespace funnelsim::analysis {

/// How a dataset is stored.
enum class StoredType { float64, int64, string };

/// How the shards of a run make the dataset of the merged file.
enum class Combine {
  concatenate,  ///< the shards' rows, in replication order
  recompute,    ///< computed again from the merged rows and the model
  same,         ///< equal in every shard (the model's), taken once
};

/// One dataset of a variant group. `dims` names the dimensions, outermost first, as the
/// dataset's `dims` attribute and RESULTS.md write them ("replication, quarter").
struct OutputField {
  std::string_view name;
  StoredType type;
  std::string_view dims;
  std::string_view units;
  std::string_view description;
  Combine combine;

  bool per_replication() const { return dims.starts_with("replication"); }
};

/// The datasets of /variants/<variant> itself, in the order the writer creates them.
inline constexpr std::array<OutputField, 8> VARIANT_FIELDS{{
    {"bookings", StoredType::float64, "replication, quarter", "万",
     "Bookings (amounts of deals won) of the whole organisation.", Combine::concatenate},
    {"wins", StoredType::int64, "replication, quarter", "deals",
     "Deals won by the whole organisation.", Combine::concatenate},
    {"attainment", StoredType::float64, "replication, quarter", "1",
     "Bookings divided by the organisation's quota for the quarter.", Combine::recompute},
    {"rep_bookings", StoredType::float64, "replication, rep, quarter", "万",
     "Bookings credited to each rep (teams in order, then territories: tenured, then hires).",
     Combine::concatenate},
    {"cost", StoredType::float64, "replication, quarter", "万",
     "Cost of the organisation in the quarter: every team's seats (headcount, plus hires and "
     "less departures by the weeks they are on the team) times its cost_per_rep_per_quarter, "
     "plus each rep's bookings times its team's commission_rate.",
     Combine::recompute},
    {"quota", StoredType::float64, "quarter", "万",
     "The organisation's quota for each measured quarter.", Combine::same},
    {"rep_team", StoredType::string, "rep", "", "Name of the team each rep belongs to.",
     Combine::same},
    {"rep_quota", StoredType::float64, "rep, quarter", "万",
     "Quota of each rep per quarter: its team's quota_per_quarter (0 when the team has none); "
     "a hire's, for the share of the quarter from its week on.",
     Combine::same},
}};

/// The position of `name` in VARIANT_FIELDS (its size when absent).
constexpr std::size_t variant_field(std::string_view name) {
  std::size_t i = 0;
  while (i < VARIANT_FIELDS.size() && VARIANT_FIELDS[i].name != name)
    ++i;
  return i;
}

/// The dimension names of a replication's series of `extent`, with `replication` first.
constexpr std::string_view dims_of(sim::Extent extent) {
  switch (extent) {
    case sim::Extent::quarter:
      return "replication, quarter";
    case sim::Extent::week:
      return "replication, week";
    case sim::Extent::week_stage:
      return "replication, week, stage";
    case sim::Extent::quarter_week:
      return "replication, quarter, week";
    case sim::Extent::rep_quarter:
      break;
  }
  return "replication, rep, quarter";
}

/// The dataset that stores the series `info` (a segment's, or a hook's such as a forecast).
constexpr OutputField field_of(const sim::SeriesInfo& info, StoredType type) {
  return {info.name,           type, dims_of(info.extent), info.units, info.description,
          Combine::concatenate};
}

/// The datasets of /variants/<variant>/segments/<segment>, from sim::SEGMENT_SERIES.
inline std::vector<OutputField> segment_fields() {
  std::vector<OutputField> fields;
  for (const sim::SegmentSeries& series : sim::SEGMENT_SERIES) {
    fields.push_back(
        field_of(series.info, series.amounts ? StoredType::float64 : StoredType::int64));
  }
  return fields;
}

/// The dimensions of `dims` ("replication, quarter, week"), split at the commas.
inline std::vector<std::string> dim_names(std::string_view dims) {
  std::vector<std::string> names;
  while (!dims.empty()) {
    const std::size_t comma = dims.find(',');
    names.emplace_back(dims.substr(0, comma));
    dims = comma == std::string_view::npos ? std::string_view() : dims.substr(comma + 1);
    while (dims.starts_with(' '))
      dims.remove_prefix(1);
  }
  return names;
}

/// The sizes that dimension names stand for; ANY where a caller does not know or check one.
struct DimSizes {
  static constexpr std::size_t ANY = std::numeric_limits<std::size_t>::max();
  std::size_t replications = ANY;
  std::size_t quarters = ANY;
  std::size_t weeks_per_quarter = ANY;
  std::size_t reps = ANY;
  std::size_t stages = ANY;
};

/// The shape of a dataset of `dims`. `week` is a measured week (quarters × weeks_per_quarter
/// of them), or the week of the quarter where `quarter` comes first.
inline std::vector<std::size_t> shape_of(std::string_view dims, const DimSizes& sizes) {
  const std::vector<std::string> names = dim_names(dims);
  std::vector<std::size_t> shape;
  bool after_quarter = false;
  for (const std::string& name : names) {
    if (name == "replication") {
      shape.push_back(sizes.replications);
    } else if (name == "quarter") {
      shape.push_back(sizes.quarters);
      after_quarter = true;
    } else if (name == "week") {
      const bool known =
          sizes.quarters != DimSizes::ANY && sizes.weeks_per_quarter != DimSizes::ANY;
      shape.push_back(after_quarter ? sizes.weeks_per_quarter
                      : known       ? sizes.quarters * sizes.weeks_per_quarter
                                    : DimSizes::ANY);
    } else if (name == "rep") {
      shape.push_back(sizes.reps);
    } else {
      shape.push_back(sizes.stages);
    }
  }
  return shape;
}

}  // namespace funnelsim::analysis
