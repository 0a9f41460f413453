#pragma once
/// The results file: one HDF5 file per run holding every replication's outcomes, written
/// as replications arrive and read back for summaries and comparisons.
///
/// The layout is documented field by field in analysis/RESULTS.md; it is readable with
/// h5py or h5dump without funnelsim. Amounts are in 万 (10,000 RMB).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "funnelsim/error.hpp"
#include "funnelsim/sim/model.hpp"
#include "funnelsim/sim/runner.hpp"

namespace funnelsim::analysis {

/// The most replications one run may ask for, whatever the model (`-n 1e12` is a typo), and
/// so the most a results file may claim.
constexpr std::size_t MAX_REPLICATIONS = 100'000'000;

/// The root `filetype` attribute that marks a funnelsim results file.
inline constexpr std::string_view RESULTS_FILETYPE = "funnelsim-results";
/// The layout this code writes and the newest it reads (root `layout_version`).
inline constexpr std::int64_t RESULTS_LAYOUT_VERSION = 1;

/// What a reader takes from a results file, which may be damaged or crafted (RESULTS.md,
/// "Reading untrusted files"). A dataset is read only when its declared size is backed by
/// storage inside the file and within these bounds; otherwise ResultsError names it.
/// The most memory one dataset may take when read whole (its elements as double, or its
/// strings): 4 GiB, more than the bookings of 100,000,000 replications of 4 quarters.
inline constexpr std::uint64_t RESULTS_DATASET_LIMIT_BYTES = std::uint64_t{4} << 30;
/// The most memory one attribute may take (the stored scenario YAML is the largest).
inline constexpr std::uint64_t RESULTS_ATTRIBUTE_LIMIT_BYTES = std::uint64_t{64} << 20;
/// The most strings in one string-array attribute (`dims`, a segment's `stages`).
inline constexpr std::uint64_t RESULTS_ATTRIBUTE_STRINGS_LIMIT = 1024;
/// Deflate expands its input at most 1032-fold: a deflated dataset that declares more bytes
/// than 1032 times its stored chunks is a decompression bomb or a damaged chunk index.
inline constexpr std::uint64_t RESULTS_DEFLATE_MAX_RATIO = 1032;
/// A chunk may hold at most this many bytes or the whole dataset, whichever is larger.
inline constexpr std::uint64_t RESULTS_CHUNK_LIMIT_BYTES = std::uint64_t{4} << 20;

/// A results file could not be written or read (kind results, exit code 2). The reader's
/// errors are located in the file it opened (ErrorLocation::file, its path as the user named
/// it) and, where one is to blame, at a dataset or variant within it (the key path), and read
/// "results.h5: not a funnelsim results file (no 'filetype' attribute)" or "results.h5:
/// variants/baseline/bookings: not numeric". The writer's messages start with the file's path.
/// Code that reads through a ResultsReader without knowing its path gives a location without
/// a file, the dataset or variant as its key, and the command that opened the file adds the
/// path (Error::in_file).
class ResultsError : public Error {
 public:
  /// A message that names the file itself.
  explicit ResultsError(const std::string& message) : Error(ErrorKind::results, message) {}
  /// A message about `location`, whose file may be left for the caller to name.
  ResultsError(ErrorLocation location, std::string message)
      : Error(ErrorKind::results, std::move(message), std::move(location)) {}

  /// An error in the file `location.file` that the caller opened, at `location.key_path`
  /// within it when that is not empty. what() is "file: key: message" as for any location,
  /// and keeps the file's ": " even when its path is empty (`funnelsim summary ''` says
  /// ": no such file"), so that it reads as the messages that named the file in their text.
  static ResultsError at(ErrorLocation location, std::string message) {
    std::string what = location.file + ": ";
    if (!location.key_path.empty()) {
      what += location.key_path + ": ";
    }
    what += message;
    return ResultsError(std::move(what), std::move(message), std::move(location));
  }

