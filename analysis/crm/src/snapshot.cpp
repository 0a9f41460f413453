#include "funnelsim/crm/snapshot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "funnelsim/error.hpp"
#include "funnelsim/sim/model.hpp"
#include "funnelsim/stats/civil_date.hpp"
#include "funnelsim/stats/json.hpp"

namespace funnelsim::analysis::crm {
namespace {

constexpr double DAYS_PER_QUARTER = 91.0;

[[noreturn]] void usage(const std::string& message) {
  throw Error(ErrorKind::usage, message);
}

std::string list(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& n : names)
    text += (text.empty() ? "" : ", ") + n;
  return text;
}

/// The calendar quarter (January, April, July, October) that holds `day`.
double calendar_quarter_start(double day) {
  const std::string date = iso_date(day);
  const int month = std::stoi(date.substr(5, 2));
  const int first = (month - 1) / 3 * 3 + 1;
  char text[40];
  std::snprintf(text, sizeof text, "%s-%02d-01", date.substr(0, 4).c_str(), first);
  return *parse_iso_time(text);
}

double next_calendar_quarter(double start) {
  const std::string date = iso_date(start);
  int year = std::stoi(date.substr(0, 4));
  int month = std::stoi(date.substr(5, 2)) + 3;
  if (month > 12) {
    month -= 12;
    ++year;
  }
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02d-01", year, month);
  return *parse_iso_time(text);
}

}  // namespace

HistorySnapshot take_snapshot(const History& history, const SnapshotRequest& request) {
  const std::string& world = request.world;
  check_world(history, world);
  const std::string segment = select_segment(history, request.segment);

  HistorySnapshot out;
  out.segment = segment;
  out.as_of = std::floor(request.as_of) + 1.0;
  double weeks_in_quarter = 13.0;
  if (request.quarter_start) {
    out.quarter_start = *request.quarter_start;
    out.quarter_end = out.quarter_start + DAYS_PER_QUARTER;
    if (request.scenario)
      weeks_in_quarter = request.scenario->calendar.weeks_per_quarter;
    out.quarter_end = out.quarter_start + 7.0 * weeks_in_quarter;
  } else if (history.origin) {
    const double days =
        7.0 * (request.scenario ? request.scenario->calendar.weeks_per_quarter : 13);
    weeks_in_quarter = days / 7.0;
    const double index = std::floor((std::floor(request.as_of) - *history.origin) / days);
    out.quarter_start = *history.origin + index * days;
    out.quarter_end = out.quarter_start + days;
  } else {
    out.quarter_start = calendar_quarter_start(request.as_of);
    out.quarter_end = next_calendar_quarter(out.quarter_start);
    weeks_in_quarter = (out.quarter_end - out.quarter_start) / 7.0;
  }
  check_within_history(history, std::floor(request.as_of), out.as_of,
                       "--as-of " + iso_date(request.as_of));
  if (out.as_of <= out.quarter_start || out.as_of > out.quarter_end)
    usage("--as-of " + iso_date(request.as_of) + ": not in the quarter that starts " +
          iso_date(out.quarter_start));

  // Stage names in funnel order, and their win probabilities: the scenario's, else the CRM's.
  std::vector<std::string> stages;
  std::vector<double> probability;
  const sim::Segment* found = nullptr;  // the scenario's segment
  if (request.scenario) {
    const std::string name = history.has_segments       ? scenario_name(segment)
                             : !request.segment.empty() ? request.segment
                             : request.scenario->segments.size() == 1
                                 ? request.scenario->segments.front().name
                                 : std::string();
    if (name.empty())
      usage("the history has no segments and --scenario several: name one with --segment");
    for (const sim::Segment& s : request.scenario->segments) {
      if (s.name == name)
        found = &s;
    }
    if (!found)
      usage("--scenario: no segment named '" + segment + "' (the history's segment)");
    for (const sim::Stage& s : found->stages) {
      stages.push_back(s.name);
      probability.push_back(s.win_probability);
    }
  } else {
    stages = stage_order(history, segment);
    std::map<std::string, std::pair<double, double>> sum;
    for (const Opportunity& o : history.opportunities) {
      if (o.segment != segment)
        continue;
      for (const Stay& s : o.stays) {
        if (s.probability) {
          sum[s.stage].first += *s.probability;
          sum[s.stage].second += 1.0;
        }
      }
    }
    for (const std::string& name : stages) {
      const auto& [total, n] = sum[name];
      if (n == 0)
        usage("stage '" + name + "' has no probability in the history: give --scenario");
      probability.push_back(total / n);
    }
  }
  std::map<std::string, std::size_t> stage_index;
  for (std::size_t i = 0; i < stages.size(); ++i)
    stage_index[stages[i]] = i;

  Snapshot& snap = out.snapshot;
  snap.weeks_in_quarter = weeks_in_quarter;
  snap.weeks_remaining = std::max(0.0, (out.quarter_end - out.as_of) / 7.0);
  for (std::size_t i = 0; i < stages.size(); ++i)
    snap.stages.push_back({stages[i], probability[i], 0, 0.0});
  double committed = 0.0, possible = 0.0, won = 0.0, won_count = 0.0;
  bool categories = false;
  const double t = out.as_of;
  for (const Opportunity& o : history.opportunities) {
    if (o.segment != segment || (!world.empty() && o.world != world))
      continue;
    if (o.outcome == Outcome::won && o.closed && *o.closed < t) {
      won += o.amount;
      won_count += 1.0;
      if (*o.closed >= out.quarter_start)
        snap.realized += o.amount;
    }
    if (o.created >= t || (o.closed && *o.closed < t))
      continue;
    for (const Stay& s : o.stays) {
      if (s.entered < t && (!s.left || *s.left >= t)) {
        const auto at = stage_index.find(request.scenario ? scenario_name(s.stage) : s.stage);
        if (at == stage_index.end())
          usage("stage '" + s.stage + "' of opportunity '" + o.id +
                "' is not one of the scenario's (" + list(stages) + ")");
        SnapshotStage& stage = snap.stages[at->second];
        stage.count += 1;
        *stage.amount += o.amount;
        if (!s.category.empty())
          categories = true;
        if (s.category == "commit")
          committed += o.amount;
        else if (s.category == "best_case")
          possible += o.amount;
        break;
      }
    }
  }
  if (won_count > 0)
    snap.average_deal = won / won_count;
  if (categories)
    snap.calls = SnapshotCalls{committed, possible};
  if (request.quota) {
    snap.quota = *request.quota;
    out.quota_source = "--quota";
  } else if (request.scenario && !request.scenario->quota.empty()) {
    const sim::Model& model = *request.scenario;
    // The measured quarter the snapshot's quarter is: from funnelsim's day 0, else from the
    // scenario's first measured day.
    const double zero =
        history.origin ? *history.origin : static_cast<double>(model.calendar.start_date);
    const int n = std::max(1, model.calendar.quarters);
    const int q =
        static_cast<int>(std::floor((out.quarter_start - zero) / (7.0 * weeks_in_quarter) + 0.5));
    const int quarter = ((q % n) + n) % n;
    if (model.segments.size() == 1) {
      snap.quota = model.quota[static_cast<std::size_t>(quarter) % model.quota.size()];
    } else {
      // The segment's own quota: its teams' quota per rep times their seats that quarter (a
      // branch's quota covers every segment, not this one).
      double quota = 0.0;
      for (const sim::Team& team : model.teams) {
        if (&model.segments[team.segment] != found || team.quota_per_quarter.empty())
          continue;
        quota += team.seat_quarters(quarter, model.calendar.weeks_per_quarter) *
                 team.quota_per_quarter[static_cast<std::size_t>(quarter) %
                                        team.quota_per_quarter.size()];
      }
      if (!(quota > 0.0))
        usage("--scenario: its quota is the whole branch's (" + std::to_string(n) + " quarters, " +
              std::to_string(model.segments.size()) + " segments) and the teams selling segment '" +
              found->name +
              "' have no quota_per_quarter of their own: give --quota (万, this quarter's, for "
              "this segment)");
      snap.quota = quota;
    }
    out.quota_source = model.segments.size() == 1
                           ? "the scenario's quota of quarter " + std::to_string(quarter + 1)
                           : "the quota of segment " + found->name + "'s teams, quarter " +
                                 std::to_string(quarter + 1) + " of the scenario";
  } else {
    usage("no quota: give --quota (万, this quarter's) or a --scenario with one");
  }
  if (!(snap.quota > 0.0))
    usage("the quota must be > 0");
  return out;
}

