#include "funnelsim/forecast/forecast_benchmark.hpp"

#include <algorithm>
#include <boost/random/binomial_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>
#include <cmath>
#include <limits>

#include "funnelsim/forecast/forecast.hpp"
#include "funnelsim/sim/funnel_arithmetic.hpp"
#include "funnelsim/sim/random.hpp"
#include "funnelsim/sim/sampler.hpp"
#include "funnelsim/stats/statistics.hpp"

namespace funnelsim::analysis {
namespace {

constexpr double DAYS_PER_WEEK = 7.0;
constexpr int TABLE_SAMPLES = 4000;
constexpr std::uint64_t FORECAST_ENTITY = 0x666f7265636173ULL;  // "forecas"

/// Days from entering stage `first` to the outcome, or infinity if a stage stalls.
template <class Engine>
double days_to_close(const std::vector<sim::Sampler>& days, const sim::Segment& segment,
                     std::size_t first, Engine& engine) {
  double total = 0.0;
  for (std::size_t i = first; i < days.size(); ++i) {
    const double d = days[i](engine);
    if (d > segment.stages[i].stall_days)
      return std::numeric_limits<double>::infinity();
    total += d;
  }
  return total;
}

}  // namespace

ForecastBenchmark::ForecastBenchmark(const sim::Model& model, std::uint64_t seed, std::size_t pilot,
                                     int threads, const PilotHooks& hooks)
    : model_(model),
      simulation_(
          pilot > 0 ? std::make_unique<SimulationForecastModel>(model, seed, pilot, threads, hooks)
                    : nullptr) {
  const int weeks = model.calendar.weeks_per_quarter;
  leads_per_week_.assign(model.segments.size(), 0.0);
  const std::vector<sim::TeamArithmetic> teams = sim::funnel_arithmetic(model);
  for (std::size_t t = 0; t < model.teams.size(); ++t) {
    leads_per_week_[model.teams[t].segment] += teams[t].leads_per_week;
  }
  for (std::size_t s = 0; s < model.segments.size(); ++s) {
    const sim::Segment& segment = model.segments[s];
    std::vector<sim::Sampler> days;
    for (const sim::Stage& stage : segment.stages)
      days.emplace_back(stage.days);
    // Tables of P(win and close within r weeks), by Monte Carlo on a fixed stream: they are
    // properties of the scenario, computed once per run.
    sim::RandomStream stream(seed, 0, {FORECAST_ENTITY, s}, sim::Purpose::forecast, 0xffffffff);
    std::vector<std::vector<double>> by_stage(segment.stages.size(),
                                              std::vector<double>(weeks + 1, 0.0));
    for (std::size_t i = 0; i < segment.stages.size(); ++i) {
      // An open deal has sat in its stage for an unknown time. In a steady funnel the stage
      // duration of a deal found open is length-biased (long stays are found more often) and
      // the time left is a uniform share of it: the equilibrium residual life of renewal theory.
      std::vector<double> pool(TABLE_SAMPLES);
      std::vector<double> cumulative(TABLE_SAMPLES);
      double sum = 0.0;
      for (int k = 0; k < TABLE_SAMPLES; ++k) {
        pool[k] = days[i](stream);
        sum += pool[k];
        cumulative[k] = sum;
      }
      std::vector<double> times(TABLE_SAMPLES);
      for (double& t : times) {
        const double pick = stream.uniform01() * sum;
        const double stay = pool[static_cast<std::size_t>(
                                     std::upper_bound(cumulative.begin(), cumulative.end(), pick) -
                                     cumulative.begin()) %
                                 pool.size()];
        t = stay > segment.stages[i].stall_days
                ? std::numeric_limits<double>::infinity()
                : stream.uniform01() * stay + days_to_close(days, segment, i + 1, stream);
      }
      for (int r = 0; r <= weeks; ++r) {
        const double horizon = r * DAYS_PER_WEEK;
        const auto within =
            std::count_if(times.begin(), times.end(), [&](double t) { return t <= horizon; });
        by_stage[i][r] = segment.stages[i].win_probability * within / TABLE_SAMPLES;
      }
    }
    close_within_.push_back(by_stage);
    std::vector<double> new_leads(weeks + 1, 0.0);
    for (int r = 1; r <= weeks; ++r) {
      int within = 0;
      const double horizon = r * DAYS_PER_WEEK;
      for (int k = 0; k < TABLE_SAMPLES; ++k) {
        const double arrival = stream.uniform01() * horizon;
        within += arrival + days_to_close(days, segment, 0, stream) <= horizon;
      }
      new_leads[r] = segment.stages.front().win_probability * within / TABLE_SAMPLES;
    }
    new_lead_within_.push_back(new_leads);
    const sim::Sampler deal(segment.deal_size);
    double sum = 0.0;
    double squares = 0.0;
    for (int k = 0; k < TABLE_SAMPLES; ++k) {
      const double x = deal(stream);
      sum += x;
      squares += x * x;
    }
    deal_mean_.push_back(sum / TABLE_SAMPLES);
    deal_sd_.push_back(
        std::sqrt(std::max(0.0, squares / TABLE_SAMPLES - std::pow(sum / TABLE_SAMPLES, 2))));
  }
}

double ForecastBenchmark::play_forward(const std::vector<OpenFunnel>& funnels, int weeks_left,
                                       sim::RandomStream& stream) const {
  const auto r =
      static_cast<std::size_t>(std::clamp(weeks_left, 0, model_.calendar.weeks_per_quarter));
  double total = 0.0;
  for (std::size_t s = 0; s < funnels.size(); ++s) {
    const OpenFunnel& funnel = funnels[s];
    if (!funnel.active)
      continue;
    for (std::size_t i = 0; i < funnel.count.size(); ++i) {
      const std::int64_t n = funnel.count[i];
      if (n == 0)
        continue;
      const auto won = boost::random::binomial_distribution<std::int64_t, double>(
          n, close_within_[s][i][r])(stream);
      if (won == 0)
        continue;
      // Which of the stage's deals win is unknown: their amounts vary around the stage's
      // average by the deal-size spread (sampling without replacement from n deals).
      const double k = static_cast<double>(won);
      const double mean = k * funnel.amount[i] / static_cast<double>(n);
      const double sd = deal_sd_[s] * std::sqrt(k * (1.0 - k / static_cast<double>(n)));
      total += sd > 0.0
                   ? std::max(0.0, boost::random::normal_distribution<double>(mean, sd)(stream))
                   : mean;
    }
    const double new_rate = leads_per_week_[s] * static_cast<double>(r) * new_lead_within_[s][r];
    if (new_rate > 0.0) {
      const int won = boost::random::poisson_distribution<int, double>(new_rate)(stream);
      if (won > 0) {
        // The sum of `won` deal sizes, by the central limit theorem.
        const double mean = won * deal_mean_[s];
        const double sd = std::sqrt(static_cast<double>(won)) * deal_sd_[s];
        total += std::max(0.0, boost::random::normal_distribution<double>(mean, sd)(stream));
      }
    }
  }
  return total;
}

static_assert(FORECAST_SERIES[0].name == "funnel" && FORECAST_SERIES[1].name == "commit" &&
                  FORECAST_SERIES[2].name == "run_rate" &&
                  FORECAST_SERIES[3].name == "simulation" &&
                  FORECAST_SERIES[4].name == "simulation_p10" &&
                  FORECAST_SERIES[5].name == "simulation_p50" &&
                  FORECAST_SERIES[6].name == "simulation_p90",
              "after() fills the series in FORECAST_SERIES order");

void ForecastBenchmark::after(std::uint64_t /*replication*/, sim::ReplicationResult& result) const {
  const int weeks = model_.calendar.weeks_per_quarter;
  const int quarters = model_.calendar.quarters;
  const std::size_t cells = static_cast<std::size_t>(quarters * weeks);
  result.derived.resize(FORECAST_SERIES.size());
  for (std::vector<double>& series : result.derived)
    series.assign(cells, std::numeric_limits<double>::quiet_NaN());
  // Positions in FORECAST_SERIES.
  std::vector<double>& funnel_forecast = result.derived[0];
  std::vector<double>& commit_forecast = result.derived[1];
  std::vector<double>& run_rate_forecast = result.derived[2];
  std::vector<double>& simulation_mean = result.derived[3];
  std::vector<double>& simulation_p10 = result.derived[4];
  std::vector<double>& simulation_p50 = result.derived[5];
  std::vector<double>& simulation_p90 = result.derived[6];

  for (int measured = 0; measured < quarters * weeks; ++measured) {
    const int quarter = measured / weeks;
    const int remaining = weeks - (measured % weeks + 1);
    const double quota = model_.quota[static_cast<std::size_t>(quarter)];
    double realized = 0.0;
    double funnel = 0.0;
    Snapshot organisation;
    organisation.quota = quota;
    organisation.weeks_remaining = remaining;
    organisation.weeks_in_quarter = weeks;
    organisation.average_deal = 1.0;  // unused by the commit and run-rate models
    organisation.stages.push_back({"open", 1.0, 0, std::nullopt});
    Calls calls;
    for (std::size_t s = 0; s < model_.segments.size(); ++s) {
      const sim::Segment& segment = model_.segments[s];
      const sim::SegmentResult& data = result.segments[s];
      realized += data.realized[measured];
      calls.committed += data.calls_committed[measured];
      calls.possible += data.calls_possible[measured];
      // The funnel model (4a) on this segment's funnel, the average deal taken from the
      // funnel's own amounts (the course's "unit output").
      Snapshot snapshot;
      snapshot.quota = quota;
      snapshot.realized = data.realized[measured];
      snapshot.weeks_remaining = remaining;
      snapshot.weeks_in_quarter = weeks;
      double count = 0.0;
      double amount = 0.0;
      const std::size_t stages = segment.stages.size();
      for (std::size_t i = 0; i < stages; ++i) {
        const auto n = data.funnel_count[measured * stages + i];
        const double a = data.funnel_amount[measured * stages + i];
        snapshot.stages.push_back(
            {segment.stages[i].name, segment.stages[i].win_probability, static_cast<int>(n), a});
        count += static_cast<double>(n);
        amount += a;
      }
      if (count == 0.0 || amount <= 0.0)
        snapshot.average_deal = deal_mean_[s];
      funnel += forecast_funnel(snapshot).expected_amount;
    }
    organisation.realized = realized;
    organisation.calls = calls;
    const std::size_t cell = static_cast<std::size_t>(measured);
    funnel_forecast[cell] = realized + funnel;
    commit_forecast[cell] = forecast_commit(organisation)->forecast;
    if (const auto run_rate = forecast_run_rate(organisation)) {
      run_rate_forecast[cell] = run_rate->forecast;
    }
    if (!simulation_)
      continue;
    const SimulationForecastModel::Outlook outlook = simulation_->remaining(result, measured);
    simulation_mean[cell] = realized + outlook.mean;
    simulation_p10[cell] = realized + outlook.p10;
    simulation_p50[cell] = realized + outlook.p50;
    simulation_p90[cell] = realized + outlook.p90;
  }
}

}  // namespace funnelsim::analysis
