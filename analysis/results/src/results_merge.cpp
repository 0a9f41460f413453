#include "funnelsim/results/results_merge.hpp"

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <system_error>

#include "funnelsim/stats/statistics.hpp"
#include "hdf5_attribute.hpp"
#include "hdf5_handle.hpp"

namespace funnelsim::analysis {

using hdf5::check;

namespace {

// The shard attributes are float64 (set_root_attribute's type): counts stay exact below 2^53.
constexpr const char* SHARD_INDEX = "shard_index";
constexpr const char* SHARD_COUNT = "shard_count";
constexpr const char* SHARD_RUN_FIRST = "shard_run_first";
constexpr const char* SHARD_RUN_REPLICATIONS = "shard_run_replications";
constexpr const char* SHARD_FORECAST_SAMPLES = "shard_forecast_samples";

// Replications of every variant handed to the writer at a time: bounds the rows rebuilt.
constexpr std::size_t BATCH = 256;

std::string range_text(std::size_t first, std::size_t end) {
  return "[" + std::to_string(first) + ", " + std::to_string(end) + ")";
}

/// What merge needs to know about one input file.
struct Shard {
  std::filesystem::path path;
  std::string where;   ///< its path, as messages name it
  ErrorLocation file;  ///< where its errors are: the file itself
  FileMetadata metadata;
  ShardInfo info;
  std::vector<std::string> variants;
  std::vector<std::string> variant_scenarios;  ///< each variant group's `scenario` attribute

  std::size_t first() const { return metadata.first_replication; }
  std::size_t end() const { return metadata.first_replication + metadata.replications; }
};

/// A whole, non-negative number stored in a one-element float64 root attribute.
std::size_t read_count_attribute(hid_t file, const char* name, const ErrorLocation& where) {
  if (check(H5Aexists(file, name), where, "cannot read attributes") <= 0) {
    throw ResultsError::at(where, std::string("missing root attribute '") + name + "'");
  }
  const hdf5::Attribute attribute(check(H5Aopen(file, name, H5P_DEFAULT), where,
                                        std::string("cannot open attribute '") + name + "'"));
  const hdf5::Dataspace space(check(H5Aget_space(attribute.get()), where, "bad dataspace"));
  double value = -1.0;
  if (H5Sget_simple_extent_npoints(space.get()) != 1 ||
      H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, &value) < 0 || !(value >= 0.0) ||
      value != static_cast<double>(static_cast<std::uint64_t>(value))) {
    throw ResultsError::at(where,
                           std::string("root attribute '") + name + "' is not a whole number");
  }
  return static_cast<std::size_t>(value);
}

Shard open_shard(const std::filesystem::path& path) {
  Shard shard;
  shard.path = path;
  shard.where = path.string();
  shard.file = {shard.where, 0, 0, {}};
  {
    // Checks that it is a funnelsim results file of a layout this code reads.
    const ResultsReader reader(path);
    shard.metadata = reader.metadata();
    shard.variants = reader.variants();
  }
  hdf5::silence_errors();
  const hdf5::File file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!file.valid())
    hdf5::fail(shard.file, "cannot open");
  const ErrorLocation& where = shard.file;
  if (!hdf5::has_attribute(file.get(), SHARD_COUNT, where)) {
    throw ResultsError::at(where,
                           "not a shard (no 'shard_count' attribute): merge joins the files "
                           "written by 'funnelsim run --shard K/N'");
  }
  shard.info.index = read_count_attribute(file.get(), SHARD_INDEX, where);
  shard.info.count = read_count_attribute(file.get(), SHARD_COUNT, where);
  shard.info.run_first = read_count_attribute(file.get(), SHARD_RUN_FIRST, where);
  shard.info.run_replications = read_count_attribute(file.get(), SHARD_RUN_REPLICATIONS, where);
  shard.info.forecast_samples = read_count_attribute(file.get(), SHARD_FORECAST_SAMPLES, where);
  for (const std::string& variant : shard.variants) {
    const hdf5::Group group(
        check(H5Gopen2(file.get(), ("variants/" + variant).c_str(), H5P_DEFAULT), where,
              "cannot open variant '" + variant + "'"));
    shard.variant_scenarios.push_back(hdf5::read_string_attribute(
        group.get(), "scenario", {shard.where, 0, 0, "variants/" + variant}));
  }

