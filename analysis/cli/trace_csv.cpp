#include "trace_csv.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

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
    // analysis/RESULTS.md, "Numbering": days and weeks from the first measured day, 0-based,
    // negative in the warm-up.
    std::fputs(
        "day,measured_week,rep,team,opportunity,event,segment,stage,amount,source,customer\n",
        file_);
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
    const double day = record.time - model_.calendar.warmup_weeks * 7.0;
    const int week = static_cast<int>(std::floor(day / 7.0));
    const bool opportunity = record.opportunity != 0;
    const std::string source = !opportunity ? ""
                               : record.source < 0
                                   ? "prospecting"
                                   : model_.sources[static_cast<std::size_t>(record.source)].name;
    char amount[32];
    const auto written = std::to_chars(amount, amount + sizeof amount, record.amount);
    *written.ptr = '\0';
    std::fprintf(file_, "%.4f,%d,%d,%s,%llu,%s,%s,%s,%s,%s,%s\n", day, week, record.rep,
                 team.name.c_str(), static_cast<unsigned long long>(record.opportunity),
                 sim::to_string(record.event), segment, stage, amount, source.c_str(),
                 !opportunity      ? ""
                 : record.existing ? "existing"
                                   : "new");
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