namespace {

/// A number as a person reads it: ten significant digits (sums of amounts lose the noise of
/// their last bits).
std::string number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.10g", value);
  return text;
}

}  // namespace

std::string snapshot_yaml(const HistorySnapshot& h, const std::string& source) {
  const Snapshot& s = h.snapshot;
  std::string y;
  y += "# The open funnel of segment '" + h.segment + "' at the end of " + iso_date(h.as_of - 1) +
       ",\n# from " + source + " (funnelsim snapshot). Quarter: " + iso_date(h.quarter_start) +
       " to " + iso_date(h.quarter_end - 1) + ".\n";
  y += "# funnelsim forecast THIS_FILE [--scenario SCENARIO]\n";
  y += "quota: " + number(s.quota) + "   # " + h.quota_source + "\n";
  y += "realized: " + number(s.realized) + "          # won so far this quarter, 万\n";
  y += "weeks_remaining: " + number(s.weeks_remaining) + "\n";
  y += "weeks_in_quarter: " + number(s.weeks_in_quarter) + "\n";
  if (s.average_deal)
    y += "average_deal: " + number(*s.average_deal) + "   # mean won deal to date, 万\n";
  y += "stages:             # open opportunities at the day's end\n";
  for (const SnapshotStage& stage : s.stages) {
    y += "  - {name: " + json_string(stage.name) +
         ", win_probability: " + number(stage.win_probability) +
         ", count: " + std::to_string(stage.count) +
         ", amount: " + number(stage.amount.value_or(0.0)) + "}\n";
  }
  if (s.calls)
    y += "calls: {committed: " + number(s.calls->committed) +
         ", possible: " + number(s.calls->possible) +
         "}   # open deals called commit / best case, 万\n";
  return y;
}

}  // namespace funnelsim::analysis::crm
