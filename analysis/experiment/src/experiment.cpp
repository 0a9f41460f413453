#include "funnelsim/experiment/experiment.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "funnelsim/forecast/forecast_benchmark.hpp"
#include "funnelsim/sim/runner.hpp"

namespace funnelsim::analysis {
namespace {

/// Passes a variant's replications on to the file and keeps each one's total bookings.
class BlockSink final : public sim::ResultSink {
 public:
  BlockSink(sim::ResultSink& file, std::vector<double>& totals, std::size_t block_first,
            const ExperimentProgress& progress, std::size_t& done, std::size_t planned)
      : file_(file),
        totals_(totals),
        block_first_(block_first),
        progress_(progress),
        done_(done),
        planned_(planned) {}

  void consume(std::size_t first, std::span<const sim::ReplicationResult> results) override {
    file_.consume(first, results);
    for (std::size_t i = 0; i < results.size(); ++i) {
      double total = 0.0;
      for (const double quarter : results[i].bookings)
        total += quarter;
      totals_[first + i - block_first_] = total;
      events += results[i].events;
    }
    done_ += results.size();
    if (progress_)
      progress_(done_, planned_);
  }

  std::uint64_t events = 0;

 private:
  sim::ResultSink& file_;
  std::vector<double>& totals_;
  std::size_t block_first_;
  const ExperimentProgress& progress_;
  std::size_t& done_;
  std::size_t planned_;
};

}  // namespace

ExperimentResult run_experiment(const std::vector<ExperimentVariant>& variants,
                                const ExperimentOptions& options, ResultsWriter& writer,
                                const ExperimentProgress& progress,
                                const ExperimentProgress& pilot_progress) {
  std::vector<sim::ResultSink*> sinks;
  std::vector<std::unique_ptr<ForecastBenchmark>> forecasts;
  ExperimentResult result;
  const std::size_t pilots = options.forecast_samples * variants.size();
  for (std::size_t v = 0; v < variants.size(); ++v) {
    const ExperimentVariant& variant = variants[v];
    sinks.push_back(&writer.add_variant(variant.name, *variant.model, variant.resolved_yaml,
                                        FORECAST_SERIES, variant.sweep));
    PilotHooks hooks;
    hooks.stop = options.stop;
    if (pilot_progress) {
      hooks.progress = [&, v](std::size_t done) {
        pilot_progress(v * options.forecast_samples + done, pilots);
      };
    }
    forecasts.push_back(std::make_unique<ForecastBenchmark>(
        *variant.model, options.seed, options.forecast_samples, options.threads, hooks));
    // Stopped while the simulation forecast model learned: no replication runs.
    if (forecasts.back()->simulation() && !forecasts.back()->simulation()->complete())
      result.stopped_early = true;
  }
  const std::size_t planned = options.max_replications * variants.size();
  std::size_t done = 0;
  PrecisionTracker tracker(variants.size());
  std::vector<std::vector<double>> totals(variants.size());

  // Blocks keep the variants in step: after each, every variant has the same replications,
  // so the file is consistent wherever the run stops and the paired sums can be updated.
  const std::size_t block =
      options.precision ? std::max<std::size_t>(1, options.block) : options.max_replications;
  while (!result.stopped_early && result.replications < options.max_replications) {
    const std::size_t first = options.first_replication + result.replications;
    const std::size_t count = std::min(block, options.max_replications - result.replications);
    // Replications of this block that every variant finished: all of them, unless the stop
    // flag cut the block short (then commit() cuts the variants that stored more).
    std::size_t common = count;
    for (std::size_t v = 0; v < variants.size(); ++v) {
      totals[v].assign(count, 0.0);
      std::size_t stored = 0;
      if (!result.stopped_early) {
        BlockSink sink(*sinks[v], totals[v], first, progress, done, planned);
        sim::RunOptions run;
        run.seed = options.seed;
        run.first_replication = first;
        run.replications = count;
        run.threads = options.threads;
        run.stop = options.stop;
        run.hook = forecasts[v].get();
        const sim::RunStats stats = sim::run_replications(*variants[v].model, run, sink);
        result.events += sink.events;
        result.stopped_early = stats.stopped_early;
        stored = stats.replications_done;
      }
      common = std::min(common, stored);
    }
    if (result.stopped_early) {
      result.replications += common;
      break;
    }
    for (std::size_t i = 0; i < count; ++i) {
      std::vector<double> row(variants.size());
      for (std::size_t v = 0; v < variants.size(); ++v)
        row[v] = totals[v][i];
      tracker.add(row);
    }
    result.replications += count;
    if (options.precision && tracker.relative_half_width() <= *options.precision)
      break;
  }
  result.precision = tracker.relative_half_width();
  if (options.precision)
    writer.set_root_attribute("precision_target", *options.precision);
  writer.set_root_attribute("precision_achieved", result.precision);
  return result;
}

}  // namespace funnelsim::analysis
