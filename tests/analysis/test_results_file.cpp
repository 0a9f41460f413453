// The results file: what ResultsWriter writes, ResultsReader (and h5py) read back, and the
// reader's clear refusals of files that are not funnelsim results.

#include <hdf5.h>
#include <stdlib.h>  // mkdtemp
#include <unistd.h>  // getpid

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <vector>

#include "funnelsim/results/results_file.hpp"
#include "funnelsim/sim/model.hpp"
#include "funnelsim/sim/results.hpp"
#include "support/temporary_directory.hpp"

namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using funnelsim::analysis::Array;
using funnelsim::analysis::DatasetInfo;
using funnelsim::analysis::FileMetadata;
using funnelsim::analysis::Matrix;
using funnelsim::analysis::ResultsError;
using funnelsim::analysis::ResultsReader;
using funnelsim::analysis::ResultsWriter;
using funnelsim::analysis::RunMetadata;
using funnelsim::sim::Distribution;
using funnelsim::sim::ReplicationResult;
using funnelsim::sim::ResultShape;
using funnelsim::sim::Segment;
using funnelsim::sim::Stage;
using funnelsim::sim::Team;

/// Each test's scratch directory, removed with its contents.
struct TemporaryDirectory : funnelsim::testing::TemporaryDirectory {
  TemporaryDirectory() : funnelsim::testing::TemporaryDirectory("funnelsim-results") {}
};

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

Team team(const std::string& name, std::size_t segment, int headcount,
          std::vector<double> quota_per_quarter) {
  Team result;
  result.name = name;
  result.segment = segment;
  result.headcount = headcount;
  result.prospects_per_week = 1.0;
  result.quota_per_quarter = std::move(quota_per_quarter);
  return result;
}

/// Two quarters of two weeks; a small-project segment of two stages sold by two territory
/// reps and a large-project segment of three stages sold by one key-account rep.
funnelsim::sim::Model tiny_model(int territory_headcount = 2) {
  funnelsim::sim::Model model;
  model.name = "tiny";
  model.calendar.weeks_per_quarter = 2;
  model.calendar.quarters = 2;
  model.calendar.warmup_weeks = 1;
  model.segments.push_back(Segment{
      .name = "small",
      .stages = {Stage{.name = "intent", .win_probability = 0.2, .days = Distribution::fixed(7)},
                 Stage{.name = "negotiation",
                       .win_probability = 0.7,
                       .days = Distribution::exponential(7)}},
      .deal_size = Distribution::gamma(2.0, 0.5)});
  model.segments.push_back(Segment{
      .name = "large",
      .stages = {Stage{
                     .name = "potential", .win_probability = 0.1, .days = Distribution::fixed(30)},
                 Stage{.name = "approved", .win_probability = 0.3, .days = Distribution::fixed(30)},
                 Stage{.name = "negotiation",
                       .win_probability = 0.7,
                       .days = Distribution::uniform(20, 40)}},
      .deal_size = Distribution::lognormal(58.5, 0.8)});
  model.teams.push_back(team("territory", 0, territory_headcount, {10.0, 12.0}));
  model.teams.push_back(team("key-account", 1, 1, {30.0, 32.0}));
  model.quota = {50.0, 56.0};
  return model;
}

// Known values for replication r: rep p books (r + 1)(p + 1) + q / 2 万 in quarter q, the
// segments book their reps' sums and the organisation the segments' sum, so the file's
// consistency checks (h5py) hold exactly.
double rep_amount(std::size_t r, int p, int q) {
  return (r + 1.0) * (p + 1.0) + q / 2.0;
}
std::int64_t wins_of(std::size_t r, std::size_t s, int q) {
  return static_cast<std::int64_t>(r + 2 * s + q);
}
std::int64_t leads_of(std::size_t r, std::size_t s, int q) {
  return static_cast<std::int64_t>(10 * r + s + q);
}
std::int64_t count_of(std::size_t r, std::size_t s, int week, int stage) {
  return static_cast<std::int64_t>(r + s) + week + 3 * stage;
}
double amount_of(std::size_t r, std::size_t s, int week, int stage) {
  return 0.25 * static_cast<double>(r + s) + week * stage;
}

