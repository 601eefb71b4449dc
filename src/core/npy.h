// core/npy: NumPy .npy files (format 1.0-3.0, C order, little-endian), the exchange format for
// features, vectors and generator outputs, and the format the original tool saved its vectors in.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bgv {

template <typename T>
struct NpyArray {
    std::vector<std::int64_t> shape;
    std::vector<T> data;  // C order

    std::int64_t size() const { return static_cast<std::int64_t>(data.size()); }
};

// Reads float32, float64, int8-64, uint8-64 or bool arrays, converting the values to T; arrays
// stored in Fortran order come back in C order.
NpyArray<float> read_npy_f32(const std::filesystem::path& path);
NpyArray<double> read_npy_f64(const std::filesystem::path& path);
// The same from bytes in memory; `name` is used in messages. The header is parsed strictly and
// the shape's product checked against the data present, so any bytes give an array or an Error.
NpyArray<float> parse_npy_f32(std::span<const std::byte> bytes, std::string_view name);
NpyArray<double> parse_npy_f64(std::span<const std::byte> bytes, std::string_view name);

// Writes atomically (core/file). The product of `shape` must equal the number of values.
void write_npy(const std::filesystem::path& path, std::span<const float> values,
               const std::vector<std::int64_t>& shape);
void write_npy(const std::filesystem::path& path, std::span<const double> values,
               const std::vector<std::int64_t>& shape);

// The parts of a .npy file's header, for readers that do not hold the whole file (core/npy_rows).
struct NpyHeader {
    std::string dtype;  // e.g. "<f4"
    bool fortran_order = false;
    std::vector<std::int64_t> shape;
    std::size_t data_offset = 0;  // where the values start
};
// Parses the header at the start of `bytes` strictly (the bytes after it are not looked at).
NpyHeader parse_npy_header(std::span<const std::byte> bytes, std::string_view name);
// Bytes per value of the header's dtype (bgv::Error for dtypes read_npy does not take).
std::size_t npy_item_size(const NpyHeader& header, std::string_view name);
// The number of values the shape holds (bgv::Error when no file could hold them).
std::uint64_t npy_value_count(const NpyHeader& header, std::string_view name);
// `count` raw values of the header's dtype as doubles.
void convert_npy_values(const NpyHeader& header, const std::byte* raw, std::size_t count,
                        double* out);
// The header write_npy writes for `dtype` ("<f8") and `shape` (data 64-byte aligned).
std::string npy_header_bytes(const char* dtype, const std::vector<std::int64_t>& shape);

// "(2, 3)" as NumPy prints a shape; used in error messages across modules.
std::string shape_string(std::span<const std::int64_t> shape);

}  // namespace bgv
