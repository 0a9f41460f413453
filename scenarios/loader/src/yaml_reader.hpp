#pragma once
// Typed access to a parsed YAML tree that knows where each node is: every failure becomes an
// InputError carrying the file, the node's line and column, and its key path.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "funnelsim/scenarios/error.hpp"

namespace funnelsim::scenarios::detail {

/// Where the nodes of one tree come from.
struct Origin {
  std::string file;      ///< for nodes with a mark (parsed from the file)
  std::string unmarked;  ///< for nodes without one (created by overrides): "--set"
};

/// Input files larger than this are refused before they are read (16 MiB: a scenario of the
/// largest sizes the loader accepts is a few hundred KiB).
constexpr std::uintmax_t MAX_FILE_BYTES = 16u << 20;
/// A document may hold at most this many nodes, counting every use of an alias anew: a
/// "billion laughs" of nested aliases is refused before anything walks it. Real scenarios hold
/// a few hundred; the walk to the limit takes about a second under AddressSanitizer.
constexpr std::size_t MAX_DOCUMENT_NODES = 250'000;
/// Mappings and lists nest at most this deep (a scenario needs 7).
constexpr int MAX_DOCUMENT_DEPTH = 64;

/// The most items of a list whose own limit is not stated (scenarios/README.md, "Limits").
constexpr std::size_t MAX_LIST_ITEMS = 10'000;

/// The whole text of the file at `path`; InputError naming the file when it cannot be read or
/// is larger than MAX_FILE_BYTES.
std::string read_text_file(const std::string& path);

/// Refuses text that is not UTF-8 (after an optional byte-order mark) or holds control
/// characters other than tab, line feed and carriage return, at the first bad byte's line and
/// column: binary garbage gets a clear message rather than whatever the parser makes of it.
void check_text(std::string_view text, const std::string& source_name);

/// Refuses a tree deeper than MAX_DOCUMENT_DEPTH or with more than MAX_DOCUMENT_NODES nodes
/// once aliases are expanded; the walk stops at the first node over the limits.
void check_tree_size(const YAML::Node& root, const Origin& origin);

/// Parses `text` as exactly one YAML document describing `what` ("scenario", "snapshot"):
/// text that is not UTF-8, the parser's own errors, an empty file, several documents and a
/// document over the size limits (check_tree_size) become InputErrors.
YAML::Node parse_document(const std::string& text, const std::string& source_name,
                          const std::string& what);

/// The error for `message` at `mark` (a null mark means the node came from `origin.unmarked`).
InputError error_at(const Origin& origin, const YAML::Mark& mark, const std::string& key_path,
                    const std::string& message);

/// A numeric domain, such as (0, 1] or >= 0, that can describe itself in a message.
struct Range {
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
  bool low_open = false;
  bool high_open = false;

  static Range positive() { return {0.0, std::numeric_limits<double>::infinity(), true, false}; }
  static Range non_negative() { return {0.0, std::numeric_limits<double>::infinity()}; }
  static Range probability() { return {0.0, 1.0, true, false}; }  ///< (0, 1]
  static Range fraction() { return {0.0, 1.0}; }                  ///< [0, 1]

  bool contains(double value) const;
  std::string text() const;  ///< "> 0", ">= 0", "in (0, 1]"
};

/// `text` cut to about 60 bytes with "..." when longer: user text quoted in a message.
std::string shorten(std::string_view text);

/// "0.97", "1e+06": a computed number for a message.
std::string format_number(double value);

/// One node of the tree with its key path, e.g. `segments.small.stages.intent.days`.
class Field {
 public:
  Field(const Origin& origin, YAML::Node node, std::string key_path);
  Field(const Field&) = default;
  // YAML::Node's own assignment overwrites the node it refers to, in the tree; a Field
  // rebinds instead, so that reading never changes the scenario.
  Field& operator=(const Field& other);

  const YAML::Node& node() const { return node_; }
  const std::string& key_path() const { return key_path_; }
  /// The line of the node for "first at line N" notes, 0 when it has no mark.
  int line() const;
  /// The same node reported under another key path (e.g. a computed total named `quota`).
  Field renamed(std::string key_path) const { return Field(*origin_, node_, std::move(key_path)); }

  /// The error for `message` at this node.
  InputError error(const std::string& message) const;
  [[noreturn]] void fail(const std::string& message) const;
  /// How the node reads in a message: `1.4`, `'five'`, `a list`, `null`.
  std::string describe() const;

  // Mappings.
  void expect_map() const;
  /// Rejects keys outside `allowed` (suggesting the closest), non-scalar keys and duplicates.
  /// `what` names the mapping in the message ("a stage"), or is empty.
  void check_keys(std::initializer_list<std::string_view> allowed,
                  std::string_view what = {}) const;
  bool has(std::string_view key) const;
  /// The value under `key`, if present.
  std::optional<Field> get(std::string_view key) const;
  /// The value under `key`; fails at this mapping when it is missing.
  Field at(std::string_view key) const;

  // Lists. Each fails when the list has more than `max_items` items.
  /// The items of a list, with key paths by 0-based index.
  std::vector<Field> items(std::size_t max_items = MAX_LIST_ITEMS) const;
  /// As items(), but fails when the list is empty.
  std::vector<Field> non_empty_items(std::size_t max_items = MAX_LIST_ITEMS) const;
  /// The items of a list of mappings with a `name`, with key paths by name (by index when an
  /// item's name is missing or invalid, so the path stays unambiguous).
  std::vector<Field> named_items(std::size_t max_items = MAX_LIST_ITEMS) const;

  // Scalars.
  double number() const;  ///< a finite number
  double number(const Range& range) const;
  int integer(int low, int high) const;
  std::string text() const;  ///< a string (any scalar)
  /// A name used in key paths: name_problem() finds nothing wrong with it.
  std::string name() const;
  /// One of `options`, suggesting the closest on a typo.
  std::string choice(std::initializer_list<std::string_view> options) const;

 private:
  std::string child_path(std::string_view key) const;

  const Origin* origin_;
  YAML::Node node_;
  std::string key_path_;
};

/// The longest name (of the scenario, a variant, a segment, ...): names become results file
/// groups, and key paths and messages quote them.
constexpr std::size_t MAX_NAME_BYTES = 100;

/// Why `name` cannot name a results file group or a file (empty when it can): it is empty,
/// longer than MAX_NAME_BYTES, holds a control character, '/' or '\\', or starts with '.'.
std::string output_name_problem(std::string_view name);
/// As output_name_problem, and names in key paths hold no '.', '=' or whitespace either.
std::string name_problem(std::string_view name);
/// True when `name` may be used in key paths.
bool is_valid_name(std::string_view name);

/// sim::win_probability_order_error on two stages read from a file: fails at `field` (the
/// stage's win_probability), saying both values as the file writes them.
void check_win_probability_order(std::string_view previous_stage, double previous_value,
                                 const Field& previous, std::string_view stage, double value,
                                 const Field& field);

}  // namespace funnelsim::scenarios::detail
