// The engine's speed on scenarios/company.yaml, measured side by side in one run:
// events per second per core, the RNG floor (the same draws without the simulation), and the
// speedup from 1 to 2 threads (and to all cores where more exist). Prints figures; asserts
// nothing: floors are read off by a person and recorded in bench/README.md.

#include <algorithm>
#include <boost/random/gamma_distribution.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "funnelsim/forecast/forecast_benchmark.hpp"
#include "funnelsim/scenarios/load.hpp"
#include "funnelsim/sim/random.hpp"
#include "funnelsim/sim/runner.hpp"
#include "funnelsim/sim/sampler.hpp"

namespace sim = funnelsim::sim;

namespace {

/// Runs of each configuration; the fastest is kept.
constexpr int ROUNDS = 5;

/// Totals over replications: what the RNG floor must draw.
class CountingSink final : public sim::ResultSink {
 public:
  void consume(std::size_t, std::span<const sim::ReplicationResult> results) override {
    for (const sim::ReplicationResult& result : results) {
      events += result.events;
      leads_resolved += result.leads_resolved;
      lead_points += result.lead_points;
      referral_streams += result.referral_streams;
      if (opportunities.empty()) {
        opportunities.assign(result.segments.size(), 0);
        stage_entries.assign(result.segments.size(), 0);
      }
      for (std::size_t s = 0; s < result.segments.size(); ++s) {
        opportunities[s] += result.segments[s].opportunities;
        stage_entries[s] += result.segments[s].stage_entries;
      }
    }
  }
  std::uint64_t events = 0;
  std::uint64_t leads_resolved = 0;
  std::uint64_t lead_points = 0;
  std::uint64_t referral_streams = 0;
  std::vector<std::uint64_t> opportunities;
  std::vector<std::uint64_t> stage_entries;
};

struct Timed {
  double seconds = 0.0;
  CountingSink counts;
};

Timed time_run(const sim::Model& model, std::size_t replications, int threads,
               const sim::ReplicationHook* hook = nullptr) {
  Timed timed;
  sim::RunOptions options;
  options.hook = hook;
  options.seed = 42;
  options.replications = replications;
  options.threads = threads;
  options.batch = 1;
  const auto start = std::chrono::steady_clock::now();
  sim::run_replications(model, options, timed.counts);
  timed.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return timed;
}

/// Draws the same number and kinds of variates as the run, from fresh streams exactly where
/// the engine makes them and with the engine's Philox (round keys computed once), on one
/// thread. Returns seconds.
double rng_floor(const sim::Model& model, const CountingSink& counts, double& checksum) {
  const auto start = std::chrono::steady_clock::now();
  const sim::RoundKeys keys(1, 0);
  double sum = 0.0;
  // Territory and source points: an exponential gap and a uniform level from a long stream.
  sim::RandomStream points(keys, {1, 1}, sim::Purpose::lead_arrivals);
  for (std::uint64_t i = 0; i < counts.lead_points; ++i) {
    sum += boost::random::exponential_distribution<double>(1.0)(points) + points.uniform01();
  }
  for (std::size_t s = 0; s < model.segments.size(); ++s) {
    const sim::Segment& segment = model.segments[s];
    const sim::Sampler deal_size(segment.deal_size);
    std::vector<sim::Sampler> days;
    for (const sim::Stage& stage : segment.stages)
      days.emplace_back(stage.days);
    // Each opportunity: a fresh intake stream, the customer kind and the deal size.
    for (std::uint64_t i = 0; i < counts.opportunities[s]; ++i) {
      sim::RandomStream intake(keys, {s, i}, sim::Purpose::intake);
      sum += intake.uniform01() + deal_size(intake);
    }
    // Each stage entry: a fresh stream, one 64-bit draw for two 32-bit uniforms (the outcome
    // and the rep's call) and the duration.
    for (std::uint64_t i = 0; i < counts.stage_entries[s]; ++i) {
      sim::RandomStream stream(keys, {s, i}, sim::Purpose::stage, 0);
      const std::uint64_t word = stream();
      sum += static_cast<double>(word >> 32) * 0x1.0p-32 +
             static_cast<double>(word & 0xffffffffU) * 0x1.0p-32 + days[i % days.size()](stream);
    }
  }
  // Each referral stream: a fresh stream, a Poisson count and a delay per referral, the
  // streams shared out among the referral sources in turn (the counts, and so the delays, are
  // the floor's own draws: as many as the run's on average).
  std::vector<std::size_t> referral_sources;
  for (std::size_t s = 0; s < model.sources.size(); ++s) {
    if (model.sources[s].kind == sim::LeadSourceKind::referral)
      referral_sources.push_back(s);
  }
  if (!referral_sources.empty()) {
    std::vector<sim::PoissonSampler> counts_of;
    std::vector<sim::Sampler> delays;
    for (const std::size_t s : referral_sources) {
      counts_of.emplace_back(model.sources[s].per_win);
      delays.emplace_back(model.sources[s].delay_days);
    }
    for (std::uint64_t i = 0; i < counts.referral_streams; ++i) {
      const std::size_t k = i % referral_sources.size();
      sim::RandomStream stream(keys, {k, i}, sim::Purpose::referrals);
      const int referrals = counts_of[k](stream);
      for (int j = 0; j < referrals; ++j)
        sum += delays[k](stream);
    }
  }
  checksum = sum;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Counts the raw 64-bit draws a distribution takes per variate.
struct CountingEngine {
  using result_type = std::uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }
  result_type operator()() {
    ++calls;
    return stream();
  }
  sim::RandomStream stream{7, 0, {0, 0}, sim::Purpose::stage};
  std::uint64_t calls = 0;
};

template <class Draw>
double draws_per_variate(Draw draw) {
  CountingEngine engine;
  constexpr int N = 200000;
  double sink = 0.0;
  for (int i = 0; i < N; ++i)
    sink += draw(engine);
  if (sink < 0.0)
    std::puts("");
  return static_cast<double>(engine.calls) / N;
}

}  // namespace