  const ShardInfo& info = shard.info;
  const std::string name = "shard " + std::to_string(info.index) + "/" + std::to_string(info.count);
  if (info.count == 0 || info.index == 0 || info.index > info.count) {
    throw ResultsError::at(where, name + " is not a valid shard number");
  }
  const ShardRange range = shard_range(info);
  if (shard.metadata.first_replication != range.first ||
      shard.metadata.replications_planned != range.count) {
    throw ResultsError::at(
        where,
        name + " of " + std::to_string(info.run_replications) + " replications should hold " +
            range_text(range.first, range.first + range.count) + ", but the file plans " +
            range_text(shard.metadata.first_replication,
                       shard.metadata.first_replication + shard.metadata.replications_planned));
  }
  if (!shard.metadata.complete || shard.metadata.replications != range.count) {
    throw ResultsError::at(
        where, name + " is incomplete (" + std::to_string(shard.metadata.replications) + " of " +
                   std::to_string(range.count) +
                   " replications, the run was interrupted): run that shard again");
  }
  return shard;
}

/// Throws unless `shard` comes from the same run as `reference`.
void check_same_run(const Shard& reference, const Shard& shard) {
  const auto differ = [&](const std::string& what, const std::string& mine,
                          const std::string& theirs) {
    throw ResultsError::at(shard.file, what + " " + mine + " differs from " + reference.where +
                                           "'s " + theirs + ": not shards of the same run");
  };
  const FileMetadata& a = reference.metadata;
  const FileMetadata& b = shard.metadata;
  if (b.funnelsim_version != a.funnelsim_version)
    differ("funnelsim version", b.funnelsim_version, a.funnelsim_version);
  if (b.layout_version != a.layout_version) {
    differ("layout version", std::to_string(b.layout_version), std::to_string(a.layout_version));
  }
  if (b.scenario_name != a.scenario_name)
    differ("scenario", "'" + b.scenario_name + "'", "'" + a.scenario_name + "'");
  if (b.scenario_yaml != a.scenario_yaml) {
    differ("scenario", "text", "(same name, different keys or --set overrides)");
  }
  if (b.seed != a.seed)
    differ("seed", std::to_string(b.seed), std::to_string(a.seed));
  const ShardInfo& x = reference.info;
  const ShardInfo& y = shard.info;
  if (y.run_first != x.run_first || y.run_replications != x.run_replications) {
    differ("run of replications", range_text(y.run_first, y.run_first + y.run_replications),
           range_text(x.run_first, x.run_first + x.run_replications));
  }
  if (y.forecast_samples != x.forecast_samples) {
    differ("--forecast-samples", std::to_string(y.forecast_samples),
           std::to_string(x.forecast_samples));
  }
  if (shard.variants != reference.variants ||
      shard.variant_scenarios != reference.variant_scenarios)
    differ("variants", "", "");
}

/// Throws unless the shards, sorted by first replication, tile the run with no gap or overlap.
void check_tiling(const std::vector<Shard>& shards) {
  const ShardInfo& run = shards.front().info;
  std::size_t expected = run.run_first;
  const Shard* previous = nullptr;
  for (const Shard& shard : shards) {
    if (shard.first() > expected) {
      throw ResultsError("replications " + range_text(expected, shard.first()) +
                         " are missing: no shard holds them (" +
                         (previous ? previous->where + " ends at " + std::to_string(expected) + ", "
                                   : std::string()) +
                         shard.where + " starts at " + std::to_string(shard.first()) + ")");
    }
    if (shard.first() < expected) {
      throw ResultsError::at(
          shard.file, "its replications " + range_text(shard.first(), shard.end()) + " overlap " +
                          previous->where + "'s " + range_text(previous->first(), previous->end()));
    }
    expected = shard.end();
    previous = &shard;
  }
  const std::size_t end = run.run_first + run.run_replications;
  if (expected < end) {
    throw ResultsError("replications " + range_text(expected, end) +
                       " are missing: no shard holds them (" + previous->where + " ends at " +
                       std::to_string(expected) + ")");
  }
}

