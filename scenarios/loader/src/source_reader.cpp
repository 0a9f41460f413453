#include <algorithm>

#include "distribution_reader.hpp"
#include "readers.hpp"

namespace funnelsim::scenarios::detail {

std::vector<sim::LeadSource> read_sources(const std::optional<Field>& field,
                                          const NameList& teams) {
  std::vector<sim::LeadSource> sources;
  if (!field) {
    return sources;
  }
  NameList names("source");
  for (const Field& item : field->named_items(MAX_SOURCES)) {
    if (!item.has("type")) {
      // Catch a misspelt 'type' before reporting it missing.
      item.check_keys(
          {"name", "type", "team", "per_win", "delay_days", "leads_per_week", "seasonality"},
          "a source");
    }
    sim::LeadSource source;
    const std::string type = item.at("type").choice({"referral", "marketing"});
    if (type == "referral") {
      item.check_keys({"name", "type", "team", "per_win", "delay_days"}, "a referral source");
    } else {
      item.check_keys({"name", "type", "team", "leads_per_week", "seasonality"},
                      "a marketing source");
    }
    source.name = names.add(item);
    source.team = teams.resolve(item.at("team"));
    if (type == "referral") {
      source.kind = sim::LeadSourceKind::referral;
      source.per_win = item.at("per_win").number({0.0, MAX_PER_WIN, true, false});
      if (const auto delay = item.get("delay_days")) {
        source.delay_days = read_distribution(*delay, FixedValue::non_negative);
      }
    } else {
      source.kind = sim::LeadSourceKind::marketing;
      source.leads_per_week =
          item.at("leads_per_week").number({0.0, MAX_RATE_PER_WEEK, true, false});
      if (const auto seasonality = item.get("seasonality")) {
        for (const Field& multiplier : seasonality->non_empty_items(400))
          source.seasonality.push_back(multiplier.number({0.0, MAX_SEASONAL}));
        const double peak = *std::max_element(source.seasonality.begin(), source.seasonality.end());
        if (!(peak > 0.0))
          seasonality->fail("at least one quarter needs a positive multiplier");
        if (source.leads_per_week * peak > MAX_RATE_PER_WEEK)
          seasonality->fail("the busiest quarter's rate is above " +
                            format_number(MAX_RATE_PER_WEEK) + " leads a week");
      }
    }
    sources.push_back(std::move(source));
  }
  return sources;
}

}  // namespace funnelsim::scenarios::detail
