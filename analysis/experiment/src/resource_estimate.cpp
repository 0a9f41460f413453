#include "funnelsim/experiment/resource_estimate.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "funnelsim/scenarios/error.hpp"
#include "funnelsim/sim/funnel_arithmetic.hpp"

namespace funnelsim::analysis {
namespace {

constexpr double DAYS_PER_WEEK = 7.0;
constexpr double WEEKS_PER_YEAR = 52.0;
// Sizes of the engine's state, rounded up from sim/src: a remembered opportunity (its slot, its
// path's steps, its pending event and free-list entry), a rep with its streams and counters,
// and one Poisson chunk of a territory's lead process (a Philox stream and its pending point).
constexpr double BYTES_PER_OPEN_OPPORTUNITY = 256.0;
constexpr double BYTES_PER_PATH_STEP = 2.0 * 16.0;  ///< a PathStep, in a vector that doubles
constexpr double BYTES_PER_REP = 1024.0;
constexpr double BYTES_PER_CHUNK = 2.0 * 128.0;  ///< in a vector that doubles
// HDF5 keeps a chunk cache (1 MiB by default) for each dataset being written.
constexpr double BYTES_PER_DATASET = 1024.0 * 1024.0;
constexpr double BYTES_BASE = 64.0 * 1024.0 * 1024.0;  ///< the program, libraries, the model
constexpr double BYTES_PER_THREAD_STACK = 8.0 * 1024.0 * 1024.0;
constexpr double REPLICATIONS_PER_BATCH = 8.0;  ///< sim::RunOptions::batch, at most
constexpr int FORECAST_MODELS = 7;              ///< RESULTS.md, forecast/<model>
constexpr double HUGE_COUNT = 1e30;             ///< a count past any limit ("unbounded")

/// Mean days from a segment's first stage to its outcome, when every stage is passed.
double cycle_days(const sim::Segment& segment) {
  double days = 0.0;
  for (const sim::Stage& stage : segment.stages) {
    days += std::min(stage.days.expected_value(), stage.stall_days);
  }
  return days;
}

/// P(Z <= z) of the standard normal.
double normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

/// An upper bound of E[exp(-theta X)], the Laplace transform of a non-negative distribution:
/// exact where it has a closed form, else taken at the smallest value the distribution (or the
/// quadrature cell) can give.
double laplace_bound(const sim::Distribution& d, double theta) {
  const double t = theta * d.scale;
  if (t <= 0.0) {
    return 1.0;
  }
  switch (d.kind) {
    case sim::DistributionKind::fixed:
      return std::exp(-t * d.value);
    case sim::DistributionKind::exponential:
      return 1.0 / (1.0 + t * d.mean);
    case sim::DistributionKind::gamma: {
      if (d.cv <= 0.0) {
        return std::exp(-t * d.mean);
      }
      const double shape = 1.0 / (d.cv * d.cv);
      return std::exp(-shape * std::log1p(t * d.mean / shape));
    }
    case sim::DistributionKind::lognormal: {
      if (d.cv <= 0.0) {
        return std::exp(-t * d.mean);
      }
      const double sigma = std::sqrt(std::log1p(d.cv * d.cv));
      const double mu = std::log(d.mean) - 0.5 * sigma * sigma;
      // Cells of z; in each, exp(-t x) is largest at the cell's smallest x.
      constexpr double STEP = 0.125;
      double sum = normal_cdf(-8.0);
      for (double z = -8.0; z < 8.0; z += STEP) {
        sum += (normal_cdf(z + STEP) - normal_cdf(z)) * std::exp(-t * std::exp(mu + sigma * z));
      }
      return std::min(1.0, sum);
    }
    case sim::DistributionKind::uniform:
      if (d.max - d.min <= 1e-12 * std::max(1.0, d.max)) {
        return std::exp(-t * d.min);
      }
      return (std::exp(-t * d.min) - std::exp(-t * d.max)) / (t * (d.max - d.min));
    case sim::DistributionKind::triangular:
      return std::exp(-t * d.min);
    case sim::DistributionKind::empirical: {
      double weights = 0.0;
      double sum = 0.0;
      for (const sim::EmpiricalBucket& bucket : d.buckets) {
        weights += bucket.weight;
        sum += bucket.weight * std::exp(-t * bucket.min);
      }
      return weights > 0.0 ? sum / weights : 1.0;
    }
  }
  return 1.0;
}

/// The referral sources of one team: what a win brings and when.
struct ReferralChain {
  double per_win = 0.0;  ///< leads a win brings, over all the team's referral sources
  std::string key;       ///< the source that brings the most: `sources.NAME.per_win`
  /// log of an upper bound of E[per_win-weighted exp(-theta x cycle)] at each THETAS[j], the
  /// cycle being a lead's way through every stage plus the referral's delay.
  std::vector<double> log_laplace;
};

/// Rates (per day) at which the Chernoff bound is taken: 2^(j/2) / horizon.
std::vector<double> thetas(double horizon_days) {
  std::vector<double> values;
  for (int j = -8; j <= 48; ++j) {
    values.push_back(std::exp2(0.5 * j) / horizon_days);
  }
  return values;
}

/// Expected leads that one lead of a rep who wins with probability `win` brings in all,
/// itself included, through referral generations born within `horizon_days`: generation k
/// holds at most r^k leads (r = win x per_win), and P(k cycles fit in the horizon) is at most
/// exp(theta H) E[exp(-theta cycle)]^k for every theta (Chernoff). An upper bound whatever the
/// durations' laws; HUGE_COUNT where it passes that.
double referral_descendants(const ReferralChain& chain, const std::vector<double>& theta,
                            double horizon_days, double win) {
  const double r = win * chain.per_win;
  if (r <= 0.0) {
    return 1.0;
  }
  if (r <= 0.9) {
    return 1.0 / (1.0 - r);  // the whole (subcritical) tree, however fast it grows
  }
  const double log_r = std::log(r);
  const double log_win = std::log(win);
  double sum = 1.0;
  double previous = HUGE_COUNT;
  for (double k = 1.0; k <= 1e6; ++k) {
    double log_term = k * log_r;
    for (std::size_t j = 0; j < theta.size(); ++j) {
      log_term = std::min(log_term, theta[j] * horizon_days + k * (log_win + chain.log_laplace[j]));
    }
    const double term = std::exp(log_term);
    sum += term;
    if (!(sum < HUGE_COUNT)) {
      return HUGE_COUNT;
    }
    if (term < 1e-12 * sum && term <= previous) {
      return sum;
    }
    previous = term;
  }
  return sum;
}

/// One term of an estimate, accumulated by key.
void add(std::vector<Contribution>& terms, const std::string& key, double amount) {
  if (!(amount > 0.0)) {
    return;
  }
  for (Contribution& term : terms) {
    if (term.key == key) {
      term.amount += amount;
      return;
    }
  }
  terms.push_back({key, amount});
}

double total(const std::vector<Contribution>& terms) {
  double sum = 0.0;
  for (const Contribution& term : terms) {
    sum += term.amount;
  }
  return sum;
}

const Contribution& largest(const std::vector<Contribution>& terms) {
  return *std::max_element(
      terms.begin(), terms.end(),
      [](const Contribution& a, const Contribution& b) { return a.amount < b.amount; });
}

/// "1 variant", "3 variants".
std::string count_of(std::size_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

std::string format_count(double value) {
  char buffer[48];
  if (value < 1e15) {
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.3g", value);
  }
  return buffer;
}

}  // namespace

std::string format_bytes(double bytes) {
  static const char* const UNITS[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  std::size_t unit = 0;
  while (bytes >= 1024.0 && unit + 1 < std::size(UNITS)) {
    bytes /= 1024.0;
    ++unit;
  }
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, unit == 0 ? "%.0f %s" : "%.3g %s", bytes, UNITS[unit]);
  return buffer;
}

std::string format_seconds(double seconds) {
  char buffer[48];
  if (seconds < 120.0) {
    std::snprintf(buffer, sizeof buffer, "%.2g s", seconds);
  } else if (seconds < 2.0 * 3600) {
    std::snprintf(buffer, sizeof buffer, "%.3g min", seconds / 60.0);
  } else if (seconds < 2.0 * 86400) {
    std::snprintf(buffer, sizeof buffer, "%.3g h", seconds / 3600.0);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.3g days", seconds / 86400.0);
  }
  return buffer;
}

ResourceEstimate estimate_resources(const sim::Model& model, const RunSize& run,
                                    const ResourceLimits& limits) {
  const double quarters = model.calendar.quarters;
  const double weeks_per_quarter = model.calendar.weeks_per_quarter;
  const double measured_weeks = model.calendar.measured_weeks();
  const double total_weeks = model.calendar.total_weeks();
  const double horizon_days = total_weeks * DAYS_PER_WEEK;
  const double years = total_weeks / WEEKS_PER_YEAR;
  const double reps = model.rep_count();
  const double variants = static_cast<double>(std::max<std::size_t>(run.variants, 1));
  const double replications = static_cast<double>(run.replications);
  const double candidates = static_cast<double>(std::max<std::size_t>(run.candidates, 1));
  const double threads = std::max(run.threads, 1);
  const double samples = static_cast<double>(run.forecast_samples);
  const std::vector<double> theta = thetas(horizon_days);

  ResourceEstimate estimate;
  std::vector<Contribution>& work = estimate.work_by_key;
  std::vector<Contribution> per_thread;  // memory of one replication in flight
  double stages_total = 0.0;
  for (const sim::Segment& segment : model.segments) {
    stages_total += static_cast<double>(segment.stages.size());
  }

  for (std::size_t t = 0; t < model.teams.size(); ++t) {
    const sim::Team& team = model.teams[t];
    const std::string team_key = "teams." + team.name + ".";
    const sim::Segment& segment = model.segments[team.segment];
    const double stages = static_cast<double>(segment.stages.size());
    const double headcount = team.territories();  // every territory it ever has, hires included
    // Expected reps a territory sees: the first and one per leave (a leave is a Poisson hazard
    // while the territory is held, so at most annual_rate x years of them).
    const double leaves = team.attrition.annual_rate * years;
    const double holders = 1.0 + leaves;
    // The lead process: ceil(standard x skill) chunks per territory, each a point a week from
    // day 0 to the end, whether the territory is held or not. A replacement with more skill
    // adds chunks: E[max over holders] <= holders x E[skill] = holders.
    const double chunks = team.skill.prospecting_cv > 0.0 ? 1.0 + team.prospects_per_week * holders
                                                          : std::ceil(team.prospects_per_week);
    const std::string prospecting_key =
        team_key + (headcount >= team.prospects_per_week ? "headcount" : "prospects_per_week");
    add(work, prospecting_key, headcount * chunks * total_weeks);
    add(per_thread, prospecting_key, headcount * (chunks * BYTES_PER_CHUNK + BYTES_PER_REP));

    // Leads: the reps' own (skill has mean 1) and the marketing sources', each of which is
    // given to a rep by a rendezvous over the team's active reps.
    std::vector<std::pair<std::string, double>> base_leads;  // key, leads a replication
    base_leads.emplace_back(prospecting_key, headcount * team.prospects_per_week * total_weeks);
    ReferralChain chain;
    double most_per_win = 0.0;
    double delay_days = 0.0;
    std::vector<double> delay_laplace(theta.size(), 0.0);
    for (const sim::LeadSource& source : model.sources) {
      if (source.team != t) {
        continue;
      }
      const std::string source_key = "sources." + source.name + ".";
      if (source.kind == sim::LeadSourceKind::marketing) {
        const double candidates_drawn = source.leads_per_week * total_weeks;
        base_leads.emplace_back(source_key + "leads_per_week", candidates_drawn);
        add(work, source_key + "leads_per_week", candidates_drawn * (1.0 + headcount));
      } else {
        chain.per_win += source.per_win;
        delay_days = std::max(delay_days, source.delay_days.expected_value());
        if (source.per_win > most_per_win) {
          most_per_win = source.per_win;
          chain.key = source_key + "per_win";
        }
        for (std::size_t j = 0; j < theta.size(); ++j) {
          delay_laplace[j] += source.per_win * laplace_bound(source.delay_days, theta[j]);
        }
      }
    }
    for (std::size_t j = 0; j < theta.size(); ++j) {
      double log_laplace = std::log(std::max(delay_laplace[j], 1e-300));
      for (const sim::Stage& stage : segment.stages) {
        log_laplace += std::log(std::max(laplace_bound(stage.days, theta[j]), 1e-300));
      }
      chain.log_laplace.push_back(log_laplace);
    }
    // A lead's expected descendants, over the reps' win skill (which multiplies the win
    // probability): the rep's skill is drawn in cells of its normal, each taken at its top.
    const double win =
        std::max(segment.stages.front().win_probability,
                 segment.existing_share > 0.0 ? segment.existing_win_probability : 0.0);
    double descendants = 1.0;
    if (chain.per_win > 0.0) {
      if (team.skill.win_cv > 0.0) {
        const double sigma = std::sqrt(std::log1p(team.skill.win_cv * team.skill.win_cv));
        constexpr double STEP = 0.25;
        descendants = normal_cdf(-8.0) *
                      referral_descendants(
                          chain, theta, horizon_days,
                          std::min(1.0, win * std::exp(-0.5 * sigma * sigma + sigma * -8.0)));
        for (double z = -8.0; z < 8.0 && descendants < HUGE_COUNT; z += STEP) {
          const double skill = std::exp(-0.5 * sigma * sigma + sigma * (z + STEP));
          descendants +=
              (normal_cdf(z + STEP) - normal_cdf(z)) *
              referral_descendants(chain, theta, horizon_days, std::min(1.0, win * skill));
        }
        descendants += normal_cdf(-8.0) * referral_descendants(chain, theta, horizon_days, 1.0);
      } else {
        descendants = referral_descendants(chain, theta, horizon_days, std::min(1.0, win));
      }
      descendants = std::min(descendants, HUGE_COUNT);
    }
    // Each lead: its arrival and one end per stage; a referral also its start event.
    const double events_per_lead = 1.0 + stages;
    const double remembered_days =
        std::min(cycle_days(segment) + delay_days, horizon_days) / DAYS_PER_WEEK;
    const double bytes_per_remembered = BYTES_PER_OPEN_OPPORTUNITY + stages * BYTES_PER_PATH_STEP;
    for (const auto& [key, count] : base_leads) {
      add(work, key, count * events_per_lead);
      estimate.events_per_replication += count * events_per_lead;
      const double referred = count * (descendants - 1.0);
      add(work, chain.key, referred * (events_per_lead + 1.0));
      estimate.events_per_replication += referred * (events_per_lead + 1.0);
      // Remembered opportunities: by Little's law (twice, for the peak) in a steady funnel;
      // every lead of a replication when referrals grow it.
      const double rate = count * descendants / total_weeks;
      const double remembered = descendants < 2.0
                                    ? std::min(count * descendants, 2.0 * rate * remembered_days)
                                    : count * descendants;
      add(per_thread, descendants < 2.0 ? key : chain.key, remembered * bytes_per_remembered);
    }
    // Each leave and hire: two events, the rendezvous list's erase, the new rep's chunks.
    const double turnover = headcount * leaves;
    estimate.events_per_replication += 2.0 * turnover;
    add(work, team_key + "attrition.annual_rate", turnover * (headcount + chunks + 4.0));
  }
  // Week ends: the funnel's running sums, each an event.
  estimate.events_per_replication += total_weeks;
  add(work, "calendar.quarters", total_weeks * (1.0 + 2.0 * stages_total) + reps * quarters);
  // The simulation forecast (--forecast-samples: its pilot replications). Before the run, the
  // pilot: traced replications of the same scenario, about twice an untraced one's work each
  // (the trace rebuilds every opportunity's weeks in its stages), spread over the run's
  // replications and charged to what makes a replication costly; then at each measured week of
  // a replication, a sum over the funnel's stages.
  if (samples > 0.0) {
    const double pilot = 1.0 + 2.0 * samples / std::max(replications, 1.0);
    for (Contribution& term : work)
      term.amount *= pilot;
    add(work, "--forecast-samples",
        measured_weeks * 4.0 * (stages_total + static_cast<double>(model.segments.size())));
    // A pilot replication in flight holds each open opportunity at each measured week's end,
    // and each opportunity's state: charged, like the pilot's time, to what makes the open
    // funnel large (not finite where referrals outgrow any horizon: their own key refuses).
    double open = 0.0;
    double leads = 0.0;
    for (const sim::TeamArithmetic& team : sim::funnel_arithmetic(model)) {
      for (const double stage : team.standard_funnel)
        open += stage;
      leads += team.leads_per_week;
    }
    const double trace = open * measured_weeks * 32.0 + leads * total_weeks * 40.0;
    const double engine = total(per_thread);
    if (std::isfinite(trace) && engine > 0.0) {
      for (Contribution& term : per_thread)
        term.amount *= 1.0 + trace / engine;
    }
  }
  estimate.work_per_replication = total(work);

  // One replication's row of every dataset (analysis/RESULTS.md), summed over variants.
  double row = quarters * 8.0 * 4.0     // bookings, wins, attainment, cost
               + reps * quarters * 8.0  // rep_bookings
               + FORECAST_MODELS * quarters * weeks_per_quarter * 8.0;
  double datasets = 5.0 + FORECAST_MODELS;
  for (const sim::Segment& segment : model.segments) {
    row += quarters * 8.0 * 3.0  // bookings, wins, leads
           + measured_weeks * static_cast<double>(segment.stages.size()) * 16.0  // funnel
           + measured_weeks * 8.0 * 3.0;  // realized, calls_committed, calls_possible
    datasets += 8.0;
  }
  estimate.output_bytes_per_replication = row * variants;
  estimate.output_bytes = estimate.output_bytes_per_replication * replications;

  // The engine's week arrays and a batch of results waiting for the writer.
  add(per_thread, "calendar.quarters",
      (total_weeks + 2.0) * (stages_total * 16.0 + 3.0 * 8.0 * model.segments.size()) +
          REPLICATIONS_PER_BATCH * (row - reps * quarters * 8.0) * variants);
  add(per_thread, "teams", REPLICATIONS_PER_BATCH * reps * quarters * 8.0 * variants);

  // The forecast's draws are counted in the work: the engine's rate covers them.
  estimate.seconds = estimate.work_per_replication * replications * variants * candidates /
                     (limits.events_per_second_per_thread * threads);

  std::vector<Contribution>& memory = estimate.memory_by_key;
  for (const Contribution& term : per_thread) {
    add(memory, term.key, threads * term.amount);
  }
  add(memory, "--threads", threads * BYTES_PER_THREAD_STACK);
  // The pilot's results, held until it ends.
  add(memory, "--forecast-samples", samples * row);
  add(memory, "variants",
      BYTES_BASE + datasets * variants * BYTES_PER_DATASET +
          // each variant's model and resolved scenario
          variants * (reps * 64.0 + quarters * 64.0));
  estimate.peak_memory_bytes = total(memory);
  return estimate;
}

namespace {

/// The key that names a term: a headcount term is named after the largest team's headcount
/// when the term is the results' rep rows ("teams").
std::string largest_team_key(const sim::Model& model) {
  if (model.teams.empty()) {
    return "teams";
  }
  std::size_t best = 0;
  for (std::size_t t = 1; t < model.teams.size(); ++t) {
    if (model.teams[t].headcount > model.teams[best].headcount) {
      best = t;
    }
  }
  return "teams." + model.teams[best].name + ".headcount";
}

}  // namespace

double machine_memory_limit() {
  double limit = 64.0 * (1ull << 30);
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGESIZE);
  if (pages > 0 && page_size > 0)
    limit = std::min(limit, 0.8 * static_cast<double>(pages) * static_cast<double>(page_size));
  struct rlimit address_space {};
  if (::getrlimit(RLIMIT_AS, &address_space) == 0 && address_space.rlim_cur != RLIM_INFINITY)
    limit = std::min(limit, 0.8 * static_cast<double>(address_space.rlim_cur));
  return limit;
}

void check_resources(const sim::Model& model, const RunSize& run, const std::string& source,
                     const ResourceLimits& limits) {
  const std::string replications = std::to_string(run.replications);
  if (run.replications > MAX_REPLICATIONS) {
    throw scenarios::InputError(
        "--replications", 0, 0, "",
        "must be at most " + std::to_string(MAX_REPLICATIONS) + ", got " + replications);
  }
  const ResourceEstimate estimate = estimate_resources(model, run, limits);

  // An error against the key: an option is its own location, a scenario key is the file's.
  const auto error_for = [&](std::string key, const std::string& message) {
    if (key == "teams") {
      key = largest_team_key(model);
    }
    if (!run.searched_key.empty() && key == run.searched_key) {
      key = run.searched_option;
    }
    if (key.starts_with("--")) {
      return scenarios::InputError(key, 0, 0, "", message);
    }
    return scenarios::InputError(source, 0, 0, key, message);
  };
  const auto share = [](const Contribution& term, double sum) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.0f%%", 100.0 * term.amount / sum);
    return std::string(buffer);
  };
  // Which key to change: the replication count, unless a thousand replications (a small
  // run) would already be over the limit; then what makes each one too large.
  const auto refuse = [&](double used_by_one, double limit, const std::string& model_key,
                          const std::string& what) {
    const double small_run = 1000.0;
    if (used_by_one * small_run <= limit) {
      throw scenarios::InputError("--replications", 0, 0, "",
                                  what + "; at most " +
                                      format_count(std::floor(limit / used_by_one)) +
                                      " replications fit");
    }
    throw error_for(model_key, what);
  };

