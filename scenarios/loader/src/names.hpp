#pragma once
// Names of segments, stages, teams and sources: unique within their list, and references to
// them ("segment: small") resolved with a suggestion on a typo.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "yaml_reader.hpp"

namespace funnelsim::scenarios::detail {

/// The names of one list, in order.
class NameList {
 public:
  /// `kind` names an item in messages: "segment", "stage", "team", "source".
  explicit NameList(std::string kind) : kind_(std::move(kind)) {}

  /// Reads the item's `name` and fails if an earlier item has it.
  std::string add(const Field& item);
  /// The index of the item that `reference` names; fails with the closest name otherwise.
  std::size_t resolve(const Field& reference) const;

 private:
  std::string kind_;
  std::vector<std::string> names_;
  std::vector<int> lines_;
};

}  // namespace funnelsim::scenarios::detail
