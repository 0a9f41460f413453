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
