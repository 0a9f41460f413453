// analysis/RESULTS.md against the table of output fields (results_fields.hpp) that the writer,
// the reader and the merge use: the page documents exactly the datasets the code writes.

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "funnelsim/forecast/forecast_benchmark.hpp"
#include "funnelsim/results/results_fields.hpp"

namespace analysis = funnelsim::analysis;

namespace {

/// One row of a RESULTS.md dataset table, its cells trimmed.
struct DocumentedField {
  std::string name;
  std::string type;
  std::string dims;
  std::string units;

  bool operator==(const DocumentedField&) const = default;
};

std::string trimmed(const std::string& text) {
  const std::size_t first = text.find_first_not_of(' ');
  const std::size_t last = text.find_last_not_of(' ');
  return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> result;
  std::stringstream row(line.substr(1));
  std::string cell;
  while (std::getline(row, cell, '|'))
    result.push_back(trimmed(cell));
  return result;
}

/// `text` without its enclosing `open` and `close` characters, if it has them.
std::string unquoted(const std::string& text, char open, char close) {
  return text.size() >= 2 && text.front() == open && text.back() == close
             ? text.substr(1, text.size() - 2)
             : text;
}

std::string results_page() {
  std::ifstream file(std::string(FUNNELSIM_SOURCE_DIR) + "/analysis/RESULTS.md");
  REQUIRE(file);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

/// The rows of the first table after `heading` (a whole line of the page).
std::vector<std::vector<std::string>> table_after(const std::string& page,
                                                  const std::string& heading) {
  std::stringstream lines(page);
  std::string line;
  while (std::getline(lines, line) && line != heading) {
  }
  REQUIRE(line == heading);
  std::vector<std::vector<std::string>> rows;
  bool in_table = false;
  while (std::getline(lines, line)) {
    if (!line.starts_with("|")) {
      if (in_table)
        break;
      continue;
    }
    if (in_table && !line.starts_with("|---"))
      rows.push_back(cells(line));
    in_table = true;  // the first row is the header
  }
  return rows;
}

std::vector<DocumentedField> documented(const std::string& page, const std::string& heading) {
  std::vector<DocumentedField> fields;
  for (const std::vector<std::string>& row : table_after(page, heading)) {
    REQUIRE(row.size() >= 4);
    fields.push_back({unquoted(row[0], '`', '`'), row[1], unquoted(row[2], '[', ']'),
                      unquoted(row[3], '"', '"')});
  }
  return fields;
}

std::string type_name(analysis::StoredType type) {
  switch (type) {
    case analysis::StoredType::float64:
      return "float64";
    case analysis::StoredType::int64:
      return "int64";
    case analysis::StoredType::string:
      break;
  }
  return "string";
}

template <typename Fields>
std::vector<DocumentedField> in_code(const Fields& fields) {
  std::vector<DocumentedField> result;
  for (const analysis::OutputField& field : fields) {
    result.push_back({std::string(field.name), type_name(field.type), std::string(field.dims),
                      std::string(field.units)});
  }
  return result;
}

}  // namespace

namespace Catch {
template <>
struct StringMaker<DocumentedField> {
  static std::string convert(const DocumentedField& field) {
    return "`" + field.name + "` " + field.type + " [" + field.dims + "] \"" + field.units + "\"";
  }
};
}  // namespace Catch

TEST_CASE("RESULTS.md lists every dataset of a variant as the writer makes it", "[results]") {
  const std::string page = results_page();
  CHECK(documented(page, "## `/variants/<variant>`") == in_code(analysis::VARIANT_FIELDS));
}

TEST_CASE("RESULTS.md lists every dataset of a segment as the writer makes it", "[results]") {
  const std::string page = results_page();
  CHECK(documented(page, "### `/variants/<variant>/segments/<segment>`") ==
        in_code(analysis::segment_fields()));
}

TEST_CASE("RESULTS.md lists every forecast series that a run stores", "[results]") {
  const std::string page = results_page();
  std::vector<std::string> listed;
  for (const std::vector<std::string>& row :
       table_after(page, "### `/variants/<variant>/forecast/<model>`")) {
    std::stringstream names(row.at(0));
    std::string name;
    while (std::getline(names, name, ','))
      listed.push_back(unquoted(trimmed(name), '`', '`'));
  }
  std::vector<std::string> stored;
  for (const funnelsim::sim::SeriesInfo& series : analysis::FORECAST_SERIES) {
    stored.emplace_back(series.name);
    CHECK(analysis::dims_of(series.extent) == "replication, quarter, week");
    CHECK(series.units == "万");
  }
  CHECK(listed == stored);
  CHECK(page.find("float64 [replication, quarter, week]") != std::string::npos);
}
