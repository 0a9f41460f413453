#include "hdf5_handle.hpp"

#include <cerrno>
#include <system_error>

#include "funnelsim/analysis/results_file.hpp"

namespace funnelsim::analysis::hdf5 {
namespace {

// HDF5 otherwise closes every file still open at exit. A file whose flush failed (a full
// disk) cannot be closed, and HDF5 1.10.8 then crashes at exit in H5F__close_cb: the user
// would see "Segmentation fault" after the clean message. Every file is closed by its RAII
// handle anyway, and an unfinished temporary file is meant to be dropped, not flushed.
// H5dont_atexit must come before the library's first use, hence a static initialiser.
const bool no_cleanup_at_exit = H5dont_atexit() >= 0;

// Walking upward starts at the most specific error ("truncated file: eof = ..."), which
// says more to a user than the API-level "unable to open file".
herr_t keep_innermost(unsigned position, const H5E_error2_t* error, void* client) {
  if (position == 0 && error->desc != nullptr) {
    *static_cast<std::string*>(client) = error->desc;
  }
  return 0;
}

// The POSIX driver reports "... errno = 28, error message = 'No space left on device', buf =
// 0x..., total write size = ..."; the system's message is what a user needs.
std::string without_driver_detail(const std::string& description) {
  const std::string marker = "error message = '";
  const std::size_t begin = description.find(marker);
  if (begin == std::string::npos) {
    return description;
  }
  const std::size_t text = begin + marker.size();
  const std::size_t end = description.find('\'', text);
  return end == std::string::npos ? description : description.substr(text, end - text);
}

std::string innermost_error() {
  std::string description;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, &description);
  H5Eclear2(H5E_DEFAULT);
  return without_driver_detail(description);
}

}  // namespace

void silence_errors() {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

void fail(std::string_view where, std::string_view what) {
  // The stdio driver says only "fwrite failed"; the reason (a full disk, a file-size limit)
  // is in errno, which HDF5 leaves alone after the failing call.
  const int system_error = errno;
  std::string message = std::string(where) + ": " + std::string(what);
  const std::string detail = innermost_error();
  if (!detail.empty()) {
    message += " (HDF5: " + detail + ")";
  }
  if (system_error == ENOSPC || system_error == EFBIG || system_error == EDQUOT ||
      system_error == EIO || system_error == EROFS) {
    message += ": " + std::error_code(system_error, std::generic_category()).message();
  }
  throw ResultsError(message);
}

Datatype utf8_string_type() {
  Datatype type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

PropertyList creation_properties(hid_t property_class, std::string_view where) {
  PropertyList properties(check(H5Pcreate(property_class), where, "cannot create property list"));
  check(H5Pset_obj_track_times(properties.get(), false), where, "cannot turn off time tracking");
  return properties;
}

}  // namespace funnelsim::analysis::hdf5
