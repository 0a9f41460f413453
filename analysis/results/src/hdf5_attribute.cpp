#include "hdf5_attribute.hpp"

#include <algorithm>
#include <functional>

#include "funnelsim/results/results_file.hpp"
#include "hdf5_handle.hpp"

namespace funnelsim::analysis::hdf5 {
namespace {

std::string attribute_context(const std::string& name) {
  return "attribute '" + name + "'";
}

void write_attribute(hid_t object, const std::string& name, hid_t file_type, hid_t memory_type,
                     hid_t space, const void* values, std::string_view where) {
  const std::string context = attribute_context(name);
  Attribute attribute(
      check(H5Acreate2(object, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT), where,
            "cannot create " + context));
  check(H5Awrite(attribute.get(), memory_type, values), where, "cannot write " + context);
}

void write_scalar_attribute(hid_t object, const std::string& name, hid_t type, const void* value,
                            std::string_view where) {
  Dataspace scalar(check(H5Screate(H5S_SCALAR), where, "cannot create dataspace"));
  write_attribute(object, name, type, type, scalar.get(), value, where);
}

/// The elements of an opened attribute, after checking that reading it takes at most
/// RESULTS_ATTRIBUTE_LIMIT_BYTES (a crafted file can declare any dataspace).
std::uint64_t attribute_elements(hid_t attribute, const std::string& name,
                                 const ErrorLocation& where) {
  const Datatype type(check(H5Aget_type(attribute), where, "bad attribute type"));
  const Dataspace space(check(H5Aget_space(attribute), where, "bad attribute dataspace"));
  const auto elements = static_cast<std::uint64_t>(
      check(H5Sget_simple_extent_npoints(space.get()), where, "bad attribute dataspace"));
  const std::uint64_t element_size = std::max<std::uint64_t>(H5Tget_size(type.get()), 8);
  if (elements > RESULTS_ATTRIBUTE_LIMIT_BYTES / element_size) {
    throw ResultsError::at(where, attribute_context(name) + " declares " +
                                      std::to_string(elements) + " elements of " +
                                      std::to_string(element_size) + " bytes, more than the " +
                                      std::to_string(RESULTS_ATTRIBUTE_LIMIT_BYTES) +
                                      " bytes funnelsim reads from one attribute");
  }
  return elements;
}

Attribute open_attribute(hid_t object, const std::string& name, const ErrorLocation& where) {
  const hid_t id = has_attribute(object, name, where) ? H5Aopen(object, name.c_str(), H5P_DEFAULT)
                                                      : H5I_INVALID_HID;
  if (id < 0) {
    fail(where, "missing " + attribute_context(name));
  }
  Attribute attribute(id);
  attribute_elements(attribute.get(), name, where);
  return attribute;
}

/// Opens an attribute that must hold one value, which is read into a single variable.
Attribute open_single_attribute(hid_t object, const std::string& name, const ErrorLocation& where) {
  Attribute attribute = open_attribute(object, name, where);
  if (attribute_elements(attribute.get(), name, where) != 1) {
    fail(where, attribute_context(name) + " is not a single value");
  }
  return attribute;
}

std::vector<const char*> c_strings(const std::vector<std::string>& values) {
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const std::string& value : values) {
    pointers.push_back(value.c_str());
  }
  return pointers;
}

// Reads every string of an attribute or dataset, whose stored type is `stored_type` and
// dataspace `space`; `read` does the H5Aread or H5Dread into a buffer of `memory_type`.
std::vector<std::string> read_strings(hid_t stored_type, hid_t space,
                                      const std::function<herr_t(hid_t, void*)>& read,
                                      const ErrorLocation& where, const std::string& context) {
  if (H5Tget_class(stored_type) != H5T_STRING) {
    fail(where, context + " is not a string");
  }
  const hssize_t count = check(H5Sget_simple_extent_npoints(space), where, "bad dataspace");
  std::vector<std::string> values;
  values.reserve(static_cast<std::size_t>(count));
  Datatype memory_type(
      check(H5Tget_native_type(stored_type, H5T_DIR_DEFAULT), where, "cannot read " + context));
  if (H5Tis_variable_str(stored_type) > 0) {
    std::vector<char*> pointers(static_cast<std::size_t>(count), nullptr);
    check(read(memory_type.get(), pointers.data()), where, "cannot read " + context);
    for (const char* pointer : pointers) {
      values.emplace_back(pointer != nullptr ? pointer : "");
    }
    H5Dvlen_reclaim(memory_type.get(), space, H5P_DEFAULT, pointers.data());
    return values;
  }
  const std::size_t size = H5Tget_size(stored_type);
  std::vector<char> buffer(size * static_cast<std::size_t>(count) + 1, '\0');
  check(read(memory_type.get(), buffer.data()), where, "cannot read " + context);
  const bool space_padded = H5Tget_strpad(stored_type) == H5T_STR_SPACEPAD;
  for (hssize_t i = 0; i < count; ++i) {
    const char* begin = buffer.data() + static_cast<std::size_t>(i) * size;
    std::string value(begin, std::find(begin, begin + size, '\0'));
    if (space_padded) {
      value.erase(value.find_last_not_of(' ') + 1);
    }
    values.push_back(std::move(value));
  }
  return values;
}

}  // namespace

