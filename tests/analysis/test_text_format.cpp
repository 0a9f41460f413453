// The display width of text (funnelsim/stats/text_format.hpp): what a terminal draws, so that
// tables with Chinese names line up.

#include <catch2/catch.hpp>
#include <string>

#include "funnelsim/stats/text_format.hpp"

using funnelsim::analysis::display_width;
using funnelsim::analysis::pad_to_width;

TEST_CASE("Display width counts East Asian wide characters as two columns", "[text]") {
  CHECK(display_width("") == 0);
  CHECK(display_width("Ann Lee") == 7);
  CHECK(display_width("王小明") == 6);            // 9 bytes, 3 ideographs of 2 columns
  CHECK(display_width("学员3") == 5);             // 2 ideographs and a digit
  CHECK(display_width("（案例）：") == 10);       // fullwidth punctuation
  CHECK(display_width("한국") == 4);              // Hangul syllables
  CHECK(display_width("カナ") == 4);              // katakana
  CHECK(display_width("José") == 4);              // é: 2 bytes, 1 column
  CHECK(display_width("e\xCC\x81") == 1);         // e and a combining acute accent
  CHECK(display_width("Δ mean") == 6);            // Greek is narrow
  CHECK(display_width("\xF0\xA0\x80\x80") == 2);  // U+20000, CJK extension B
  CHECK(display_width("a\xFF"
                      "b") == 3);         // an invalid byte takes one column
  CHECK(display_width("\xE4\xB8") == 2);  // a cut-off sequence: each byte one column
}

TEST_CASE("Padding to a display width lines Chinese and Latin names up", "[text]") {
  CHECK(pad_to_width("王小明", 10) == "王小明    ");
  CHECK(pad_to_width("Ann", 10) == "Ann       ");
  CHECK(display_width(pad_to_width("王小明", 10)) == display_width(pad_to_width("Ann", 10)));
  CHECK(pad_to_width("王小明王小明", 10) == "王小明王小明");  // wider already: as it is
}
