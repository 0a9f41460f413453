#include "variant_sink.hpp"

#include <limits>
#include <type_traits>

#include "funnelsim/analysis/forecast_benchmark.hpp"
#include "funnelsim/analysis/results_file.hpp"
#include "hdf5_attribute.hpp"

namespace funnelsim::analysis {

using hdf5::check;

namespace {

const std::vector<std::string> BY_QUARTER{"replication", "quarter"};
const std::vector<std::string> BY_WEEK_AND_STAGE{"replication", "week", "stage"};
const std::vector<std::string> BY_WEEK{"replication", "week"};
const std::vector<std::string> BY_QUARTER_AND_WEEK{"replication", "quarter", "week"};

hsize_t to_hsize(int count) {
  return static_cast<hsize_t>(count);
}

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
                         const std::string& resolved_yaml, std::size_t first_replication,
                         std::size_t planned_replications, const std::string& where)
    : name_(name),
      where_(where + ": variant '" + name + "'"),
      shape_(model),
      quota_(model.quota),
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

  group_ = create_group(variants_group, name, where_);
  hdf5::write_string_attribute(group_.get(), "scenario", resolved_yaml, where_);

  const hsize_t q = to_hsize(shape_.quarters);
  const hsize_t reps = to_hsize(shape_.reps);
  const hid_t group = group_.get();
  const std::size_t planned = planned_replications;
  bookings_ = std::make_unique<ReplicationDataset>(
      group, "bookings", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, std::vector<hsize_t>{q}, planned,
      DatasetDescription{"万", "Bookings (amounts of deals won) of the whole organisation.",
                         BY_QUARTER},
      where_);
  wins_ = std::make_unique<ReplicationDataset>(
      group, "wins", H5T_STD_I64LE, H5T_NATIVE_INT64, std::vector<hsize_t>{q}, planned,
      DatasetDescription{"deals", "Deals won by the whole organisation.", BY_QUARTER}, where_);
  attainment_ = std::make_unique<ReplicationDataset>(
      group, "attainment", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, std::vector<hsize_t>{q}, planned,
      DatasetDescription{"1", "Bookings divided by the organisation's quota for the quarter.",
                         BY_QUARTER},
      where_);
  rep_bookings_ = std::make_unique<ReplicationDataset>(
      group, "rep_bookings", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, std::vector<hsize_t>{reps, q},
      planned,
      DatasetDescription{"万",
                         "Bookings credited to each rep (teams in order, then territories).",
                         {"replication", "rep", "quarter"}},
      where_);

  cost_ = std::make_unique<ReplicationDataset>(
      group, "cost", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, std::vector<hsize_t>{q}, planned,
      DatasetDescription{"万",
                         "Cost of the organisation in the quarter: every team's headcount times "
                         "its cost_per_rep_per_quarter, plus each rep's bookings times its "
                         "team's commission_rate.",
                         BY_QUARTER},
      where_);

  hdf5::Dataset quota = create_fixed_dataset(
      group, "quota", H5T_IEEE_F64LE, {q},
      DatasetDescription{"万", "The organisation's quota for each measured quarter.", {"quarter"}},
      where_);
  check(H5Dwrite(quota.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, quota_.data()),
        where_, "cannot write quota");

  std::vector<std::string> rep_team;
  std::vector<double> rep_quota;
  for (const sim::Team& team : model.teams) {
    if (!team.quota_per_quarter.empty()) {
      size_must_be(team.quota_per_quarter, quarters, "team '" + team.name + "' quota_per_quarter",
                   where_);
    }
    fixed_cost_ += team.headcount * team.cost_per_rep_per_quarter;
    for (int slot = 0; slot < team.headcount; ++slot) {
      rep_team.push_back(team.name);
      rep_commission_rate_.push_back(team.commission_rate);
      for (std::size_t quarter = 0; quarter < quarters; ++quarter) {
        rep_quota.push_back(team.quota_per_quarter.empty() ? 0.0 : team.quota_per_quarter[quarter]);
      }
    }
  }
  hdf5::Dataset team_names = create_fixed_dataset(
      group, "rep_team", hdf5::utf8_string_type().get(), {reps},
      DatasetDescription{"", "Name of the team each rep belongs to.", {"rep"}}, where_);
  hdf5::write_strings_dataset(team_names.get(), rep_team, where_ + ": rep_team");
  hdf5::Dataset team_quota = create_fixed_dataset(
      group, "rep_quota", H5T_IEEE_F64LE, {reps, q},
      DatasetDescription{"万",
                         "Quota of each rep per quarter: its team's quota_per_quarter "
                         "(0 when the team has none).",
                         {"rep", "quarter"}},
      where_);
  check(H5Dwrite(team_quota.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                 rep_quota.data()),
        where_, "cannot write rep_quota");

