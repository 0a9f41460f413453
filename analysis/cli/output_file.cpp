#include "output_file.hpp"

#include <filesystem>
#include <tuple>

#include "funnelsim/error.hpp"
#include "funnelsim/results/output_path.hpp"

namespace funnelsim::cli {
namespace {

std::vector<analysis::FileIdentity> identities(const std::vector<std::string>& inputs) {
  return analysis::identify_inputs(
      std::vector<std::filesystem::path>(inputs.begin(), inputs.end()));
}

}  // namespace

void check_output_target(const std::string& target, bool force,
                         const std::vector<std::string>& inputs) {
  analysis::check_output_path(target, force, identities(inputs));
}

void check_distinct_outputs(const std::vector<std::pair<std::string, std::string>>& outputs) {
  const auto place = [](const std::filesystem::path& path) {
    const std::filesystem::path directory =
        path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    const std::vector<analysis::FileIdentity> folder = analysis::identify_inputs({directory});
    return std::tuple(folder.empty() ? 0 : folder.front().device,
                      folder.empty() ? 0 : folder.front().inode, path.filename().string());
  };
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (place(outputs[i].second) == place(outputs[j].second))
        throw Error(ErrorKind::usage, outputs[i].second + ": named by both " + outputs[j].first +
                                          " and " + outputs[i].first +
                                          "; give each output its own file");
    }
  }
}

void write_atomically(const std::string& target, const std::string& content, bool force,
                      const std::vector<std::string>& inputs) {
  analysis::write_output_file(target, content, force, identities(inputs));
}

void write_atomically(
    const std::string& target, bool force, const std::vector<std::string>& inputs,
    const std::function<void(const std::function<void(std::string_view)>&)>& produce) {
  analysis::OutputFile output(target, force, identities(inputs));
  produce([&output](std::string_view piece) { output.write(piece); });
  output.commit();
}

}  // namespace funnelsim::cli
