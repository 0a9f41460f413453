// Damaged results files through every command that reads one: a clear message naming the
// file, exit code 2, never a crash. The corpus is made from a fresh small run: byte-level
// damage here, HDF5-level damage by tests/damaged_results/make_damaged.py (h5py).

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "funnelsim/results/results_file.hpp"
#include "support/shell.hpp"
#include "support/temporary_directory.hpp"

namespace fs = std::filesystem;
using funnelsim::testing::Outcome;
using funnelsim::testing::run_cli;
using funnelsim::testing::shell_output;
using funnelsim::testing::TemporaryDirectory;

namespace {

const std::string BRANCH = std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/branch.yaml";
const std::string MAKE_DAMAGED =
    std::string(FUNNELSIM_SOURCE_DIR) + "/tests/damaged_results/make_damaged.py";
const std::string MAKE_HOSTILE =
    std::string(FUNNELSIM_SOURCE_DIR) + "/tests/damaged_results/make_hostile.py";

enum Reader { SUMMARY = 1, COMPARE = 2, ACCURACY = 4, REPORT = 8, ALL = 15 };

struct Damage {
  std::string file;
  std::string message;  ///< what every command that reads the damaged part must say
  int readers = ALL;    ///< the commands that read it; the others must succeed
};

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

/// The command line of reader `reader` on `file`; report writes beside it.
std::string command(int reader, const fs::path& file) {
  switch (reader) {
    case SUMMARY:
      return "summary " + file.string();
    case COMPARE:
      return "compare " + file.string();
    case ACCURACY:
      return "forecast-accuracy " + file.string();
    default:
      return "report " + file.string() + " -o " + file.string() + ".html";
  }
}

/// A valid small results file, and the byte-level damage made from it.
struct Corpus {
  TemporaryDirectory directory{"funnelsim-damaged"};
  fs::path valid = directory / "valid.h5";
  std::string bytes;

  Corpus() {
    const Outcome run =
        run_cli("run " + BRANCH + " -o " + valid.string() + " -n 4 --forecast-samples 0 -q");
    INFO(run.output);
    REQUIRE(run.exit_code == 0);
    bytes = read_bytes(valid);
  }
  fs::path make(const std::string& name, const std::string& content) const {
    write_bytes(directory / name, content);
    return directory / name;
  }
};

}  // namespace

TEST_CASE("Damaged results files give a clear error from every reading command", "[damaged][cli]") {
  const Corpus corpus;
  const fs::path& dir = corpus.directory.path();
  corpus.make("empty.h5", "");
  corpus.make("text.h5", "name: branch\nteams: []\n");
  corpus.make("truncated_half.h5", corpus.bytes.substr(0, corpus.bytes.size() / 2));
  corpus.make("truncated_header.h5", corpus.bytes.substr(0, 200));
  // The global heap of the variable-length strings has no checksum: an object length of
  // 2^47 sends HDF5 1.10 itself off the end of its buffer (a crash the commands must catch).
  std::string heap = corpus.bytes;
  const std::size_t collection = heap.find("GCOL");
  REQUIRE(collection != std::string::npos);
  const std::uint64_t huge = 0x7fffffffffffULL;
  for (int i = 0; i < 8; ++i)
    heap[collection + 24 + i] = static_cast<char>((huge >> (8 * i)) & 0xff);
  corpus.make("heap_length.h5", heap);
  fs::create_directory(dir / "directory.h5");

  const Outcome made = shell_output("/usr/bin/python3 " + MAKE_DAMAGED + " " +
                                    corpus.valid.string() + " " + dir.string() + " 2>&1");
  INFO(made.output);
  REQUIRE(made.exit_code == 0);

  const std::vector<Damage> corpus_cases{
      {"missing.h5", "no such file"},
      {"directory.h5", "not a regular file"},
      {"empty.h5", "not an HDF5 file"},
      {"text.h5", "not an HDF5 file"},
      {"truncated_half.h5", "cannot open (truncated or damaged HDF5 file?)"},
      {"truncated_header.h5",
       "cannot open (truncated or damaged HDF5 file?) (HDF5: truncated file"},
      {"heap_length.h5", "damaged results file (the HDF5 library crashed reading it)"},
      {"foreign.h5", "not a funnelsim results file (no 'filetype' attribute)"},
      {"other_filetype.h5",
       "not a funnelsim results file (filetype is 'statepoint', expected "
       "'funnelsim-results')"},
      {"numeric_filetype.h5", "attribute 'filetype' is not a string"},
      {"newer_layout.h5", "layout_version 2 is newer than this funnelsim reads (1)"},
      {"zero_layout.h5", "unknown layout_version 0"},
      {"no_layout.h5", "missing attribute 'layout_version'"},
      {"text_layout.h5", "cannot read attribute 'layout_version' as an integer"},
      {"negative_replications.h5", "attribute 'replications' must be >= 0, got -3"},
      {"more_replications.h5",
       "variants/baseline/bookings: shape [4 x 4] does not match the file's 1000 replications"},
      {"huge_quarters.h5", "attribute 'quarters' is 1099511627776, more than a results file can"},
      {"zero_weeks.h5", "attributes 'quarters' and 'weeks_per_quarter' must be >= 1, got 4 and 0"},
      {"no_variants.h5", "missing group 'variants'"},
      {"no_bookings.h5", "no dataset 'bookings' in variant 'baseline'"},
      {"bookings_rank.h5", "variants/baseline/bookings: shape [16] does not match"},
      {"bookings_rows.h5", "variants/baseline/bookings: shape [3 x 4] does not match"},
      {"bookings_text.h5", "variants/baseline/bookings: not numeric"},
      {"quota_short.h5", "variants/baseline/quota: shape [3] does not match"},
      {"forecast_rank.h5",
       "variants/baseline/forecast/funnel: shape [4 x 52] does not match the file's 4 "
       "replications and calendar, expected [4 x 4 x 13]"},
      {"funnel_weeks.h5",
       "variants/baseline/segments/small/funnel_count: shape [4 x 51 x 3] does not match"},
      {"rep_quota_cols.h5", "variants/baseline/rep_quota: shape [13 x 3] does not match"},
  };
  for (const Damage& damage : corpus_cases) {
    const fs::path file = dir / damage.file;
    for (const int reader : {SUMMARY, COMPARE, ACCURACY, REPORT}) {
      const Outcome outcome = run_cli(command(reader, file));
      INFO(command(reader, file) << "\n" << outcome.output);
      if ((damage.readers & reader) == 0) {
        CHECK(outcome.exit_code == 0);
        continue;
      }
      CHECK(outcome.exit_code == 2);
      CHECK(outcome.output.find("funnelsim: " + file.string() + ": " + damage.message) !=
            std::string::npos);
      CHECK(outcome.output.find("HDF5-DIAG") == std::string::npos);
      CHECK_FALSE(fs::exists(file.string() + ".html"));  // no report from a damaged file
    }
    std::error_code ignored;
    fs::remove(file.string() + ".html", ignored);
  }
}