  const hdf5::Group segments = create_group(group, "segments", where_, true);
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

    const hid_t parent = segment_group.get();
    const std::vector<hsize_t> funnel{to_hsize(shape_.weeks), segment.stages.size()};
    segments_.push_back(SegmentDatasets{
        ReplicationDataset(parent, "bookings", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {q}, planned,
                           {"万", "Bookings (amounts of deals won) of this segment.", BY_QUARTER},
                           segment_where),
        ReplicationDataset(parent, "wins", H5T_STD_I64LE, H5T_NATIVE_INT64, {q}, planned,
                           {"deals", "Deals of this segment won.", BY_QUARTER}, segment_where),
        ReplicationDataset(parent, "leads", H5T_STD_I64LE, H5T_NATIVE_INT64, {q}, planned,
                           {"opportunities",
                            "Opportunities of this segment entering its first stage.", BY_QUARTER},
                           segment_where),
        ReplicationDataset(
            parent, "funnel_count", H5T_STD_I64LE, H5T_NATIVE_INT64, funnel, planned,
            {"opportunities", "Open opportunities in each stage at the end of each measured week.",
             BY_WEEK_AND_STAGE},
            segment_where),
        ReplicationDataset(parent, "funnel_amount", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, funnel,
                           planned,
                           {"万",
                            "Deal amounts of the open opportunities in each stage at the end of "
                            "each measured week.",
                            BY_WEEK_AND_STAGE},
                           segment_where),
        ReplicationDataset(
            parent, "realized", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {to_hsize(shape_.weeks)},
            planned,
            {"万", "Bookings of the week's quarter so far, at each measured week's end.", BY_WEEK},
            segment_where),
        ReplicationDataset(parent, "calls_committed", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                           {to_hsize(shape_.weeks)}, planned,
                           {"万",
                            "Open deals the reps call committed for the week's quarter, at each "
                            "measured week's end (scenario key calls).",
                            BY_WEEK},
                           segment_where),
        ReplicationDataset(parent, "calls_possible", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                           {to_hsize(shape_.weeks)}, planned,
                           {"万",
                            "Open deals the reps call possible for the week's quarter, at each "
                            "measured week's end.",
                            BY_WEEK},
                           segment_where)});
  }

  const hdf5::Group forecast = create_group(group, "forecast", where_);
  const std::vector<hsize_t> by_week{q, to_hsize(model.calendar.weeks_per_quarter)};
  for (const std::string_view series : FORECAST_SERIES) {
    forecasts_.emplace_back(
        forecast.get(), std::string(series), H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, by_week, planned,
        DatasetDescription{"万",
                           "Forecast of the quarter's bookings made at the end of each of its "
                           "weeks by the '" +
                               std::string(series) +
                               "' model (see RESULTS.md); NaN where the model was off.",
                           BY_QUARTER_AND_WEEK},
        where_ + ": forecast");
  }
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
  const auto quarters = static_cast<std::size_t>(shape_.quarters);
  const auto weeks = static_cast<std::size_t>(shape_.weeks);
  size_must_be(result.bookings, quarters, "bookings", context);
  size_must_be(result.wins, quarters, "wins", context);
  size_must_be(result.rep_bookings, static_cast<std::size_t>(shape_.reps) * quarters,
               "rep_bookings", context);
  size_must_be(result.segments, shape_.stages_per_segment.size(), "segments", context);
  for (std::size_t s = 0; s < result.segments.size(); ++s) {
    const sim::SegmentResult& segment = result.segments[s];
    const std::size_t cells = weeks * static_cast<std::size_t>(shape_.stages_per_segment[s]);
    const std::string field = "segment " + std::to_string(s) + " ";
    size_must_be(segment.bookings, quarters, field + "bookings", context);
    size_must_be(segment.wins, quarters, field + "wins", context);
    size_must_be(segment.leads, quarters, field + "leads", context);
    size_must_be(segment.funnel_count, cells, field + "funnel_count", context);
    size_must_be(segment.funnel_amount, cells, field + "funnel_amount", context);
    size_must_be(segment.realized, weeks, field + "realized", context);
    size_must_be(segment.calls_committed, weeks, field + "calls_committed", context);
    size_must_be(segment.calls_possible, weeks, field + "calls_possible", context);
  }
}

