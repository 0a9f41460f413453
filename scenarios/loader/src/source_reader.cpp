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
      item.check_keys({"name", "type", "team", "per_win", "delay_days", "leads_per_week"},
                      "a source");
    }
    sim::LeadSource source;
    const std::string type = item.at("type").choice({"referral", "marketing"});
    if (type == "referral") {
      item.check_keys({"name", "type", "team", "per_win", "delay_days"}, "a referral source");
    } else {
      item.check_keys({"name", "type", "team", "leads_per_week"}, "a marketing source");
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
    }
    sources.push_back(std::move(source));
  }
  return sources;
}

}  // namespace funnelsim::scenarios::detail
