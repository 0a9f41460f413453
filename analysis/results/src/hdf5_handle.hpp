#pragma once
// Internal: RAII ownership of HDF5 identifiers and the conversion of HDF5 failures into
// ResultsError. Only the analysis library's sources include this (HDF5 stays private).

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "funnelsim/error.hpp"

namespace funnelsim::analysis::hdf5 {

/// Owns one HDF5 identifier and closes it with `Close`. Move-only.
template <herr_t (*Close)(hid_t)>
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  ~Handle() { reset(); }
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

  /// Closes now, ignoring failure (for destructors and error paths).
  void reset() {
    if (id_ >= 0) {
      Close(id_);
    }
    id_ = H5I_INVALID_HID;
  }
  /// Closes now and returns HDF5's status (closing a file flushes it, which can fail).
  herr_t close() {
    const herr_t status = id_ >= 0 ? Close(id_) : 0;
    id_ = H5I_INVALID_HID;
    return status;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using File = Handle<H5Fclose>;
using Group = Handle<H5Gclose>;
using Dataset = Handle<H5Dclose>;
using Dataspace = Handle<H5Sclose>;
using Datatype = Handle<H5Tclose>;
using Attribute = Handle<H5Aclose>;
using PropertyList = Handle<H5Pclose>;

/// Turns off HDF5's printing of its error stack on the calling thread (the library is
/// built thread-safe, so the setting is per thread); failures become ResultsError instead.
void silence_errors();

/// Throws ResultsError "<where>: <what> (HDF5: <its innermost error message>)", the system's
/// reason appended when a write failed for lack of space or a read-only file system. `where`
/// is the writer's text (the file's path, then what it was writing).
[[noreturn]] void fail(std::string_view where, std::string_view what);
/// The same, for a reader: the error is located at `where` (the file, and a dataset within
/// it), and its what() reads the same "<file>: <dataset>: <what> (HDF5: ...)".
[[noreturn]] void fail(const ErrorLocation& where, std::string_view what);

/// Returns `status` (an hid_t, herr_t, htri_t, hssize_t...), or fails with `what` if it is
/// negative, HDF5's mark of failure.
template <typename Status>
Status check(Status status, std::string_view where, std::string_view what) {
  if (status < 0) {
    fail(where, what);
  }
  return status;
}
template <typename Status>
Status check(Status status, const ErrorLocation& where, std::string_view what) {
  if (status < 0) {
    fail(where, what);
  }
  return status;
}

/// Fails unless every link in `file` is a hard link. Soft links can loop or lead anywhere,
/// and external links open other files (a FIFO named there hangs the reader); funnelsim
/// writes neither. Names the first such link.
void check_links(hid_t file, const ErrorLocation& where);

/// Checks, before any of its data is read, that `dataset` holds what it declares: stored in
/// the file itself (no external storage, no virtual dataset), its storage inside the file's
/// `file_size` bytes, its declared size backed by that storage (deflate expands at most
/// RESULTS_DEFLATE_MAX_RATIO-fold; only deflate, shuffle and fletcher32 filters), and at
/// most RESULTS_DATASET_LIMIT_BYTES once read as `memory_element_size`-byte elements.
/// Returns its number of elements. `where` is the file and the dataset.
std::uint64_t check_dataset_storage(hid_t dataset, std::uintmax_t file_size,
                                    std::size_t memory_element_size, const ErrorLocation& where);

/// A variable-length UTF-8 string type, as h5py writes `str`.
Datatype utf8_string_type();

/// A property list of `property_class` with object time tracking off, so that two runs
/// write byte-identical files.
PropertyList creation_properties(hid_t property_class, std::string_view where);

}  // namespace funnelsim::analysis::hdf5
