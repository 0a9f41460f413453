#include "funnelsim/crm/history.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>

#include "funnelsim/error.hpp"
#include "funnelsim/stats/civil_date.hpp"
#include "funnelsim/utf8.hpp"

namespace funnelsim::analysis::crm {
namespace {

/// Files larger than this are refused before they are read (a history of millions of rows fits).
constexpr std::uintmax_t MAX_FILE_BYTES = std::uintmax_t{2} << 30;
constexpr std::size_t MAX_FIELD_BYTES = 4096;
constexpr std::size_t MAX_COLUMNS = 1024;
/// The largest amount of one opportunity, in 万 (10 trillion yuan): far above any deal, and low
/// enough that the sums calibrate and diagnose take over millions of rows stay exact to the 万.
constexpr double MAX_AMOUNT = 1e9;

[[noreturn]] void fail(const std::string& file, int line, int column, const std::string& key,
                       const std::string& message) {
  throw Error(ErrorKind::input, message, ErrorLocation{file, line, column, key});
}

/// A name as columns are matched: letters and digits, lower case ("Opportunity ID" ->
/// "opportunityid").
std::string normal(const std::string& name) {
  std::string out;
  for (const char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

struct Cell {
  std::string text;
  int column = 0;  ///< 1-based byte column of the field's first character
};
struct Row {
  int line = 0;
  std::vector<Cell> cells;
};

/// RFC 4180 rows with quoted fields (a quoted field may hold commas, doubled quotes and line
/// breaks), one at a time, so that a large table is never held twice; a byte-order mark
/// before the header is skipped, empty lines are skipped. Every field is UTF-8 without control
/// characters (a tab is text; a line break only inside quotes).
class CsvReader {
 public:
  CsvReader(const std::string& text, const std::string& file)
      : text_(text),
        file_(file),
        i_(text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0),
        line_start_(i_) {}

  /// The key that errors name for the field at each position: set once the header is read.
  void set_keys(std::vector<std::string> keys) { keys_ = std::move(keys); }

  /// The next row into `row`; false at the end.
  bool next(Row& row) {
    const std::string& text = text_;
    const std::string& file = file_;
    std::size_t& i = i_;
    int& line = line_;
    std::size_t& line_start = line_start_;
    while (i < text.size()) {
      row.cells.clear();
      row.line = line;
      while (true) {
        Cell cell;
        cell.column = static_cast<int>(i - line_start + 1);
        const std::size_t position = row.cells.size();
        const int cell_line = line;
        if (i < text.size() && text[i] == '"') {
          const std::size_t opening = i;
          ++i;
          while (true) {
            if (i >= text.size())
              unterminated(cell_line, cell.column, position);
            if (text[i] == '"') {
              if (i + 1 < text.size() && text[i + 1] == '"') {
                cell.text += '"';
                i += 2;
                continue;
              }
              ++i;
              break;
            }
            if (text[i] == '\n') {
              ++line;
              line_start = i + 1;
            }
            take(cell, position, true);
            if (cell.text.size() > MAX_FIELD_BYTES) {
              // A quote that never closes reads the rest of the file as one field: say so
              // rather than that the field is long.
              if (!closes(opening + 1))
                unterminated(cell_line, cell.column, position);
              fail(file, cell_line, cell.column, key(position), "a field longer than 4096 bytes");
            }
          }
          if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
            fail(file, line, static_cast<int>(i - line_start + 1), key(position),
                 "text after a quoted field's closing quote");
        } else {
          while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
            if (text[i] == '"')
              fail(file, line, static_cast<int>(i - line_start + 1), key(position),
                   "a quote inside an unquoted field (quote the whole field, doubling quotes)");
            take(cell, position, false);
            if (cell.text.size() > MAX_FIELD_BYTES)
              fail(file, line, cell.column, key(position), "a field longer than 4096 bytes");
          }
        }
        row.cells.push_back(std::move(cell));
        if (row.cells.size() > MAX_COLUMNS)
          fail(file, line, 1, "", "more than 1024 columns");
        if (i < text.size() && text[i] == ',') {
          ++i;
          continue;
        }
        break;
      }
      if (i < text.size() && text[i] == '\r')
        ++i;
      if (i < text.size() && text[i] == '\n')
        ++i;
      ++line;
      line_start = i;
      if (row.cells.size() == 1 && row.cells[0].text.empty())
        continue;  // an empty line
      return true;
    }
    return false;
  }
  /// The line after the last row read.
  int line() const { return line_; }

 private:
  std::string key(std::size_t position) const {
    return position < keys_.size() ? keys_[position] : std::string();
  }

  /// Appends the character at i_ (a byte, or a UTF-8 sequence) to `cell`, refusing control
  /// characters (a NUL would cut names short where C strings are used) and invalid UTF-8.
  void take(Cell& cell, std::size_t position, bool quoted) {
    const auto byte = static_cast<unsigned char>(text_[i_]);
    const int column = static_cast<int>(i_ - line_start_ + 1);
    if (byte >= 0x80) {
      const std::size_t length = utf8_sequence_length(text_, i_);
      if (length == 0) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", byte);
        fail(file_, line_, column, key(position),
             std::string("invalid UTF-8 (byte ") + hex + "): save the table as UTF-8");
      }
      cell.text.append(text_, i_, length);
      i_ += length;
      return;
    }
    if ((byte < 0x20 && byte != '\t' && !(quoted && (byte == '\n' || byte == '\r'))) ||
        byte == 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", byte);
      fail(file_, line_, column, key(position),
           std::string("a control character (byte ") + hex + ") in a field");
    }
    cell.text += text_[i_++];
  }

  /// Whether a quoted field whose text starts at `from` has a closing quote (a quote that is
  /// not one of a doubled pair) before the end of the text.
  bool closes(std::size_t from) const {
    for (std::size_t k = text_.find('"', from); k != std::string::npos;
         k = text_.find('"', k + 2)) {
      if (k + 1 >= text_.size() || text_[k + 1] != '"')
        return true;
    }
    return false;
  }

  [[noreturn]] void unterminated(int line, int column, std::size_t position) const {
    fail(file_, line, column, key(position),
         "a quoted field that never ends: the quote opened at line " + std::to_string(line) +
             " column " + std::to_string(column) + " never closes");
  }

  const std::string& text_;
  const std::string& file_;
  std::size_t i_;
  int line_ = 1;
  std::size_t line_start_ = 0;
  std::vector<std::string> keys_;
};

std::string read_file(const std::string& file) {
  // A FIFO or a device would block the read or never end, and file_size fails on them with the
  // system's "Operation not supported": look at what the path is before opening it.
  std::error_code error;
  const auto status = std::filesystem::status(file, error);
  if (error)
    throw Error(ErrorKind::input, file + ": cannot read: " + error.message());
  if (!std::filesystem::is_regular_file(status))
    throw Error(
        ErrorKind::input,
        file + ": is not a regular file (" +
            (std::filesystem::is_directory(status) ? "a folder" : "a FIFO, socket or device") +
            "): name the table's CSV file");
  const auto size = std::filesystem::file_size(file, error);
  if (error)
    throw Error(ErrorKind::input, file + ": cannot read: " + error.message());
  if (size > MAX_FILE_BYTES)
    throw Error(ErrorKind::input, file + ": larger than 2 GiB");
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw Error(ErrorKind::input, file + ": cannot open");
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

/// A canonical column: its name, whether a table must have it, the other names CRMs use, and
/// names read only when none of those is in the header (a history table's own `Id` beside its
/// `OpportunityId`, as Salesforce's OpportunityHistory has both).
struct Column {
  const char* name;
  bool required;
  std::vector<const char*> aliases;
  std::vector<const char*> fallbacks = {};
};

const std::vector<Column> OPPORTUNITY_COLUMNS = {
    {"opportunity_id", true, {"id", "opportunity", "opportunityid", "opportunityid18"}},
    {"rep_id", true, {"owner", "ownerid", "opportunityowner", "owner_name", "rep"}},
    {"team", false, {"ownerrole", "role", "salesteam"}},
    {"segment", false, {"opportunitytype", "dealtype", "recordtype"}},
    {"source", false, {"leadsource"}},
    {"customer", false, {"type", "customertype", "newexisting"}},
    {"created_date", true, {"createddate", "created", "createdon"}},
    {"created_day", false, {}},
    {"amount", true, {"amount", "value", "dealsize"}},
    {"close_date", false, {"closedate", "closedon"}},
    {"close_day", false, {}},
    {"outcome", false, {"status", "result"}},
    {"last_stage", false, {"stagename", "stage"}},
    {"is_won", false, {"iswon", "won"}},
    {"is_closed", false, {"isclosed", "closed"}},
    {"variant", false, {}},
    {"replication", false, {}},
};
const std::vector<Column> HISTORY_COLUMNS = {
    {"opportunity_id", true, {"opportunityid", "opportunity"}, {"id"}},
    {"stage", true, {"stagename", "tostage", "newvalue"}},
    {"entered_date", true, {"createddate", "date", "changeddate", "enteredon"}},
    {"entered_day", false, {}},
    {"left_date", false, {}},
    {"left_day", false, {}},
    {"probability", false, {"probability"}},
    {"forecast_category", false, {"forecastcategory", "forecastcategoryname"}},
};

/// "'Amount' (column 4)", for messages about a header's columns.
std::string header_column(const Row& header, std::size_t index) {
  return "'" + header.cells[index].text + "' (column " + std::to_string(index + 1) + ")";
}

/// The columns of a table found in its header: canonical name -> index. Two header columns
/// that would both be read as one canonical column are refused, never resolved silently by
/// their order: a --map names the one meant.
std::map<std::string, std::size_t> locate(const Row& header, const std::vector<Column>& columns,
                                          const std::map<std::string, std::string>& map,
                                          const std::string& file) {
  std::map<std::string, std::size_t> found;
  std::unordered_map<std::string, std::vector<std::size_t>> by_name;
  for (std::size_t i = 0; i < header.cells.size(); ++i)
    by_name[normal(header.cells[i].text)].push_back(i);
  const auto at = [&](const std::string& name) -> const std::vector<std::size_t>& {
    static const std::vector<std::size_t> none;
    const auto it = by_name.find(normal(name));
    return it == by_name.end() ? none : it->second;
  };
  const auto ambiguous = [&](const Column& column, std::size_t first, std::size_t second,
                             const std::string& why) {
    fail(file, 1, header.cells[second].column, column.name,
         "columns " + header_column(header, first) + " and " + header_column(header, second) +
             " are both " + why + "; name the one to read with --map " + column.name + "=COLUMN");
  };
  std::set<std::size_t> mapped;  ///< header columns a --map chose by its exact spelling
  for (const Column& column : columns) {
    if (const auto entry = map.find(column.name); entry != map.end()) {
      const std::vector<std::size_t>& matches = at(entry->second);
      if (matches.empty())
        fail(file, 1, 1, column.name,
             "no column '" + entry->second + "' (named by --map " + column.name + "=" +
                 entry->second + ")");
      std::vector<std::size_t> exact;
      for (const std::size_t i : matches) {
        if (header.cells[i].text == entry->second)
          exact.push_back(i);
      }
      if (matches.size() > 1 && exact.size() != 1)
        fail(file, 1, header.cells[matches[1]].column, column.name,
             "columns " + header_column(header, matches[0]) + " and " +
                 header_column(header, matches[1]) + " both read as '" + entry->second +
                 "' (named by --map " + column.name + "=" + entry->second +
                 "): rename one of them");
      found[column.name] = matches.size() > 1 ? exact[0] : matches[0];
      if (matches.size() > 1)
        mapped.insert(exact[0]);
      continue;
    }
    std::vector<std::string> names{normal(column.name)};
    for (const char* alias : column.aliases) {
      if (std::find(names.begin(), names.end(), normal(alias)) == names.end())
        names.push_back(normal(alias));
    }
    std::vector<std::size_t> candidates;
    for (const std::string& name : names) {
      for (const std::size_t i : at(name))
        candidates.push_back(i);
    }
    if (candidates.size() > 1) {
      std::sort(candidates.begin(), candidates.end());
      ambiguous(column, candidates[0], candidates[1],
                std::string("read as ") + column.name + " (by its name or a CRM's name for it)");
    }
    if (candidates.empty()) {
      for (const char* fallback : column.fallbacks) {
        if (!at(fallback).empty()) {
          candidates.push_back(at(fallback)[0]);
          break;
        }
      }
    }
    if (!candidates.empty())
      found[column.name] = candidates[0];
    if (column.required && !found.count(column.name))
      fail(file, 1, 1, column.name,
           std::string("no column for '") + column.name + "' in the header; name it with --map " +
               column.name + "=COLUMN");
  }
  // Two columns of one name, where the name is a canonical column's: even when a --map reads
  // that column from elsewhere, which of the two holds it is a guess.
  for (const Column& column : columns) {
    const std::vector<std::size_t>& twins = at(column.name);
    const auto chosen = found.find(column.name);
    const bool resolved = chosen != found.end() && mapped.count(chosen->second) &&
                          std::count(twins.begin(), twins.end(), chosen->second) != 0;
    if (twins.size() > 1 && !resolved)
      ambiguous(column, twins[0], twins[1], "named " + std::string(column.name));
  }
  return found;
}

/// The time an ISO date (with an optional time) gives; nullopt with `why` set to what is wrong
/// when it gives none: a shape other than an ISO date's, or a field out of its range.
std::optional<double> read_iso_time(const std::string& text, std::string& why) {
  const std::string shape = "must be an ISO date (yyyy-mm-dd, optionally with a time)";
  int year = 0, month = 0, day = 0;
  const auto digits = [&](std::size_t from, std::size_t n, int& out) {
    out = 0;
    for (std::size_t k = from; k < from + n; ++k) {
      if (k >= text.size() || !std::isdigit(static_cast<unsigned char>(text[k])))
        return false;
      out = out * 10 + (text[k] - '0');
    }
    return true;
  };
  if (text.size() < 10 || text[4] != '-' || text[7] != '-' || !digits(0, 4, year) ||
      !digits(5, 2, month) || !digits(8, 2, day)) {
    why = shape;
    return std::nullopt;
  }
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int month_days[] = {31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  // A CRM's dates are this century's; a year outside these is a typing or export error.
  if (year < 1900 || year > 2200) {
    why = "year " + std::to_string(year) + " is outside 1900..2200";
    return std::nullopt;
  }
  if (month < 1 || month > 12) {
    why = "no such month: " + std::to_string(month) + " (months are 01..12)";
    return std::nullopt;
  }
  if (day < 1 || day > month_days[month - 1]) {
    why = "no such day: " + text.substr(0, 7) + " has " + std::to_string(month_days[month - 1]) +
          " days";
    return std::nullopt;
  }
  const double days = static_cast<double>(days_from_civil(year, month, day));
  if (text.size() == 10)
    return days;
  int hour = 0, minute = 0, second = 0;
  if ((text[10] != 'T' && text[10] != ' ') || !digits(11, 2, hour) || text.size() < 16 ||
      text[13] != ':' || !digits(14, 2, minute)) {
    why = shape;
    return std::nullopt;
  }
  std::size_t k = 16;
  double fraction = 0.0;
  if (k < text.size() && text[k] == ':') {
    if (!digits(k + 1, 2, second)) {
      why = shape;
      return std::nullopt;
    }
    k += 3;
    if (k < text.size() && text[k] == '.') {
      double scale = 0.1;
      for (++k; k < text.size() && std::isdigit(static_cast<unsigned char>(text[k])); ++k) {
        fraction += (text[k] - '0') * scale;
        scale /= 10;
      }
    }
  }
  const std::string zone = text.substr(k);
  if (!(zone.empty() || zone == "Z" || ((zone[0] == '+' || zone[0] == '-') && zone.size() <= 6))) {
    why = shape;
    return std::nullopt;
  }
  if (hour > 23) {
    why = "hour " + std::to_string(hour) + " is out of range 00..23";
    return std::nullopt;
  }
  if (minute > 59) {
    why = "minute " + std::to_string(minute) + " is out of range 00..59";
    return std::nullopt;
  }
  if (second > 60) {  // 60: a leap second
    why = "second " + std::to_string(second) + " is out of range 00..60";
    return std::nullopt;
  }
  return days + (hour * 3600.0 + minute * 60.0 + second + fraction) / 86400.0;
}

/// The key each field of a row is named by in errors: its canonical column, else its header.
std::vector<std::string> keys(const Row& header, const std::map<std::string, std::size_t>& at) {
  std::vector<std::string> names;
  for (const Cell& cell : header.cells)
    names.push_back(cell.text);
  for (const auto& [name, index] : at)
    names[index] = name;
  return names;
}

/// A table's row with its canonical columns.
struct Fields {
  const std::string& file;
  const Row& row;
  const std::map<std::string, std::size_t>& at;

  bool has(const char* name) const { return at.count(name) != 0; }
  const Cell* cell(const char* name) const {
    const auto found = at.find(name);
    return found == at.end() ? nullptr : &row.cells[found->second];
  }
  std::string text(const char* name) const {
    const Cell* c = cell(name);
    if (c && c->text.find_first_of("\r\n") != std::string::npos)
      bad(name, "holds a line break");
    return c ? c->text : std::string();
  }
  [[noreturn]] void bad(const char* name, const std::string& message) const {
    const Cell* c = cell(name);
    fail(file, row.line, c ? c->column : 1, name, message);
  }
  std::string required(const char* name) const {
    std::string value = text(name);
    if (value.empty())
      bad(name, "is empty");
    return value;
  }
  double number(const char* name) const {
    std::string value = required(name);
    value.erase(std::remove(value.begin(), value.end(), ' '), value.end());
    // Thousands separators, as spreadsheets write amounts ("1,200.50"): each comma before
    // exactly three digits.
    for (std::size_t comma = value.find(','); comma != std::string::npos;
         comma = value.find(',', comma)) {
      const std::size_t digits = value.find_first_not_of("0123456789", comma + 1);
      if (comma == 0 || (digits == std::string::npos ? value.size() : digits) - comma - 1 != 3)
        bad(name, "must be a finite number, got '" + text(name) + "'");
      value.erase(comma, 1);
    }
    double x = 0.0;
    const auto parsed = std::from_chars(value.data(), value.data() + value.size(), x);
    if (parsed.ec != std::errc() || parsed.ptr != value.data() + value.size() || !std::isfinite(x))
      bad(name, "must be a finite number, got '" + text(name) + "'");
    return x;
  }
  double time(const char* name) const {
    std::string why;
    const auto t = read_iso_time(required(name), why);
    if (!t)
      bad(name, why + ", got '" + text(name) + "'");
    return *t;
  }
  /// A yes/no column (IsWon, IsClosed): true/false, 1/0, yes/no, y/n or t/f in any case; empty
  /// is unknown. Anything else is refused rather than read as false.
  std::optional<bool> boolean(const char* name) const {
    std::string value = text(name);
    const std::size_t first = value.find_first_not_of(" \t");
    value = first == std::string::npos
                ? std::string()
                : value.substr(first, value.find_last_not_of(" \t") - first + 1);
    for (char& c : value)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (value.empty())
      return std::nullopt;
    if (value == "true" || value == "1" || value == "yes" || value == "y" || value == "t")
      return true;
    if (value == "false" || value == "0" || value == "no" || value == "n" || value == "f")
      return false;
    bad(name, "must be true or false (1/0, yes/no, y/n, t/f), got '" + text(name) + "'");
  }
};

/// A mainstream CRM's closed stage names.
std::optional<Outcome> closed_stage(const std::string& stage) {
  const std::string n = normal(stage);
  if (n == "closedwon" || n == "won")
    return Outcome::won;
  if (n == "closedlost" || n == "lost")
    return Outcome::lost;
  return std::nullopt;
}

std::string category_of(const std::string& text) {
  const std::string n = normal(text);
  if (n == "commit" || n == "committed")
    return "commit";
  if (n == "bestcase" || n == "possible" || n == "upside")
    return "best_case";
  if (n == "pipeline" || n == "notforecast")
    return "pipeline";
  return "";
}

}  // namespace

std::optional<double> parse_iso_time(const std::string& text) {
  std::string why;
  return read_iso_time(text, why);
}

std::string iso_time_problem(const std::string& text) {
  std::string why;
  read_iso_time(text, why);
  return why;
}

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::won:
      return "won";
    case Outcome::lost:
      return "lost";
    case Outcome::stalled:
      return "stalled";
    case Outcome::dropped:
      return "dropped";
    case Outcome::open:
      break;
  }
  return "open";
}

HistorySource history_folder(const std::string& folder) {
  HistorySource source;
  source.opportunities_file = (std::filesystem::path(folder) / "opportunities.csv").string();
  source.history_file = (std::filesystem::path(folder) / "stage_history.csv").string();
  return source;
}

std::string canonical_columns() {
  std::string text;
  std::set<std::string> seen;
  for (const auto* table : {&OPPORTUNITY_COLUMNS, &HISTORY_COLUMNS}) {
    for (const Column& c : *table) {
      if (seen.insert(c.name).second)
        text += (text.empty() ? "" : ", ") + std::string(c.name);
    }
  }
  return text;
}

void add_column_map(HistorySource& source, const std::string& entry) {
  const std::size_t equals = entry.find('=');
  if (equals == std::string::npos || equals == 0 || equals + 1 == entry.size())
    throw Error(ErrorKind::usage,
                "--map " + entry + ": must be COLUMN=NAME (a canonical column, then yours)");
  const std::string column = entry.substr(0, equals);
  bool known = false;
  for (const auto* table : {&OPPORTUNITY_COLUMNS, &HISTORY_COLUMNS}) {
    for (const Column& c : *table)
      known = known || column == c.name;
  }
  if (!known)
    throw Error(ErrorKind::usage, "--map " + entry + ": '" + column + "' is not a column (" +
                                      canonical_columns() + ")");
  const std::string name = entry.substr(equals + 1);
  if (const auto earlier = source.column_map.find(column); earlier != source.column_map.end())
    throw Error(ErrorKind::usage, "--map " + entry + ": " + column + " is mapped twice (--map " +
                                      column + "=" + earlier->second + " too); give one");
  // One of the user's columns read as two canonical columns of one table is a slip (the same
  // name in the two tables is not: opportunity_id=Id names each table's own column).
  for (const auto* table : {&OPPORTUNITY_COLUMNS, &HISTORY_COLUMNS}) {
    const auto in_table = [&](const std::string& c) {
      return std::any_of(table->begin(), table->end(),
                         [&](const Column& candidate) { return c == candidate.name; });
    };
    if (!in_table(column))
      continue;
    for (const auto& [other, other_name] : source.column_map) {
      if (in_table(other) && normal(other_name) == normal(name))
        throw Error(ErrorKind::usage, "--map " + entry + ": column '" + name +
                                          "' is already read as " + other + " (--map " + other +
                                          "=" + other_name + ")");
    }
  }
  source.column_map[column] = name;
}

History parse_history(const std::string& opportunities_text, const std::string& history_text,
                      const HistorySource& source) {
  History history;
  history.opportunities_file = source.opportunities_file;
  history.history_file = source.history_file;
  const std::string& ofile = source.opportunities_file;
  const std::string& hfile = source.history_file;

  CsvReader oreader(opportunities_text, ofile);
  Row oheader;
  if (!oreader.next(oheader))
    fail(ofile, 1, 1, "", "empty: no header");
  const auto oat = locate(oheader, OPPORTUNITY_COLUMNS, source.column_map, ofile);
  oreader.set_keys(keys(oheader, oat));
  const bool exact_days = oat.count("created_day") != 0;
  history.has_segments = oat.count("segment") != 0;
  std::unordered_map<std::string, std::size_t> index;
  std::set<std::string> worlds;
  std::optional<double> origin;
  bool origin_sure = false;          ///< origin set from a day with a fraction (no rounding doubt)
  std::vector<double> created_days;  ///< funnelsim's exact days, placed once day 0 is known
  std::vector<std::pair<std::size_t, double>> close_days;
  std::vector<int> lines;
  for (Row row; oreader.next(row);) {
    if (row.cells.size() != oheader.cells.size())
      fail(ofile, row.line, 1, "",
           "has " + std::to_string(row.cells.size()) + " fields, the header " +
               std::to_string(oheader.cells.size()));
    const Fields f{ofile, row, oat};
    Opportunity o;
    o.id = f.required("opportunity_id");
    if (f.has("variant") || f.has("replication"))
      o.world = f.text("variant") + ":" + f.text("replication");
    o.rep = f.required("rep_id");
    o.team = f.has("team") ? f.required("team") : std::string("team");
    o.segment = f.has("segment") ? f.required("segment") : std::string("all");
    o.source = f.has("source") ? f.text("source") : std::string("prospecting");
    if (o.source.empty() || normal(o.source) == "prospecting")
      o.source = "prospecting";
    if (f.has("customer")) {
      const std::string n = normal(f.text("customer"));
      if (n == "existing" || n == "existingbusiness" || n == "existingcustomer" ||
          n == "existingcustomerupgrade" || n == "renewal" || n == "upsell")
        o.existing = true;
      else if (!(n == "new" || n == "newbusiness" || n == "newcustomer" || n.empty()))
        f.bad("customer", "must be new or existing (New Business, Existing Business), got '" +
                              f.text("customer") + "'");
    }
    o.created = f.time("created_date");
    if (exact_days) {
      const double day = f.number("created_day");
      // Day 0 is the date less the whole days; a day written to 4 decimals as a whole number
      // may be a moment before it (567.99997 written 568.0000, dated the day before).
      const bool whole = day == std::floor(day);
      const double zero = o.created - std::floor(day);
      if (!origin || (*origin == zero + 1 && !origin_sure && !whole)) {
        origin = zero;
        origin_sure = !whole;
      } else if (zero != *origin && !(whole && zero + 1 == *origin) &&
                 !(!origin_sure && zero == *origin + 1)) {
        f.bad("created_day",
              "does not match created_date: day 0 is " + iso_date(*origin) + " on earlier rows");
      } else if (!origin_sure && !whole) {
        origin = zero;
        origin_sure = true;
      }
      created_days.push_back(day);
    }
    o.amount = f.number("amount");
    if (o.amount < 0)
      f.bad("amount", "must not be negative, got " + f.text("amount"));
    if (o.amount > MAX_AMOUNT)
      f.bad("amount", "must be at most 1e9 万 (amounts are in 万: 10 trillion yuan), got " +
                          f.text("amount"));
    // The outcome: funnelsim's column, or a mainstream CRM's IsWon/IsClosed or closed stage.
    // The yes/no columns are checked even where the outcome column decides.
    const std::optional<bool> is_closed = f.boolean("is_closed");
    const std::optional<bool> is_won = f.boolean("is_won");
    if (f.has("outcome")) {
      const std::string n = normal(f.text("outcome"));
      if (n == "won" || n == "closedwon")
        o.outcome = Outcome::won;
      else if (n == "lost" || n == "closedlost")
        o.outcome = Outcome::lost;
      else if (n == "stalled")
        o.outcome = Outcome::stalled;
      else if (n == "dropped")
        o.outcome = Outcome::dropped;
      else if (n == "open" || n.empty())
        o.outcome = Outcome::open;
      else
        f.bad("outcome",
              "must be won, lost, stalled, dropped or open, got '" + f.text("outcome") + "'");
    } else if (is_closed) {
      o.outcome = !*is_closed              ? Outcome::open
                  : is_won.value_or(false) ? Outcome::won
                                           : Outcome::lost;
    } else if (f.has("last_stage")) {
      o.outcome = closed_stage(f.text("last_stage")).value_or(Outcome::open);
    }
    if (o.outcome != Outcome::open) {
      if (f.text("close_date").empty())
        f.bad("close_date",
              std::string("is empty for an opportunity that is ") + outcome_name(o.outcome));
      o.closed = f.time("close_date");
      if (exact_days && f.has("close_day"))
        close_days.emplace_back(history.opportunities.size(), f.number("close_day"));
      if (*o.closed < o.created)
        f.bad("close_date", "is before created_date");
    }
    if (!o.world.empty()) {
      worlds.insert(o.world);
    }
    if (!index.emplace(o.id, history.opportunities.size()).second)
      f.bad("opportunity_id",
            "repeats opportunity '" + o.id + "' of line " + std::to_string(lines[index[o.id]]));
    lines.push_back(row.line);
    history.opportunities.push_back(std::move(o));
  }
  if (history.opportunities.empty())
    fail(ofile, 0, 0, "", "no opportunities (a header and no rows)");
  if (exact_days) {
    for (std::size_t k = 0; k < created_days.size(); ++k)
      history.opportunities[k].created = *origin + created_days[k];
    for (const auto& [k, day] : close_days)
      history.opportunities[k].closed = *origin + day;
  }
  history.worlds.assign(worlds.begin(), worlds.end());
  if (history.worlds.size() > 1) {
    for (Opportunity& o : history.opportunities)
      o.rep = o.world + ":" + o.rep;
  }
  history.origin = origin;

  // The stage history: rows in any order; per opportunity, by the time it entered.
  CsvReader hreader(history_text, hfile);
  Row hheader;
  if (!hreader.next(hheader))
    fail(hfile, 1, 1, "", "empty: no header");
  const auto hat = locate(hheader, HISTORY_COLUMNS, source.column_map, hfile);
  hreader.set_keys(keys(hheader, hat));
  const bool history_days = hat.count("entered_day") != 0;
  if (history_days && !origin)
    fail(hfile, 1, 1, "entered_day",
         "funnelsim's day columns need created_day in the opportunity table too");
  struct Entry {
    Stay stay;
    int line;
    std::optional<Outcome> closes;
  };
  std::vector<std::vector<Entry>> entries(history.opportunities.size());
  for (Row row; hreader.next(row);) {
    if (row.cells.size() != hheader.cells.size())
      fail(hfile, row.line, 1, "",
           "has " + std::to_string(row.cells.size()) + " fields, the header " +
               std::to_string(hheader.cells.size()));
    const Fields f{hfile, row, hat};
    const std::string id = f.required("opportunity_id");
    const auto found = index.find(id);
    if (found == index.end())
      f.bad("opportunity_id", "opportunity '" + id + "' is not in " + ofile);
    Entry e;
    e.line = row.line;
    e.stay.stage = f.required("stage");
    e.closes = closed_stage(e.stay.stage);
    e.stay.entered = history_days ? *origin + f.number("entered_day") : f.time("entered_date");
    if (history_days && f.has("left_day") && !f.text("left_day").empty())
      e.stay.left = *origin + f.number("left_day");
    else if (f.has("left_date") && !f.text("left_date").empty())
      e.stay.left = f.time("left_date");
    if (e.stay.left && *e.stay.left < e.stay.entered)
      f.bad(history_days ? "left_day" : "left_date", "is before the stage was entered");
    if (f.has("forecast_category"))
      e.stay.category = category_of(f.text("forecast_category"));
    if (f.has("probability") && !f.text("probability").empty()) {
      double p = f.number("probability");
      if (p > 1.0)
        p /= 100.0;  // a percentage, as mainstream CRMs write it
      if (p < 0.0 || p > 1.0)
        f.bad("probability",
              "must be in [0, 1] or a percentage in [0, 100], got " + f.text("probability"));
      e.stay.probability = p;
    }
    entries[found->second].push_back(std::move(e));
  }
  if (std::all_of(entries.begin(), entries.end(), [](const auto& list) { return list.empty(); }))
    fail(hfile, 0, 0, "", "no stage rows (a header and no rows)");
  double end = -INFINITY;
  for (std::size_t k = 0; k < entries.size(); ++k) {
    Opportunity& o = history.opportunities[k];
    std::vector<Entry>& list = entries[k];
    std::stable_sort(list.begin(), list.end(), [](const Entry& a, const Entry& b) {
      return a.stay.entered < b.stay.entered;
    });
    for (std::size_t e = 0; e < list.size(); ++e) {
      Entry& entry = list[e];
      if (entry.closes) {
        // A closed stage ends the opportunity: it is not a stay.
        if (!o.closed) {
          o.outcome = *entry.closes;
          o.closed = entry.stay.entered;
        }
        break;
      }
      if (!o.stays.empty() && o.stays.back().stage == entry.stay.stage && !o.stays.back().left) {
        // A change of amount or close date on the same stage: one stay.
        if (!entry.stay.category.empty())
          o.stays.back().category = entry.stay.category;
        continue;
      }
      if (!o.stays.empty() && !o.stays.back().left)
        o.stays.back().left = entry.stay.entered;
      if (!o.stays.empty() && *o.stays.back().left > entry.stay.entered + 1e-9)
        fail(hfile, entry.line, 1, "",
             "opportunity '" + o.id + "' enters '" + entry.stay.stage + "' before it leaves '" +
                 o.stays.back().stage + "'");
      o.stays.push_back(entry.stay);
    }
    if (o.stays.empty()) {
      fail(hfile, hreader.line(), 0, "opportunity_id",
           "no stage rows for opportunity '" + o.id + "' of " + ofile);
    }
    if (o.closed) {
      if (!o.stays.back().left)
        o.stays.back().left = *o.closed;
    } else if (o.outcome != Outcome::open) {
      o.closed = o.stays.back().left;
    }
    if (o.outcome == Outcome::open && o.stays.back().left)
      o.stays.back().left.reset();  // a mainstream history's last change of an open deal
    end = std::max(end, o.created);
    for (const Stay& s : o.stays)
      end = std::max(end, s.left.value_or(s.entered));
  }
  history.end = std::isfinite(end) ? end : 0.0;
  history.whole_days = !exact_days;
  for (const Opportunity& o : history.opportunities) {
    for (const Stay& s : o.stays)
      history.whole_days = history.whole_days && s.entered == std::floor(s.entered);
  }
  return history;
}

History read_history(const HistorySource& source) {
  return parse_history(read_file(source.opportunities_file), read_file(source.history_file),
                       source);
}

History select_world(const History& history, const std::string& world) {
  History out;
  out.origin = history.origin;
  out.end = history.end;
  out.worlds = {world};
  out.whole_days = history.whole_days;
  out.has_segments = history.has_segments;
  out.opportunities_file = history.opportunities_file;
  out.history_file = history.history_file;
  for (const Opportunity& o : history.opportunities) {
    if (o.world == world)
      out.opportunities.push_back(o);
  }
  return out;
}

std::string scenario_name(const std::string& name) {
  std::string out;
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    out += byte < 0x20 || byte == 0x7F || c == '.' || c == '=' || c == '/' || c == '\\' ||
                   std::isspace(byte)
               ? '-'
               : c;
  }
  if (out.empty())
    out = "-";
  return out.size() > 200 ? out.substr(0, 200) : out;
}

