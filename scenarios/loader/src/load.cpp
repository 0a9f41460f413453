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
namespace {

YAML::Node parse(const std::string& text, const std::string& source_name) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(text);
  } catch (const YAML::ParserException& error) {
    const int line = error.mark.is_null() ? 0 : error.mark.line + 1;
    const int column = error.mark.is_null() ? 0 : error.mark.column + 1;
    throw InputError(source_name, line, column, "", error.msg);
  }
  if (documents.empty() || documents.front().IsNull()) {
    throw InputError(source_name, 0, 0, "", "empty scenario");
  }
  if (documents.size() > 1) {
    const detail::Origin origin{source_name, source_name};
    throw detail::error_at(
        origin, documents[1].Mark(), "",
        "a scenario file holds one YAML document, found " + std::to_string(documents.size()));
  }
  return documents.front();
}

}  // namespace

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
  YAML::Node root = parse(text, source_name);
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
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    throw InputError(path, 0, 0, "", "cannot read: " + std::string(std::strerror(EISDIR)));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(path, 0, 0, "", "cannot read: " + std::string(std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    throw InputError(path, 0, 0, "", "cannot read: " + std::string(std::strerror(errno)));
  }
  return load_scenario_text(text.str(), path, overrides);
}

}  // namespace funnelsim::scenarios
