#include "output_file.hpp"

#include <filesystem>

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