  const auto threads = static_cast<std::size_t>(std::max(run.threads, 1));
  const double replication_count = std::max<double>(static_cast<double>(run.replications), 1.0);
  const std::string size = std::to_string(model.rep_count()) + " reps, " +
                           std::to_string(model.calendar.quarters) + " quarters of " +
                           std::to_string(model.calendar.weeks_per_quarter) + " weeks";
  const std::string candidates =
      run.candidates > 1 ? " x " + std::to_string(run.candidates) + " candidates" : "";
  if (estimate.output_bytes > limits.output_bytes) {
    // rep_bookings (reps x quarters) dominates the row of any large scenario.
    const std::string key = model.rep_count() >= model.calendar.quarters * 4
                                ? largest_team_key(model)
                                : std::string("calendar.quarters");
    refuse(estimate.output_bytes / replication_count, limits.output_bytes, key,
           "the results would take about " + format_bytes(estimate.output_bytes) + " (" +
               replications + " replications x " + count_of(run.variants, "variant") + " of " +
               size + "); the limit is " + format_bytes(limits.output_bytes));
  }
  if (estimate.peak_memory_bytes > limits.memory_bytes) {
    const Contribution& most = largest(estimate.memory_by_key);
    throw error_for(most.key,
                    "the run would need about " + format_bytes(estimate.peak_memory_bytes) +
                        " of memory (" + size + ", " + count_of(threads, "thread") + "; " +
                        share(most, estimate.peak_memory_bytes) + " of it for " + most.key +
                        "); the limit is " + format_bytes(limits.memory_bytes) +
                        " (64 GiB, or 80% of this machine's memory or address-space limit)");
  }
  if (estimate.seconds > limits.seconds) {
    const Contribution& most = largest(estimate.work_by_key);
    refuse(estimate.seconds / replication_count, limits.seconds, most.key,
           "the run would take about " + format_seconds(estimate.seconds) + " (" +
               format_count(estimate.work_per_replication) + " events a replication, " +
               share(most, estimate.work_per_replication) + " of them from " + most.key + ", x " +
               replications + " replications x " + count_of(run.variants, "variant") + candidates +
               " on " + count_of(threads, "thread") + " at " +
               format_count(limits.events_per_second_per_thread) +
               " events/s each); the limit is " + format_seconds(limits.seconds));
  }