 private:
  ResultsError(const std::string& what, std::string message, ErrorLocation location)
      : Error(ErrorKind::results, what, std::move(message), std::move(location)) {}
};

/// What the caller knows about a run before it starts; stored as root attributes.
struct RunMetadata {
  std::string scenario_yaml;  ///< the resolved scenario text
  std::string scenario_name;
  std::uint64_t seed = 0;
  std::size_t replications_planned = 0;
  std::size_t first_replication = 0;  ///< number of the first replication stored
};

/// Where a variant of a sweep (scenario key `sweep:`) lies on the sweep's grid; stored as the
/// variant group's attributes `sweep_keys` and `sweep_values`. Both empty for a variant that
/// is no sweep's (the baseline, a `variants:` entry, files written before them).
struct SweepPoint {
  std::vector<std::string> keys;    ///< the swept key paths, first key outermost
  std::vector<std::string> values;  ///< this variant's value of each key, as the scenario wrote it

  bool empty() const { return keys.empty(); }
};

/// The root attributes of a results file.
struct FileMetadata {
  std::string filetype;
  std::int64_t layout_version = 0;
  std::string funnelsim_version;
  std::string scenario_yaml;
  std::string scenario_name;
  std::uint64_t seed = 0;
  std::size_t replications = 0;  ///< stored, per variant
  std::size_t replications_planned = 0;
  std::size_t first_replication = 0;
  bool complete = false;  ///< false when the run stopped before all planned replications
  int quarters = 0;       ///< measured quarters
  int weeks_per_quarter = 0;
  int warmup_weeks = 0;
};

/// Writes a results file atomically, through the output writer of output_path.hpp.
/// Everything goes to a temporary file in the target's directory that commit() turns into
/// the target in one step; without commit() the temporary file vanishes and an existing
/// target is untouched. The target must be a new name or, with `overwrite`, a regular file
/// that is none of `inputs`; a symbolic link, a directory, a FIFO, a device or a socket at
/// its name is refused (OutputError), before the run and again at commit.
///
/// On Linux the temporary file is an unnamed inode (open with O_TMPFILE) that commit() links
/// into the directory, so a process killed at any moment, even by SIGKILL, leaves no stray
/// file: the inode is freed with the process. A new target is linked in under its own name
/// (atomic, nothing left behind); an existing one is replaced by linking a temporary name
/// `.<target-name>.tmp-<random>` and renaming it onto the target, so only a process killed in
/// the microseconds between those two calls leaves that name behind. Where the file system
/// has no O_TMPFILE, the temporary file is that named file from the start, created with
/// O_EXCL | O_NOFOLLOW (a SIGKILL then leaves it behind). The file's data and the directory
/// are fsync'ed at commit.
///
/// Memory does not grow with the replication count: each batch is written as it arrives.
class ResultsWriter {
 public:
  /// Throws OutputError (output_path.hpp) if `target` may not be written: it exists and
  /// `overwrite` is false, it is not a regular file, it is one of `inputs` (the command's
  /// input files, under any name), or its directory is missing; throws ResultsError if the
  /// temporary file cannot be created in the target's directory (unwritable directory,
  /// read-only file system): a long run fails before it starts rather than at its end.
  ResultsWriter(std::filesystem::path target, RunMetadata metadata, bool overwrite,
                const std::vector<std::filesystem::path>& inputs = {});
  ~ResultsWriter();
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;

  /// Creates the group /variants/<name> and its datasets for `model`, whose resolved scenario
  /// text is `resolved_yaml`. The returned sink accepts that variant's replications in order,
  /// starting at RunMetadata::first_replication; it belongs to the writer and lives until
  /// commit() or the writer's destruction. Every variant must share the first one's calendar.
  /// `derived` lists the series a ReplicationHook puts in each replication's `derived`
  /// (FORECAST_SERIES for the forecasts), stored as forecast/<series>; a replication whose
  /// `derived` is empty stores NaN in them. A variant of a sweep passes its `sweep` point
  /// (keys and values of equal count), stored as the group's `sweep_keys` and `sweep_values`.
  sim::ResultSink& add_variant(const std::string& name, const sim::Model& model,
                               const std::string& resolved_yaml,
                               std::span<const sim::SeriesInfo> derived = {},
                               const SweepPoint& sweep = {});

  /// Sets a numeric root attribute (a one-element float64 array), such as the precision a
  /// run reached. Call before commit().
  void set_root_attribute(const std::string& name, double value);