ReplicationResult fabricate(const funnelsim::sim::Model& model, std::size_t r) {
  const ResultShape shape(model);
  ReplicationResult result;
  result.reset(shape);
  const std::vector<int> first_rep = model.first_rep_of_team();
  for (std::size_t t = 0; t < model.teams.size(); ++t) {
    const Team& team = model.teams[t];
    for (int p = first_rep[t]; p < first_rep[t] + team.headcount; ++p) {
      for (int q = 0; q < shape.quarters; ++q) {
        const double amount = rep_amount(r, p, q);
        result.rep_bookings[static_cast<std::size_t>(p * shape.quarters + q)] = amount;
        result.segments[team.segment].bookings[static_cast<std::size_t>(q)] += amount;
        result.bookings[static_cast<std::size_t>(q)] += amount;
      }
    }
  }
  for (std::size_t s = 0; s < result.segments.size(); ++s) {
    auto& segment = result.segments[s];
    for (int q = 0; q < shape.quarters; ++q) {
      segment.wins[static_cast<std::size_t>(q)] = wins_of(r, s, q);
      segment.leads[static_cast<std::size_t>(q)] = leads_of(r, s, q);
      result.wins[static_cast<std::size_t>(q)] += wins_of(r, s, q);
    }
    const int stages = shape.stages_per_segment[s];
    for (int week = 0; week < shape.weeks; ++week) {
      for (int stage = 0; stage < stages; ++stage) {
        const auto cell = static_cast<std::size_t>(week * stages + stage);
        segment.funnel_count[cell] = count_of(r, s, week, stage);
        segment.funnel_amount[cell] = amount_of(r, s, week, stage);
      }
    }
  }
  return result;
}

std::vector<ReplicationResult> fabricate_many(const funnelsim::sim::Model& model, std::size_t first,
                                              std::size_t count) {
  std::vector<ReplicationResult> results;
  for (std::size_t r = first; r < first + count; ++r) {
    results.push_back(fabricate(model, r));
  }
  return results;
}

RunMetadata run_metadata(std::size_t planned, std::size_t first_replication = 0) {
  return RunMetadata{.scenario_yaml = "name: tiny\nseed: 7\n",
                     .scenario_name = "tiny",
                     .seed = 7,
                     .replications_planned = planned,
                     .first_replication = first_replication};
}

/// Writes replications [first, first + count) of `model` as variant "baseline", in batches.
void write_results(const fs::path& target, std::size_t planned, std::size_t count,
                   std::size_t first = 0) {
  const funnelsim::sim::Model model = tiny_model();
  ResultsWriter writer(target, run_metadata(planned, first), false);
  funnelsim::sim::ResultSink& sink = writer.add_variant("baseline", model, "name: tiny\n");
  const std::vector<ReplicationResult> results = fabricate_many(model, first, count);
  for (std::size_t done = 0; done < count; done += 3) {
    const std::size_t batch = std::min<std::size_t>(3, count - done);
    sink.consume(first + done, std::span(results).subspan(done, batch));
  }
  writer.commit(count);
}

