#pragma once
/// Overrides on a parsed scenario tree, the primitive behind `--set` (and scenario variants).
///
/// Unlike load.hpp this header exposes yaml-cpp types: include it only where yaml-cpp is
/// linked.

#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "funnelsim/scenarios/load.hpp"

namespace funnelsim::scenarios {

/// What apply_override may assume of the tree it changes.
enum class PathSharing {
  /// The tree is the caller's own: a node on the path is copied only where an alias
  /// (`*anchor`) shares it, so that the override changes the path named and nothing else.
  own_tree,
  /// The tree shares its nodes with another (a variant of the baseline): every node on the
  /// path is copied, `root` is rebound to its copy, and the other tree stays as it was.
  copy,
};

/// Sets the node at `path` in `root` to a copy of `value`.
///
/// `path` is a key path as in error messages: keys separated by dots, list items named by
/// their `name` (or by 0-based index in lists of unnamed items), e.g.
/// `segments.small.stages.intent.win_probability`. A missing mapping key is created (and a
/// missing intermediate mapping too); validation later rejects keys the schema does not know.
/// The copy carries no marks, so validation errors in it are reported against `origin`; nodes
/// on the path that had to be copied (see PathSharing) lose theirs, every other node keeps it.
/// Throws InputError(origin, 0, 0, path, ...) when the path names no item of a list or
/// walks into a scalar.
void apply_override(YAML::Node& root, std::string_view path, const YAML::Node& value,
                    std::string_view origin, PathSharing sharing = PathSharing::own_tree);

/// The node at `path` in `root` (same path syntax as apply_override), or an undefined node
/// when the last key is missing from its mapping. Throws InputError(origin, ...) when the
/// path names no item of a list or walks into a scalar.
YAML::Node lookup(YAML::Node& root, std::string_view path, std::string_view origin);

/// Splits a `path=value` assignment at its first '=', parses the value as YAML and applies
/// it with apply_override. Throws InputError(origin, 0, 0, ...) for a missing '=' or a value
/// that is not valid YAML.
void apply_assignment(YAML::Node& root, std::string_view assignment,
                      std::string_view origin = "--set",
                      PathSharing sharing = PathSharing::own_tree);

/// Validates a parsed (and possibly overridden) scenario tree. Nodes with marks are reported
/// against `source_name`, nodes without marks (created by overrides) against `unmarked_origin`.
LoadedScenario load_scenario_tree(const YAML::Node& root, const std::string& source_name,
                                  std::string_view unmarked_origin = "--set");

}  // namespace funnelsim::scenarios
