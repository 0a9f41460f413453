#include "crm_export.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <unordered_map>

#include "funnelsim/sim/runner.hpp"

namespace funnelsim::cli {
namespace {

using File = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

File open_csv(const std::filesystem::path& path, const char* header) {
  File file(std::fopen(path.c_str(), "w"), &std::fclose);
  if (!file)
    throw std::runtime_error(path.string() + ": cannot write");
  std::fputs(header, file.get());
  return file;
}

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

void write_crm_export(const std::string& directory, const sim::Model& model, std::uint64_t seed,
                      std::size_t first, std::size_t count) {
  const std::filesystem::path target(directory);
  const std::filesystem::path building =
      target.parent_path() /
      ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()));
  std::filesystem::remove_all(building);
  std::filesystem::create_directories(building);
  try {
    File snapshots = open_csv(building / "snapshots.csv",
                              "replication,week,rep,opportunity,segment,stage,amount,"
                              "age_in_stage_days,call\n");
    File outcomes = open_csv(building / "outcomes.csv",
                             "replication,opportunity,rep,segment,created_day,closed_day,"
                             "closed_week,last_stage,outcome,amount\n");
    for (std::size_t r = first; r < first + count; ++r) {
      CrmWriter writer(model, r, snapshots.get(), outcomes.get());
      sim::ReplicationResult result;
      sim::simulate_replication(model, seed, r, result, &writer);
    }
    const bool written = std::ferror(snapshots.get()) == 0 && std::ferror(outcomes.get()) == 0 &&
                         std::fclose(snapshots.release()) == 0 &&
                         std::fclose(outcomes.release()) == 0;
    if (!written)
      throw std::runtime_error(directory + ": cannot write the CRM export (disk full?)");
    std::filesystem::remove_all(target);
    std::filesystem::rename(building, target);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove_all(building, ignored);
    throw;
  }
}

}  // namespace funnelsim::cli
