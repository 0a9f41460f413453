#include "crm_export.hpp"

#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <unordered_map>

#include "funnelsim/sim/runner.hpp"
#include "funnelsim/stats/civil_date.hpp"

namespace funnelsim::cli {
namespace {

constexpr double DAYS_PER_WEEK = 7.0;

/// The shortest text that reads back as the same double: amounts sum back to the results'.
std::string exact(double value) {
  char text[32];
  const auto [end, error] = std::to_chars(text, text + sizeof text, value);
  return error == std::errc() ? std::string(text, end) : std::string("nan");
}

/// The forecast category a CRM shows for the rep's call (the course's committed / possible /
/// not forecast, in the names mainstream CRMs use).
const char* category(int call) {
  return call == 2 ? "commit" : call == 1 ? "best_case" : "pipeline";
}

const char* outcome_name(sim::TraceEvent event) {
  switch (event) {
    case sim::TraceEvent::win:
      return "won";
    case sim::TraceEvent::loss:
      return "lost";
    case sim::TraceEvent::stall:
      return "stalled";
    case sim::TraceEvent::dropped:
      return "dropped";
    default:
      return "open";
  }
}

/// Writes one replication's CRM rows.
class CrmWriter final : public sim::TraceObserver {
 public:
  CrmWriter(const sim::Model& model, const std::string& variant, std::size_t replication,
            std::FILE* snapshots, std::FILE* opportunities, std::FILE* stages)
      : model_(model),
        variant_(variant),
        replication_(replication),
        snapshots_(snapshots),
        opportunities_(opportunities),
        stages_(stages),
        start_(model.calendar.warmup_weeks * DAYS_PER_WEEK) {
    // Reps are numbered team by team, tenured reps then hires (the results' rep_team).
    for (std::size_t t = 0; t < model.teams.size(); ++t) {
      for (int slot = 0; slot < model.teams[t].territories(); ++slot)
        territories_.push_back({t, slot, 0});
    }
  }

  bool wants_snapshots() const override { return true; }

  void snapshot(int week, double time, std::span<const sim::OpenOpportunity> open) override {
    for (const sim::OpenOpportunity& o : open) {
      const sim::Segment& segment = model_.segments[static_cast<std::size_t>(o.segment)];
      std::fprintf(snapshots_, "%s,%zu,%d,%s,%s,%s,%s,%.4f,%.2f,%s\n", variant_.c_str(),
                   replication_, week, id(o.opportunity).c_str(), person(o.rep).c_str(),
                   segment.name.c_str(),
                   segment.stages[static_cast<std::size_t>(o.stage)].name.c_str(), o.amount,
                   time - o.stage_entered, category(o.call));
      // The stage history's category: the rep's call at the stay's last measured week's end.
      if (auto found = open_.find(o.opportunity); found != open_.end())
        found->second.stays.back().call = o.call;
    }
  }

  void record(const sim::TraceRecord& record) override {
    switch (record.event) {
      case sim::TraceEvent::hire:
        // A new person in the territory: the next holder.
        ++territories_[static_cast<std::size_t>(record.rep)].holder;
        return;
      case sim::TraceEvent::leave:
        return;
      case sim::TraceEvent::lead: {
        Opportunity& o = open_[record.opportunity];
        o.created = record.time;
        o.amount = record.amount;
        o.segment = record.segment;
        o.source = record.source;
        o.existing = record.existing;
        o.rep = record.rep;
        o.stays.push_back({record.stage < 0 ? 0 : record.stage, record.time, -1});
        return;
      }
      case sim::TraceEvent::advance: {
        const auto found = open_.find(record.opportunity);
        if (found == open_.end())
          return;
        found->second.rep = record.rep;  // its owner now (a leaver's deals are reassigned)
        found->second.stays.back().left = record.time;
        found->second.stays.back().closed = true;
        found->second.stays.push_back({record.stage + 1, record.time, -1});
        return;
      }
      default: {
        const auto found = open_.find(record.opportunity);
        if (found == open_.end())
          return;
        found->second.stays.back().left = record.time;
        found->second.stays.back().closed = true;
        write(record.opportunity, found->second, record.rep, record.event, record.time);
        open_.erase(found);
      }
    }
  }

  /// The opportunities still open when the replication ends: outcome "open", no close date.
  void finish() {
    for (auto& [serial, o] : open_)
      write(serial, o, o.rep, sim::TraceEvent::lead, NAN);
    open_.clear();
  }

 private:
  struct Stay {
    int stage = 0;
    double entered = 0.0;
    int call = -1;  ///< the rep's call at the last measured week's end in it; -1: none
    double left = NAN;
    bool closed = false;
  };
  struct Opportunity {
    double created = 0.0;
    double amount = 0.0;
    int segment = 0;
    int source = -1;
    bool existing = false;
    int rep = 0;
    std::vector<Stay> stays;
  };
  struct Territory {
    std::size_t team;
    int slot;
    int holder;  ///< people who have held it before the current one
  };