  // The engine sums a segment's open amounts exactly, in int64 units of 1e-6 万: at most
  // 9.2e12 万 open at once. A funnel whose open opportunities (Little's law: the standard
  // funnel) hold more than an eighth of that on average could overflow the sums, and the run
  // would fail halfway (or, worse, wrap): refuse it at the stage that holds most of them.
  constexpr double EXACT_OPEN_AMOUNT = 9.2e12 / 8.0;
  const std::vector<sim::TeamArithmetic> teams = sim::funnel_arithmetic(model);
  std::vector<double> open_amount(model.segments.size(), 0.0);
  std::vector<std::vector<double>> open_count(model.segments.size());
  for (std::size_t t = 0; t < model.teams.size(); ++t) {
    const sim::TeamArithmetic& team = teams[t];
    const std::size_t segment = model.teams[t].segment;
    // No more can be open than entered the funnel over the whole run: stages longer than the
    // run do not reach their stationary level.
    double stationary = 0.0;
    for (const double count : team.standard_funnel)
      stationary += count;
    const double entering =
        (team.win_rate > 0.0 ? team.wins_per_week / team.win_rate : team.leads_per_week) *
        model.calendar.total_weeks();
    const double scale = stationary > entering ? entering / stationary : 1.0;
    open_count[segment].resize(team.standard_funnel.size(), 0.0);
    for (std::size_t i = 0; i < team.standard_funnel.size(); ++i) {
      open_count[segment][i] += scale * team.standard_funnel[i];
      open_amount[segment] += scale * team.standard_funnel[i] * team.average_deal;
    }
  }
  for (std::size_t g = 0; g < model.segments.size(); ++g) {
    if (!(open_amount[g] > EXACT_OPEN_AMOUNT) || !std::isfinite(open_amount[g]))
      continue;  // an infinite funnel (supercritical referrals) was refused above
    const sim::Segment& segment = model.segments[g];
    const std::size_t fullest = static_cast<std::size_t>(
        std::max_element(open_count[g].begin(), open_count[g].end()) - open_count[g].begin());
    char amount[64];
    std::snprintf(amount, sizeof amount, "%.3g", open_amount[g]);
    throw error_for(
        "segments." + segment.name + ".stages." + segment.stages[fullest].name + ".days",
        std::string("the segment's open opportunities would hold about ") + amount +
            " 万 at once (Little's law, capped by what enters in the run), past the 1.15e12 万 "
            "the engine sums "
            "exactly (1e-6 万 units in 64 bits, with a margin of 8); shorten the "
            "stage, or lower the lead rate or the deal size");
  }
}

}  // namespace funnelsim::analysis
