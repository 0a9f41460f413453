// The one CSV field writer (funnelsim/stats/csv.hpp): quoting, numbers that read back exactly,
// and the byte-order mark.

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "funnelsim/stats/csv.hpp"

using funnelsim::analysis::csv_number;
using funnelsim::analysis::csv_text;
using funnelsim::analysis::UTF8_BOM;

TEST_CASE("CSV text is quoted only when it holds a comma, a quote or a line break", "[csv]") {
  CHECK(csv_text("plain 万") == "plain 万");
  CHECK(csv_text("a,b") == "\"a,b\"");
  CHECK(csv_text("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_text("two\nlines") == "\"two\nlines\"");
  CHECK(csv_text("cr\r") == "\"cr\r\"");
}

TEST_CASE("CSV numbers read back as the same double, NaN empty, infinity inf", "[csv]") {
  for (const double value : {0.0, -2.5, 0.1 + 0.2, 10.0 / 0.35, 1e300, 5e-324}) {
    CHECK(std::strtod(csv_number(value).c_str(), nullptr) == value);
  }
  CHECK(csv_number(240.0) == "240");
  CHECK(csv_number(std::nan("")).empty());
  CHECK(csv_number(std::numeric_limits<double>::infinity()) == "inf");
  CHECK(csv_number(-std::numeric_limits<double>::infinity()) == "-inf");
}

TEST_CASE("The byte-order mark is UTF-8's EF BB BF", "[csv]") {
  CHECK(std::string(UTF8_BOM) == std::string("\xEF\xBB\xBF"));
}

TEST_CASE("CSV text a spreadsheet would run as a formula gets a leading single quote", "[csv]") {
  // OWASP's list: = + - @ tab CR at the start. Each comes back with a ' in front, and the
  // reader's csv_text_value gives the original text back.
  CHECK(csv_text("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"");
  CHECK(csv_text("+1+cmd") == "'+1+cmd");
  CHECK(csv_text("-2+3") == "'-2+3");
  CHECK(csv_text("@SUM(A1)") == "'@SUM(A1)");
  CHECK(csv_text("\tTab") == "'\tTab");
  CHECK(csv_text("\rCR") == "\"'\rCR\"");
  CHECK(csv_text("=") == "'=");
  // Plain numbers are numbers to a spreadsheet, not formulas: left as they are.
  CHECK(csv_text("-12.5") == "-12.5");
  CHECK(csv_text("+3") == "+3");
  CHECK(csv_text("-1e3") == "-1e3");
  CHECK(csv_text("-") == "'-");
  CHECK(csv_text("-.") == "'-.");
  CHECK(csv_text("-1e") == "'-1e");
  // A = later in the text is harmless, and so is a leading ' before plain text; a ' before a
  // formula gets one more, so that the reader can tell "'=x" from "=x".
  CHECK(csv_text("Wang=1") == "Wang=1");
  CHECK(csv_text("'quoted") == "'quoted");
  CHECK(csv_text("'=x") == "''=x");
  for (const std::string text :
       {"=1+1", "+x", "-y", "@z", "\tt", "plain", "'=kept", "''@x", "'quoted", "-5", "'"}) {
    std::string field = csv_text(text);
    if (field.front() == '"')
      field = field.substr(1, field.size() - 2);  // no inner quotes in these
    CHECK(funnelsim::analysis::csv_text_value(field) == text);
  }
}
