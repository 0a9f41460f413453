// The CRM history's reader refuses what it cannot read for sure, and says where and why: quotes
// that never close, dates of no day, paths that are not files, empty tables, columns that two
// header names would both give, repeated --map entries, yes/no columns that are neither,
// control characters and invalid UTF-8, amounts and probabilities out of their domain.

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "funnelsim/crm/history.hpp"
#include "funnelsim/error.hpp"
#include "funnelsim/stats/civil_date.hpp"
#include "history_text.hpp"
#include "support/shell.hpp"
#include "support/temporary_directory.hpp"

namespace crm = funnelsim::analysis::crm;

namespace {

using funnelsim::testing::text_source;

/// The Error that `f` throws; fails the test when it throws none.
template <class F>
funnelsim::Error error_of(F&& f) {
  try {
    f();
  } catch (const funnelsim::Error& error) {
    return error;
  }
  FAIL("no error thrown");
  return funnelsim::Error(funnelsim::ErrorKind::runtime, "");
}

/// The message of the input Error that reading these two tables throws.
std::string input_error(const std::string& opportunities, const std::string& history,
                        const crm::HistorySource& source = text_source()) {
  const funnelsim::Error error =
      error_of([&] { crm::parse_history(opportunities, history, source); });
  CHECK(error.kind() == funnelsim::ErrorKind::input);
  return error.what();
}

const std::string OPPORTUNITIES_HEADER = "Id,OwnerId,Amount,CreatedDate,CloseDate,IsClosed,IsWon\n";
const std::string OPPORTUNITIES = OPPORTUNITIES_HEADER +
                                  "006A,Wang Li,12,2026-01-05,2026-02-01,true,true\n"
                                  "006B,Wang Li,3.5,2026-01-06,,false,false\n";
const std::string HISTORY_HEADER = "OpportunityId,StageName,CreatedDate,Probability\n";
const std::string HISTORY = HISTORY_HEADER +
                            "006A,Intent,2026-01-05,20\n"
                            "006A,Closed Won,2026-02-01,100\n"
                            "006B,Intent,2026-01-06,20\n";

/// OPPORTUNITIES with its first row's `field` (0-based) replaced by `value`.
std::string with_field(std::size_t field, const std::string& value) {
  const std::string row = "006A,Wang Li,12,2026-01-05,2026-02-01,true,true";
  std::string fields[7];
  std::size_t k = 0;
  for (std::size_t start = 0; k < 7; ++k) {
    const std::size_t comma = row.find(',', start);
    fields[k] = row.substr(start, comma - start);
    start = comma + 1;
  }
  fields[field] = value;
  std::string out = OPPORTUNITIES_HEADER;
  for (k = 0; k < 7; ++k)
    out += (k ? "," : "") + fields[k];
  return out + "\n006B,Wang Li,3.5,2026-01-06,,false,false\n";
}

/// `table` with a last column `name` holding `value` on every row.
std::string with_column(const std::string& table, const std::string& name,
                        const std::string& value) {
  std::string out;
  bool header = true;
  for (std::size_t start = 0; start < table.size();) {
    const std::size_t end = table.find('\n', start);
    out += table.substr(start, end - start) + "," + (header ? name : value) + "\n";
    header = false;
    start = end + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("The tables read as written when nothing is wrong", "[crm]") {
  const crm::History h = crm::parse_history(OPPORTUNITIES, HISTORY, text_source());
  REQUIRE(h.opportunities.size() == 2);
  CHECK(h.opportunities[0].outcome == crm::Outcome::won);
  CHECK(h.opportunities[1].outcome == crm::Outcome::open);
}

TEST_CASE("A quote that never closes is told where it opened, however long the file", "[crm]") {
  const std::string opened = OPPORTUNITIES_HEADER + "\"006A,Wang Li,12,2026-01-05,,false,false\n";
  CHECK_THAT(input_error(opened, HISTORY),
             Catch::Contains("Opportunity.csv:2:1: opportunity_id: a quoted field that never "
                             "ends: the quote opened at line 2 column 1 never closes"));
  // More than 4096 bytes after the quote, doubled quotes among them: the same error, not a
  // long field's.
  std::string long_rest = opened;
  for (int k = 0; k < 300; ++k)
    long_rest += "006X,\"\"Wang\"\" Li,12,2026-01-05,,false,false\n";
  REQUIRE(long_rest.size() > 10000);
  CHECK_THAT(input_error(long_rest, HISTORY),
             Catch::Contains("Opportunity.csv:2:1: opportunity_id: a quoted field that never "
                             "ends: the quote opened at line 2 column 1 never closes"));
  // In the second field of the stage history, a few lines down.
  CHECK_THAT(input_error(OPPORTUNITIES, HISTORY + "006B,\"Solution,2026-01-07,30\n" +
                                            std::string(5000, 'x') + "\n"),
             Catch::Contains("OpportunityHistory.csv:5:6: stage: a quoted field that never "
                             "ends: the quote opened at line 5 column 6 never closes"));
  // A quoted field that closes after 4096 bytes is a long field.
  const std::string long_field =
      OPPORTUNITIES_HEADER + "\"" + std::string(5000, 'a') + "\",Wang Li,12,2026-01-05,,f,f\n";
  CHECK_THAT(
      input_error(long_field, HISTORY),
      Catch::Contains("Opportunity.csv:2:1: opportunity_id: a field longer than 4096 bytes"));
}

TEST_CASE("A date of the right shape but no day says what is wrong with it", "[crm]") {
  CHECK(crm::iso_time_problem("2026-02-30") == "no such day: 2026-02 has 28 days");
  CHECK(crm::iso_time_problem("2100-02-29") == "no such day: 2100-02 has 28 days");
  CHECK(crm::iso_time_problem("2024-02-29").empty());
  CHECK(crm::iso_time_problem("2000-02-29").empty());
  CHECK(crm::iso_time_problem("2026-04-31") == "no such day: 2026-04 has 30 days");
  CHECK(crm::iso_time_problem("2026-13-01") == "no such month: 13 (months are 01..12)");
  CHECK(crm::iso_time_problem("2026-00-10") == "no such month: 0 (months are 01..12)");
  CHECK(crm::iso_time_problem("1850-01-01") == "year 1850 is outside 1900..2200");
  CHECK(crm::iso_time_problem("2300-01-01") == "year 2300 is outside 1900..2200");
  CHECK(crm::iso_time_problem("2026-01-05T25:00") == "hour 25 is out of range 00..23");
  CHECK(crm::iso_time_problem("2026-01-05 10:61:00") == "minute 61 is out of range 00..59");
  CHECK(crm::iso_time_problem("2026-01-05T10:00:61Z") == "second 61 is out of range 00..60");
  CHECK(crm::iso_time_problem("05/01/2026") ==
        "must be an ISO date (yyyy-mm-dd, optionally with a time)");
  CHECK(crm::iso_time_problem("2026-01-05T23:59:60+08:00").empty());
  // The API's answer is unchanged: no time.
  CHECK(!crm::parse_iso_time("2026-02-30"));
  CHECK(!crm::parse_iso_time("2026-01-05T25:00"));
  // In a table, at the field, naming the column.
  CHECK_THAT(input_error(with_field(3, "2026-02-30"), HISTORY),
             Catch::Contains("Opportunity.csv:2:17: created_date: no such day: 2026-02 has 28 "
                             "days, got '2026-02-30'"));
  CHECK_THAT(input_error(with_field(4, "1850-01-01"), HISTORY),
             Catch::Contains("Opportunity.csv:2:28: close_date: year 1850 is outside 1900..2200, "
                             "got '1850-01-01'"));
  std::string history = HISTORY;
  history.replace(history.find("2026-01-06"), 10, "2026-01-06T25:00");
  CHECK_THAT(input_error(OPPORTUNITIES, history),
             Catch::Contains("OpportunityHistory.csv:4:13: entered_date: hour 25 is out of range "
                             "00..23, got '2026-01-06T25:00'"));
}

TEST_CASE("Every day of 1900 to 2200 converts both ways, counted one day at a time", "[crm]") {
  // 1900-01-01 is day -25567: 70 years of 365 days and 17 leap days (1904 to 1968) before 1970.
  std::int64_t day = -25567;
  int mismatches = 0;
  for (int year = 1900; year <= 2200; ++year) {
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    const int lengths[] = {31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int month = 1; month <= 12; ++month) {
      for (int d = 1; d <= lengths[month - 1]; ++d, ++day) {
        char text[40];
        std::snprintf(text, sizeof text, "%04d-%02d-%02d", year, month, d);
        const auto parsed = crm::parse_iso_time(text);
        if (funnelsim::analysis::days_from_civil(year, month, d) != day ||
            funnelsim::analysis::iso_date(static_cast<double>(day) + 0.75) != text || !parsed ||
            *parsed != static_cast<double>(day))
          ++mismatches;
      }
    }
  }
  CHECK(mismatches == 0);
  CHECK(day == 84371);  // 2201-01-01: 231 years after 1970, 56 leap days (1972 to 2196)
  CHECK(funnelsim::analysis::iso_date(-0.25) == "1969-12-31");
}

TEST_CASE("A path that is not a regular file is refused without reading it", "[crm]") {
  const funnelsim::testing::TemporaryDirectory directory;
  crm::HistorySource source = crm::history_folder(directory.path().string());
  std::ofstream(source.history_file) << HISTORY;
  // A folder named opportunities.csv.
  std::filesystem::create_directory(source.opportunities_file);
  funnelsim::Error error = error_of([&] { crm::read_history(source); });
  CHECK(error.kind() == funnelsim::ErrorKind::input);
  CHECK_THAT(error.what(), Catch::Contains(source.opportunities_file + ": is not a regular file"));
  // A FIFO: opening it would wait for a writer forever.
  std::filesystem::remove(source.opportunities_file);
  REQUIRE(::mkfifo(source.opportunities_file.c_str(), 0600) == 0);
  error = error_of([&] { crm::read_history(source); });
  CHECK_THAT(error.what(), Catch::Contains(source.opportunities_file + ": is not a regular file"));
  // A device.
  source.opportunities_file = "/dev/null";
  error = error_of([&] { crm::read_history(source); });
  CHECK_THAT(error.what(), Catch::Contains("/dev/null: is not a regular file"));
}

TEST_CASE("Empty and header-only tables say so", "[crm]") {
  CHECK_THAT(input_error("", HISTORY), Catch::Contains("Opportunity.csv:1:1: empty: no header"));
  CHECK_THAT(input_error("\xEF\xBB\xBF", HISTORY),
             Catch::Contains("Opportunity.csv:1:1: empty: no header"));
  CHECK_THAT(input_error("\n\r\n\n", HISTORY),
             Catch::Contains("Opportunity.csv:1:1: empty: no header"));
  CHECK(input_error(OPPORTUNITIES_HEADER, HISTORY) ==
        "Opportunity.csv: no opportunities (a header and no rows)");
  CHECK(input_error("\xEF\xBB\xBF" + OPPORTUNITIES_HEADER + "\n", HISTORY) ==
        "Opportunity.csv: no opportunities (a header and no rows)");
  CHECK_THAT(input_error(OPPORTUNITIES, ""),
             Catch::Contains("OpportunityHistory.csv:1:1: empty: no header"));
  CHECK(input_error(OPPORTUNITIES, HISTORY_HEADER) ==
        "OpportunityHistory.csv: no stage rows (a header and no rows)");
}

TEST_CASE("Two header columns that would both be read as one column are refused", "[crm]") {
  // Two spellings of one name.
  const std::string twins = with_column(OPPORTUNITIES, "amount", "7");
  CHECK_THAT(input_error(twins, HISTORY),
             Catch::Contains("Opportunity.csv:1:56: amount: columns 'Amount' (column 3) and "
                             "'amount' (column 8) are both read as amount") &&
                 Catch::Contains("--map amount=COLUMN"));
  // --map picks one by its exact spelling.
  crm::HistorySource source = text_source();
  crm::add_column_map(source, "amount=amount");
  CHECK(crm::parse_history(twins, HISTORY, source).opportunities[0].amount == 7.0);
  source = text_source();
  crm::add_column_map(source, "amount=AMOUNT");
  CHECK_THAT(input_error(twins, HISTORY, source),
             Catch::Contains("Opportunity.csv:1:56: amount: columns 'Amount' (column 3) and "
                             "'amount' (column 8) both read as 'AMOUNT'"));
  // Mapped elsewhere, which of the twins is the amount is still a guess.
  source = text_source();
  crm::add_column_map(source, "amount=Value");
  CHECK_THAT(input_error(with_column(twins, "Value", "9"), HISTORY, source),
             Catch::Contains("Opportunity.csv:1:56: amount: columns 'Amount' (column 3) and "
                             "'amount' (column 8) are both named amount"));
  // A name and a CRM's alias of it; a --map resolves it.
  const std::string valued = with_column(OPPORTUNITIES, "Value", "30");
  CHECK_THAT(input_error(valued, HISTORY),
             Catch::Contains("Opportunity.csv:1:56: amount: columns 'Amount' (column 3) and "
                             "'Value' (column 8) are both read as amount"));
  CHECK(crm::parse_history(valued, HISTORY, source).opportunities[1].amount == 30.0);
  source = text_source();
  crm::add_column_map(source, "amount=Amount");
  CHECK(crm::parse_history(valued, HISTORY, source).opportunities[1].amount == 3.5);
  // Two CRM names of one column.
  CHECK_THAT(input_error(with_column(OPPORTUNITIES, "Opportunity Owner", "Ann"), HISTORY),
             Catch::Contains("rep_id: columns 'OwnerId' (column 2) and 'Opportunity Owner' "
                             "(column 8) are both read as rep_id"));
  // Salesforce's OpportunityHistory has its own Id beside OpportunityId: a history's `Id` is read
  // only when no better name is there.
  const std::string history =
      "Id,OpportunityId,StageName,CreatedDate\n"
      "008X,006A,Intent,2026-01-05\n"
      "008Y,006A,Closed Won,2026-02-01\n"
      "008Z,006B,Intent,2026-01-06\n";
  CHECK(crm::parse_history(OPPORTUNITIES, history, text_source()).opportunities[1].stays.size() ==
        1);
}

TEST_CASE("A --map given twice, or two columns mapped to one, is a usage error", "[crm]") {
  crm::HistorySource source = text_source();
  crm::add_column_map(source, "amount=A");
  funnelsim::Error error = error_of([&] { crm::add_column_map(source, "amount=B"); });
  CHECK(error.kind() == funnelsim::ErrorKind::usage);
  CHECK_THAT(error.what(), Catch::Contains("--map amount=B: amount is mapped twice (--map "
                                           "amount=A too)"));
  error = error_of([&] { crm::add_column_map(source, "close_date=a"); });
  CHECK(error.kind() == funnelsim::ErrorKind::usage);
  CHECK_THAT(error.what(), Catch::Contains("--map close_date=a: column 'a' is already read as "
                                           "amount (--map amount=A)"));
  // One name in each table is two columns, one a table.
  crm::add_column_map(source, "created_date=Date");
  crm::add_column_map(source, "entered_date=Date");
  CHECK(source.column_map.at("entered_date") == "Date");
}

TEST_CASE("Yes/no columns read only yes or no", "[crm]") {
  for (const char* yes : {"true", "TRUE", "1", "Yes", "y", "T"}) {
    const crm::History h = crm::parse_history(with_field(6, yes), HISTORY, text_source());
    CHECK(h.opportunities[0].outcome == crm::Outcome::won);
  }
  for (const char* no : {"false", "False", "0", "NO", "n", "f", ""}) {
    const crm::History h = crm::parse_history(with_field(6, no), HISTORY, text_source());
    CHECK(h.opportunities[0].outcome == crm::Outcome::lost);
  }
  CHECK_THAT(input_error(with_field(6, "maybe"), HISTORY),
             Catch::Contains("Opportunity.csv:2:44: is_won: must be true or false (1/0, yes/no, "
                             "y/n, t/f), got 'maybe'"));
  CHECK_THAT(input_error(with_field(5, "closed"), HISTORY),
             Catch::Contains("Opportunity.csv:2:39: is_closed: must be true or false"));
  // Checked even where the outcome column decides.
  const std::string with_outcome =
      "Id,OwnerId,Amount,CreatedDate,CloseDate,Outcome,IsWon\n"
      "006A,Wang Li,12,2026-01-05,2026-02-01,won,ja\n"
      "006B,Wang Li,3.5,2026-01-06,,open,0\n";
  CHECK_THAT(input_error(with_outcome, HISTORY),
             Catch::Contains("Opportunity.csv:2:43: is_won: must be true or false"));
}

TEST_CASE("Control characters and invalid UTF-8 in a field are refused where they are", "[crm]") {
  using namespace std::string_literals;
  CHECK_THAT(input_error(with_field(0,
                                    "00\0"
                                    "6A"s),
                         HISTORY),
             Catch::Contains("Opportunity.csv:2:3: opportunity_id: a control character (byte "
                             "0x00) in a field"));
  CHECK_THAT(input_error(with_field(1, "Wang\x1bLi"), HISTORY),
             Catch::Contains("Opportunity.csv:2:10: rep_id: a control character (byte 0x1B)"));
  // Names in Chinese and a tab are text.
  CHECK(crm::parse_history(with_field(1, "王丽\tA"), HISTORY, text_source()).opportunities[0].rep ==
        "王丽\tA");
  // Invalid UTF-8: a lone continuation byte, a truncated sequence, an overlong encoding, a
  // surrogate, Latin-1's é.
  for (const std::string& bad :
       {"\x80"s, "\xE4\xB8"s, "\xC0\xAF"s, "\xED\xA0\x80"s, "\xE9t\xE9"s}) {
    std::string history = HISTORY;
    history.replace(history.rfind("Intent"), 6, "In" + bad + "tent");
    CHECK_THAT(input_error(OPPORTUNITIES, history),
               Catch::Contains("OpportunityHistory.csv:4:8: stage: invalid UTF-8 (byte 0x"));
  }
  // A header name too.
  CHECK_THAT(input_error("Id,Owner\xFFId,Amount\n", HISTORY),
             Catch::Contains("Opportunity.csv:1:9: invalid UTF-8 (byte 0xFF)"));
  // A line break is CSV inside quotes, but no column funnelsim reads holds one.
  CHECK_THAT(input_error(with_field(1, "\"Wang\nLi\""), HISTORY),
             Catch::Contains("Opportunity.csv:2:6: rep_id: holds a line break"));
  // A column funnelsim does not read may hold one (a CRM's description).
  std::string described = OPPORTUNITIES;
  described.replace(described.find('\n'), 0, ",Description");
  described.replace(described.find('\n', described.find('\n') + 1), 0, ",\"two\r\nlines\"");
  described.replace(described.rfind('\n'), 0, ",");
  CHECK(crm::parse_history(described, HISTORY, text_source()).opportunities.size() == 2);
}

TEST_CASE("Amounts are at most 1e9 万 and probabilities in 0..100", "[crm]") {
  CHECK(crm::parse_history(with_field(2, "1e9"), HISTORY, text_source()).opportunities[0].amount ==
        1e9);
  CHECK_THAT(input_error(with_field(2, "1000000001"), HISTORY),
             Catch::Contains("Opportunity.csv:2:14: amount: must be at most 1e9 万"));
  CHECK_THAT(input_error(with_field(2, "1e308"), HISTORY),
             Catch::Contains("Opportunity.csv:2:14: amount: must be at most 1e9 万") &&
                 Catch::Contains("got 1e308"));
  for (const char* bad : {"150", "-5", "100.5"}) {
    std::string history = HISTORY;
    history.replace(history.rfind(",20\n"), 3, std::string(",") + bad);
    CHECK_THAT(input_error(OPPORTUNITIES, history),
               Catch::Contains("OpportunityHistory.csv:4:24: probability: must be in [0, 1] or a "
                               "percentage in [0, 100], got " +
                               std::string(bad)));
  }
  std::string history = HISTORY;
  history.replace(history.rfind(",20\n"), 3, ",100");
  CHECK(*crm::parse_history(OPPORTUNITIES, history, text_source())
             .opportunities[1]
             .stays[0]
             .probability == 1.0);
}

TEST_CASE("The command exits 2 on a FIFO and on a repeated --map, without waiting",
          "[crm][process]") {
  const funnelsim::testing::TemporaryDirectory directory;
  const std::string fifo = (directory / "opportunities.csv").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::ofstream(directory / "stage_history.csv") << HISTORY;
  // `timeout`: a reader that opened the FIFO would wait for a writer forever.
  auto outcome = funnelsim::testing::shell_output(
      "timeout 60 " + std::string(FUNNELSIM_CLI) + " calibrate " + directory.path().string() +
      " -o " + (directory / "mine.yaml").string() + " 2>&1");
  CHECK(outcome.exit_code == 2);
  CHECK_THAT(outcome.output, Catch::Contains(fifo + ": is not a regular file"));
  outcome = funnelsim::testing::run_cli("snapshot " + directory.path().string() +
                                        " --as-of 2026-01-10 --map amount=A --map amount=B");
  CHECK(outcome.exit_code == 2);
  CHECK_THAT(outcome.output, Catch::Contains("--map amount=B: amount is mapped twice"));
}
