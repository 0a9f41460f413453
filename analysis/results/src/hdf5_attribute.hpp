#pragma once
// Internal: typed attributes and string data on HDF5 objects. Strings are written as
// variable-length UTF-8 (what h5py reads as `str`); fixed-length strings are read too. The
// writers name what they write in the text of their errors (`where`, the file's path first);
// the readers' errors are located at `where`, the file read and the object within it.

#include <hdf5.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "funnelsim/error.hpp"

namespace funnelsim::analysis::hdf5 {

void write_string_attribute(hid_t object, const std::string& name, std::string_view value,
                            std::string_view where);
void write_strings_attribute(hid_t object, const std::string& name,
                             const std::vector<std::string>& values, std::string_view where);
void write_int64_attribute(hid_t object, const std::string& name, std::int64_t value,
                           std::string_view where);
void write_uint64_attribute(hid_t object, const std::string& name, std::uint64_t value,
                            std::string_view where);
void write_doubles_attribute(hid_t object, const std::string& name, std::span<const double> values,
                             std::string_view where);

bool has_attribute(hid_t object, const std::string& name, const ErrorLocation& where);
/// Each reader fails with "<where>: missing attribute '<name>'" when it is absent.
std::string read_string_attribute(hid_t object, const std::string& name,
                                  const ErrorLocation& where);
std::vector<std::string> read_strings_attribute(hid_t object, const std::string& name,
                                                const ErrorLocation& where);
std::int64_t read_int64_attribute(hid_t object, const std::string& name,
                                  const ErrorLocation& where);
std::uint64_t read_uint64_attribute(hid_t object, const std::string& name,
                                    const ErrorLocation& where);

/// Writes the whole of a 1-D string dataset that already exists.
void write_strings_dataset(hid_t dataset, const std::vector<std::string>& values,
                           std::string_view where);
/// Reads the whole of a string dataset, flattened.
std::vector<std::string> read_strings_dataset(hid_t dataset, const ErrorLocation& where);

}  // namespace funnelsim::analysis::hdf5