/// One variant's replications of one shard, read a batch of rows at a time: memory stays
/// bounded by the batch, whatever the shard holds.
class ShardVariantRows {
 public:
  ShardVariantRows(const ResultsReader& reader, const std::string& variant,
                   std::span<const sim::SeriesInfo> derived)
      : reader_(reader),
        variant_(variant),
        segment_names_(reader.segments(variant)),
        derived_series_(derived) {}

  /// Reads rows [first, first + count) of every dataset; fill() then takes them.
  void load(std::size_t first, std::size_t count) {
    first_ = first;
    count_ = count;
    bookings_ = take("bookings");
    wins_ = take("wins");
    rep_bookings_ = take("rep_bookings");
    segments_.clear();
    for (const std::string& segment : segment_names_) {
      const std::string prefix = "segments/" + segment + "/";
      std::vector<std::vector<double>> fields;
      for (const sim::SegmentSeries& series : sim::SEGMENT_SERIES)
        fields.push_back(take(prefix + std::string(series.info.name)));
      segments_.push_back(std::move(fields));
    }
    derived_.clear();
    for (const sim::SeriesInfo& series : derived_series_)
      derived_.push_back(take("forecast/" + std::string(series.name)));
  }

  /// Replication `row` of the shard as the engine and the run's hook produced it.
  void fill(std::size_t row, sim::ReplicationResult& result) const {
    result.bookings = slice(bookings_, row);
    result.wins = integers(slice(wins_, row));
    result.rep_bookings = slice(rep_bookings_, row);
    result.segments.resize(segments_.size());
    for (std::size_t s = 0; s < segments_.size(); ++s) {
      sim::SegmentResult& segment = result.segments[s];
      for (std::size_t f = 0; f < sim::SEGMENT_SERIES.size(); ++f) {
        const sim::SegmentSeries& series = sim::SEGMENT_SERIES[f];
        if (series.amounts) {
          segment.*series.amounts = slice(segments_[s][f], row);
        } else {
          segment.*series.counts = integers(slice(segments_[s][f], row));
        }
      }
    }
    result.derived.clear();
    for (const std::vector<double>& series : derived_)
      result.derived.push_back(slice(series, row));
  }

 private:
  // The reader checks each dataset's shape against the shard's replications and calendar.
  std::vector<double> take(const std::string& dataset) const {
    return reader_.read_rows(variant_, dataset, first_, count_).values;
  }
  std::vector<double> slice(const std::vector<double>& values, std::size_t row) const {
    const std::size_t width = values.size() / count_;
    const auto begin = values.begin() + static_cast<std::ptrdiff_t>((row - first_) * width);
    return {begin, begin + static_cast<std::ptrdiff_t>(width)};
  }
  // Counts were stored as int64 and read as double: exact below 2^53.
  static std::vector<std::int64_t> integers(const std::vector<double>& values) {
    return {values.begin(), values.end()};
  }

  const ResultsReader& reader_;
  std::string variant_;
  std::vector<std::string> segment_names_;
  std::span<const sim::SeriesInfo> derived_series_;
  std::size_t first_ = 0;  ///< the rows load() read
  std::size_t count_ = 1;
  std::vector<double> bookings_;
  std::vector<double> wins_;
  std::vector<double> rep_bookings_;
  std::vector<std::vector<std::vector<double>>> segments_;  ///< [segment][SEGMENT_SERIES]
  std::vector<std::vector<double>> derived_;                ///< derived_series_ order
};

}  // namespace

ShardRange shard_range(const ShardInfo& shard) {
  const std::size_t r = shard.run_replications;
  const std::size_t begin = (shard.index - 1) * r / shard.count;
  const std::size_t end = shard.index * r / shard.count;
  return {shard.run_first + begin, end - begin};
}

void mark_shard(ResultsWriter& writer, const ShardInfo& shard) {
  writer.set_root_attribute(SHARD_INDEX, static_cast<double>(shard.index));
  writer.set_root_attribute(SHARD_COUNT, static_cast<double>(shard.count));
  writer.set_root_attribute(SHARD_RUN_FIRST, static_cast<double>(shard.run_first));
  writer.set_root_attribute(SHARD_RUN_REPLICATIONS, static_cast<double>(shard.run_replications));
  writer.set_root_attribute(SHARD_FORECAST_SAMPLES, static_cast<double>(shard.forecast_samples));
}

