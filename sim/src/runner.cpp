#include <tbb/global_control.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

#include "funnelsim/sim/runner.hpp"

// ThreadSanitizer cannot see the synchronisation inside an uninstrumented libtbb (Debian's):
// hand-overs between the pipeline's filters and the final join are annotated instead.
#if defined(__SANITIZE_THREAD__)
#define FUNNELSIM_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define FUNNELSIM_TSAN 1
#endif
#endif
#ifdef FUNNELSIM_TSAN
extern "C" void __tsan_acquire(void* address);
extern "C" void __tsan_release(void* address);
#define FUNNELSIM_TSAN_ACQUIRE(address) __tsan_acquire(address)
#define FUNNELSIM_TSAN_RELEASE(address) __tsan_release(address)
#else
#define FUNNELSIM_TSAN_ACQUIRE(address) static_cast<void>(address)
#define FUNNELSIM_TSAN_RELEASE(address) static_cast<void>(address)
#endif

namespace funnelsim::sim {
namespace {

constexpr std::size_t BATCHES_PER_THREAD = 4;

struct Batch {
  std::size_t first = 0;
  std::vector<ReplicationResult> results;
};

/// Replications per batch: batches amortise the sink's per-call cost over cheap replications,
/// but a short run cut into few of them leaves cores idle (64 replications of a large scenario
/// in batches of 8 keep only 8 of 16 threads busy, and the last batch runs alone). So at most
/// `options.batch`, and small enough that every thread gets at least four batches.
std::size_t replications_per_batch(const RunOptions& options, int threads) {
  const std::size_t per_thread =
      options.replications / (BATCHES_PER_THREAD * static_cast<std::size_t>(threads));
  return std::clamp<std::size_t>(per_thread, 1, std::max<std::size_t>(1, options.batch));
}

}  // namespace

RunStats run_replications(const Model& model, const RunOptions& options, ResultSink& sink) {
  RunStats stats;
  const int threads =
      options.threads > 0 ? options.threads : tbb::this_task_arena::max_concurrency();
  const std::size_t batch_size = replications_per_batch(options, threads);
  // More threads than the process's worker limit (the cores, by default): raise the limit for
  // this run, or oneTBB prints a warning and runs on fewer threads than were asked for.
  std::optional<tbb::global_control> wider;
  if (static_cast<std::size_t>(threads) >
      tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism))
    wider.emplace(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  const std::size_t end = options.first_replication + options.replications;
  std::size_t next = options.first_replication;

  // A pipeline: batches are issued in order, simulated in parallel, and handed to the sink
  // serially in order. Tokens bound the batches in flight, so memory does not grow with the
  // replication count, and the sink's writing overlaps the simulation of later batches.
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_pipeline(
        static_cast<std::size_t>(threads) * 2,
        tbb::make_filter<void, std::shared_ptr<Batch>>(
            tbb::filter_mode::serial_in_order,
            [&](tbb::flow_control& control) -> std::shared_ptr<Batch> {
              FUNNELSIM_TSAN_ACQUIRE(&stats);
              if (next >= end || (options.stop && options.stop->load())) {
                if (next < end)
                  stats.stopped_early = true;
                control.stop();
                FUNNELSIM_TSAN_RELEASE(&stats);
                return nullptr;
              }
              auto batch = std::make_shared<Batch>();
              batch->first = next;
              batch->results.resize(std::min(batch_size, end - next));
              next += batch->results.size();
              FUNNELSIM_TSAN_RELEASE(&stats);
              FUNNELSIM_TSAN_RELEASE(batch.get());
              return batch;
            }) &
            tbb::make_filter<std::shared_ptr<Batch>, std::shared_ptr<Batch>>(
                tbb::filter_mode::parallel,
                [&](std::shared_ptr<Batch> batch) {
                  FUNNELSIM_TSAN_ACQUIRE(batch.get());
                  for (std::size_t i = 0; i < batch->results.size(); ++i) {
                    simulate_replication(model, options.seed, batch->first + i, batch->results[i]);
                    if (options.hook)
                      options.hook->after(batch->first + i, batch->results[i]);
                  }
                  FUNNELSIM_TSAN_RELEASE(batch.get());
                  return batch;
                }) &
            tbb::make_filter<std::shared_ptr<Batch>, void>(
                tbb::filter_mode::serial_in_order, [&](std::shared_ptr<Batch> batch) {
                  FUNNELSIM_TSAN_ACQUIRE(batch.get());
                  FUNNELSIM_TSAN_ACQUIRE(&stats);
                  sink.consume(batch->first, batch->results);
                  stats.replications_done += batch->results.size();
                  for (const ReplicationResult& result : batch->results) {
                    stats.events += result.events;
                    stats.leads_resolved += result.leads_resolved;
                  }
                  FUNNELSIM_TSAN_RELEASE(&stats);
                }));
  });
  FUNNELSIM_TSAN_ACQUIRE(&stats);
  return stats;
}

}  // namespace funnelsim::sim