TEST_CASE("Random byte flips never crash a reading command", "[damaged][cli]") {
  // Fixed seeds: the same damaged files every time. A flipped byte may land in data that
  // still reads (a command may then succeed); otherwise the command must exit with a code
  // in 1..127 and a message naming the file, never a signal.
  const Corpus corpus;
  std::mt19937_64 random(20261127);
  for (int trial = 0; trial < 30; ++trial) {
    std::string bytes = corpus.bytes;
    // Half the trials hit the first 8 KiB, where the superblock and metadata live.
    const std::size_t span =
        trial % 2 == 0 ? std::min<std::size_t>(bytes.size(), 8192) : bytes.size();
    for (int flip = 0; flip < 4; ++flip)
      bytes[random() % span] = static_cast<char>(random() & 0xff);
    const fs::path file = corpus.make("flipped-" + std::to_string(trial) + ".h5", bytes);
    for (const int reader : {SUMMARY, COMPARE, ACCURACY, REPORT}) {
      const Outcome outcome = run_cli(command(reader, file));
      INFO("trial " << trial << ": " << command(reader, file) << "\n" << outcome.output);
      CHECK(outcome.exit_code >= 0);
      CHECK(outcome.exit_code < 128);
      if (outcome.exit_code != 0) {
        CHECK(outcome.output.find(file.string()) != std::string::npos);
      }
    }
    fs::remove(file);
    std::error_code ignored;
    fs::remove(file.string() + ".html", ignored);
  }
}