MergeResult merge_shards(const std::vector<std::filesystem::path>& paths,
                         const std::filesystem::path& target, bool overwrite,
                         std::span<const sim::SeriesInfo> derived, const ScenarioModels& models) {
  if (paths.empty())
    throw ResultsError("no shard files to merge");
  std::vector<Shard> shards;
  for (const std::filesystem::path& path : paths) {
    std::error_code error;
    if (std::filesystem::equivalent(path, target, error)) {
      throw ResultsError::at({target.string(), 0, 0, {}},
                             "is also an input; write the merge to a new file");
    }
    shards.push_back(open_shard(path));
    check_same_run(shards.front(), shards.back());
  }
  std::stable_sort(shards.begin(), shards.end(),
                   [](const Shard& a, const Shard& b) { return a.first() < b.first(); });
  check_tiling(shards);

  // The models come from the scenario text the shards share, exactly as the run built them:
  // the writer recomputes what derives from them (attainment, cost) bit for bit.
  const Shard& first = shards.front();
  const std::vector<VariantModel> scenario = models(first.metadata.scenario_yaml, first.where);
  if (scenario.size() != first.variants.size()) {
    throw ResultsError::at(first.file, "holds " + std::to_string(first.variants.size()) +
                                           " variants, its scenario defines " +
                                           std::to_string(scenario.size()));
  }
  for (std::size_t v = 0; v < first.variants.size(); ++v) {
    if (scenario[v].name != first.variants[v]) {
      throw ResultsError::at(first.file, "variant '" + first.variants[v] +
                                             "' is not its scenario's variant '" +
                                             scenario[v].name + "'");
    }
  }

  const ShardInfo& run = first.info;
  RunMetadata metadata;
  metadata.scenario_yaml = first.metadata.scenario_yaml;
  metadata.scenario_name = first.metadata.scenario_name;
  metadata.seed = first.metadata.seed;
  metadata.replications_planned = run.run_replications;
  metadata.first_replication = run.run_first;
  ResultsWriter writer(target, metadata, overwrite, paths);
  std::vector<sim::ResultSink*> sinks;
  for (std::size_t v = 0; v < first.variants.size(); ++v) {
    sinks.push_back(&writer.add_variant(first.variants[v], scenario[v].model,
                                        first.variant_scenarios[v], derived, scenario[v].sweep));
  }

  // Total bookings of every variant in every replication, for the precision a whole run
  // records (run_experiment's PrecisionTracker, fed in replication order).
  std::vector<std::vector<double>> totals(first.variants.size());
  std::vector<sim::ReplicationResult> batch;
  for (const Shard& shard : shards) {
    const ResultsReader reader(shard.path);
    const std::size_t rows = shard.metadata.replications;
    for (std::size_t v = 0; v < sinks.size(); ++v) {
      ShardVariantRows source(reader, first.variants[v], derived);
      for (std::size_t row = 0; row < rows; row += BATCH) {
        batch.resize(std::min(BATCH, rows - row));
        source.load(row, batch.size());
        for (std::size_t i = 0; i < batch.size(); ++i) {
          source.fill(row + i, batch[i]);
          double total = 0.0;
          for (const double quarter : batch[i].bookings)
            total += quarter;
          totals[v].push_back(total);
        }
        sinks[v]->consume(shard.first() + row, batch);
      }
    }
  }
  PrecisionTracker tracker(sinks.size());
  std::vector<double> row(sinks.size());
  for (std::size_t r = 0; r < run.run_replications; ++r) {
    for (std::size_t v = 0; v < sinks.size(); ++v)
      row[v] = totals[v][r];
    tracker.add(row);
  }
  writer.set_root_attribute("precision_achieved", tracker.relative_half_width());
  writer.commit(run.run_replications);
  return {shards.size(), sinks.size(), run.run_replications};
}

}  // namespace funnelsim::analysis