  std::string id(std::uint64_t serial) const {
    return variant_ + ":" + std::to_string(replication_) + ":" + std::to_string(serial);
  }
  /// A person: the territory's team and slot, and which of its holders (0: the first).
  std::string person(int rep) const {
    const Territory& t = territories_[static_cast<std::size_t>(rep)];
    return model_.teams[t.team].name + "-" + std::to_string(t.slot) + "." +
           std::to_string(t.holder);
  }
  std::string day_text(double time) const {
    char text[32];
    std::snprintf(text, sizeof text, "%.4f", time - start_);
    return text;
  }
  std::string date_text(double time) const {
    return analysis::iso_date(static_cast<double>(model_.calendar.start_date) +
                              std::floor(time - start_));
  }

  void write(std::uint64_t serial, const Opportunity& o, int rep, sim::TraceEvent event,
             double closed) {
    const sim::Segment& segment = model_.segments[static_cast<std::size_t>(o.segment)];
    const std::string source =
        o.source < 0 ? "prospecting" : model_.sources[static_cast<std::size_t>(o.source)].name;
    const std::string opportunity = id(serial);
    const bool open = std::isnan(closed);
    std::fprintf(opportunities_, "%s,%zu,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n",
                 variant_.c_str(), replication_, opportunity.c_str(), person(rep).c_str(),
                 model_.teams[territories_[static_cast<std::size_t>(rep)].team].name.c_str(),
                 segment.name.c_str(), source.c_str(), o.existing ? "existing" : "new",
                 date_text(o.created).c_str(), day_text(o.created).c_str(), exact(o.amount).c_str(),
                 open ? "" : date_text(closed).c_str(), open ? "" : day_text(closed).c_str(),
                 outcome_name(open ? sim::TraceEvent::lead : event),
                 segment.stages[static_cast<std::size_t>(o.stays.back().stage)].name.c_str());
    for (const Stay& stay : o.stays) {
      const sim::Stage& stage = segment.stages[static_cast<std::size_t>(stay.stage)];
      std::fprintf(stages_, "%s,%zu,%s,%s,%s,%s,%s,%s,%.6g,%s\n", variant_.c_str(), replication_,
                   opportunity.c_str(), stage.name.c_str(), date_text(stay.entered).c_str(),
                   day_text(stay.entered).c_str(), stay.closed ? date_text(stay.left).c_str() : "",
                   stay.closed ? day_text(stay.left).c_str() : "", stage.win_probability,
                   stay.call < 0 ? "" : category(stay.call));
    }
  }

  const sim::Model& model_;
  const std::string& variant_;
  std::size_t replication_;
  std::FILE* snapshots_;
  std::FILE* opportunities_;
  std::FILE* stages_;
  double start_;  ///< the first measured day, days since the warm-up's start
  std::vector<Territory> territories_;
  std::unordered_map<std::uint64_t, Opportunity> open_;
};

}  // namespace

const std::vector<std::string> CRM_EXPORT_FILES = {"snapshots.csv", "opportunities.csv",
                                                   "stage_history.csv"};

void write_crm_export(const std::string& directory, const std::vector<CrmVariant>& variants,
                      std::uint64_t seed, std::size_t first, std::size_t count, bool force,
                      const std::vector<analysis::FileIdentity>& inputs) {
  analysis::check_output_directory(directory, force, CRM_EXPORT_FILES, inputs);
  const std::filesystem::path folder(directory);
  const bool created = analysis::make_output_directory(folder, force);
  try {
    // Each file through the output writer; all are published only once all are complete.
    analysis::OutputFile snapshots(folder / CRM_EXPORT_FILES[0], force, inputs);
    analysis::OutputFile opportunities(folder / CRM_EXPORT_FILES[1], force, inputs);
    analysis::OutputFile stages(folder / CRM_EXPORT_FILES[2], force, inputs);
    std::fputs(
        "variant,replication,measured_week,opportunity_id,rep_id,segment,stage,amount,"
        "age_in_stage_days,forecast_category\n",
        snapshots.stream());
    std::fputs(
        "variant,replication,opportunity_id,rep_id,team,segment,source,customer,created_date,"
        "created_day,amount,close_date,close_day,outcome,last_stage\n",
        opportunities.stream());
    std::fputs(
        "variant,replication,opportunity_id,stage,entered_date,entered_day,left_date,left_day,"
        "probability,forecast_category\n",
        stages.stream());
    for (const CrmVariant& variant : variants) {
      for (std::size_t r = first; r < first + count; ++r) {
        CrmWriter writer(*variant.model, variant.name, r, snapshots.stream(),
                         opportunities.stream(), stages.stream());
        sim::ReplicationResult result;
        sim::simulate_replication(*variant.model, seed, r, result, &writer);
        writer.finish();
      }
    }
    snapshots.commit();
    opportunities.commit();
    stages.commit();
  } catch (...) {
    // Only the directory this export made, and only while it is empty.
    if (created)
      ::rmdir(directory.c_str());
    throw;
  }
}

}  // namespace funnelsim::cli
