#include "yaml_reader.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include "suggest.hpp"

namespace funnelsim::scenarios::detail {

InputError error_at(const Origin& origin, const YAML::Mark& mark, const std::string& key_path,
                    const std::string& message) {
  if (mark.is_null() || mark.line < 0) {
    return InputError(origin.unmarked, 0, 0, key_path, message);
  }
  // yaml-cpp's marks are 0-based; editors and gcc count from 1.
  return InputError(origin.file, mark.line + 1, mark.column + 1, key_path, message);
}

bool Range::contains(double value) const {
  const bool above = low_open ? value > low : value >= low;
  const bool below = high_open ? value < high : value <= high;
  return above && below;
}

std::string Range::text() const {
  if (std::isinf(high)) {
    return (low_open ? "> " : ">= ") + format_number(low);
  }
  return std::string("in ") + (low_open ? "(" : "[") + format_number(low) + ", " +
         format_number(high) + (high_open ? ")" : "]");
}

std::string format_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return buffer;
}

bool is_valid_name(std::string_view name) {
  if (name.empty()) {
    return false;
  }
  for (const char c : name) {
    if (c == '.' || c == '=' || std::isspace(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

Field::Field(const Origin& origin, YAML::Node node, std::string key_path)
    : origin_(&origin), node_(std::move(node)), key_path_(std::move(key_path)) {}

Field& Field::operator=(const Field& other) {
  origin_ = other.origin_;
  node_.reset(other.node_);
  key_path_ = other.key_path_;
  return *this;
}

int Field::line() const {
  const YAML::Mark mark = node_.Mark();
  return mark.line < 0 ? 0 : mark.line + 1;
}

InputError Field::error(const std::string& message) const {
  return error_at(*origin_, node_.Mark(), key_path_, message);
}

void Field::fail(const std::string& message) const {
  throw error(message);
}

std::string Field::describe() const {
  switch (node_.Type()) {
    case YAML::NodeType::Scalar: {
      double value = 0.0;
      if (YAML::convert<double>::decode(node_, value)) {
        return node_.Scalar();
      }
      return "'" + node_.Scalar() + "'";
    }
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return "null";
}

std::string Field::child_path(std::string_view key) const {
  return key_path_.empty() ? std::string(key) : key_path_ + "." + std::string(key);
}

void Field::expect_map() const {
  if (!node_.IsMap()) {
    fail("must be a mapping, got " + describe());
  }
}

void Field::check_keys(std::initializer_list<std::string_view> allowed,
                       std::string_view what) const {
  expect_map();
  std::vector<std::string> valid(allowed.begin(), allowed.end());
  std::map<std::string, Field, std::less<>> seen;
  for (const auto& entry : node_) {
    const Field key(*origin_, entry.first, key_path_);
    if (!entry.first.IsScalar()) {
      key.fail("keys must be strings, got " + key.describe());
    }
    const std::string& name = entry.first.Scalar();
    const Field named_key = key.renamed(child_path(name));
    if (const auto first = seen.find(name); first != seen.end()) {
      const int first_line = first->second.line();
      named_key.fail("duplicate key '" + name + "'" +
                     (first_line > 0 ? " (first at line " + std::to_string(first_line) + ")" : ""));
    }
    seen.emplace(name, named_key);
    bool known = false;
    for (const std::string_view candidate : allowed) {
      known = known || candidate == name;
    }
    if (!known) {
      const std::string label =
          what.empty() ? std::string("valid keys") : "valid keys for " + std::string(what);
      named_key.fail("unknown key '" + name + "'" + suggestion(name, valid, label));
    }
  }
}

bool Field::has(std::string_view key) const {
  return node_.IsMap() && node_[std::string(key)].IsDefined();
}

std::optional<Field> Field::get(std::string_view key) const {
  if (!has(key)) {
    return std::nullopt;
  }
  return Field(*origin_, node_[std::string(key)], child_path(key));
}

Field Field::at(std::string_view key) const {
  expect_map();
  if (!has(key)) {
    renamed(child_path(key)).fail("missing required key '" + std::string(key) + "'");
  }
  return Field(*origin_, node_[std::string(key)], child_path(key));
}

std::vector<Field> Field::items() const {
  if (!node_.IsSequence()) {
    fail("must be a list, got " + describe());
  }
  std::vector<Field> result;
  result.reserve(node_.size());
  for (std::size_t i = 0; i < node_.size(); ++i) {
    result.emplace_back(*origin_, node_[i], child_path(std::to_string(i)));
  }
  return result;
}

std::vector<Field> Field::non_empty_items() const {
  std::vector<Field> result = items();
  if (result.empty()) {
    fail("must not be empty");
  }
  return result;
}

std::vector<Field> Field::named_items() const {
  std::vector<Field> result = non_empty_items();
  for (Field& item : result) {
    if (!item.node_.IsMap()) {
      continue;
    }
    const YAML::Node& item_node = item.node_;
    const YAML::Node name = item_node["name"];
    if (name.IsDefined() && name.IsScalar() && is_valid_name(name.Scalar())) {
      item.key_path_ = child_path(name.Scalar());
    }
  }
  return result;
}

double Field::number() const {
  double value = 0.0;
  if (!node_.IsScalar() || !YAML::convert<double>::decode(node_, value)) {
    fail("must be a number, got " + describe());
  }
  if (!std::isfinite(value)) {
    fail("must be a finite number, got " + describe());
  }
  return value;
}

double Field::number(const Range& range) const {
  const double value = number();
  if (!range.contains(value)) {
    fail("must be " + range.text() + ", got " + describe());
  }
  return value;
}

int Field::integer(int low, int high) const {
  const double value = number();
  if (value != std::floor(value)) {
    fail("must be an integer, got " + describe());
  }
  if (value < low || value > high) {
    fail("must be in [" + std::to_string(low) + ", " + std::to_string(high) + "], got " +
         describe());
  }
  return static_cast<int>(value);
}

std::string Field::text() const {
  if (!node_.IsScalar()) {
    fail("must be a string, got " + describe());
  }
  return node_.Scalar();
}

std::string Field::name() const {
  std::string value = text();
  if (value.empty()) {
    fail("must not be empty");
  }
  if (!is_valid_name(value)) {
    fail("must not contain '.', '=' or whitespace, got '" + value + "'");
  }
  return value;
}

std::string Field::choice(std::initializer_list<std::string_view> options) const {
  std::string value = text();
  std::vector<std::string> valid(options.begin(), options.end());
  for (const std::string& option : valid) {
    if (option == value) {
      return value;
    }
  }
  std::string message = "must be one of " + join(valid) + ", got '" + value + "'";
  if (const std::string best = closest(value, valid); !best.empty()) {
    message += "; did you mean '" + best + "'?";
  }
  fail(message);
}

YAML::Node parse_document(const std::string& text, const std::string& source_name,
                          const std::string& what) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(text);
  } catch (const YAML::ParserException& error) {
    const int line = error.mark.is_null() ? 0 : error.mark.line + 1;
    const int column = error.mark.is_null() ? 0 : error.mark.column + 1;
    throw InputError(source_name, line, column, "", error.msg);
  }
  if (documents.empty() || documents.front().IsNull()) {
    throw InputError(source_name, 0, 0, "", "empty " + what);
  }
  if (documents.size() > 1) {
    const Origin origin{source_name, source_name};
    throw error_at(
        origin, documents[1].Mark(), "",
        "a " + what + " file holds one YAML document, found " + std::to_string(documents.size()));
  }
  return documents.front();
}

std::string read_text_file(const std::string& path) {
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
  return text.str();
}

}  // namespace funnelsim::scenarios::detail
