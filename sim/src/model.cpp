#include "funnelsim/sim/model.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "funnelsim/sim/results.hpp"
#include "funnelsim/sim/trace.hpp"

namespace funnelsim::sim {

std::string win_probability_order_error(const StageProbability& previous,
                                        const StageProbability& stage) {
  if (stage.value > previous.value) {
    return {};
  }
  return "win probabilities must increase along the funnel: '" + std::string(stage.stage) +
         "' has " + std::string(stage.text) + " after '" + std::string(previous.stage) + "' " +
         std::string(previous.text);
}

Distribution Distribution::fixed(double value) {
  Distribution d;
  d.kind = DistributionKind::fixed;
  d.value = value;
  return d;
}

Distribution Distribution::exponential(double mean) {
  Distribution d;
  d.kind = DistributionKind::exponential;
  d.mean = mean;
  return d;
}

Distribution Distribution::gamma(double mean, double cv) {
  Distribution d;
  d.kind = DistributionKind::gamma;
  d.mean = mean;
  d.cv = cv;
  return d;
}

Distribution Distribution::lognormal(double mean, double cv) {
  Distribution d;
  d.kind = DistributionKind::lognormal;
  d.mean = mean;
  d.cv = cv;
  return d;
}

Distribution Distribution::uniform(double min, double max) {
  Distribution d;
  d.kind = DistributionKind::uniform;
  d.min = min;
  d.max = max;
  return d;
}

Distribution Distribution::triangular(double min, double mode, double max) {
  Distribution d;
  d.kind = DistributionKind::triangular;
  d.min = min;
  d.mode = mode;
  d.max = max;
  return d;
}

Distribution Distribution::empirical(std::vector<EmpiricalBucket> buckets) {
  Distribution d;
  d.kind = DistributionKind::empirical;
  d.buckets = std::move(buckets);
  return d;
}

double Distribution::expected_value() const {
  return scale * unscaled_expected_value();
}

double Distribution::unscaled_expected_value() const {
  switch (kind) {
    case DistributionKind::fixed:
      return value;
    case DistributionKind::exponential:
    case DistributionKind::gamma:
    case DistributionKind::lognormal:
      return mean;
    case DistributionKind::uniform:
      return 0.5 * (min + max);
    case DistributionKind::triangular:
      return (min + mode + max) / 3.0;
    case DistributionKind::empirical: {
      double total_weight = 0.0;
      double sum = 0.0;
      for (const EmpiricalBucket& bucket : buckets) {
        const double bucket_mean =
            std::isnan(bucket.mean) ? 0.5 * (bucket.min + bucket.max) : bucket.mean;
        total_weight += bucket.weight;
        sum += bucket.weight * bucket_mean;
      }
      return total_weight > 0.0 ? sum / total_weight : 0.0;
    }
  }
  return 0.0;
}

double Segment::existing_exponent() const {
  const double first = stages.front().win_probability;
  return first < 1.0 && existing_share > 0.0 ? std::log(existing_win_probability) / std::log(first)
                                             : 1.0;
}

namespace {

/// The share of measured quarter `quarter` from measured week `week` (counted from 1) on.
double share_from(int week, int quarter, int weeks_per_quarter) {
  const int first = quarter * weeks_per_quarter + 1;
  const int weeks = std::clamp(first + weeks_per_quarter - week, 0, weeks_per_quarter);
  return static_cast<double>(weeks) / weeks_per_quarter;
}

}  // namespace

double seasonal(const std::vector<double>& multipliers, int quarter) {
  if (multipliers.empty())
    return 1.0;
  const int size = static_cast<int>(multipliers.size());
  return multipliers[static_cast<std::size_t>(((quarter % size) + size) % size)];
}

int Team::territories() const {
  int count = headcount;
  for (const Hire& hire : hires)
    count += hire.count;
  return count;
}

double Team::seat_quarters(int quarter, int weeks_per_quarter) const {
  double seats = headcount;
  for (const Hire& hire : hires)
    seats += hire.count * share_from(hire.week, quarter, weeks_per_quarter);
  for (const Departure& departure : departures)
    seats -= departure.count * share_from(departure.week, quarter, weeks_per_quarter);
  return seats;
}

double Team::hire_share(std::size_t hire_slot, int quarter, int weeks_per_quarter) const {
  for (const Hire& hire : hires) {
    if (hire_slot < static_cast<std::size_t>(hire.count))
      return share_from(hire.week, quarter, weeks_per_quarter);
    hire_slot -= static_cast<std::size_t>(hire.count);
  }
  return 0.0;
}

int Model::rep_count() const {
  int reps = 0;
  for (const Team& team : teams) {
    reps += team.territories();
  }
  return reps;
}

std::vector<int> Model::first_rep_of_team() const {
  std::vector<int> first(teams.size(), 0);
  int next = 0;
  for (std::size_t t = 0; t < teams.size(); ++t) {
    first[t] = next;
    next += teams[t].territories();
  }
  return first;
}

const char* to_string(TraceEvent event) {
  switch (event) {
    case TraceEvent::lead:
      return "lead";
    case TraceEvent::advance:
      return "advance";
    case TraceEvent::win:
      return "win";
    case TraceEvent::loss:
      return "loss";
    case TraceEvent::stall:
      return "stall";
    case TraceEvent::dropped:
      return "dropped";
    case TraceEvent::hire:
      return "hire";
    case TraceEvent::leave:
      return "leave";
  }
  return "?";
}

std::uint64_t stable_hash(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a offset basis
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;  // FNV prime
  }
  return hash;
}

ResultShape::ResultShape(const Model& model)
    : quarters(model.calendar.quarters),
      weeks(model.calendar.measured_weeks()),
      reps(model.rep_count()) {
  for (const Segment& segment : model.segments) {
    stages_per_segment.push_back(static_cast<int>(segment.stages.size()));
  }
}

void ReplicationResult::reset(const ResultShape& shape) {
  const auto q = static_cast<std::size_t>(shape.quarters);
  bookings.assign(q, 0.0);
  wins.assign(q, 0);
  rep_bookings.assign(static_cast<std::size_t>(shape.reps) * q, 0.0);
  segments.resize(shape.stages_per_segment.size());
  for (std::size_t s = 0; s < segments.size(); ++s) {
    const auto stages = static_cast<std::size_t>(shape.stages_per_segment[s]);
    SegmentResult& segment = segments[s];
    for (const SegmentSeries& series : SEGMENT_SERIES) {
      const std::size_t values = values_in(series.info.extent, shape, stages);
      if (series.amounts) {
        (segment.*series.amounts).assign(values, 0.0);
      } else {
        (segment.*series.counts).assign(values, 0);
      }
    }
    segment.opportunities = 0;
    segment.stage_entries = 0;
  }
  derived.clear();
  events = 0;
  leads_resolved = 0;
  lead_points = 0;
  referral_streams = 0;
}

}  // namespace funnelsim::sim