namespace {

std::string name_list(const std::vector<std::string>& names) {
  std::string text;
  for (std::size_t i = 0; i < names.size() && i < 8; ++i)
    text += (i ? ", " : "") + names[i];
  if (names.size() > 8)
    text += ", ... (" + std::to_string(names.size()) + " in all)";
  return text;
}

}  // namespace

void check_world(const History& history, const std::string& world) {
  if (world.empty() && history.worlds.size() > 1)
    throw Error(ErrorKind::usage, "the history holds " + std::to_string(history.worlds.size()) +
                                      " variant:replication worlds (" + name_list(history.worlds) +
                                      "): name one with --world");
  if (!world.empty() &&
      std::find(history.worlds.begin(), history.worlds.end(), world) == history.worlds.end())
    throw Error(ErrorKind::usage,
                "--world " + world + ": not in the history (" +
                    (history.worlds.empty() ? std::string("it is not funnelsim's export")
                                            : name_list(history.worlds)) +
                    ")");
}

std::string select_segment(const History& history, const std::string& segment) {
  const std::vector<std::string> all = segments(history);
  if (!history.has_segments || segment.empty()) {
    if (all.size() != 1)
      throw Error(ErrorKind::usage,
                  "the history has segments " + name_list(all) + ": name one with --segment");
    return all.front();
  }
  if (std::find(all.begin(), all.end(), segment) == all.end())
    throw Error(ErrorKind::usage,
                "--segment " + segment + ": not in the history (" + name_list(all) + ")");
  return segment;
}

