#include "variant_sink.hpp"

#include <limits>
#include <type_traits>

#include "funnelsim/results/results_fields.hpp"
#include "funnelsim/results/results_file.hpp"
#include "hdf5_attribute.hpp"

namespace funnelsim::analysis {

using hdf5::check;

namespace {

// Names become HDF5 link names, where '/' separates groups.
void check_link_name(const std::string& name, const std::string& kind, const std::string& where) {
  if (name.empty() || name == "." || name.find('/') != std::string::npos) {
    throw ResultsError(where + ": " + kind + " name '" + name +
                       "' cannot name an HDF5 group (empty, '.' or containing '/')");
  }
}

// `ordered`: track creation order, so that readers list the members in the model's order.
hdf5::Group create_group(hid_t parent, const std::string& name, const std::string& where,
                         bool ordered = false) {
  const hdf5::PropertyList creation = hdf5::creation_properties(H5P_GROUP_CREATE, where);
  if (ordered) {
    check(H5Pset_link_creation_order(creation.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
          where, "HDF5 failure");
  }
  return hdf5::Group(
      check(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, creation.get(), H5P_DEFAULT), where,
            "cannot create group '" + name + "'"));
}

template <typename T>
void size_must_be(const std::vector<T>& values, std::size_t expected, const std::string& field,
                  const std::string& context) {
  if (values.size() != expected) {
    throw ResultsError(context + ": " + field + " has " + std::to_string(values.size()) +
                       " values, expected " + std::to_string(expected));
  }
}

}  // namespace

VariantSink::VariantSink(hid_t variants_group, const std::string& name, const sim::Model& model,
                         const std::string& resolved_yaml, std::span<const sim::SeriesInfo> derived,
                         std::size_t first_replication, std::size_t planned_replications,
                         const std::string& where, const SweepPoint& sweep)
    : name_(name),
      where_(where + ": variant '" + name + "'"),
      shape_(model),
      quota_(model.quota),
      derived_series_(derived.begin(), derived.end()),
      first_replication_(first_replication) {
  check_link_name(name, "variant", where);
  for (const sim::Segment& segment : model.segments) {
    check_link_name(segment.name, "segment", where_);
  }
  if (shape_.quarters <= 0 || shape_.weeks <= 0 || shape_.reps <= 0 || model.segments.empty()) {
    throw ResultsError(where_ + ": the model needs measured quarters, weeks, reps and segments");
  }
  const auto quarters = static_cast<std::size_t>(shape_.quarters);
  size_must_be(quota_, quarters, "quota", where_);

  std::vector<std::string> rep_team;
  std::vector<double> rep_quota;
  for (const sim::Team& team : model.teams) {
    if (!team.quota_per_quarter.empty()) {
      size_must_be(team.quota_per_quarter, quarters, "team '" + team.name + "' quota_per_quarter",
                   where_);
    }
    fixed_cost_.resize(quarters, 0.0);
    for (std::size_t quarter = 0; quarter < quarters; ++quarter) {
      fixed_cost_[quarter] +=
          team.seat_quarters(static_cast<int>(quarter), model.calendar.weeks_per_quarter) *
          team.cost_per_rep_per_quarter;
    }
    for (int slot = 0; slot < team.territories(); ++slot) {
      rep_team.push_back(team.name);
      rep_commission_rate_.push_back(team.commission_rate);
      for (std::size_t quarter = 0; quarter < quarters; ++quarter) {
        // A hire's quota runs from its week: the share of the quarter it is on the team.
        const double share =
            slot < team.headcount
                ? 1.0
                : team.hire_share(static_cast<std::size_t>(slot - team.headcount),
                                  static_cast<int>(quarter), model.calendar.weeks_per_quarter);
        rep_quota.push_back(
            team.quota_per_quarter.empty() ? 0.0 : share * team.quota_per_quarter[quarter]);
      }
    }
  }

  group_ = create_group(variants_group, name, where_);
  hdf5::write_string_attribute(group_.get(), "scenario", resolved_yaml, where_);
  if (!sweep.empty()) {
    if (sweep.keys.size() != sweep.values.size()) {
      throw ResultsError(where_ + ": a sweep point needs one value per key, got " +
                         std::to_string(sweep.keys.size()) + " keys and " +
                         std::to_string(sweep.values.size()) + " values");
    }
    hdf5::write_strings_attribute(group_.get(), "sweep_keys", sweep.keys, where_);
    hdf5::write_strings_attribute(group_.get(), "sweep_values", sweep.values, where_);
  }

  DimSizes sizes;
  sizes.quarters = quarters;
  sizes.weeks_per_quarter = static_cast<std::size_t>(model.calendar.weeks_per_quarter);
  sizes.reps = static_cast<std::size_t>(shape_.reps);
  for (const OutputField& field : VARIANT_FIELDS) {
    const std::string field_name(field.name);
    if (field.per_replication()) {
      variant_datasets_.emplace_back(std::in_place, group_.get(), field_name, field, sizes,
                                     planned_replications, where_);
      continue;
    }
    variant_datasets_.emplace_back();
    hdf5::Dataset dataset = create_fixed_dataset(group_.get(), field_name, field, sizes, where_);
    if (field.type == StoredType::string) {
      hdf5::write_strings_dataset(dataset.get(), rep_team, where_ + ": " + field_name);
    } else {
      const std::vector<double>& values = field.name == "quota" ? quota_ : rep_quota;
      check(
          H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          where_, "cannot write " + field_name);
    }
  }

  const std::vector<OutputField> segment_series = segment_fields();
  const hdf5::Group segments = create_group(group_.get(), "segments", where_, true);
  for (const sim::Segment& segment : model.segments) {
    const std::string segment_where = where_ + ": segment '" + segment.name + "'";
    const hdf5::Group segment_group = create_group(segments.get(), segment.name, segment_where);
    std::vector<std::string> stage_names;
    std::vector<double> win_probability;
    for (const sim::Stage& stage : segment.stages) {
      stage_names.push_back(stage.name);
      win_probability.push_back(stage.win_probability);
    }
    hdf5::write_strings_attribute(segment_group.get(), "stages", stage_names, segment_where);
    hdf5::write_doubles_attribute(segment_group.get(), "win_probability", win_probability,
                                  segment_where);
    sizes.stages = segment.stages.size();
    std::vector<ReplicationDataset>& datasets = segments_.emplace_back();
    for (const OutputField& field : segment_series) {
      datasets.emplace_back(segment_group.get(), std::string(field.name), field, sizes,
                            planned_replications, segment_where);
    }
  }

  const hdf5::Group forecast = create_group(group_.get(), "forecast", where_);
  for (const sim::SeriesInfo& series : derived_series_) {
    derived_.emplace_back(forecast.get(), std::string(series.name),
                          field_of(series, StoredType::float64), sizes, planned_replications,
                          where_ + ": forecast");
  }
}

VariantSink::~VariantSink() {
  // HDF5 allocates a dataset's cached chunk in the file when the dataset closes: closing in
  // one fixed order (the forecasts, each segment's series last to first, then the variant's
  // datasets last to first) keeps the file's bytes those of every earlier funnelsim.
  derived_.clear();
  for (std::vector<ReplicationDataset>& segment : segments_) {
    while (!segment.empty())
      segment.pop_back();
  }
  while (!variant_datasets_.empty())
    variant_datasets_.pop_back();
}

void VariantSink::consume(std::size_t first, std::span<const sim::ReplicationResult> results) {
  hdf5::silence_errors();
  const std::size_t expected = first_replication_ + stored_;
  if (first != expected) {
    throw ResultsError(where_ + ": replications must arrive in order: expected replication " +
                       std::to_string(expected) + ", got " + std::to_string(first));
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    check_shape(first + i, results[i]);
  }
  write_batch(stored_, results);
  stored_ += results.size();
}

void VariantSink::check_shape(std::size_t replication, const sim::ReplicationResult& result) const {
  const std::string context = where_ + ": replication " + std::to_string(replication);
  const std::size_t quarters = sim::values_in(sim::Extent::quarter, shape_);
  size_must_be(result.bookings, quarters, "bookings", context);
  size_must_be(result.wins, quarters, "wins", context);
  size_must_be(result.rep_bookings, sim::values_in(sim::Extent::rep_quarter, shape_),
               "rep_bookings", context);
  size_must_be(result.segments, shape_.stages_per_segment.size(), "segments", context);
  for (std::size_t s = 0; s < result.segments.size(); ++s) {
    const sim::SegmentResult& segment = result.segments[s];
    const auto stages = static_cast<std::size_t>(shape_.stages_per_segment[s]);
    const std::string prefix = "segment " + std::to_string(s) + " ";
    for (const sim::SegmentSeries& series : sim::SEGMENT_SERIES) {
      const std::size_t values = sim::values_in(series.info.extent, shape_, stages);
      const std::string field = prefix + std::string(series.info.name);
      if (series.amounts) {
        size_must_be(segment.*series.amounts, values, field, context);
      } else {
        size_must_be(segment.*series.counts, values, field, context);
      }
    }
  }
  // A replication without a hook carries no derived series (stored as NaN).
  if (!result.derived.empty()) {
    size_must_be(result.derived, derived_series_.size(), "derived", context);
    for (std::size_t d = 0; d < derived_series_.size(); ++d) {
      size_must_be(result.derived[d], sim::values_in(derived_series_[d].extent, shape_),
                   "derived " + std::string(derived_series_[d].name), context);
    }
  }
}

template <typename T, typename Record>
const std::vector<T>& VariantSink::gather(std::span<const sim::ReplicationResult> results,
                                          std::vector<T> Record::*field, std::size_t segment) {
  std::vector<T>& rows = [this]() -> std::vector<T>& {
    if constexpr (std::is_same_v<T, double>) {
      return double_rows_;
    } else {
      return integer_rows_;
    }
  }();
  rows.clear();
  for (const sim::ReplicationResult& result : results) {
    const std::vector<T>* values = nullptr;
    if constexpr (std::is_same_v<Record, sim::SegmentResult>) {
      values = &(result.segments[segment].*field);
    } else {
      values = &(result.*field);
    }
    rows.insert(rows.end(), values->begin(), values->end());
  }
  return rows;
}

template <typename T>
void VariantSink::write(std::size_t field, std::size_t first_row, std::size_t count,
                        const std::vector<T>& rows) {
  variant_datasets_[field]->write_rows(first_row, count, rows.data());
}

void VariantSink::write_batch(std::size_t first_row,
                              std::span<const sim::ReplicationResult> results) {
  using sim::ReplicationResult;
  const std::size_t count = results.size();
  // In the order of the runs before the table: the chunks land where they always did.
  write(variant_field("bookings"), first_row, count, gather(results, &ReplicationResult::bookings));
  // Attainment from the bookings just gathered, [replication][quarter].
  for (std::size_t i = 0; i < double_rows_.size(); ++i) {
    double_rows_[i] /= quota_[i % quota_.size()];
  }
  write(variant_field("attainment"), first_row, count, double_rows_);
  write(variant_field("wins"), first_row, count, gather(results, &ReplicationResult::wins));
  write(variant_field("rep_bookings"), first_row, count,
        gather(results, &ReplicationResult::rep_bookings));
  write(variant_field("cost"), first_row, count, gather_cost(results));
  for (std::size_t s = 0; s < segments_.size(); ++s) {
    for (std::size_t f = 0; f < sim::SEGMENT_SERIES.size(); ++f) {
      const sim::SegmentSeries& series = sim::SEGMENT_SERIES[f];
      const void* rows = series.amounts
                             ? static_cast<const void*>(gather(results, series.amounts, s).data())
                             : gather(results, series.counts, s).data();
      segments_[s][f].write_rows(first_row, count, rows);
    }
  }
  for (std::size_t series = 0; series < derived_.size(); ++series) {
    derived_[series].write_rows(first_row, count, gather_derived(results, series));
  }
}

const double* VariantSink::gather_derived(std::span<const sim::ReplicationResult> results,
                                          std::size_t series) {
  const std::size_t cells = sim::values_in(derived_series_[series].extent, shape_);
  double_rows_.clear();
  for (const sim::ReplicationResult& result : results) {
    if (result.derived.empty()) {
      double_rows_.insert(double_rows_.end(), cells, std::numeric_limits<double>::quiet_NaN());
    } else {
      const std::vector<double>& values = result.derived[series];
      double_rows_.insert(double_rows_.end(), values.begin(), values.end());
    }
  }
  return double_rows_.data();
}

const std::vector<double>& VariantSink::gather_cost(
    std::span<const sim::ReplicationResult> results) {
  const auto quarters = static_cast<std::size_t>(shape_.quarters);
  double_rows_.clear();
  for (const sim::ReplicationResult& result : results) {
    for (std::size_t quarter = 0; quarter < quarters; ++quarter) {
      double cost = fixed_cost_[quarter];
      for (std::size_t rep = 0; rep < rep_commission_rate_.size(); ++rep) {
        cost += rep_commission_rate_[rep] * result.rep_bookings[rep * quarters + quarter];
      }
      double_rows_.push_back(cost);
    }
  }
  return double_rows_;
}

void VariantSink::truncate(std::size_t replications) {
  for (std::optional<ReplicationDataset>& dataset : variant_datasets_) {
    if (dataset)
      dataset->resize(replications);
  }
  for (std::vector<ReplicationDataset>& segment : segments_) {
    for (ReplicationDataset& dataset : segment)
      dataset.resize(replications);
  }
  for (ReplicationDataset& dataset : derived_)
    dataset.resize(replications);
  stored_ = std::min(stored_, replications);
}

}  // namespace funnelsim::analysis
