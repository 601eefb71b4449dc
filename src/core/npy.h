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

// "(2, 3)" as NumPy prints a shape; used in error messages across modules.
std::string shape_string(std::span<const std::int64_t> shape);

}  // namespace bgv
