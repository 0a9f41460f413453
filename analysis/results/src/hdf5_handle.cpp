#include "hdf5_handle.hpp"

#include <algorithm>
#include <cerrno>
#include <limits>
#include <system_error>
#include <vector>

#include "funnelsim/results/results_file.hpp"

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

/// `what`, then HDF5's innermost error and the system's reason for a failed write: the stdio
/// driver says only "fwrite failed"; the reason (a full disk, a file-size limit) is in errno,
/// which HDF5 leaves alone after the failing call and the caller reads first.
std::string failure(std::string_view what, int system_error) {
  std::string message(what);
  const std::string detail = innermost_error();
  if (!detail.empty()) {
    message += " (HDF5: " + detail + ")";
  }
  if (system_error == ENOSPC || system_error == EFBIG || system_error == EDQUOT ||
      system_error == EIO || system_error == EROFS) {
    message += ": " + std::error_code(system_error, std::generic_category()).message();
  }
  return message;
}

std::string bytes_text(std::uint64_t bytes) {
  return std::to_string(bytes) + " bytes";
}

/// a × b, or the largest value when it overflows (then above every limit).
std::uint64_t saturated_product(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) {
    return std::numeric_limits<std::uint64_t>::max();
  }
  return a * b;
}

struct LinkVisit {
  std::string bad;
  H5L_type_t type = H5L_TYPE_HARD;
};

herr_t find_non_hard_link(hid_t, const char* name, const H5L_info_t* info, void* client) {
  if (info->type == H5L_TYPE_HARD) {
    return 0;
  }
  auto& visit = *static_cast<LinkVisit*>(client);
  visit.bad = name;
  visit.type = info->type;
  return 1;  // stop: one is enough to refuse the file
}

/// Fails unless the chunked dataset's filters are ones funnelsim writes (or h5py's gzip and
/// checksums), and returns how many times its stored bytes may expand: deflate's maximum, or
/// 1 without compression.
std::uint64_t chunk_expansion(hid_t creation, const ErrorLocation& where) {
  const int filters = check(H5Pget_nfilters(creation), where, "bad filter pipeline");
  std::uint64_t expansion = 1;
  for (int i = 0; i < filters; ++i) {
    unsigned flags = 0;
    std::size_t values = 0;
    unsigned config = 0;
    const H5Z_filter_t filter = H5Pget_filter2(creation, static_cast<unsigned>(i), &flags, &values,
                                               nullptr, 0, nullptr, &config);
    if (filter == H5Z_FILTER_DEFLATE) {
      expansion = RESULTS_DEFLATE_MAX_RATIO;
    } else if (filter != H5Z_FILTER_SHUFFLE && filter != H5Z_FILTER_FLETCHER32) {
      throw ResultsError::at(where,
                             "compressed with HDF5 filter " + std::to_string(filter) +
                                 "; funnelsim reads only deflate (gzip), shuffle and fletcher32");
    }
  }
  return expansion;
}

}  // namespace

void check_links(hid_t file, const ErrorLocation& where) {
  LinkVisit visit;
  check(H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, find_non_hard_link, &visit), where,
        "cannot list the file's objects");
  if (!visit.bad.empty()) {
    const char* kind = visit.type == H5L_TYPE_SOFT       ? "a soft link"
                       : visit.type == H5L_TYPE_EXTERNAL ? "an external link (to another file)"
                                                         : "a user-defined link";
    throw ResultsError::at(where, visit.bad + " is " + kind +
                                      "; a results file holds only its own objects (hard links)");
  }
}