template <typename T, typename Record>
const T* VariantSink::gather(std::span<const sim::ReplicationResult> results,
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
  return rows.data();
}

void VariantSink::write_batch(std::size_t first_row,
                              std::span<const sim::ReplicationResult> results) {
  using sim::ReplicationResult;
  using sim::SegmentResult;
  const std::size_t count = results.size();
  bookings_->write_rows(first_row, count, gather(results, &ReplicationResult::bookings));
  // Attainment from the bookings just gathered, [replication][quarter].
  for (std::size_t i = 0; i < double_rows_.size(); ++i) {
    double_rows_[i] /= quota_[i % quota_.size()];
  }
  attainment_->write_rows(first_row, count, double_rows_.data());
  wins_->write_rows(first_row, count, gather(results, &ReplicationResult::wins));
  rep_bookings_->write_rows(first_row, count, gather(results, &ReplicationResult::rep_bookings));
  cost_->write_rows(first_row, count, gather_cost(results));
  for (std::size_t s = 0; s < segments_.size(); ++s) {
    SegmentDatasets& datasets = segments_[s];
    datasets.bookings.write_rows(first_row, count, gather(results, &SegmentResult::bookings, s));
    datasets.wins.write_rows(first_row, count, gather(results, &SegmentResult::wins, s));
    datasets.leads.write_rows(first_row, count, gather(results, &SegmentResult::leads, s));
    datasets.funnel_count.write_rows(first_row, count,
                                     gather(results, &SegmentResult::funnel_count, s));
    datasets.funnel_amount.write_rows(first_row, count,
                                      gather(results, &SegmentResult::funnel_amount, s));
    datasets.realized.write_rows(first_row, count, gather(results, &SegmentResult::realized, s));
    datasets.calls_committed.write_rows(first_row, count,
                                        gather(results, &SegmentResult::calls_committed, s));
    datasets.calls_possible.write_rows(first_row, count,
                                       gather(results, &SegmentResult::calls_possible, s));
  }
  for (std::size_t series = 0; series < forecasts_.size(); ++series) {
    forecasts_[series].write_rows(first_row, count, gather_forecast(results, series));
  }
}

const double* VariantSink::gather_forecast(std::span<const sim::ReplicationResult> results,
                                           std::size_t series) {
  const auto cells = static_cast<std::size_t>(shape_.weeks);  // quarters x weeks per quarter
  double_rows_.clear();
  for (const sim::ReplicationResult& result : results) {
    if (result.derived.size() == FORECAST_SERIES.size() * cells) {
      const auto begin = result.derived.begin() + static_cast<std::ptrdiff_t>(series * cells);
      double_rows_.insert(double_rows_.end(), begin, begin + static_cast<std::ptrdiff_t>(cells));
    } else {
      double_rows_.insert(double_rows_.end(), cells, std::numeric_limits<double>::quiet_NaN());
    }
  }
  return double_rows_.data();
}

const double* VariantSink::gather_cost(std::span<const sim::ReplicationResult> results) {
  const auto quarters = static_cast<std::size_t>(shape_.quarters);
  double_rows_.clear();
  for (const sim::ReplicationResult& result : results) {
    for (std::size_t quarter = 0; quarter < quarters; ++quarter) {
      double cost = fixed_cost_;
      for (std::size_t rep = 0; rep < rep_commission_rate_.size(); ++rep) {
        cost += rep_commission_rate_[rep] * result.rep_bookings[rep * quarters + quarter];
      }
      double_rows_.push_back(cost);
    }
  }
  return double_rows_.data();
}

std::vector<ReplicationDataset*> VariantSink::all_datasets() {
  std::vector<ReplicationDataset*> datasets{bookings_.get(), wins_.get(), attainment_.get(),
                                            rep_bookings_.get(), cost_.get()};
  for (SegmentDatasets& segment : segments_) {
    datasets.insert(datasets.end(),
                    {&segment.bookings, &segment.wins, &segment.leads, &segment.funnel_count,
                     &segment.funnel_amount, &segment.realized, &segment.calls_committed,
                     &segment.calls_possible});
  }
  for (ReplicationDataset& forecast : forecasts_)
    datasets.push_back(&forecast);
  return datasets;
}

void VariantSink::truncate(std::size_t replications) {
  for (ReplicationDataset* dataset : all_datasets()) {
    dataset->resize(replications);
  }
  stored_ = std::min(stored_, replications);
}

}  // namespace funnelsim::analysis
