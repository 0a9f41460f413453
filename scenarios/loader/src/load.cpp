#include "funnelsim/scenarios/load.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "funnelsim/scenarios/override.hpp"
#include "readers.hpp"
#include "yaml_reader.hpp"

namespace funnelsim::scenarios {
LoadedScenario load_scenario_tree(const YAML::Node& root, const std::string& source_name,
                                  std::string_view unmarked_origin) {
  const detail::Origin origin{source_name, std::string(unmarked_origin)};
  LoadedScenario scenario;
  try {
    scenario.model = detail::read_model(detail::Field(origin, root, ""));
  } catch (const YAML::Exception& error) {
    // The readers check types before converting, so this is a safety net, not a path.
    throw detail::error_at(origin, error.mark, "", error.msg);
  }
  YAML::Emitter emitter;
  emitter << root;
  scenario.resolved_yaml = std::string(emitter.c_str()) + "\n";
  scenario.source = source_name;
  return scenario;
}

LoadedScenario load_scenario_text(const std::string& text, const std::string& source_name,
                                  const std::vector<std::string>& overrides) {
  YAML::Node root = detail::parse_document(text, source_name, "scenario");
  if (!root.IsMap()) {
    const detail::Origin origin{source_name, source_name};
    detail::Field(origin, root, "")
        .fail("the top level must be a mapping, got " + detail::Field(origin, root, "").describe());
  }
  for (const std::string& assignment : overrides) {
    apply_assignment(root, assignment, "--set");
  }
  return load_scenario_tree(root, source_name, "--set");
}

LoadedScenario load_scenario_file(const std::string& path,
                                  const std::vector<std::string>& overrides) {
  return load_scenario_text(detail::read_text_file(path), path, overrides);
}

}  // namespace funnelsim::scenarios
