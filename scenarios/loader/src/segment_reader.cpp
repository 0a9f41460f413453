#include "distribution_reader.hpp"
#include "readers.hpp"

namespace funnelsim::scenarios::detail {
namespace {

std::vector<sim::Stage> read_stages(const Field& field) {
  NameList names("stage");
  std::vector<sim::Stage> stages;
  std::optional<Field> previous_probability;
  for (const Field& item : field.named_items(MAX_STAGES)) {
    item.check_keys({"name", "win_probability", "days", "stall_days"}, "a stage");
    sim::Stage stage;
    stage.name = names.add(item);
    const Field probability = item.at("win_probability");
    stage.win_probability = probability.number(Range::probability());
    if (previous_probability) {
      check_win_probability_order(stages.back().name, stages.back().win_probability,
                                  *previous_probability, stage.name, stage.win_probability,
                                  probability);
    }
    previous_probability = probability;
    stage.days = read_distribution(item.at("days"), FixedValue::positive);
    if (const auto stall = item.get("stall_days")) {
      stage.stall_days = stall->number(positive_amount_range());
    }
    stages.push_back(std::move(stage));
  }
  return stages;
}

}  // namespace

std::vector<sim::Segment> read_segments(const Field& field, NameList& names) {
  std::vector<sim::Segment> segments;
  for (const Field& item : field.named_items(MAX_SEGMENTS)) {
    item.check_keys({"name", "stages", "deal_size", "existing_share", "existing_win_probability"},
                    "a segment");
    sim::Segment segment;
    segment.name = names.add(item);
    segment.stages = read_stages(item.at("stages"));
    const Field deal_size = item.at("deal_size");
    segment.deal_size = read_distribution(deal_size, FixedValue::positive);
    // The engine sums open deals in fixed point (int64 in 1e-6 万): a stage's open amount
    // must stay below 9.2e12 万, which holds for millions of open deals at this mean.
    if (const double mean = segment.deal_size.expected_value(); !(mean <= MAX_DEAL_MEAN)) {
      deal_size.fail("the mean deal size (scale included) must be at most " +
                     format_number(MAX_DEAL_MEAN) + " 万, got " + format_number(mean));
    }
    if (const auto share = item.get("existing_share")) {
      segment.existing_share = share->number(Range::fraction());
    }
    if (segment.existing_share > 0.0) {
      segment.existing_win_probability =
          item.at("existing_win_probability").number(Range::probability());
    } else if (const auto probability = item.get("existing_win_probability")) {
      // Unused without existing customers, but still a probability.
      segment.existing_win_probability = probability->number(Range::fraction());
    }
    segments.push_back(std::move(segment));
  }
  return segments;
}

}  // namespace funnelsim::scenarios::detail
