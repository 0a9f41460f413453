#pragma once
/// Shards of a run and their merge: `funnelsim run --shard K/N` writes replications K of N of
/// a run into a results file marked as a shard, and merge_shards() joins the N files into the
/// file that one machine would have written (h5diff finds no difference).
///
/// Every replication's random streams are keyed by its number, so a shard is exactly the
/// same replications as the corresponding rows of the whole run.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "funnelsim/results/results_file.hpp"

namespace funnelsim::analysis {

/// Shard K of N of a run of `run_replications` replications starting at `run_first`.
/// Stored as float64 root attributes (`shard_index`, `shard_count`, `shard_run_first`,
/// `shard_run_replications`, `shard_forecast_samples`; RESULTS.md); a merged file has none.
struct ShardInfo {
  std::size_t index = 1;  ///< K, counted from 1
  std::size_t count = 1;  ///< N >= 1
  std::size_t run_first = 0;
  std::size_t run_replications = 0;  ///< R, of the whole run
  std::size_t forecast_samples = 0;  ///< the run's --forecast-samples, which shapes the results
};

/// The replications of a shard: contiguous blocks [first, first + count) with
/// first = run_first + (K - 1) R / N and count = K R / N - (K - 1) R / N (integer division),
/// which tile [run_first, run_first + R) in order.
struct ShardRange {
  std::size_t first = 0;
  std::size_t count = 0;
};
ShardRange shard_range(const ShardInfo& shard);

/// Records `shard` in the file `writer` writes (before commit()).
void mark_shard(ResultsWriter& writer, const ShardInfo& shard);

struct MergeResult {
  std::size_t shards = 0;
  std::size_t variants = 0;
  std::size_t replications = 0;  ///< of every variant
};

/// A variant of the run and its model, as the run built it.
struct VariantModel {
  std::string name;
  sim::Model model;
  SweepPoint sweep;  ///< its place on the scenario's sweep, stored again by the merge
};

/// Builds the models of a run's variants from the scenario text its results file stores
/// (FileMetadata::scenario_yaml); `where` names the file for messages. The results library
/// reads no YAML: the caller passes the scenario loader (the merge command does). Throws
/// ResultsError when the text does not load.
using ScenarioModels = std::function<std::vector<VariantModel>(const std::string& scenario_yaml,
                                                               const std::string& where)>;

/// Joins shard files, given in any order, into `target`, written atomically like a run
/// (ResultsWriter). Throws ResultsError naming the offending file when an input is not a
/// complete funnelsim shard, when the shards differ in funnelsim version, scenario, seed,
/// forecast samples, variants or run, or when their replications leave a gap or overlap.
/// `derived` lists the series the run's ReplicationHook declared (ResultsWriter::add_variant),
/// FORECAST_SERIES for `funnelsim run`. `models` builds the variants' models, from which the
/// writer recomputes what derives from them (attainment, cost) bit for bit.
MergeResult merge_shards(const std::vector<std::filesystem::path>& shards,
                         const std::filesystem::path& target, bool overwrite,
                         std::span<const sim::SeriesInfo> derived, const ScenarioModels& models);

}  // namespace funnelsim::analysis