void write_string_attribute(hid_t object, const std::string& name, std::string_view value,
                            std::string_view where) {
  const std::string text(value);
  const char* pointer = text.c_str();
  write_scalar_attribute(object, name, utf8_string_type().get(), &pointer, where);
}

void write_strings_attribute(hid_t object, const std::string& name,
                             const std::vector<std::string>& values, std::string_view where) {
  const hsize_t count = values.size();
  Dataspace space(check(H5Screate_simple(1, &count, nullptr), where, "cannot create dataspace"));
  const Datatype type = utf8_string_type();
  const std::vector<const char*> pointers = c_strings(values);
  write_attribute(object, name, type.get(), type.get(), space.get(), pointers.data(), where);
}

void write_int64_attribute(hid_t object, const std::string& name, std::int64_t value,
                           std::string_view where) {
  write_scalar_attribute(object, name, H5T_NATIVE_INT64, &value, where);
}

void write_uint64_attribute(hid_t object, const std::string& name, std::uint64_t value,
                            std::string_view where) {
  write_scalar_attribute(object, name, H5T_NATIVE_UINT64, &value, where);
}

void write_doubles_attribute(hid_t object, const std::string& name, std::span<const double> values,
                             std::string_view where) {
  const hsize_t count = values.size();
  Dataspace space(check(H5Screate_simple(1, &count, nullptr), where, "cannot create dataspace"));
  write_attribute(object, name, H5T_NATIVE_DOUBLE, H5T_NATIVE_DOUBLE, space.get(), values.data(),
                  where);
}

bool has_attribute(hid_t object, const std::string& name, const ErrorLocation& where) {
  return check(H5Aexists(object, name.c_str()), where,
               "cannot look up " + attribute_context(name)) > 0;
}

std::string read_string_attribute(hid_t object, const std::string& name,
                                  const ErrorLocation& where) {
  const std::vector<std::string> values = read_strings_attribute(object, name, where);
  if (values.size() != 1) {
    fail(where, attribute_context(name) + " is not a single string");
  }
  return values.front();
}

std::vector<std::string> read_strings_attribute(hid_t object, const std::string& name,
                                                const ErrorLocation& where) {
  const Attribute attribute = open_attribute(object, name, where);
  // Each variable-length string may be as long as the file: few strings keep memory bounded.
  const std::uint64_t elements = attribute_elements(attribute.get(), name, where);
  if (elements > RESULTS_ATTRIBUTE_STRINGS_LIMIT) {
    throw ResultsError::at(where, attribute_context(name) + " holds " + std::to_string(elements) +
                                      " strings, more than the " +
                                      std::to_string(RESULTS_ATTRIBUTE_STRINGS_LIMIT) +
                                      " funnelsim reads");
  }
  const Datatype type(check(H5Aget_type(attribute.get()), where, "bad attribute type"));
  const Dataspace space(check(H5Aget_space(attribute.get()), where, "bad attribute dataspace"));
  return read_strings(
      type.get(), space.get(),
      [&](hid_t memory_type, void* buffer) {
        return H5Aread(attribute.get(), memory_type, buffer);
      },
      where, attribute_context(name));
}

std::int64_t read_int64_attribute(hid_t object, const std::string& name,
                                  const ErrorLocation& where) {
  const Attribute attribute = open_single_attribute(object, name, where);
  std::int64_t value = 0;
  check(H5Aread(attribute.get(), H5T_NATIVE_INT64, &value), where,
        "cannot read " + attribute_context(name) + " as an integer");
  return value;
}

std::uint64_t read_uint64_attribute(hid_t object, const std::string& name,
                                    const ErrorLocation& where) {
  const Attribute attribute = open_single_attribute(object, name, where);
  std::uint64_t value = 0;
  check(H5Aread(attribute.get(), H5T_NATIVE_UINT64, &value), where,
        "cannot read " + attribute_context(name) + " as an unsigned integer");
  return value;
}

void write_strings_dataset(hid_t dataset, const std::vector<std::string>& values,
                           std::string_view where) {
  const std::vector<const char*> pointers = c_strings(values);
  check(H5Dwrite(dataset, utf8_string_type().get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()),
        where, "cannot write strings");
}

std::vector<std::string> read_strings_dataset(hid_t dataset, const ErrorLocation& where) {
  const Datatype type(check(H5Dget_type(dataset), where, "bad dataset type"));
  const Dataspace space(check(H5Dget_space(dataset), where, "bad dataset dataspace"));
  if (H5Tget_class(type.get()) == H5T_STRING && H5Tis_variable_str(type.get()) > 0) {
    // The strings' total length, from the heap, before any is copied out.
    const Datatype memory_type(
        check(H5Tget_native_type(type.get(), H5T_DIR_DEFAULT), where, "bad dataset type"));
    hsize_t bytes = 0;
    check(H5Dvlen_get_buf_size(dataset, memory_type.get(), space.get(), &bytes), where,
          "cannot read strings");
    if (bytes > RESULTS_DATASET_LIMIT_BYTES) {
      throw ResultsError::at(where, "its strings take " + std::to_string(bytes) +
                                        " bytes, more than the " +
                                        std::to_string(RESULTS_DATASET_LIMIT_BYTES) +
                                        " bytes funnelsim reads from one dataset");
    }
  }
  return read_strings(
      type.get(), space.get(),
      [&](hid_t memory_type, void* buffer) {
        return H5Dread(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
      },
      where, "dataset");
}

}  // namespace funnelsim::analysis::hdf5
