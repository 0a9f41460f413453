#include "funnelsim/scenarios/variants.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "funnelsim/scenarios/override.hpp"
#include "readers.hpp"
#include "yaml_reader.hpp"

namespace funnelsim::scenarios {
namespace {

using detail::Field;
using detail::Origin;

/// Validates a variant's tree; errors in values the variant set (which carry no marks) are
/// reported at the variant's entry in the file.
LoadedScenario load_variant(const YAML::Node& tree, const std::string& source,
                            const std::string& name, const YAML::Mark& entry) {
  try {
    return load_scenario_tree(tree, source, source);
  } catch (const InputError& error) {
    if (error.line() > 0)
      throw;
    throw InputError(source, entry.is_null() ? 0 : entry.line + 1,
                     entry.is_null() ? 0 : entry.column + 1, error.key_path(),
                     error.message() + " (in variant '" + name + "')");
  }
}

/// Runs `change` and reports its InputErrors (which carry no position) at `where` instead.
template <class Change>
void at_field(const Field& where, Change change) {
  try {
    change();
  } catch (const InputError& error) {
    where.fail(error.message());
  }
}

/// The baseline's tree: the scenario without its variants and sweep. A new top-level mapping
/// over the file's own nodes, which keep their marks (YAML::Clone would give every node line 1,
/// column 1). Variants change it only through apply_override with PathSharing::copy.
YAML::Node baseline_tree(const YAML::Node& root) {
  YAML::Node tree(YAML::NodeType::Map);
  for (const auto& entry : root) {
    if (!entry.first.IsScalar() ||
        (entry.first.Scalar() != "variants" && entry.first.Scalar() != "sweep")) {
      tree.force_insert(entry.first, entry.second);
    }
  }
  return tree;
}

/// Multiplies the number at `path` by `factor`. A missing `scale` key of a distribution counts
/// as its default, 1.
void scale_value(YAML::Node& tree, const std::string& path, double factor, const Field& where) {
  YAML::Node node;
  at_field(where, [&] { node = lookup(tree, path, where.key_path()); });
  double value = 1.0;
  if (node.IsDefined()) {
    double parsed = 0.0;
    if (!node.IsScalar() || !YAML::convert<double>::decode(node, parsed)) {
      where.fail("can only scale a number, but '" + path + "' is not one");
    }
    value = parsed;
  } else if (path.size() < 6 || path.compare(path.size() - 6, 6, ".scale") != 0) {
    where.fail("'" + path + "' is not set in the scenario, so there is nothing to scale" +
               (path.size() > 5 && path.compare(path.size() - 5, 5, ".mean") == 0
                    ? "; to scale a distribution without a mean (such as an empirical table), "
                      "scale its '.scale' instead"
                    : ""));
  }
  std::ostringstream text;
  text.precision(17);
  text << value * factor;
  at_field(where, [&] {
    apply_override(tree, path, YAML::Node(text.str()), where.key_path(), PathSharing::copy);
  });
}

std::string scalar_text(const YAML::Node& node) {
  if (node.IsScalar())
    return node.Scalar();
  YAML::Emitter emitter;
  emitter << YAML::Flow << node;
  return emitter.c_str();
}

void check_variant_name(const Field& field, const std::string& name, std::set<std::string>& seen) {
  // The name becomes a group of the results file.
  if (const std::string problem = detail::output_name_problem(name); !problem.empty())
    field.fail("a variant name " + problem + ", got '" + detail::shorten(name) + "'");
  if (name == "baseline")
    field.fail("'baseline' is the scenario itself; name the variant otherwise");
  if (!seen.insert(name).second)
    field.fail("duplicate variant name '" + name + "'");
}

}  // namespace

ScenarioSet load_scenario_set_text(const std::string& text, const std::string& source_name,
                                   const std::vector<std::string>& overrides) {
  // The baseline goes through the ordinary loader first, so every error in the scenario
  // itself is reported exactly as `validate` reports it.
  const LoadedScenario whole = load_scenario_text(text, source_name, overrides);
  // Re-parse the file for marks: the overridden tree has none for what the file said.
  YAML::Node marked = YAML::Load(text);
  for (const std::string& assignment : overrides)
    apply_assignment(marked, assignment, "--set");

  ScenarioSet set;
  set.resolved_yaml = whole.resolved_yaml;
  const YAML::Node base = baseline_tree(marked);
  set.variants.push_back({"baseline", "", load_variant(base, source_name, "baseline", {}), {}, {}});

  const Origin origin{source_name, "--set"};
  const Field file(origin, marked, "");
  std::set<std::string> names;

  std::size_t variant_count = 0;
  if (const auto variants = file.get("variants")) {
    const std::vector<Field> items = variants->items(detail::MAX_VARIANTS);
    variant_count = items.size();
    for (const Field& item : items) {
      item.check_keys({"name", "description", "set", "scale"}, "a variant");
      const std::string name = item.at("name").text();
      check_variant_name(item.at("name"), name, names);
      if (const auto description = item.get("description"))
        description->text();
      YAML::Node tree = base;  // shares the baseline's nodes until an override copies them
      std::string change;
      if (const auto assignments = item.get("set")) {
        assignments->expect_map();
        for (const auto& entry : assignments->node()) {
          const std::string path = entry.first.Scalar();
          at_field(assignments->at(path),
                   [&] { apply_override(tree, path, entry.second, "variant", PathSharing::copy); });
          change += (change.empty() ? "" : ", ") + path + "=" + scalar_text(entry.second);
        }
      }
      if (const auto factors = item.get("scale")) {
        factors->expect_map();
        for (const auto& entry : factors->node()) {
          const std::string path = entry.first.Scalar();
          const Field factor = factors->at(path);
          scale_value(tree, path, factor.number(detail::Range::positive()), factor);
          change += (change.empty() ? "" : ", ") + path + "×" + scalar_text(entry.second);
        }
      }
      set.variants.push_back(
          {name, change, load_variant(tree, source_name, name, item.node().Mark()), {}, {}});
    }
  }

  if (const auto sweep = file.get("sweep")) {
    sweep->expect_map();
    // One variant per combination of the swept values (a grid), first key outermost.
    std::vector<std::pair<std::string, std::vector<YAML::Node>>> axes;
    std::set<std::string> last_keys;
    bool last_keys_unique = true;
    for (const auto& entry : sweep->node()) {
      const std::string path = entry.first.Scalar();
      const Field values = sweep->at(path);
      std::vector<YAML::Node> list;
      for (const Field& value : values.non_empty_items())
        list.push_back(value.node());
      axes.emplace_back(path, list);
      const std::string last = path.substr(path.rfind('.') + 1);
      last_keys_unique = last_keys.insert(last).second && last_keys_unique;
    }
    // Every combination is a whole scenario, cloned and validated: count them first (the
    // product saturates just above the limit, so that it cannot overflow).
    std::size_t combinations = 1;
    for (const auto& axis : axes)
      combinations = std::min(combinations * axis.second.size(), detail::MAX_VARIANTS + 1);
    if (variant_count + combinations > detail::MAX_VARIANTS) {
      sweep->fail(
          "the variants and the sweep make more than " + std::to_string(detail::MAX_VARIANTS) +
          " variants (" + std::to_string(variant_count) + " variants and " +
          (combinations > detail::MAX_VARIANTS ? "more than " + std::to_string(detail::MAX_VARIANTS)
                                               : std::to_string(combinations)) +
          " sweep combinations); the limit is " + std::to_string(detail::MAX_VARIANTS));
    }
    std::vector<std::size_t> index(axes.size(), 0);
    while (!axes.empty()) {
      YAML::Node tree = base;  // shares the baseline's nodes until an override copies them
      std::string name;
      std::string change;
      std::vector<std::string> keys;
      std::vector<std::string> point;
      for (std::size_t a = 0; a < axes.size(); ++a) {
        // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
        const std::string& path = axes[a].first;
        const std::vector<YAML::Node>& values = axes[a].second;
        at_field(sweep->at(path),
                 [&] { apply_override(tree, path, values[index[a]], "sweep", PathSharing::copy); });
        const std::string label = last_keys_unique ? path.substr(path.rfind('.') + 1) : path;
        name += (name.empty() ? "" : ",") + label + "=" + scalar_text(values[index[a]]);
        change += (change.empty() ? "" : ", ") + path + "=" + scalar_text(values[index[a]]);
        keys.push_back(path);
        point.push_back(scalar_text(values[index[a]]));
      }
      check_variant_name(*sweep, name, names);
      set.variants.push_back({name, change,
                              load_variant(tree, source_name, name, sweep->node().Mark()),
                              std::move(keys), std::move(point)});
      // Next combination, last axis fastest.
      std::size_t a = axes.size();
      while (a > 0 && ++index[a - 1] == axes[a - 1].second.size())
        index[--a] = 0;
      if (a == 0)
        break;
    }
  }
  return set;
}

ScenarioSet load_scenario_set(const std::string& path, const std::vector<std::string>& overrides) {
  return load_scenario_set_text(detail::read_text_file(path), path, overrides);
}

}  // namespace funnelsim::scenarios