void check_within_history(const History& history, double from, double to, const std::string& what) {
  if (history.opportunities.empty())
    throw Error(ErrorKind::usage, what + ": the history holds no opportunities");
  double first = INFINITY;
  for (const Opportunity& o : history.opportunities)
    first = std::min(first, o.created);
  const double start = std::floor(first);          // the first opportunity's day
  const double end = std::floor(history.end) + 1;  // the end of the last change's day
  if (from < start - SPAN_GRACE_DAYS || to > end + SPAN_GRACE_DAYS || to <= start || from >= end)
    throw Error(ErrorKind::usage,
                what + ": outside the history, which runs from " + iso_date(start) + " to " +
                    iso_date(end - 1) + " (a week's grace either side); " +
                    (to > end + SPAN_GRACE_DAYS
                         ? "it reaches " + iso_date(to - 1) + ", days the history has not seen"
                         : "it starts " + iso_date(from) + ", before the history's first record"));
}

std::vector<std::string> segments(const History& history) {
  std::vector<std::string> list;
  std::set<std::string> seen;
  for (const Opportunity& o : history.opportunities) {
    if (seen.insert(o.segment).second)
      list.push_back(o.segment);
  }
  return list;
}

std::vector<std::string> stage_order(const History& history, const std::string& segment) {
  struct Tally {
    double positions = 0.0;
    double count = 0.0;
    double probability = 0.0;
    double with_probability = 0.0;
  };
  std::map<std::string, Tally> tally;
  for (const Opportunity& o : history.opportunities) {
    if (o.segment != segment)
      continue;
    for (std::size_t i = 0; i < o.stays.size(); ++i) {
      Tally& t = tally[o.stays[i].stage];
      t.positions += static_cast<double>(i);
      t.count += 1.0;
      if (o.stays[i].probability) {
        t.probability += *o.stays[i].probability;
        t.with_probability += 1.0;
      }
    }
  }
  std::vector<std::pair<std::string, Tally>> list(tally.begin(), tally.end());
  std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
    const double pa = a.second.positions / a.second.count;
    const double pb = b.second.positions / b.second.count;
    if (std::abs(pa - pb) > 1e-9)
      return pa < pb;
    return a.second.probability / std::max(1.0, a.second.with_probability) <
           b.second.probability / std::max(1.0, b.second.with_probability);
  });
  std::vector<std::string> names;
  for (const auto& [name, t] : list)
    names.push_back(name);
  return names;
}

}  // namespace funnelsim::analysis::crm
