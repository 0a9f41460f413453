#include <string>
#include <string_view>
#include <vector>

#include "funnelsim/scenarios/load.hpp"
#include "funnelsim/scenarios/override.hpp"
#include "yaml_reader.hpp"

namespace funnelsim::scenarios {
namespace {

/// Whether `outer` is `inner` or one of the keys above it (`teams.a` of `teams.a.headcount`).
bool covers(std::string_view outer, std::string_view inner) {
  return inner == outer ||
         (inner.starts_with(outer) && inner.size() > outer.size() && inner[outer.size()] == '.');
}

}  // namespace

InputError locate_key(const InputError& error, const std::vector<std::string>& overrides) {
  const std::string& key = error.key_path();
  if (error.line() > 0 || key.empty() || error.file().starts_with("--")) {
    return error;
  }
  for (const std::string& assignment : overrides) {
    const std::string_view path = std::string_view(assignment).substr(0, assignment.find('='));
    if (covers(path, key)) {
      return InputError("--set", 0, 0, key, error.message());
    }
  }
  try {
    YAML::Node root =
        detail::parse_document(detail::read_text_file(error.file()), error.file(), "scenario");
    // The key itself, else the closest key above it that the file holds.
    std::string path = key;
    while (!path.empty()) {
      const YAML::Node node = lookup(root, path, error.file());
      if (node.IsDefined() && !node.Mark().is_null()) {
        return InputError(error.file(), node.Mark().line + 1, node.Mark().column + 1, key,
                          error.message());
      }
      const std::size_t dot = path.rfind('.');
      path = dot == std::string::npos ? std::string() : path.substr(0, dot);
    }
  } catch (const InputError&) {
    // The file changed since it was loaded, or the path names no item: no better position.
  }
  return error;
}

}  // namespace funnelsim::scenarios
