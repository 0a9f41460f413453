#include "funnelsim/scenarios/override.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "suggest.hpp"
#include "yaml_reader.hpp"

namespace funnelsim::scenarios {
namespace {

/// A deep copy built node by node, so that it carries no marks: validation then reports its
/// errors against the override's origin rather than a position in the override's own text.
YAML::Node without_marks(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return YAML::Node(node.Scalar());
    case YAML::NodeType::Sequence: {
      YAML::Node copy(YAML::NodeType::Sequence);
      for (const YAML::Node& item : node) {
        copy.push_back(without_marks(item));
      }
      copy.SetStyle(node.Style());
      return copy;
    }
    case YAML::NodeType::Map: {
      YAML::Node copy(YAML::NodeType::Map);
      for (const auto& entry : node) {
        // force_insert keeps duplicate keys, for validation to report.
        copy.force_insert(without_marks(entry.first), without_marks(entry.second));
      }
      copy.SetStyle(node.Style());
      return copy;
    }
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return YAML::Node(YAML::NodeType::Null);
}

std::vector<std::string> split_path(std::string_view path, std::string_view origin) {
  std::vector<std::string> keys;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    const std::string_view key = path.substr(start, dot - start);
    if (key.empty()) {
      throw InputError(std::string(origin), 0, 0, std::string(path),
                       "empty key in path '" + std::string(path) + "'");
    }
    keys.emplace_back(key);
    if (dot == std::string_view::npos) {
      return keys;
    }
    start = dot + 1;
  }
}

bool is_index(std::string_view key) {
  return std::all_of(key.begin(), key.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

/// The item of `list` named `key` (by its `name`, else by index when `key` is a number).
YAML::Node find_item(YAML::Node& list, const std::string& key, std::string_view path,
                     const std::string& list_path, std::string_view origin) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    YAML::Node item = list[i];
    const YAML::Node& const_item = item;
    if (const_item.IsMap() && const_item["name"].IsDefined() && const_item["name"].IsScalar()) {
      const std::string& name = const_item["name"].Scalar();
      if (name == key) {
        return item;
      }
      names.push_back(name);
    }
  }
  if (is_index(key) && key.size() < 10 && std::stoul(key) < list.size()) {
    return list[std::stoul(key)];
  }
  std::string message = "no item named '" + key + "' in '" + list_path + "'";
  if (names.empty()) {
    message += " (it has " + std::to_string(list.size()) + " items, by 0-based index)";
  } else {
    message += detail::suggestion(key, names, "items are");
  }
  throw InputError(std::string(origin), 0, 0, std::string(path), message);
}

}  // namespace

void apply_override(YAML::Node& root, std::string_view path, const YAML::Node& value,
                    std::string_view origin) {
  const std::vector<std::string> keys = split_path(path, origin);
  const YAML::Node replacement = without_marks(value);
  // Node handles share the tree: assigning through one (operator=) replaces that node's
  // content in place, while reset() only rebinds the handle as we walk down.
  YAML::Node current;
  current.reset(root);
  std::string walked;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::string& key = keys[i];
    const bool last = i + 1 == keys.size();
    if (current.IsNull()) {
      current = YAML::Node(YAML::NodeType::Map);
    }
    if (current.IsMap()) {
      if (last) {
        current[key] = replacement;
        return;
      }
      YAML::Node next = current[key];
      if (!next.IsDefined()) {
        current[key] = YAML::Node(YAML::NodeType::Map);
        next.reset(current[key]);
      }
      current.reset(next);
    } else if (current.IsSequence()) {
      YAML::Node item = find_item(current, key, path, walked, origin);
      if (last) {
        item = replacement;
        return;
      }
      current.reset(item);
    } else {
      throw InputError(std::string(origin), 0, 0, std::string(path),
                       "cannot set a key inside '" + walked + "': it is a single value, " +
                           "not a mapping or a list");
    }
    walked += (walked.empty() ? "" : ".") + key;
  }
}

YAML::Node lookup(YAML::Node& root, std::string_view path, std::string_view origin) {
  const std::vector<std::string> keys = split_path(path, origin);
  YAML::Node current;
  current.reset(root);
  std::string walked;
  for (const std::string& key : keys) {
    if (current.IsMap()) {
      const YAML::Node& const_current = current;
      if (!const_current[key].IsDefined()) {
        return YAML::Node(YAML::NodeType::Undefined);
      }
      YAML::Node next = current[key];
      current.reset(next);
    } else if (current.IsSequence()) {
      YAML::Node item = find_item(current, key, path, walked, origin);
      current.reset(item);
    } else {
      throw InputError(
          std::string(origin), 0, 0, std::string(path),
          "no key inside '" + walked + "': it is a single value, " + "not a mapping or a list");
    }
    walked += (walked.empty() ? "" : ".") + key;
  }
  return current;
}

void apply_assignment(YAML::Node& root, std::string_view assignment, std::string_view origin) {
  const std::size_t equals = assignment.find('=');
  if (equals == std::string_view::npos) {
    throw InputError(std::string(origin), 0, 0, "",
                     "expected path=value, got '" + std::string(assignment) + "'");
  }
  const std::string_view path = assignment.substr(0, equals);
  const std::string text(assignment.substr(equals + 1));
  YAML::Node value;
  try {
    value = YAML::Load(text);
  } catch (const YAML::ParserException& error) {
    throw InputError(std::string(origin), 0, 0, std::string(path),
                     "cannot parse value '" + text + "': " + error.msg);
  }
  // The value is copied node by node, aliases expanded: bound it before the copy.
  try {
    detail::check_tree_size(value, detail::Origin{std::string(origin), std::string(origin)});
  } catch (const InputError& error) {
    // A position inside a command-line value helps no one: the path names it.
    throw InputError(std::string(origin), 0, 0, std::string(path), error.message());
  }
  apply_override(root, path, value, origin);
}

}  // namespace funnelsim::scenarios
