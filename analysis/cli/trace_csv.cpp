#include "trace_csv.hpp"

#include <cmath>
#include <cstdio>

#include "funnelsim/sim/runner.hpp"

namespace funnelsim::cli {
namespace {

class CsvTrace final : public sim::TraceObserver {
 public:
  CsvTrace(std::FILE* file, const sim::Model& model) : file_(file), model_(model) {
    for (std::size_t t = 0; t < model.teams.size(); ++t) {
      for (int r = 0; r < model.teams[t].territories(); ++r)  // tenured reps, then hires
        rep_team_.push_back(t);
    }
    std::fputs("time_days,week,rep,team,opportunity,event,segment,stage,amount\n", file_);
  }

  void record(const sim::TraceRecord& record) override {
    const sim::Team& team = model_.teams[rep_team_[static_cast<std::size_t>(record.rep)]];
    const char* segment =
        record.segment >= 0 ? model_.segments[static_cast<std::size_t>(record.segment)].name.c_str()
                            : "";
    const char* stage = record.stage >= 0
                            ? model_.segments[static_cast<std::size_t>(record.segment)]
                                  .stages[static_cast<std::size_t>(record.stage)]
                                  .name.c_str()
                            : "";
    // Weeks are numbered from 1; negative ones are warm-up.
    const int week =
        static_cast<int>(std::floor(record.time / 7.0)) + 1 - model_.calendar.warmup_weeks;
    std::fprintf(file_, "%.4f,%d,%d,%s,%llu,%s,%s,%s,%.4f\n", record.time, week, record.rep,
                 team.name.c_str(), static_cast<unsigned long long>(record.opportunity),
                 sim::to_string(record.event), segment, stage, record.amount);
  }

 private:
  std::FILE* file_;
  const sim::Model& model_;
  std::vector<std::size_t> rep_team_;
};

}  // namespace

void write_trace_csv(const std::string& path, const sim::Model& model, std::uint64_t seed,
                     std::uint64_t replication, bool force,
                     const std::vector<analysis::FileIdentity>& inputs) {
  analysis::OutputFile file(path, force, inputs);
  CsvTrace trace(file.stream(), model);
  sim::ReplicationResult result;
  sim::simulate_replication(model, seed, replication, result, &trace);
  file.commit();
}

}  // namespace funnelsim::cli
