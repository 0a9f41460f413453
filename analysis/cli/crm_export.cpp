#include "crm_export.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <unordered_map>

#include "funnelsim/sim/runner.hpp"

namespace funnelsim::cli {
namespace {

const char* call_name(int call) {
  return call == 2 ? "committed" : call == 1 ? "possible" : "not_forecast";
}

/// Writes one replication's CRM rows.
class CrmWriter final : public sim::TraceObserver {
 public:
  CrmWriter(const sim::Model& model, std::size_t replication, std::FILE* snapshots,
            std::FILE* outcomes)
      : model_(model), replication_(replication), snapshots_(snapshots), outcomes_(outcomes) {}

  bool wants_snapshots() const override { return true; }

  void snapshot(int week, double time, std::span<const sim::OpenOpportunity> open) override {
    for (const sim::OpenOpportunity& o : open) {
      const sim::Segment& segment = model_.segments[static_cast<std::size_t>(o.segment)];
      std::fprintf(snapshots_, "%zu,%d,%d,%llu,%s,%s,%.4f,%.2f,%s\n", replication_, week + 1, o.rep,
                   static_cast<unsigned long long>(o.opportunity), segment.name.c_str(),
                   segment.stages[static_cast<std::size_t>(o.stage)].name.c_str(), o.amount,
                   time - o.stage_entered, call_name(o.call));
    }
  }

  void record(const sim::TraceRecord& record) override {
    if (record.event == sim::TraceEvent::lead) {
      created_[record.opportunity] = record.time;
      return;
    }
    const bool final =
        record.event == sim::TraceEvent::win || record.event == sim::TraceEvent::loss ||
        record.event == sim::TraceEvent::stall || record.event == sim::TraceEvent::dropped;
    if (!final || record.stage < 0)
      return;
    const auto created = created_.find(record.opportunity);
    const sim::Segment& segment = model_.segments[static_cast<std::size_t>(record.segment)];
    const double start = created == created_.end() ? 0.0 : created->second;
    const int measured_week = static_cast<int>((record.time - model_.calendar.warmup_weeks * 7.0) /
                                               7.0);  // negative in warm-up
    std::fprintf(outcomes_, "%zu,%llu,%d,%s,%.4f,%.4f,%d,%s,%s,%.4f\n", replication_,
                 static_cast<unsigned long long>(record.opportunity), record.rep,
                 segment.name.c_str(), start, record.time,
                 record.time < model_.calendar.warmup_weeks * 7.0 ? -1 : measured_week + 1,
                 segment.stages[static_cast<std::size_t>(record.stage)].name.c_str(),
                 sim::to_string(record.event), record.amount);
    if (created != created_.end())
      created_.erase(created);
  }

 private:
  const sim::Model& model_;
  std::size_t replication_;
  std::FILE* snapshots_;
  std::FILE* outcomes_;
  std::unordered_map<std::uint64_t, double> created_;
};

}  // namespace

const std::vector<std::string> CRM_EXPORT_FILES = {"snapshots.csv", "outcomes.csv"};

void write_crm_export(const std::string& directory, const sim::Model& model, std::uint64_t seed,
                      std::size_t first, std::size_t count, bool force,
                      const std::vector<analysis::FileIdentity>& inputs) {
  analysis::check_output_directory(directory, force, CRM_EXPORT_FILES, inputs);
  const std::filesystem::path folder(directory);
  const bool created = analysis::make_output_directory(folder, force);
  try {
    // Each file through the output writer; both are published only once both are complete.
    analysis::OutputFile snapshots(folder / CRM_EXPORT_FILES[0], force, inputs);
    analysis::OutputFile outcomes(folder / CRM_EXPORT_FILES[1], force, inputs);
    std::fputs("replication,week,rep,opportunity,segment,stage,amount,age_in_stage_days,call\n",
               snapshots.stream());
    std::fputs(
        "replication,opportunity,rep,segment,created_day,closed_day,closed_week,last_stage,"
        "outcome,amount\n",
        outcomes.stream());
    for (std::size_t r = first; r < first + count; ++r) {
      CrmWriter writer(model, r, snapshots.stream(), outcomes.stream());
      sim::ReplicationResult result;
      sim::simulate_replication(model, seed, r, result, &writer);
    }
    snapshots.commit();
    outcomes.commit();
  } catch (...) {
    // Only the directory this export made, and only while it is empty.
    if (created)
      ::rmdir(directory.c_str());
    throw;
  }
}

}  // namespace funnelsim::cli
