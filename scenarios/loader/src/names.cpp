#include "names.hpp"

#include <algorithm>

#include "suggest.hpp"

namespace funnelsim::scenarios::detail {

std::string NameList::add(const Field& item) {
  const Field name_field = item.at("name");
  std::string name = name_field.name();
  if (const auto first = std::find(names_.begin(), names_.end(), name); first != names_.end()) {
    const int first_line = lines_[static_cast<std::size_t>(first - names_.begin())];
    name_field.fail("duplicate " + kind_ + " name '" + name + "'" +
                    (first_line > 0 ? " (first at line " + std::to_string(first_line) + ")" : ""));
  }
  names_.push_back(name);
  lines_.push_back(name_field.line());
  return name;
}

std::size_t NameList::resolve(const Field& reference) const {
  const std::string name = reference.text();
  if (const auto found = std::find(names_.begin(), names_.end(), name); found != names_.end()) {
    return static_cast<std::size_t>(found - names_.begin());
  }
  reference.fail("no " + kind_ + " named '" + name + "'" +
                 suggestion(name, names_, kind_ + "s are"));
}

}  // namespace funnelsim::scenarios::detail
