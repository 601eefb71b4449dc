// core/npy_rows: 2-D .npy files written and read a few rows at a time, so that arrays as long as a
// song (an hour's vectors are 1.4 GB of float64) never have to be held whole.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>

#include "core/file.h"
#include "core/npy.h"

namespace bgv {

// A float64 (rows x columns) array written row by row: the header with the final shape first,
// then the rows in order. Atomic as write_npy: the file appears under its name at commit().
class NpyRowWriter {
  public:
    NpyRowWriter(std::filesystem::path path, std::int64_t rows, std::int64_t columns);

    void write_row(std::span<const double> row);
    std::int64_t rows_written() const { return written_; }
    // Renames the file into place; bgv::Error unless every row was written.
    void commit();

  private:
    std::filesystem::path path_;
    std::int64_t rows_, columns_, written_ = 0;
    std::unique_ptr<AtomicFile> file_;
};

// Rows of a 2-D numeric .npy file (any dtype read_npy_f64 takes, C or Fortran order) read on
// demand as float64. The header is checked as read_npy checks it, and the file's size against the
// shape, when it is opened.
class NpyRowReader {
  public:
    explicit NpyRowReader(const std::filesystem::path& path);
    ~NpyRowReader();
    NpyRowReader(const NpyRowReader&) = delete;
    NpyRowReader& operator=(const NpyRowReader&) = delete;

    std::int64_t rows() const { return header_.shape[0]; }
    std::int64_t columns() const { return header_.shape[1]; }
    const std::filesystem::path& path() const { return path_; }

    // Rows [first, first + count) into `out` (count x columns values, C order).
    void read_rows(std::int64_t first, std::int64_t count, std::span<double> out) const;

  private:
    void read_at(std::uint64_t offset, std::span<std::byte> bytes) const;

    std::filesystem::path path_;
    NpyHeader header_;
    std::size_t item_ = 0;
    int fd_ = -1;
};

}  // namespace bgv
