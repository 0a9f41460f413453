#include "readers.hpp"

#include <cstdio>

namespace funnelsim::scenarios::detail {

sim::Calendar read_calendar(const std::optional<Field>& field) {
  sim::Calendar calendar;
  if (!field) {
    return calendar;
  }
  field->check_keys({"weeks_per_quarter", "quarters", "warmup_weeks", "start_date"}, "calendar");
  if (const auto weeks = field->get("weeks_per_quarter")) {
    calendar.weeks_per_quarter = weeks->integer(1, 52);
  }
  if (const auto quarters = field->get("quarters")) {
    calendar.quarters = quarters->integer(1, 400);
  }
  if (const auto warmup = field->get("warmup_weeks")) {
    calendar.warmup_weeks = warmup->integer(0, 5200);
  }
  if (const auto start = field->get("start_date")) {
    // An ISO date, yyyy-mm-dd, of a year 1900..9999: the CRM export's calendar.
    const std::string text = start->text();
    int year = 0, month = 0, day = 0;
    char dash1 = 0, dash2 = 0;
    const bool shaped =
        text.size() == 10 &&
        std::sscanf(text.c_str(), "%4d%c%2d%c%2d", &year, &dash1, &month, &dash2, &day) == 5 &&
        dash1 == '-' && dash2 == '-';
    const auto leap = [](int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; };
    const int days_in_month[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!shaped || year < 1900 || year > 9999 || month < 1 || month > 12 || day < 1 ||
        day > days_in_month[month - 1] + (month == 2 && leap(year) ? 1 : 0))
      start->fail("must be a date yyyy-mm-dd of a year 1900..9999, got " + start->describe());
    // Days since 1970-01-01 (the civil calendar, proleptic Gregorian).
    const int y = year - (month <= 2 ? 1 : 0);
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    calendar.start_date = era * 146097 + doe - 719468;
  }
  return calendar;
}

/// The reps' calls (playbook §4c); every key optional.
sim::Calls read_calls(const std::optional<Field>& field) {
  sim::Calls calls;
  if (!field) {
    return calls;
  }
  field->check_keys({"optimism", "noise_cv", "committed_threshold", "possible_threshold"}, "calls");
  if (const auto optimism = field->get("optimism")) {
    calls.optimism = optimism->number({0.0, MAX_OPTIMISM, true, false});
  }
  if (const auto noise = field->get("noise_cv")) {
    calls.noise_cv = noise->number({0.0, MAX_CV});
  }
  if (const auto committed = field->get("committed_threshold")) {
    calls.committed_threshold = committed->number(Range::probability());
  }
  if (const auto possible = field->get("possible_threshold")) {
    calls.possible_threshold = possible->number(Range{0.0, calls.committed_threshold, true, false});
  } else if (calls.possible_threshold > calls.committed_threshold) {
    field->at("committed_threshold")
        .fail("must be at least possible_threshold (" + format_number(calls.possible_threshold) +
              ")");
  }
  return calls;
}

sim::Model read_model(const Field& root) {
  if (!root.node().IsMap()) {
    root.fail("the top level must be a mapping, got " + root.describe());
  }
  // variants and sweep describe other models; load_scenario_variants reads them.
  root.check_keys({"name", "description", "calendar", "segments", "teams", "sources", "quota",
                   "variants", "sweep", "calls"});
  sim::Model model;
  model.name = root.at("name").text();
  if (const std::string problem = output_name_problem(model.name); !problem.empty()) {
    root.at("name").fail(problem);
  }
  if (const auto description = root.get("description")) {
    description->text();
  }
  model.calendar = read_calendar(root.get("calendar"));

  NameList segment_names("segment");
  model.segments = read_segments(root.at("segments"), segment_names);
  NameList team_names("team");
  model.teams = read_teams(root.at("teams"), segment_names, model.calendar, team_names);
  model.sources = read_sources(root.get("sources"), team_names);
  model.calls = read_calls(root.get("calls"));
  model.quota = read_quota(root.get("quota"), root, model.teams, model.calendar);
  return model;
}

}  // namespace funnelsim::scenarios::detail