std::uint64_t check_dataset_storage(hid_t dataset, std::uintmax_t file_size,
                                    std::size_t memory_element_size, const ErrorLocation& where) {
  const PropertyList creation(
      check(H5Dget_create_plist(dataset), where, "bad dataset creation properties"));
  const H5D_layout_t layout = H5Pget_layout(creation.get());
  if (layout == H5D_VIRTUAL) {
    throw ResultsError::at(where,
                           "is a virtual dataset (its data would come from other files); "
                           "funnelsim reads only data stored in the results file itself");
  }
  if (H5Pget_external_count(creation.get()) != 0) {
    throw ResultsError::at(where,
                           "its data are stored in external files; funnelsim reads only data "
                           "stored in the results file itself");
  }
  const Datatype type(check(H5Dget_type(dataset), where, "bad type"));
  const std::size_t stored_element = H5Tget_size(type.get());
  if (stored_element == 0) {
    fail(where, "bad type");
  }
  const Dataspace space(check(H5Dget_space(dataset), where, "bad dataspace"));
  const auto elements = static_cast<std::uint64_t>(
      check(H5Sget_simple_extent_npoints(space.get()), where, "bad dataspace"));
  const std::uint64_t memory =
      saturated_product(elements, std::max(memory_element_size, stored_element));
  if (memory > RESULTS_DATASET_LIMIT_BYTES) {
    throw ResultsError::at(where, "declares " + std::to_string(elements) + " elements (" +
                                      bytes_text(memory) + " to read), more than the " +
                                      bytes_text(RESULTS_DATASET_LIMIT_BYTES) +
                                      " funnelsim reads from one dataset");
  }
  if (elements == 0) {
    return 0;
  }
  const std::uint64_t declared = elements * stored_element;
  const hsize_t storage = H5Dget_storage_size(dataset);
  if (storage > file_size) {
    throw ResultsError::at(where, "claims " + bytes_text(storage) + " of storage in a file of " +
                                      bytes_text(file_size) + " (damaged or crafted file)");
  }
  const auto refuse_unbacked = [&](const std::string& how) {
    throw ResultsError::at(where, "declares " + std::to_string(elements) + " elements (" +
                                      bytes_text(declared) + ") but stores " + bytes_text(storage) +
                                      how + " (damaged or crafted file)");
  };
  switch (layout) {
    case H5D_CONTIGUOUS: {
      if (storage < declared) {
        refuse_unbacked("");
      }
      const haddr_t offset = H5Dget_offset(dataset);
      if (offset == HADDR_UNDEF || offset > file_size || storage > file_size - offset) {
        throw ResultsError::at(where, "its data lie outside the file (damaged or crafted file)");
      }
      break;
    }
    case H5D_COMPACT:
      if (declared > 64 * 1024) {
        refuse_unbacked(" in the object header");
      }
      break;
    case H5D_CHUNKED: {
      const std::uint64_t expansion = chunk_expansion(creation.get(), where);
      if (declared > saturated_product(storage, expansion)) {
        refuse_unbacked(expansion > 1 ? ", more than deflate can expand (" +
                                            std::to_string(expansion) + " times)"
                                      : "");
      }
      const int rank = check(H5Pget_chunk(creation.get(), 0, nullptr), where, "bad chunk shape");
      std::vector<hsize_t> chunk(static_cast<std::size_t>(std::max(rank, 0)), 0);
      check(H5Pget_chunk(creation.get(), rank, chunk.data()), where, "bad chunk shape");
      std::uint64_t chunk_bytes = stored_element;
      for (const hsize_t dim : chunk) {
        chunk_bytes = saturated_product(chunk_bytes, dim);
      }
      if (chunk_bytes > std::max(RESULTS_CHUNK_LIMIT_BYTES, declared)) {
        throw ResultsError::at(where, "its chunks of " + bytes_text(chunk_bytes) +
                                          " are larger than the dataset (" + bytes_text(declared) +
                                          ") and the " + bytes_text(RESULTS_CHUNK_LIMIT_BYTES) +
                                          " funnelsim allows (damaged or crafted file)");
      }
      break;
    }
    default:
      throw ResultsError::at(where, "has an unknown storage layout");
  }
  return elements;
}

void silence_errors() {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

void fail(std::string_view where, std::string_view what) {
  const int system_error = errno;
  throw ResultsError(std::string(where) + ": " + failure(what, system_error));
}

void fail(const ErrorLocation& where, std::string_view what) {
  const int system_error = errno;
  throw ResultsError::at(where, failure(what, system_error));
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
