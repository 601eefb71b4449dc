#include "core/npy_rows.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "core/assert.h"
#include "core/error.h"

namespace bgv {

namespace fs = std::filesystem;

NpyRowWriter::NpyRowWriter(fs::path path, std::int64_t rows, std::int64_t columns)
    : path_(std::move(path)), rows_(rows), columns_(columns) {
    BGV_ASSERT(rows >= 0 && columns > 0, "{} rows of {} columns", rows, columns);
    file_ = std::make_unique<AtomicFile>(path_);
    file_->write(npy_header_bytes("<f8", {rows_, columns_}));
}

void NpyRowWriter::write_row(std::span<const double> row) {
    BGV_ASSERT(static_cast<std::int64_t>(row.size()) == columns_, "row of {} values, expected {}",
               row.size(), columns_);
    BGV_ASSERT(written_ < rows_, "{}: row {} of {}", path_.string(), written_ + 1, rows_);
    file_->write(std::as_bytes(row));
    ++written_;
}

void NpyRowWriter::commit() {
    BGV_ASSERT(written_ == rows_, "{}: {} of {} rows written", path_.string(), written_, rows_);
    file_->commit();
}

NpyRowReader::NpyRowReader(const fs::path& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0)
        fail("{}: cannot open: {}", path.string(), std::strerror(errno));
    try {
        // The header is at most 1 MB (core/npy's bound); read what there is of the first MB.
        std::vector<std::byte> start(std::size_t{1} << 20);
        const ssize_t got = ::pread(fd_, start.data(), start.size(), 0);
        if (got < 0)
            fail("{}: cannot read: {}", path.string(), std::strerror(errno));
        start.resize(static_cast<std::size_t>(got));
        header_ = parse_npy_header(start, path.string());
        item_ = npy_item_size(header_, path.string());
        if (header_.shape.size() != 2)
            fail("{}: shape {}, expected two dimensions", path.string(),
                 shape_string(header_.shape));
        const std::uint64_t needed = npy_value_count(header_, path.string()) * item_;
        const std::uintmax_t size = fs::file_size(path);
        if (size < header_.data_offset || size - header_.data_offset < needed)
            fail("{}: truncated: shape {} needs {} bytes of data, file has {}", path.string(),
                 shape_string(header_.shape), needed,
                 size < header_.data_offset ? 0 : size - header_.data_offset);
    } catch (...) {
        ::close(fd_);
        throw;
    }
}

NpyRowReader::~NpyRowReader() {
    ::close(fd_);
}

void NpyRowReader::read_at(std::uint64_t offset, std::span<std::byte> bytes) const {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t got = ::pread(fd_, bytes.data() + done, bytes.size() - done,
                                    static_cast<off_t>(offset + done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            fail("{}: cannot read at byte {}: {}", path_.string(), offset + done,
                 got < 0 ? std::strerror(errno) : "the file was cut short");
        done += static_cast<std::size_t>(got);
    }
}

void NpyRowReader::read_rows(std::int64_t first, std::int64_t count, std::span<double> out) const {
    BGV_ASSERT(first >= 0 && count >= 0 && first + count <= rows(), "rows {}+{} of {}", first,
               count, rows());
    const auto cols = static_cast<std::size_t>(columns());
    BGV_ASSERT(out.size() == static_cast<std::size_t>(count) * cols, "{} values for {} rows",
               out.size(), count);
    if (count == 0)
        return;
    if (!header_.fortran_order) {
        std::vector<std::byte> raw(out.size() * item_);
        read_at(header_.data_offset + static_cast<std::uint64_t>(first) * cols * item_, raw);
        convert_npy_values(header_, raw.data(), out.size(), out.data());
        return;
    }
    // Fortran order: each column is contiguous; gather the rows' part of every column.
    std::vector<std::byte> raw(static_cast<std::size_t>(count) * item_);
    std::vector<double> column(static_cast<std::size_t>(count));
    for (std::size_t c = 0; c < cols; ++c) {
        const std::uint64_t index = c * static_cast<std::uint64_t>(rows()) + first;
        read_at(header_.data_offset + index * item_, raw);
        convert_npy_values(header_, raw.data(), column.size(), column.data());
        for (std::int64_t r = 0; r < count; ++r)
            out[static_cast<std::size_t>(r) * cols + c] = column[static_cast<std::size_t>(r)];
    }
}

}  // namespace bgv
