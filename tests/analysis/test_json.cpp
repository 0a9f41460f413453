// The one JSON writer (funnelsim/stats/json.hpp): escaping, numbers that read back exactly.

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "funnelsim/stats/json.hpp"

using funnelsim::analysis::json_bool;
using funnelsim::analysis::json_integer;
using funnelsim::analysis::json_number;
using funnelsim::analysis::json_string;
using funnelsim::analysis::significant;

TEST_CASE("JSON strings escape quotes, backslashes, control characters and '<'", "[json]") {
  CHECK(json_string("plain 万") == "\"plain 万\"");
  CHECK(json_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(json_string("line\nnext\ttab") == "\"line\\nnext\\ttab\"");
  CHECK(json_string(std::string("\x01\x1f", 2)) == "\"\\u0001\\u001f\"");
  CHECK(json_string("</script>") == "\"\\u003c/script>\"");
}

TEST_CASE("JSON numbers read back as the same double, NaN and infinity as null", "[json]") {
  for (const double value : {0.0, 1.0, -2.5, 0.1 + 0.2, 10.0 / 0.35, 1e300, 5e-324, 240.0}) {
    const std::string text = json_number(value);
    CHECK(std::strtod(text.c_str(), nullptr) == value);
  }
  CHECK(json_number(240.0) == "240");
  CHECK(json_number(10.0 / 0.35) == "28.571428571428573");
  CHECK(json_number(std::nan("")) == "null");
  CHECK(json_number(std::numeric_limits<double>::infinity()) == "null");
}

TEST_CASE("Chart numbers keep the significant digits asked for", "[json]") {
  CHECK(json_number(significant(10.0 / 0.35, 6)) == "28.5714");
  CHECK(json_number(significant(1502.123456, 6)) == "1502.12");
  CHECK(json_number(significant(0.0, 6)) == "0");
  CHECK(std::isnan(significant(std::nan(""), 6)));
}

TEST_CASE("JSON integers are exact beyond 2^53, booleans are literals", "[json]") {
  CHECK(json_integer(0) == "0");
  CHECK(json_integer(18446744073709551615ULL) == "18446744073709551615");
  CHECK(json_bool(true) == "true");
  CHECK(json_bool(false) == "false");
}