int main(int argc, char** argv) {
  std::string scenario = std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/company.yaml";
  std::size_t replications = 8;
  bool profile = false;
  bool profile_floor = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--replications" && i + 1 < argc) {
      replications = std::strtoul(argv[++i], nullptr, 10);
    } else if (arg == "--profile") {
      profile = true;
    } else if (arg == "--profile-floor") {
      profile_floor = true;
    } else if (arg == "--scenario" && i + 1 < argc) {
      scenario = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: funnelsim_bench [--replications N] [--scenario FILE] [--profile | "
                   "--profile-floor]\n");
      return 2;
    }
  }
  const sim::Model model = funnelsim::scenarios::load_scenario_file(scenario).model;
  if (profile) {
    // Only the replications, on one thread: what perf and callgrind should look at.
    const Timed run = time_run(model, replications, 1);
    std::printf("%zu replications on 1 thread: %.0f events, %.0f leads, %.2f s\n", replications,
                static_cast<double>(run.counts.events),
                static_cast<double>(run.counts.leads_resolved), run.seconds);
    return 0;
  }
  if (profile_floor) {
    // The replications, then the RNG floor's draws for them: callgrind's inclusive count of
    // rng_floor is the floor's.
    const Timed run = time_run(model, replications, 1);
    double checksum = 0.0;
    const double seconds = rng_floor(model, run.counts, checksum);
    std::printf("%zu replications: %.2f s; their RNG floor: %.2f s\n", replications, run.seconds,
                seconds);
    return 0;
  }
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  std::printf(
      "scenario: %s (%d reps, %d weeks simulated), %zu replications, seed 42, %d cores"
      " (best of %d runs each)\n",
      model.name.c_str(), model.rep_count(), model.calendar.total_weeks(), replications, cores,
      ROUNDS);

  // Each configuration runs five times, interleaved with the others (1 thread, 2 threads, the
  // RNG floor), and keeps its fastest: the figures of a shared machine are noisy, the minimum
  // is the least disturbed measurement, and interleaving gives every configuration the same
  // chances of a quiet moment, so that the ratios compare like with like.
  time_run(model, 1, 1);  // warm caches and the allocator
  Timed one = time_run(model, replications, 1);
  Timed two = time_run(model, replications, 2);
  double checksum = 0.0;
  double floor = rng_floor(model, one.counts, checksum);
  for (int round = 1; round < ROUNDS; ++round) {
    Timed again = time_run(model, replications, 1);
    if (again.seconds < one.seconds)
      one = again;
    again = time_run(model, replications, 2);
    if (again.seconds < two.seconds)
      two = again;
    floor = std::min(floor, rng_floor(model, one.counts, checksum));
  }
  const double events = static_cast<double>(one.counts.events);
  std::printf("events per replication: %.0f\n", events / replications);
  std::printf("events/s per core: %.2f M (1 thread, %.2f s)\n", events / one.seconds / 1e6,
              one.seconds);
  std::printf("leads/s per core: %.2f M (opportunities from first stage to outcome)\n",
              one.counts.leads_resolved / one.seconds / 1e6);
  std::uint64_t intakes = 0;
  std::uint64_t stage_entries = 0;
  for (std::size_t s = 0; s < one.counts.opportunities.size(); ++s) {
    intakes += one.counts.opportunities[s];
    stage_entries += one.counts.stage_entries[s];
  }
  std::printf(
      "rng floor: %.2f s for the same draws: %.3g points, %.3g intakes, %.3g stage entries, "
      "%.3g referral streams (checksum %.6g)\n",
      floor, static_cast<double>(one.counts.lead_points), static_cast<double>(intakes),
      static_cast<double>(stage_entries), static_cast<double>(one.counts.referral_streams),
      checksum);
  std::printf("rng floor ratio: %.2f (run time / RNG floor; 1.0 is the floor)\n",
              one.seconds / floor);
  std::printf("speedup: %.2f from 1 to 2 threads (%.2f s)\n", one.seconds / two.seconds,
              two.seconds);
  if (cores > 2) {
    Timed all = time_run(model, replications, cores);
    for (int round = 1; round < ROUNDS; ++round) {
      Timed again = time_run(model, replications, cores);
      if (again.seconds < all.seconds)
        all = again;
    }
    std::printf("speedup: %.2f from 1 to %d threads (%.2f s)\n", one.seconds / all.seconds, cores,
                all.seconds);
  }

  // The forecast benchmark's cost at each week of a replication. The simulation model's pilot,
  // paid once before a run, is priced by bench/run's "weekly forecasts" line; its size does not
  // change the cost per week, so a small one does here.
  {
    const funnelsim::analysis::ForecastBenchmark formulas(model, 42, 0);
    const funnelsim::analysis::ForecastBenchmark simulation(model, 42, 8);
    // As many rounds as the plain run, whose fastest it is compared with.
    double with_formulas = time_run(model, replications, 1, &formulas).seconds;
    double with_simulation = time_run(model, replications, 1, &simulation).seconds;
    for (int round = 1; round < ROUNDS; ++round) {
      with_formulas = std::min(with_formulas, time_run(model, replications, 1, &formulas).seconds);
      with_simulation =
          std::min(with_simulation, time_run(model, replications, 1, &simulation).seconds);
    }
    std::printf(
        "forecast cost: funnel/commit/run-rate %+.0f%%, simulation model %+.0f%% of the run "
        "time (1 thread; each week's forecast, not the pilot before the run)\n",
        100.0 * (with_formulas / one.seconds - 1.0), 100.0 * (with_simulation / one.seconds - 1.0));
  }

  std::printf(
      "raw draws per variate: boost gamma (shape 6.25) %.1f, Marsaglia-Tsang gamma (shape 6.25) "
      "%.1f,"
      " exponential %.1f, uniform_01 %.1f\n",
      draws_per_variate([](CountingEngine& e) {
        return boost::random::gamma_distribution<double>(1.0 / 0.16, 7 * 0.16)(e);
      }),
      draws_per_variate([sampler = sim::Sampler(sim::Distribution::gamma(7, 0.4))](
                            CountingEngine& e) { return sampler(e); }),
      draws_per_variate([](CountingEngine& e) {
        return boost::random::exponential_distribution<double>(1.0)(e);
      }),
      draws_per_variate([](CountingEngine& e) { return boost::random::uniform_01<double>()(e); }));
  return 0;
}