std::string error_of(const fs::path& path) {
  try {
    ResultsReader reader(path);
  } catch (const ResultsError& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a results file holds every replication as written", "[results]") {
  const TemporaryDirectory directory;
  const fs::path target = directory / "results.h5";
  const funnelsim::sim::Model model = tiny_model();
  const funnelsim::sim::Model hired = tiny_model(3);
  constexpr std::size_t FIRST = 100;
  constexpr std::size_t COUNT = 10;
  {
    ResultsWriter writer(target, run_metadata(COUNT, FIRST), false);
    auto& baseline = writer.add_variant("baseline", model, "name: tiny\n");
    auto& hire = writer.add_variant("hire", hired, "name: tiny\nheadcount: 3\n");
    CHECK(fs::exists(writer.temporary_path()));
    if (writer.temporary_is_anonymous()) {
      // An unnamed inode: nothing in the directory until commit.
      CHECK(directory.file_count() == 0);
    } else {
      // A named file under a name nobody can predict (no pid): a link planted there cannot
      // redirect the write (HDF5 reaches it through /proc/self/fd/N where /proc is mounted).
      REQUIRE(directory.file_count() == 1);
      const std::string name = fs::directory_iterator(directory.path())->path().filename();
      CHECK(name.starts_with(".results.h5.tmp-"));
      CHECK(name != ".results.h5.tmp-" + std::to_string(::getpid()));
    }
    CHECK_FALSE(fs::exists(target));
    const auto results = fabricate_many(model, FIRST, COUNT);
    const auto hired_results = fabricate_many(hired, FIRST, COUNT);
    for (const std::size_t batch_start : {0, 3, 6}) {  // batches of 3, 3 and 4
      const std::size_t size = batch_start == 6 ? 4 : 3;
      baseline.consume(FIRST + batch_start, std::span(results).subspan(batch_start, size));
      hire.consume(FIRST + batch_start, std::span(hired_results).subspan(batch_start, size));
    }
    writer.commit(COUNT);
    CHECK(directory.file_count() == 1);  // the temporary file became the target
  }
  REQUIRE(fs::exists(target));
  CHECK(directory.file_count() == 1);

  const ResultsReader reader(target);
  const FileMetadata& metadata = reader.metadata();
  CHECK(metadata.filetype == "funnelsim-results");
  CHECK(metadata.layout_version == 1);
  CHECK(metadata.funnelsim_version == FUNNELSIM_VERSION);
  CHECK(metadata.scenario_yaml == "name: tiny\nseed: 7\n");
  CHECK(metadata.scenario_name == "tiny");
  CHECK(metadata.seed == 7);
  CHECK(metadata.replications == COUNT);
  CHECK(metadata.replications_planned == COUNT);
  CHECK(metadata.first_replication == FIRST);
  CHECK(metadata.complete);
  CHECK(metadata.quarters == 2);
  CHECK(metadata.weeks_per_quarter == 2);
  CHECK(metadata.warmup_weeks == 1);
  CHECK(reader.variants() == std::vector<std::string>{"baseline", "hire"});
  CHECK(reader.segments("baseline") == std::vector<std::string>{"small", "large"});
  CHECK(reader.stage_names("hire", "large") ==
        std::vector<std::string>{"potential", "approved", "negotiation"});
  CHECK_THROWS_WITH(reader.stage_names("hire", "medium"), Contains("no such segment"));
  CHECK(reader.has_dataset("baseline", "cost"));
  CHECK(reader.has_dataset("baseline", "segments/small/funnel_count"));
  CHECK_FALSE(reader.has_dataset("baseline", "segments/medium/funnel_count"));
  CHECK_FALSE(reader.has_dataset("baseline", "nothing"));
  CHECK_THROWS_WITH(reader.has_dataset("missing", "cost"), Contains("no variant 'missing'"));

  SECTION("organisation and rep datasets") {
    const Matrix bookings = reader.read_matrix("baseline", "bookings");
    const Matrix wins = reader.read_matrix("baseline", "wins");
    const Matrix attainment = reader.read_matrix("baseline", "attainment");
    const Array rep_bookings = reader.read_array("baseline", "rep_bookings");
    REQUIRE(bookings.rows == COUNT);
    REQUIRE(bookings.cols == 2);
    REQUIRE(rep_bookings.shape == std::vector<std::size_t>{COUNT, 3, 2});
    CHECK(reader.read_vector("baseline", "quota") == std::vector<double>{50.0, 56.0});
    for (std::size_t row = 0; row < COUNT; ++row) {
      const ReplicationResult expected = fabricate(model, FIRST + row);
      for (std::size_t q = 0; q < 2; ++q) {
        CHECK(bookings.at(row, q) == expected.bookings[q]);
        CHECK(wins.at(row, q) == static_cast<double>(expected.wins[q]));
        CHECK(attainment.at(row, q) == expected.bookings[q] / model.quota[q]);
      }
      for (std::size_t cell = 0; cell < 3 * 2; ++cell) {
        CHECK(rep_bookings.values[row * 6 + cell] == expected.rep_bookings[cell]);
      }
    }
    CHECK(reader.read_strings("baseline", "rep_team") ==
          std::vector<std::string>{"territory", "territory", "key-account"});
    const Matrix rep_quota = reader.read_matrix("baseline", "rep_quota");
    CHECK(rep_quota.values == std::vector<double>{10, 12, 10, 12, 30, 32});
  }

  SECTION("segment datasets") {
    for (std::size_t s = 0; s < 2; ++s) {
      const std::string prefix = "segments/" + model.segments[s].name + "/";
      const auto stages = model.segments[s].stages.size();
      const Matrix bookings = reader.read_matrix("baseline", prefix + "bookings");
      const Matrix wins = reader.read_matrix("baseline", prefix + "wins");
      const Matrix leads = reader.read_matrix("baseline", prefix + "leads");
      const Array count = reader.read_array("baseline", prefix + "funnel_count");
      const Array amount = reader.read_array("baseline", prefix + "funnel_amount");
      REQUIRE(count.shape == std::vector<std::size_t>{COUNT, 4, stages});
      REQUIRE(amount.shape == count.shape);
      for (std::size_t row = 0; row < COUNT; ++row) {
        const ReplicationResult replication = fabricate(model, FIRST + row);
        const auto& expected = replication.segments[s];
        for (std::size_t q = 0; q < 2; ++q) {
          CHECK(bookings.at(row, q) == expected.bookings[q]);
          CHECK(wins.at(row, q) == static_cast<double>(expected.wins[q]));
          CHECK(leads.at(row, q) == static_cast<double>(expected.leads[q]));
        }
        for (std::size_t cell = 0; cell < 4 * stages; ++cell) {
          CHECK(count.values[row * 4 * stages + cell] ==
                static_cast<double>(expected.funnel_count[cell]));
          CHECK(amount.values[row * 4 * stages + cell] == expected.funnel_amount[cell]);
        }
      }
    }
  }

  SECTION("a second variant keeps its own shape") {
    CHECK(reader.read_array("hire", "rep_bookings").shape == std::vector<std::size_t>{COUNT, 4, 2});
    CHECK(reader.read_matrix("hire", "bookings").at(0, 1) == fabricate(hired, FIRST).bookings[1]);
    CHECK(reader.read_strings("hire", "rep_team").size() == 4);
  }

  SECTION("every dataset states its units, description and dimension names") {
    const std::vector<std::pair<std::string, std::string>> expected_units{
        {"bookings", "万"},
        {"wins", "deals"},
        {"attainment", "1"},
        {"quota", "万"},
        {"rep_bookings", "万"},
        {"rep_team", ""},
        {"rep_quota", "万"},
        {"segments/small/bookings", "万"},
        {"segments/small/wins", "deals"},
        {"segments/small/leads", "opportunities"},
        {"segments/large/funnel_count", "opportunities"},
        {"segments/large/funnel_amount", "万"}};
    for (const auto& [dataset, units] : expected_units) {
      INFO(dataset);
      const DatasetInfo info = reader.dataset_info("baseline", dataset);
      CHECK(info.units == units);
      CHECK_FALSE(info.description.empty());
      CHECK(info.dims.size() == info.shape.size());
    }
    CHECK(reader.dataset_info("baseline", "segments/large/funnel_count").dims ==
          std::vector<std::string>{"replication", "week", "stage"});
    CHECK(reader.dataset_info("baseline", "rep_quota").dims ==
          std::vector<std::string>{"rep", "quarter"});
  }

  SECTION("segment groups carry their stages and win probabilities") {
    const hid_t file = H5Fopen(target.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    REQUIRE(file >= 0);
    const hid_t segment = H5Gopen2(file, "variants/baseline/segments/large", H5P_DEFAULT);
    REQUIRE(segment >= 0);
    const hid_t probability = H5Aopen(segment, "win_probability", H5P_DEFAULT);
    std::vector<double> values(3);
    CHECK(H5Aread(probability, H5T_NATIVE_DOUBLE, values.data()) >= 0);
    CHECK(values == std::vector<double>{0.1, 0.3, 0.7});
    CHECK(H5Aexists(segment, "stages") > 0);
    H5Aclose(probability);
    H5Gclose(segment);
    H5Fclose(file);
  }

  SECTION("missing variants and datasets are named") {
    CHECK_THROWS_WITH(reader.read_matrix("nope", "bookings"),
                      Contains("no variant 'nope' (variants: baseline, hire)"));
    CHECK_THROWS_WITH(reader.read_matrix("baseline", "segments/tiny/leads"),
                      Contains("no dataset 'segments/tiny/leads' in variant 'baseline'"));
    CHECK_THROWS_WITH(reader.read_matrix("baseline", "rep_bookings"),
                      Contains("has 3 dimensions, expected 2"));
  }
}

TEST_CASE("results files are byte-identical for the same run", "[results]") {
  const TemporaryDirectory directory;
  write_results(directory / "first.h5", 7, 7);
  write_results(directory / "second.h5", 7, 7);
  CHECK(file_bytes(directory / "first.h5") == file_bytes(directory / "second.h5"));
}

TEST_CASE("the writer never replaces a results file it was not told to", "[results]") {
  const TemporaryDirectory directory;
  const fs::path target = directory / "results.h5";
  write_text(target, "precious");

  SECTION("an existing target without overwrite is an error and is left untouched") {
    CHECK_THROWS_WITH(ResultsWriter(target, run_metadata(4), false),
                      Contains("results.h5: exists; use --force to replace it"));
    CHECK(file_bytes(target) == "precious");
    CHECK(directory.file_count() == 1);
  }
  SECTION("with overwrite the target is replaced only on commit") {
    {
      ResultsWriter writer(target, run_metadata(4), true);
      writer.add_variant("baseline", tiny_model(), "");
      CHECK(file_bytes(target) == "precious");
    }
    CHECK(file_bytes(target) == "precious");
    CHECK(directory.file_count() == 1);
    {
      ResultsWriter writer(target, run_metadata(0), true);
      writer.add_variant("baseline", tiny_model(), "");
      writer.commit(0);
    }
    CHECK(ResultsReader(target).metadata().replications == 0);
  }
  SECTION("a missing directory is an error") {
    CHECK_THROWS_WITH(ResultsWriter(directory / "missing" / "results.h5", run_metadata(4), false),
                      Contains("does not exist"));
  }
}

TEST_CASE("a writer destroyed without commit leaves no file behind", "[results]") {
  const TemporaryDirectory directory;
  const fs::path target = directory / "results.h5";
  {
    const funnelsim::sim::Model model = tiny_model();
    ResultsWriter writer(target, run_metadata(6), false);
    auto& sink = writer.add_variant("baseline", model, "");
    const auto results = fabricate_many(model, 0, 3);
    sink.consume(0, results);
    // The temporary file: unnamed where the file system has O_TMPFILE, else beside the target.
    CHECK(directory.file_count() == (writer.temporary_is_anonymous() ? 0 : 1));
  }
  CHECK_FALSE(fs::exists(target));
  CHECK(directory.file_count() == 0);
}

TEST_CASE("a run stopped early is stored as incomplete", "[results]") {
  const TemporaryDirectory directory;
  const fs::path target = directory / "results.h5";
  const funnelsim::sim::Model model = tiny_model();
  {
    ResultsWriter writer(target, run_metadata(1000), false);
    auto& sink = writer.add_variant("baseline", model, "");
    const auto results = fabricate_many(model, 0, 6);
    sink.consume(0, std::span(results).first(4));
    sink.consume(4, std::span(results).subspan(4));
    writer.commit(5);  // a variant that received more is cut to the count committed
  }
  const ResultsReader reader(target);
  CHECK_FALSE(reader.metadata().complete);
  CHECK(reader.metadata().replications == 5);
  CHECK(reader.metadata().replications_planned == 1000);
  CHECK(reader.read_matrix("baseline", "bookings").rows == 5);
  CHECK(reader.read_matrix("baseline", "bookings").at(4, 0) == fabricate(model, 4).bookings[0]);
  CHECK(reader.read_array("baseline", "segments/small/funnel_amount").shape ==
        std::vector<std::size_t>{5, 4, 2});
  CHECK(reader.read_matrix("baseline", "segments/large/leads").rows == 5);
}

TEST_CASE("the writer rejects misuse", "[results]") {
  const TemporaryDirectory directory;
  const funnelsim::sim::Model model = tiny_model();
  ResultsWriter writer(directory / "results.h5", run_metadata(10), false);
  auto& sink = writer.add_variant("baseline", model, "");
  const auto results = fabricate_many(model, 0, 3);

  CHECK_THROWS_WITH(sink.consume(1, results), Contains("expected replication 0, got 1"));
  std::vector<ReplicationResult> wrong = results;
  wrong[1].rep_bookings.pop_back();
  CHECK_THROWS_WITH(sink.consume(0, wrong),
                    Contains("replication 1: rep_bookings has 5 values, expected 6"));
  CHECK_THROWS_WITH(writer.add_variant("baseline", model, ""), Contains("added twice"));
  CHECK_THROWS_WITH(writer.add_variant("a/b", model, ""), Contains("cannot name an HDF5 group"));
  funnelsim::sim::Model longer = model;
  longer.calendar.quarters = 3;
  CHECK_THROWS_WITH(writer.add_variant("longer", longer, ""), Contains("different calendar"));
  sink.consume(0, results);
  CHECK_THROWS_WITH(writer.commit(4), Contains("stored 3 replications, fewer than the 4"));
}

TEST_CASE("a long scenario text is stored whole", "[results]") {
  const TemporaryDirectory directory;
  const fs::path target = directory / "results.h5";
  std::string yaml;
  while (yaml.size() < 200'000) {
    yaml += "# a comment line that makes the scenario longer than HDF5's 64 KiB header limit\n";
  }
  RunMetadata metadata = run_metadata(0);
  metadata.scenario_yaml = yaml;
  ResultsWriter writer(target, metadata, false);
  writer.add_variant("baseline", tiny_model(), yaml);
  writer.commit(0);
  CHECK(ResultsReader(target).metadata().scenario_yaml == yaml);
}

TEST_CASE("the reader refuses files that are not funnelsim results", "[results]") {
  const TemporaryDirectory directory;

  SECTION("a missing file") {
    CHECK_THAT(error_of(directory / "absent.h5"), Contains("absent.h5: no such file"));
  }
  SECTION("a file that is not HDF5") {
    write_text(directory / "notes.h5", "bookings,wins\n1,2\n");
    CHECK_THAT(error_of(directory / "notes.h5"), Contains("notes.h5: not an HDF5 file"));
  }
  SECTION("another program's HDF5 file") {
    const fs::path path = directory / "other.h5";
    const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const hsize_t size = 3;
    const hid_t space = H5Screate_simple(1, &size, nullptr);
    const hid_t dataset = H5Dcreate2(file, "temperature", H5T_IEEE_F64LE, space, H5P_DEFAULT,
                                     H5P_DEFAULT, H5P_DEFAULT);
    const double values[] = {20.5, 21.0, 19.5};
    H5Dwrite(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values);
    H5Dclose(dataset);
    H5Sclose(space);
    H5Fclose(file);
    CHECK_THAT(error_of(path),
               Contains("other.h5: not a funnelsim results file (no 'filetype' attribute)"));
  }
  SECTION("a truncated results file") {
    write_results(directory / "whole.h5", 20, 20);
    const std::string bytes = file_bytes(directory / "whole.h5");
    write_text(directory / "truncated.h5", bytes.substr(0, bytes.size() / 2));
    CHECK_THAT(error_of(directory / "truncated.h5"),
               Contains("truncated.h5: cannot open (truncated or damaged HDF5 file?)"));
  }
  SECTION("a newer layout") {
    const fs::path path = directory / "newer.h5";
    write_results(path, 2, 2);
    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    const hid_t attribute = H5Aopen(file, "layout_version", H5P_DEFAULT);
    const std::int64_t newer = 999;
    H5Awrite(attribute, H5T_NATIVE_INT64, &newer);
    H5Aclose(attribute);
    H5Fclose(file);
    CHECK_THAT(error_of(path), Contains("newer.h5: layout_version 999 is newer than this "
                                        "funnelsim reads (1)"));
  }
}

TEST_CASE("a reader's error is located in the file, not repeated in its message", "[results]") {
  const TemporaryDirectory directory;
  const auto error_at = [](const fs::path& path) -> ResultsError {
    try {
      ResultsReader reader(path);
    } catch (const ResultsError& error) {
      return error;
    }
    FAIL("no error reading " << path);
    return ResultsError("no error");
  };

  SECTION("a file that is not HDF5") {
    const fs::path path = directory / "notes.h5";
    write_text(path, "bookings,wins\n1,2\n");
    const ResultsError error = error_at(path);
    REQUIRE(error.location());
    CHECK(error.location()->file == path.string());
    CHECK(error.location()->key_path.empty());
    CHECK(error.message() == "not an HDF5 file");
    CHECK(std::string(error.what()) == path.string() + ": not an HDF5 file");
  }
  SECTION("a dataset of the file: its path within the file is the key") {
    const fs::path path = directory / "results.h5";
    write_results(path, 4, 4);
    const ResultsReader reader(path);
    try {
      reader.read_vector("baseline", "bookings");
      FAIL("a matrix read as a vector");
    } catch (const ResultsError& error) {
      REQUIRE(error.location());
      CHECK(error.location()->file == path.string());
      CHECK(error.location()->key_path == "variants/baseline/bookings");
      CHECK(error.message() == "has 2 dimensions, expected 1");
      CHECK(std::string(error.what()) ==
            path.string() + ": variants/baseline/bookings: has 2 dimensions, expected 1");
      // The command that opened the file has nothing to add.
      CHECK(std::string(error.in_file("other.h5").what()) == error.what());
    }
  }
  SECTION("an empty path still reads as a path, as the messages always did") {
    const ResultsError error = error_at("");
    CHECK(error.location()->file.empty());
    CHECK(error.message() == "no such file");
    CHECK(std::string(error.what()) == ": no such file");
    // Naming it with the same empty path changes nothing.
    CHECK(std::string(error.in_file("").what()) == ": no such file");
  }
}

TEST_CASE("h5py reads a results file without funnelsim", "[results][h5py][process]") {
  if (std::system("/usr/bin/python3 -c 'import h5py, numpy' 2>/dev/null") != 0) {
    WARN("skipped: /usr/bin/python3 with h5py and numpy is not available");
    return;
  }
  const TemporaryDirectory directory;
  const fs::path target = directory / "results.h5";
  write_results(target, 12, 12);
  const std::string command = "/usr/bin/python3 " FUNNELSIM_SOURCE_DIR
                              "/tests/check_results_h5py.py " +
                              target.string() + " > /dev/null";
  CHECK(std::system(command.c_str()) == 0);
  // To inspect the file by hand (h5dump, the script): FUNNELSIM_KEEP_RESULTS=/tmp/sample.h5
  if (const char* keep = std::getenv("FUNNELSIM_KEEP_RESULTS")) {
    fs::copy_file(target, keep, fs::copy_options::overwrite_existing);
  }
}