  /// Records that `replications_done` replications were stored (datasets of variants that
  /// received more are cut to that count), marks the file complete when that is the planned
  /// count, then closes the file and renames it onto the target. Throws ResultsError if a
  /// variant received fewer replications, if no variant was added, or on any HDF5 failure.
  void commit(std::size_t replications_done);

  /// The path HDF5 writes through until commit(): /proc/self/fd/<N> where /proc is mounted
  /// (the temporary file unnamed or not), otherwise the named temporary file beside the target.
  const std::filesystem::path& temporary_path() const;
  /// Whether the temporary file is unnamed (O_TMPFILE), so that a killed run leaves nothing.
  bool temporary_is_anonymous() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

/// A 2-D array of doubles in row-major order, such as bookings [replication, quarter].
struct Matrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<double> values;  ///< rows × cols, row-major

  double at(std::size_t row, std::size_t col) const { return values.at(row * cols + col); }
};

/// An array of any rank in row-major order, such as funnel_count [replication, week, stage].
struct Array {
  std::vector<std::size_t> shape;
  std::vector<double> values;  ///< the product of `shape`, row-major
};

/// A dataset's shape and self-description (its `units`, `description` and `dims` attributes).
struct DatasetInfo {
  std::vector<std::size_t> shape;
  std::string units;
  std::string description;
  std::vector<std::string> dims;
};

/// Reads a results file. The constructor checks that the file is HDF5, carries
/// filetype "funnelsim-results" and a layout_version this code understands, and throws
/// ResultsError otherwise (other programs' HDF5, truncated files, newer layouts).
class ResultsReader {
 public:
  explicit ResultsReader(const std::filesystem::path& path);
  ~ResultsReader();
  ResultsReader(const ResultsReader&) = delete;
  ResultsReader& operator=(const ResultsReader&) = delete;

  /// The root attributes.
  const FileMetadata& metadata() const;
  /// The variants' names, in the order they were written.
  std::vector<std::string> variants() const;
  /// The segments of a variant, in the model's order.
  std::vector<std::string> segments(const std::string& variant) const;
  /// The forecast series a variant holds (forecast/<name>), in the order they were written;
  /// none for a run without forecasts.
  std::vector<std::string> forecast_series(const std::string& variant) const;
  /// Whether a variant holds a dataset, such as "cost" (absent from files of layout 1).
  /// Throws ResultsError when the variant itself is missing.
  bool has_dataset(const std::string& variant, const std::string& dataset) const;
  /// A variant's place on its sweep's grid (attributes `sweep_keys`, `sweep_values`); empty
  /// when the variant is no sweep's. Throws ResultsError when the variant is missing or the
  /// attributes are damaged (one without the other, counts that differ, names that break the
  /// rule of variant names).
  SweepPoint sweep_point(const std::string& variant) const;
  /// The names of a segment's stages, in funnel order, as the run stored them.
  std::vector<std::string> stage_names(const std::string& variant,
                                       const std::string& segment) const;
  /// The shape and description of a variant's dataset, such as "segments/small/funnel_count".
  DatasetInfo dataset_info(const std::string& variant, const std::string& dataset) const;
  /// A 2-D dataset of a variant, converted to double: "bookings", "wins", "attainment",
  /// "rep_quota", "segments/small/leads". Throws ResultsError if missing or not 2-D numeric.
  Matrix read_matrix(const std::string& variant, const std::string& dataset) const;
  /// A numeric dataset of any rank, converted to double, such as "rep_bookings".
  Array read_array(const std::string& variant, const std::string& dataset) const;
  /// Rows [first, first + count) of a numeric dataset of any rank, converted to double, such
  /// as a slab of "rep_bookings" [replication, rep, quarter]: bounded memory for a large one.
  /// Throws ResultsError if the rows are not all in the dataset.
  Array read_rows(const std::string& variant, const std::string& dataset, std::size_t first,
                  std::size_t count) const;
  /// A 1-D numeric dataset of a variant, converted to double, such as "quota".
  std::vector<double> read_vector(const std::string& variant, const std::string& dataset) const;
  /// A 1-D string dataset of a variant, such as "rep_team".
  std::vector<std::string> read_strings(const std::string& variant,
                                        const std::string& dataset) const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace funnelsim::analysis
