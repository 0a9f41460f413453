#include "funnelsim/crm/diagnose.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "funnelsim/crm/calibrate.hpp"
#include "funnelsim/error.hpp"
#include "funnelsim/sim/model.hpp"
#include "funnelsim/stats/civil_date.hpp"
#include "funnelsim/stats/html.hpp"
#include "funnelsim/stats/json.hpp"
#include "html_style.hpp"

namespace funnelsim::analysis::crm {
namespace {

[[noreturn]] void usage(const std::string& message) {
  throw Error(ErrorKind::usage, message);
}

double round_to(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

std::string fmt(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

std::string weakness_name(exercise::Weakness weakness) {
  return std::string(exercise::to_string(weakness));
}

/// The standard funnel from stage probabilities, mean days, prospects and the average deal.
exercise::RepStandard make_standard(const std::vector<std::string>& stages,
                                    const std::vector<double>& probability,
                                    const std::vector<double>& days, double new_per_week,
                                    double average_deal, std::optional<double> quota) {
  exercise::RepStandard standard;
  standard.stages = stages;
  standard.win_probability = probability;
  standard.new_per_week = new_per_week;
  // Time-in-Step is judged stage by stage: a negotiation that takes twice an intent's days is
  // no stall (playbook §5).
  standard.stage_days = days;
  standard.days_per_stage = days.empty() ? 0.0 : days.front();
  standard.average_deal = average_deal;
  const double wins_per_week = new_per_week * probability.front();
  for (std::size_t i = 0; i < stages.size(); ++i) {
    // Playbook §2: K wins a week; each stage holds K x (its weeks) / p(stage) at any time.
    standard.standard_count.push_back(wins_per_week * (days[i] / 7.0) / probability[i]);
    standard.conversion.push_back(i + 1 < stages.size() ? probability[i] / probability[i + 1]
                                                        : probability[i]);
  }
  standard.win_rate = probability.front();
  standard.quota = quota.value_or(new_per_week * 13.0 * standard.win_rate * average_deal);
  return standard;
}

}  // namespace

std::pair<double, double> parse_quarter(const std::string& text, const History& history) {
  if (text.size() == 7 && text[4] == '-' && (text[5] == 'Q' || text[5] == 'q') && text[6] >= '1' &&
      text[6] <= '4') {
    const int quarter = text[6] - '1';
    const int year = std::atoi(text.substr(0, 4).c_str());
    char start[16], end[16];
    std::snprintf(start, sizeof start, "%04d-%02d-01", year, quarter * 3 + 1);
    std::snprintf(end, sizeof end, "%04d-%02d-01", quarter == 3 ? year + 1 : year,
                  quarter == 3 ? 1 : quarter * 3 + 4);
    const auto a = parse_iso_time(start), b = parse_iso_time(end);
    if (a && b)
      return {*a, *b};
  }
  if (const auto day = parse_iso_time(text); day && text.size() == 10)
    return {*day, *day + 91.0};
  if (!text.empty() && std::all_of(text.begin(), text.end(), ::isdigit) && text.size() < 5) {
    if (!history.origin)
      usage("--quarter " + text +
            ": a quarter number needs funnelsim's export (its day 0); give YYYY-Qn or a date");
    const double start = *history.origin + 91.0 * std::atoi(text.c_str());
    return {start, start + 91.0};
  }
  usage("--quarter " + text +
        ": must be YYYY-Qn (a calendar quarter), yyyy-mm-dd (13 weeks from that day) or N "
        "(funnelsim's measured quarter, 0-based)");
}

DiagnoseReport diagnose_history(const History& history, const DiagnoseRequest& request) {
  check_world(history, request.world);
  DiagnoseReport report;
  report.segment = select_segment(history, request.segment);
  report.quarter_start = request.quarter_start;
  report.quarter_end = request.quarter_end;
  check_within_history(
      history, request.quarter_start, request.quarter_end,
      "--quarter " + iso_date(request.quarter_start) + " to " + iso_date(request.quarter_end - 1));
  const double weeks = (request.quarter_end - request.quarter_start) / 7.0;

  if (request.scenario) {
    const sim::Segment* segment = nullptr;
    const std::string name = history.has_segments       ? scenario_name(report.segment)
                             : !request.segment.empty() ? request.segment
                             : request.scenario->segments.size() == 1
                                 ? request.scenario->segments.front().name
                                 : std::string();
    if (name.empty())
      usage("the history has no segments and --scenario several: name one with --segment");
    for (const sim::Segment& s : request.scenario->segments)
      segment = s.name == name ? &s : segment;
    if (!segment)
      usage("--scenario: no segment named '" + report.segment + "'");
    const sim::Team* team = nullptr;
    for (const sim::Team& t : request.scenario->teams) {
      if (!team && &request.scenario->segments[t.segment] == segment)
        team = &t;
    }
    if (!team)
      usage("--scenario: no team sells segment '" + report.segment + "'");
    std::vector<std::string> names;
    std::vector<double> p, days;
    for (const sim::Stage& s : segment->stages) {
      names.push_back(s.name);
      p.push_back(s.win_probability);
      days.push_back(s.days.expected_value());
    }
    sim::Distribution table = segment->deal_size;
    table.scale = 1.0;
    report.standard =
        make_standard(names, p, days, team->prospects_per_week, table.expected_value(),
                      team->quota_per_quarter.empty() || team->quota_per_quarter.front() <= 0
                          ? std::nullopt
                          : std::optional<double>(team->quota_per_quarter.front()));
    report.standard_source = "the scenario " + request.scenario->name;
  } else {
    // The standard of this segment alone: another segment's thin history does not stop it.
    History own = history;
    std::erase_if(own.opportunities,
                  [&](const Opportunity& o) { return o.segment != report.segment; });
    const Calibration fit = calibrate(own);
    const SegmentFit* segment = nullptr;
    for (const SegmentFit& s : fit.segments)
      segment = s.name == report.segment ? &s : segment;
    const TeamFit* team = nullptr;
    for (const TeamFit& t : fit.teams)
      team = !team && t.segment == report.segment ? &t : team;
    std::vector<std::string> names;
    std::vector<double> p, days;
    for (const StageFit& s : segment->stages) {
      names.push_back(s.name);
      p.push_back(s.win_probability.value);
      days.push_back(s.days.mean.value);
    }
    report.standard = make_standard(names, p, days, team ? team->prospects_per_week.value : 0.0,
                                    segment->deal_size.mean.value, std::nullopt);
    report.standard_source = "the team's own history (calibrated)";
  }
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < report.standard.stages.size(); ++i)
    index[report.standard.stages[i]] = i;
  const std::size_t stages = report.standard.stages.size();

  struct Tally {
    int leads = 0;
    double lead_amount = 0.0;
    int wins = 0;
    double bookings = 0.0;
    int resolved = 0;
    std::vector<int> exits, moved_on, open;
    std::vector<double> days;
  };
  std::map<std::string, Tally> reps;
  const double qs = request.quarter_start, qe = request.quarter_end;
  for (const Opportunity& o : history.opportunities) {
    if (o.segment != report.segment || (!request.world.empty() && o.world != request.world))
      continue;
    // One world named: its reps by their own names (the history qualifies them by world).
    const std::string prefix = request.world + ":";
    Tally& t =
        reps[!request.world.empty() && o.rep.rfind(prefix, 0) == 0 ? o.rep.substr(prefix.size())
                                                                   : o.rep];
    if (t.exits.empty()) {
      t.exits.assign(stages, 0);
      t.moved_on.assign(stages, 0);
      t.open.assign(stages, 0);
      t.days.assign(stages, 0.0);
    }
    if (o.created >= qs && o.created < qe) {
      ++t.leads;
      t.lead_amount += o.amount;
    }
    for (std::size_t k = 0; k < o.stays.size(); ++k) {
      const Stay& s = o.stays[k];
      const auto at = index.find(request.scenario ? scenario_name(s.stage) : s.stage);
      if (at == index.end())
        usage("stage '" + s.stage + "' of opportunity '" + o.id + "' is not in the standard");
      const std::size_t i = at->second;
      if (s.entered < qe && (!s.left || *s.left >= qe))
        ++t.open[i];
      if (!s.left || *s.left < qs || *s.left >= qe)
        continue;
      const bool last = k + 1 == o.stays.size();
      if (last && o.outcome == Outcome::open)
        continue;
      ++t.exits[i];
      t.days[i] += *s.left - s.entered;
      if (!last || o.outcome == Outcome::won)
        ++t.moved_on[i];
      if (last) {
        ++t.resolved;
        if (o.outcome == Outcome::won) {
          ++t.wins;
          t.bookings += o.amount;
        }
      }
    }
  }
  for (const auto& [name, t] : reps) {
    if (t.leads == 0 && t.resolved == 0 &&
        std::all_of(t.open.begin(), t.open.end(), [](int n) { return n == 0; }))
      continue;  // not on the team this quarter
    exercise::RepFigures f;
    f.name = name;
    f.new_per_week = round_to(t.leads / weeks, 1);
    f.wins = t.wins;
    f.bookings = round_to(t.bookings, 1);
    f.open_count = t.open;
    for (std::size_t i = 0; i < stages; ++i) {
      f.conversion.push_back(t.exits[i] == 0 ? 0.0
                                             : round_to(100.0 * t.moved_on[i] / t.exits[i], 0));
      f.days_in_step.push_back(t.exits[i] == 0 ? 0.0 : round_to(t.days[i] / t.exits[i], 1));
    }
    f.win_rate = t.resolved == 0 ? 0.0 : round_to(100.0 * t.wins / t.resolved, 0);
    f.average_won_deal = t.wins == 0 ? 0.0 : round_to(t.bookings / t.wins, 2);
    f.average_opportunity = t.leads == 0 ? 0.0 : round_to(t.lead_amount / t.leads, 2);
    report.reps.push_back({f, exercise::diagnose_rep(f, report.standard)});
  }
  return report;
}

std::string diagnose_text(const DiagnoseReport& r) {
  const exercise::RepStandard& s = r.standard;
  std::string t = "Diagnosis of segment " + r.segment + ", quarter " + iso_date(r.quarter_start) +
                  " to " + iso_date(r.quarter_end - 1) + "\nStandard: " + r.standard_source + ": " +
                  fmt("%.1f", s.new_per_week) + " new a week, win rate " +
                  fmt("%.0f%%", 100 * s.win_rate) + ", average deal " +
                  fmt("%.2f", s.average_deal) + " 万, days in step";
  for (std::size_t i = 0; i < s.stages.size(); ++i)
    t += std::string(i ? ", " : " ") + s.stages[i] + " " + fmt("%.1f", s.days_in(i));
  t += "\n\n";
  char line[512];
  std::snprintf(line, sizeof line, "%-18s %8s %5s %9s %8s %9s  %s\n", "rep", "new/wk", "wins",
                "bookings", "win rate", "avg opp", "open by stage / days in step");
  t += line;
  for (const RepDiagnosis& d : r.reps) {
    const exercise::RepFigures& f = d.figures;
    std::string balance;
    for (std::size_t i = 0; i < f.open_count.size(); ++i)
      balance +=
          (i ? " " : "") + std::to_string(f.open_count[i]) + "/" + fmt("%.1f", f.days_in_step[i]);
    std::snprintf(line, sizeof line, "%-18s %8.1f %5d %9.1f %7.0f%% %9.2f  %s\n", f.name.c_str(),
                  f.new_per_week, f.wins, f.bookings, f.win_rate, f.average_opportunity,
                  balance.c_str());
    t += line;
  }
  t += "\nStandard open per stage:";
  for (std::size_t i = 0; i < s.stages.size(); ++i)
    t += " " + s.stages[i] + " " + fmt("%.1f", s.standard_count[i]);
  t += "\n\n";
  for (const RepDiagnosis& d : r.reps) {
    t += d.figures.name + ": " + weakness_name(d.diagnosis.weakness) + "\n";
    if (!d.diagnosis.evidence.empty())
      t += "  " + d.diagnosis.evidence + "\n";
    if (!d.diagnosis.question.empty())
      t += "  " + d.diagnosis.question + "\n";
  }
  return t;
}

std::string diagnose_html(const DiagnoseReport& r) {
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Diagnosis</title>"
      "<style>" +
      std::string(HTML_STYLE) +
      "</style>"
      "</head><body>\n<h1>Diagnosis of segment " +
      html_text(r.segment) + "</h1>\n<p>Quarter " + iso_date(r.quarter_start) + " to " +
      iso_date(r.quarter_end - 1) + "; standard: " + html_text(r.standard_source) +
      ".</p>\n<table><tr><th>rep</th><th>new a week (" + fmt("%.1f", r.standard.new_per_week) +
      ")</th><th>wins</th><th>bookings 万</th><th>win rate (" +
      fmt("%.0f%%", 100 * r.standard.win_rate) + ")</th><th>average opportunity (" +
      fmt("%.2f", r.standard.average_deal) +
      ")</th><th class=\"text\">diagnosis</th><th class=\"text\">evidence</th></tr>\n";
  for (const RepDiagnosis& d : r.reps) {
    const exercise::RepFigures& f = d.figures;
    h += "<tr><td>" + html_text(f.name) + "</td><td>" + fmt("%.1f", f.new_per_week) + "</td><td>" +
         std::to_string(f.wins) + "</td><td>" + fmt("%.1f", f.bookings) + "</td><td>" +
         fmt("%.0f%%", f.win_rate) + "</td><td>" + fmt("%.2f", f.average_opportunity) +
         "</td><td class=\"text\">" + weakness_name(d.diagnosis.weakness) +
         "</td><td class=\"text\">" + html_text(d.diagnosis.evidence) + "<br><em>" +
         html_text(d.diagnosis.question) + "</em></td></tr>\n";
  }
  h += "</table>\n";
  // Balance and Time-in-Step: each stage's open deals and days, against the standard.
  h += "<h2>Balance and Time-in-Step</h2>\n<table><tr><th>rep</th>";
  const exercise::RepStandard& s = r.standard;
  for (std::size_t i = 0; i < s.stages.size(); ++i)
    h += "<th>" + html_text(s.stages[i]) + " open (" + fmt("%.1f", s.standard_count[i]) + ")</th>";
  for (std::size_t i = 0; i < s.stages.size(); ++i)
    h += "<th>" + html_text(s.stages[i]) + " moved on (" + fmt("%.0f%%", 100 * s.conversion[i]) +
         ")</th>";
  for (std::size_t i = 0; i < s.stages.size(); ++i)
    h += "<th>" + html_text(s.stages[i]) + " days (" + fmt("%.1f", s.days_in(i)) + ")</th>";
  h += "</tr>\n";
  for (const RepDiagnosis& d : r.reps) {
    const exercise::RepFigures& f = d.figures;
    h += "<tr><td>" + html_text(f.name) + "</td>";
    for (const int n : f.open_count)
      h += "<td>" + std::to_string(n) + "</td>";
    for (const double c : f.conversion)
      h += "<td>" + fmt("%.0f%%", c) + "</td>";
    for (const double days : f.days_in_step)
      h += "<td>" + fmt("%.1f", days) + "</td>";
    h += "</tr>\n";
  }
  h += "</table>\n</body></html>\n";
  return h;
}

std::string diagnose_json(const DiagnoseReport& r) {
  const exercise::RepStandard& s = r.standard;
  std::string j = "{\"segment\": " + json_string(r.segment) +
                  ", \"quarter_start\": " + json_string(iso_date(r.quarter_start)) +
                  ", \"quarter_end\": " + json_string(iso_date(r.quarter_end - 1)) +
                  ", \"standard\": {\"source\": " + json_string(r.standard_source) +
                  ", \"new_per_week\": " + json_number(s.new_per_week) +
                  ", \"win_rate\": " + json_number(s.win_rate) +
                  ", \"average_deal\": " + json_number(s.average_deal) + ", \"stage_days\": [";
  for (std::size_t i = 0; i < s.stages.size(); ++i)
    j += (i ? ", " : "") + json_number(s.days_in(i));
  j += "], \"standard_count\": [";
  for (std::size_t i = 0; i < s.standard_count.size(); ++i)
    j += (i ? ", " : "") + json_number(s.standard_count[i]);
  j += "]}, \"reps\": [";
  for (std::size_t k = 0; k < r.reps.size(); ++k) {
    const exercise::RepFigures& f = r.reps[k].figures;
    const exercise::Diagnosis& d = r.reps[k].diagnosis;
    j += std::string(k ? ", " : "") + "{\"name\": " + json_string(f.name) +
         ", \"new_per_week\": " + json_number(f.new_per_week) +
         ", \"wins\": " + std::to_string(f.wins) + ", \"bookings\": " + json_number(f.bookings) +
         ", \"win_rate\": " + json_number(f.win_rate) +
         ", \"average_won_deal\": " + json_number(f.average_won_deal) +
         ", \"average_opportunity\": " + json_number(f.average_opportunity) + ", \"open_count\": [";
    for (std::size_t i = 0; i < f.open_count.size(); ++i)
      j += (i ? ", " : "") + std::to_string(f.open_count[i]);
    j += "], \"conversion\": [";
    for (std::size_t i = 0; i < f.conversion.size(); ++i)
      j += (i ? ", " : "") + json_number(f.conversion[i]);
    j += "], \"days_in_step\": [";
    for (std::size_t i = 0; i < f.days_in_step.size(); ++i)
      j += (i ? ", " : "") + json_number(f.days_in_step[i]);
    j += "], \"weakness\": " + json_string(weakness_name(d.weakness)) +
         ", \"evidence\": " + json_string(d.evidence) +
         ", \"question\": " + json_string(d.question) + "}";
  }
  j += "]}\n";
  return j;
}

}  // namespace funnelsim::analysis::crm
