#include "yaml_reader.hpp"

#include "funnelsim/utf8.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include "funnelsim/sim/model.hpp"
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

std::string output_name_problem(std::string_view name) {
  if (name.empty()) {
    return "must not be empty";
  }
  if (name.size() > MAX_NAME_BYTES) {
    return "must be at most " + std::to_string(MAX_NAME_BYTES) + " bytes, got " +
           std::to_string(name.size());
  }
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      char code[8];
      std::snprintf(code, sizeof code, "0x%02x", byte);
      return std::string("must not contain control characters, got ") + code;
    }
    if (c == '/' || c == '\\') {
      return std::string("must not contain '") + c + "' (results file groups and file names)";
    }
  }
  if (name.front() == '.') {
    return "must not start with '.'";
  }
  return "";
}

std::string name_problem(std::string_view name) {
  if (std::string problem = output_name_problem(name); !problem.empty()) {
    return problem;
  }
  for (const char c : name) {
    if (c == '.' || c == '=' || std::isspace(static_cast<unsigned char>(c))) {
      return "must not contain '.', '=' or whitespace";
    }
  }
  return "";
}

bool is_valid_name(std::string_view name) {
  return name_problem(name).empty();
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

std::string shorten(std::string_view text) {
  constexpr std::size_t MAX_BYTES = 60;
  if (text.size() <= MAX_BYTES + 3) {
    return std::string(text);
  }
  std::size_t end = MAX_BYTES;
  // Cut before a UTF-8 continuation byte's sequence, never inside it.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return std::string(text.substr(0, end)) + "...";
}

std::string Field::describe() const {
  switch (node_.Type()) {
    case YAML::NodeType::Scalar: {
      double value = 0.0;
      if (YAML::convert<double>::decode(node_, value)) {
        return shorten(node_.Scalar());
      }
      return "'" + shorten(node_.Scalar()) + "'";
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
    const std::string shown = shorten(name);  // a hostile key may be megabytes long
    const Field named_key = key.renamed(child_path(shown));
    if (const auto first = seen.find(name); first != seen.end()) {
      const int first_line = first->second.line();
      named_key.fail("duplicate key '" + shown + "'" +
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
      named_key.fail("unknown key '" + shown + "'" + suggestion(name, valid, label));
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

std::vector<Field> Field::items(std::size_t max_items) const {
  if (!node_.IsSequence()) {
    fail("must be a list, got " + describe());
  }
  if (node_.size() > max_items) {
    fail("must have at most " + std::to_string(max_items) + " items, got " +
         std::to_string(node_.size()));
  }
  std::vector<Field> result;
  result.reserve(node_.size());
  for (std::size_t i = 0; i < node_.size(); ++i) {
    result.emplace_back(*origin_, node_[i], child_path(std::to_string(i)));
  }
  return result;
}

std::vector<Field> Field::non_empty_items(std::size_t max_items) const {
  std::vector<Field> result = items(max_items);
  if (result.empty()) {
    fail("must not be empty");
  }
  return result;
}

std::vector<Field> Field::named_items(std::size_t max_items) const {
  std::vector<Field> result = non_empty_items(max_items);
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
  if (const std::string problem = name_problem(value); !problem.empty()) {
    fail(value.empty() || problem.starts_with("must not contain control") ||
                 problem.starts_with("must be at most")
             ? problem
             : problem + ", got '" + shorten(value) + "'");
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

namespace {

/// The 1-based line and column of byte `offset` of `text`, columns counted in bytes.
std::pair<int, int> position_of(std::string_view text, std::size_t offset) {
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, static_cast<int>(offset - line_start) + 1};
}

std::string hex_byte(unsigned char value) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "0x%02x", value);
  return buffer;
}

}  // namespace

void check_text(std::string_view text, const std::string& source_name) {
  std::size_t offset = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  while (offset < text.size()) {
    const auto value = static_cast<unsigned char>(text[offset]);
    const bool control = value < 0x20 && value != '\t' && value != '\n' && value != '\r';
    const std::size_t length = control || value == 0x7F ? 0 : utf8_sequence_length(text, offset);
    if (length == 0) {
      const auto [line, column] = position_of(text, offset);
      throw InputError(source_name, line, column, "",
                       (control || value == 0x7F ? "not a text file: control character "
                                                 : "not UTF-8 text: byte ") +
                           hex_byte(value));
    }
    offset += length;
  }
}

void check_tree_size(const YAML::Node& root, const Origin& origin) {
  // Iterative, so that the walk itself cannot overflow the stack; an alias is walked at each
  // use, as every later reader would walk it.
  struct Pending {
    YAML::Node node;
    int depth;
  };
  std::vector<Pending> pending{{root, 1}};
  std::size_t visited = 0;
  while (!pending.empty()) {
    const Pending current = std::move(pending.back());
    pending.pop_back();
    if (++visited > MAX_DOCUMENT_NODES) {
      throw error_at(origin, current.node.Mark(), "",
                     "the document expands to more than " + std::to_string(MAX_DOCUMENT_NODES) +
                         " nodes (aliases counted at each use); refusing it");
    }
    if (current.depth > MAX_DOCUMENT_DEPTH) {
      throw error_at(origin, current.node.Mark(), "",
                     "nested deeper than " + std::to_string(MAX_DOCUMENT_DEPTH) + " levels");
    }
    if (current.node.IsSequence()) {
      for (const YAML::Node& item : current.node) {
        pending.push_back({item, current.depth + 1});
      }
    } else if (current.node.IsMap()) {
      for (const auto& entry : current.node) {
        pending.push_back({entry.first, current.depth + 1});
        pending.push_back({entry.second, current.depth + 1});
      }
    }
  }
}

namespace {

/// Records the documents of a stream (their first node's kind and mark) without building them.
class DocumentCounter final : public YAML::EventHandler {
 public:
  struct Document {
    YAML::Mark mark;
    bool null_root = true;
    bool has_root = false;
  };
  std::vector<Document> documents;

  void OnDocumentStart(const YAML::Mark& mark) override { documents.push_back({mark}); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { root(mark, true); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { root(mark, false); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    root(mark, false);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    root(mark, false);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    root(mark, false);
  }
  void OnMapEnd() override {}

 private:
  void root(const YAML::Mark& mark, bool null) {
    if (!documents.empty() && !documents.back().has_root) {
      documents.back() = {mark, null, true};
    }
  }
};

InputError parser_error(const YAML::ParserException& error, const std::string& source_name) {
  const int line = error.mark.is_null() ? 0 : error.mark.line + 1;
  const int column = error.mark.is_null() ? 0 : error.mark.column + 1;
  return InputError(source_name, line, column, "", error.msg);
}

}  // namespace

YAML::Node parse_document(const std::string& text, const std::string& source_name,
                          const std::string& what) {
  check_text(text, source_name);
  // Not YAML::LoadAll: on some invalid text, such as ",b ", yaml-cpp 0.7's parser stops
  // consuming tokens and reports an empty document forever, and LoadAll collects them until
  // memory runs out (yaml-cpp issue #1040, fixed upstream by PR #1319 after 0.8.0). Counting
  // the documents here stops as upstream now does, at the first empty one, and a repeated
  // empty document at the same place is the stuck parser.
  DocumentCounter counter;
  YAML::Node root;
  try {
    std::istringstream stream(text);
    YAML::Parser parser(stream);
    while (parser.HandleNextDocument(counter)) {
      const DocumentCounter::Document& last = counter.documents.back();
      if (counter.documents.size() > 1 && last.null_root) {
        const DocumentCounter::Document& before = counter.documents[counter.documents.size() - 2];
        if (before.null_root && before.mark.pos == last.mark.pos) {
          throw InputError(source_name, last.mark.line + 1, last.mark.column + 1, "",
                           "not valid YAML: the parser cannot go on from here");
        }
        counter.documents.pop_back();
        break;
      }
    }
    root = YAML::Load(text);
  } catch (const YAML::DeepRecursion& error) {
    // yaml-cpp stops its recursive parser at a fixed depth, with the message "bad file".
    const int line = error.mark.is_null() ? 0 : error.mark.line + 1;
    const int column = error.mark.is_null() ? 0 : error.mark.column + 1;
    throw InputError(source_name, line, column, "",
                     "nested deeper than " + std::to_string(MAX_DOCUMENT_DEPTH) + " levels");
  } catch (const YAML::ParserException& error) {
    throw parser_error(error, source_name);
  }
  if (counter.documents.empty() || root.IsNull()) {
    throw InputError(source_name, 0, 0, "", "empty " + what);
  }
  if (counter.documents.size() > 1) {
    const Origin origin{source_name, source_name};
    throw error_at(origin, counter.documents[1].mark, "",
                   "a " + what + " file holds one YAML document, found " +
                       std::to_string(counter.documents.size()));
  }
  check_tree_size(root, Origin{source_name, source_name});
  return root;
}

std::string read_text_file(const std::string& path) {
  const auto failure = [&](int error) {
    return InputError(path, 0, 0, "", "cannot read: " + std::string(std::strerror(error)));
  };
  // Not blocking on open: a FIFO that no writer has opened would otherwise wait for one
  // forever. Opened so, it reads as empty (and is refused as an empty document).
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    throw failure(errno);
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    throw failure(errno);
  }
  if (S_ISDIR(info.st_mode)) {
    throw failure(EISDIR);
  }
  const std::string limit = std::to_string(MAX_FILE_BYTES) + " (16 MiB)";
  if (S_ISREG(info.st_mode) && static_cast<std::uintmax_t>(info.st_size) > MAX_FILE_BYTES) {
    throw InputError(
        path, 0, 0, "",
        "too large: " + std::to_string(info.st_size) + " bytes, the limit is " + limit);
  }
  // Blocking reads from here on: a pipe whose writer is slow is waited for, as cat waits.
  if (const int flags = ::fcntl(fd, F_GETFL);
      flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
    throw failure(errno);
  }
  // At most the limit and one byte more, whatever the size said: a stream (/dev/zero, a pipe)
  // or a file that grows while it is read stops there instead of filling memory.
  std::string text;
  std::vector<char> buffer(1 << 16);
  while (true) {
    const ::ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw failure(errno);
    }
    if (got == 0) {
      return text;
    }
    if (text.size() + static_cast<std::size_t>(got) > MAX_FILE_BYTES) {
      throw InputError(path, 0, 0, "",
                       "too large: more than " + limit + " bytes; stopped reading there");
    }
    text.append(buffer.data(), static_cast<std::size_t>(got));
  }
}

void check_win_probability_order(std::string_view previous_stage, double previous_value,
                                 const Field& previous, std::string_view stage, double value,
                                 const Field& field) {
  const std::string previous_text = previous.describe();
  const std::string text = field.describe();
  const std::string error = sim::win_probability_order_error(
      {previous_stage, previous_value, previous_text}, {stage, value, text});
  if (!error.empty()) {
    field.fail(error);
  }
}

}  // namespace funnelsim::scenarios::detail