TEST_CASE("A damaged or foreign shard never crashes funnelsim merge", "[damaged][cli]") {
  TemporaryDirectory directory("funnelsim-damaged-merge");
  const fs::path first = directory / "part1.h5";
  const fs::path second = directory / "part2.h5";
  for (const auto& [shard, file] : {std::pair{"1/2", first}, std::pair{"2/2", second}}) {
    const Outcome run = run_cli("run " + BRANCH + " -o " + file.string() +
                                " -n 8 --forecast-samples 0 -q --shard " + shard);
    INFO(run.output);
    REQUIRE(run.exit_code == 0);
  }
  const fs::path merged = directory / "all.h5";
  const std::string bytes = read_bytes(second);
  std::mt19937_64 random(20261128);
  for (int trial = 0; trial < 20; ++trial) {
    std::string damaged = bytes;
    const std::size_t span =
        trial % 2 == 0 ? std::min<std::size_t>(damaged.size(), 8192) : damaged.size();
    for (int flip = 0; flip < 4; ++flip)
      damaged[random() % span] = static_cast<char>(random() & 0xff);
    write_bytes(second, damaged);
    const Outcome outcome = run_cli("merge " + first.string() + " " + second.string() + " -o " +
                                    merged.string() + " --force");
    INFO("trial " << trial << "\n" << outcome.output);
    CHECK(outcome.exit_code >= 0);
    CHECK(outcome.exit_code < 128);
    if (outcome.exit_code != 0) {
      CHECK(outcome.output.find(second.string()) != std::string::npos);
      CHECK_FALSE(fs::exists(merged));
    }
    std::error_code ignored;
    fs::remove(merged, ignored);
  }
  // Not HDF5 at all, and HDF5 that is not a shard: clear errors, exit code 2.
  write_bytes(second, "not a results file\n");
  const Outcome text =
      run_cli("merge " + first.string() + " " + second.string() + " -o " + merged.string());
  CHECK(text.exit_code == 2);
  CHECK_THAT(text.output, Catch::Contains(second.string()));
}

TEST_CASE("Crafted results files are refused before their data are read", "[damaged][cli]") {
  // Files that claim more than they store, or name storage outside themselves: every reading
  // command refuses them with exit code 2 naming the file and the dataset, quickly and
  // without a large allocation (tests/hostile/cases/results-*.sh run them under a 4 GiB cap).
  const Corpus corpus;
  const fs::path& dir = corpus.directory.path();
  const auto make = [&](const std::string& kind, const std::string& name,
                        const std::string& argument) {
    const Outcome made =
        shell_output("cd " + dir.string() + " && /usr/bin/python3 " + MAKE_HOSTILE + " " + kind +
                     " " + corpus.valid.string() + " " + name + " " + argument + " 2>&1");
    INFO(made.output);
    REQUIRE(made.exit_code == 0);
  };
  make("huge-dims", "huge_dims.h5", "100000000");
  make("external", "external_passwd.h5", "/etc/passwd");
  make("virtual", "virtual.h5", "source.h5");
  make("soft-link", "soft_link.h5", "");
  make("external-link", "external_link.h5", "");
  make("big-chunks", "big_chunks.h5", "");
  make("counts", "array_count.h5", "replications=4,4,4");
  const std::vector<Damage> cases{
      {"huge_dims.h5",
       "variants/baseline/bookings: declares 400000000 elements (3200000000 bytes) but stores "
       "0 bytes, more than deflate can expand (1032 times)",
       SUMMARY | COMPARE | REPORT},
      {"external_passwd.h5",
       "variants/baseline/bookings: its data are stored in external files; funnelsim reads "
       "only data stored in the results file itself"},
      {"virtual.h5", "variants/baseline/bookings: is a virtual dataset"},
      {"soft_link.h5", "variants/baseline/bookings is a soft link"},
      {"external_link.h5", "variants/baseline/bookings is an external link (to another file)"},
      {"big_chunks.h5", "variants/baseline/bookings: its chunks of 67108864 bytes are larger"},
      {"array_count.h5", "attribute 'replications' is not a single value"},
  };
  for (const Damage& damage : cases) {
    const fs::path file = dir / damage.file;
    for (const int reader : {SUMMARY, COMPARE, ACCURACY, REPORT}) {
      if ((damage.readers & reader) == 0)
        continue;
      const Outcome outcome = run_cli(command(reader, file));
      INFO(command(reader, file) << "\n" << outcome.output);
      CHECK(outcome.exit_code == 2);
      CHECK_THAT(outcome.output,
                 Catch::Contains("funnelsim: " + file.string() + ": " + damage.message));
      CHECK_FALSE(fs::exists(file.string() + ".html"));
    }
  }
}

TEST_CASE("A dataset of zeros deflated near deflate's limit still reads", "[damaged]") {
  // The bound on a deflated dataset's declared size (1032 times its stored bytes) holds for
  // the most compressible data there is: 1,000,000 × 4 zeros in 2 MiB chunks, at level 9.
  const Corpus corpus;
  const fs::path file = corpus.directory / "zeros.h5";
  const Outcome made = shell_output("/usr/bin/python3 " + MAKE_HOSTILE + " written-zeros " +
                                    corpus.valid.string() + " " + file.string() + " 1000000 2>&1");
  INFO(made.output);
  REQUIRE(made.exit_code == 0);
  CHECK(fs::file_size(file) < 200'000);
  // The reader checks every value when it opens a file, bookings first: they pass the bound
  // and read (all 4,000,000 zeros); the refusal is of wins, which the file left at 4 rows.
  CHECK_THROWS_WITH(funnelsim::analysis::ResultsReader(file),
                    Catch::Contains("variants/baseline/wins: shape [4 x 4] does not match"));
}
