#include "funnelsim/scenarios/override.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <unordered_map>
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

/// The index of the item of `list` named `key` (by its `name`, else by index when `key` is a
/// number).
std::size_t find_item(const YAML::Node& list, const std::string& key, std::string_view path,
                      const std::string& list_path, std::string_view origin) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    if (item.IsMap() && item["name"].IsDefined() && item["name"].IsScalar()) {
      const std::string& name = item["name"].Scalar();
      if (name == key) {
        return i;
      }
      names.push_back(name);
    }
  }
  if (is_index(key) && key.size() < 10 && std::stoul(key) < list.size()) {
    return std::stoul(key);
  }
  std::string message = "no item named '" + key + "' in '" + list_path + "'";
  if (names.empty()) {
    message += " (it has " + std::to_string(list.size()) + " items, by 0-based index)";
  } else {
    message += detail::suggestion(key, names, "items are");
  }
  throw InputError(std::string(origin), 0, 0, std::string(path), message);
}

/// The position of `key` among the entries of `map` (the entry operator[] finds), if any.
std::optional<std::size_t> find_key(const YAML::Node& map, const std::string& key) {
  std::size_t index = 0;
  for (const auto& entry : map) {
    if (entry.first.IsScalar() && entry.first.Scalar() == key) {
      return index;
    }
    ++index;
  }
  return std::nullopt;
}

/// A new node with the kind, tag, style and scalar of `node`, whose keys, values and items
/// are `node`'s own: copying it unshares one node and nothing below it.
YAML::Node shallow_copy(const YAML::Node& node) {
  YAML::Node copy;
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      copy = YAML::Node(node.Scalar());
      break;
    case YAML::NodeType::Sequence:
      copy = YAML::Node(YAML::NodeType::Sequence);
      for (const YAML::Node& item : node) {
        copy.push_back(item);
      }
      copy.SetStyle(node.Style());
      break;
    case YAML::NodeType::Map:
      copy = YAML::Node(YAML::NodeType::Map);
      for (const auto& entry : node) {
        copy.force_insert(entry.first, entry.second);
      }
      copy.SetStyle(node.Style());
      break;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return YAML::Node(YAML::NodeType::Null);
  }
  copy.SetTag(node.Tag());
  return copy;
}

/// Replaces the child at `position` (a value of a mapping, an item of a list) of `parent`,
/// which no other node refers to, by `fresh`. Not an assignment through a handle to the child:
/// yaml-cpp would rewrite the child node itself, and with it every alias of it. The parent is
/// rebuilt instead, in order, and loses its mark.
void replace_child(YAML::Node& parent, std::size_t position, const YAML::Node& fresh) {
  YAML::Node rebuilt(parent.IsMap() ? YAML::NodeType::Map : YAML::NodeType::Sequence);
  if (parent.IsMap()) {
    std::size_t index = 0;
    for (const auto& entry : parent) {
      rebuilt.force_insert(entry.first, index++ == position ? fresh : entry.second);
    }
  } else {
    std::size_t index = 0;
    for (const YAML::Node& item : parent) {
      rebuilt.push_back(index++ == position ? fresh : item);
    }
  }
  rebuilt.SetStyle(parent.Style());
  rebuilt.SetTag(parent.Tag());
  // `parent` is referred to once, so rewriting its node changes this tree and no other.
  parent = rebuilt;
}

/// Whether more than one edge (a key, value or item of a node reachable from `root`, each
/// node's edges counted once) leads to `target`: an alias shares it. Nodes are told apart by
/// identity, looked up by their mark; nodes without a mark were created by overrides, each
/// in one place, and are walked without that bookkeeping.
bool is_shared(const YAML::Node& root, const YAML::Node& target) {
  std::unordered_map<int, std::vector<YAML::Node>> seen;
  const auto first_visit = [&](const YAML::Node& node) {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) {
      return true;
    }
    std::vector<YAML::Node>& bucket = seen[mark.pos];
    for (const YAML::Node& other : bucket) {
      if (other.is(node)) {
        return false;
      }
    }
    bucket.push_back(node);
    return true;
  };
  std::vector<YAML::Node> pending{root};
  first_visit(root);
  std::size_t edges = 0;
  const auto edge = [&](const YAML::Node& child) {
    edges += child.is(target) ? 1 : 0;
    if (first_visit(child)) {
      pending.push_back(child);
    }
  };
  while (!pending.empty() && edges < 2) {
    const YAML::Node node = std::move(pending.back());
    pending.pop_back();
    if (node.IsSequence()) {
      for (const YAML::Node& item : node) {
        edge(item);
      }
    } else if (node.IsMap()) {
      for (const auto& entry : node) {
        edge(entry.first);
        edge(entry.second);
      }
    }
  }
  return edges > 1;
}

}  // namespace

void apply_override(YAML::Node& root, std::string_view path, const YAML::Node& value,
                    std::string_view origin, PathSharing sharing) {
  const std::vector<std::string> keys = split_path(path, origin);
  const YAML::Node replacement = without_marks(value);
  const bool copy_path = sharing == PathSharing::copy;
  if (copy_path) {
    root.reset(shallow_copy(root));
  }
  // Node handles share the tree: assigning through one (operator=) replaces that node's
  // content in place, for every alias of it, while reset() only rebinds the handle. So each
  // node on the path that an alias shares (or, for a tree sharing its nodes with another,
  // every one) is copied first, and the copy put in its parent's place: the override then
  // changes the path named and nothing else. `current` is always referred to once.
  YAML::Node current;
  current.reset(root);
  std::string walked;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::string& key = keys[i];
    const bool last = i + 1 == keys.size();
    if (current.IsNull()) {
      current = YAML::Node(YAML::NodeType::Map);
    }
    std::optional<std::size_t> position;
    if (current.IsMap()) {
      position = find_key(current, key);
      if (!position) {
        // A new key: its node is this tree's alone.
        current[key] = last ? replacement : YAML::Node(YAML::NodeType::Map);
        if (last) {
          return;
        }
        YAML::Node next = current[key];
        current.reset(next);
        walked += (walked.empty() ? "" : ".") + key;
        continue;
      }
    } else if (current.IsSequence()) {
      position = find_item(current, key, path, walked, origin);
    } else {
      throw InputError(std::string(origin), 0, 0, std::string(path),
                       "cannot set a key inside '" + walked + "': it is a single value, " +
                           "not a mapping or a list");
    }
    // The child through its parent, so that the handle shares the tree's memory (yaml-cpp
    // keeps a node alive while a memory it was merged into lives): what is later assigned
    // through it is then merged into the tree's memory, not into a copy's that dies here.
    const auto child_of = [&](const YAML::Node& parent) {
      YAML::Node child;
      child.reset(parent.IsMap() ? parent[key] : parent[*position]);
      return child;
    };
    YAML::Node child = child_of(current);
    const bool shared = copy_path || is_shared(root, child);
    if (last) {
      if (shared) {
        replace_child(current, *position, replacement);
      } else {
        child = replacement;  // referred to once: rewriting it in place changes nothing else
      }
      return;
    }
    if (shared) {
      const YAML::Node copy = shallow_copy(child);
      replace_child(current, *position, copy);
      child.reset(child_of(current));
    }
    current.reset(child);
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
      YAML::Node item = current[find_item(current, key, path, walked, origin)];
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

void apply_assignment(YAML::Node& root, std::string_view assignment, std::string_view origin,
                      PathSharing sharing) {
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
  apply_override(root, path, value, origin, sharing);
}

}  // namespace funnelsim::scenarios
