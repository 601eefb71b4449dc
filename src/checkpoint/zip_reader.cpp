#include "checkpoint/zip_reader.h"

#include <cstring>

#include "checkpoint/unpickler.h"
#include "core/error.h"

namespace bgv::checkpoint {

namespace {

constexpr std::uint32_t local_header_signature = 0x04034b50;
constexpr std::uint32_t central_header_signature = 0x02014b50;
constexpr std::uint32_t end_signature = 0x06054b50;
constexpr std::uint32_t zip64_end_signature = 0x06064b50;
constexpr std::uint32_t zip64_locator_signature = 0x07064b50;
constexpr std::size_t end_record_size = 22;
constexpr std::size_t zip64_locator_size = 20;
constexpr std::size_t zip64_end_record_size = 56;
constexpr std::size_t central_header_size = 46;
constexpr std::size_t local_header_size = 30;
constexpr std::uint16_t zip64_extra_id = 0x0001;
constexpr std::uint16_t encrypted_flag = 0x0001;

// Little-endian fields of a record that has been checked to lie within the archive.
class Record {
  public:
    Record(std::span<const std::byte> bytes, std::uint64_t offset, std::uint64_t size,
           std::string_view what) {
        if (offset > bytes.size() || size > bytes.size() - offset)
            fail("truncated zip archive: {} at byte {} runs past its end ({} bytes)", what, offset,
                 bytes.size());
        data_ = bytes.subspan(static_cast<std::size_t>(offset), static_cast<std::size_t>(size));
    }
    template <typename T>
    T at(std::size_t position) const {
        T value;
        std::memcpy(&value, data_.data() + position, sizeof(T));
        return value;
    }
    std::span<const std::byte> span() const { return data_; }

  private:
    std::span<const std::byte> data_;
};

std::uint32_t read_u32(std::span<const std::byte> bytes, std::size_t position) {
    std::uint32_t value;
    std::memcpy(&value, bytes.data() + position, sizeof value);
    return value;
}

struct Directory {
    std::uint64_t entries = 0;
    std::uint64_t size = 0;
    std::uint64_t offset = 0;
};

Directory find_directory(std::span<const std::byte> bytes) {
    if (bytes.size() < end_record_size)
        fail("truncated zip archive: {} bytes, no end-of-central-directory record", bytes.size());
    // The end record sits at the end, followed only by a comment of at most 65535 bytes.
    const std::size_t lowest =
        bytes.size() > end_record_size + 0xffff ? bytes.size() - end_record_size - 0xffff : 0;
    std::size_t position = bytes.size() - end_record_size;
    for (;;) {
        if (read_u32(bytes, position) == end_signature)
            break;
        if (position == lowest)
            fail("truncated or not a zip archive: no end-of-central-directory record");
        --position;
    }
    const Record end(bytes, position, end_record_size, "end record");
    Directory directory{end.at<std::uint16_t>(10), end.at<std::uint32_t>(12),
                        end.at<std::uint32_t>(16)};

    if (position >= zip64_locator_size &&
        read_u32(bytes, position - zip64_locator_size) == zip64_locator_signature) {
        const Record locator(bytes, position - zip64_locator_size, zip64_locator_size,
                             "zip64 locator");
        const Record end64(bytes, locator.at<std::uint64_t>(8), zip64_end_record_size,
                           "zip64 end record");
        if (end64.at<std::uint32_t>(0) != zip64_end_signature)
            fail("corrupt zip archive: bad zip64 end record");
        directory = {end64.at<std::uint64_t>(32), end64.at<std::uint64_t>(40),
                     end64.at<std::uint64_t>(48)};
    }
    if (directory.offset > bytes.size() || directory.size > bytes.size() - directory.offset)
        fail(
            "truncated zip archive: central directory (bytes {} + {}) runs past its end ({} bytes)",
            directory.offset, directory.size, bytes.size());
    if (directory.entries > directory.size / central_header_size)
        fail("corrupt zip archive: {} entries cannot fit a {}-byte central directory",
             directory.entries, directory.size);
    return directory;
}

// Replaces the 32-bit fields saturated at 0xffffffff by their zip64 extra-field values.
void apply_zip64_extra(std::span<const std::byte> extra, std::uint64_t& size,
                       std::uint64_t& compressed, std::uint64_t& local_offset) {
    std::size_t position = 0;
    while (position + 4 <= extra.size()) {
        std::uint16_t id, length;
        std::memcpy(&id, extra.data() + position, 2);
        std::memcpy(&length, extra.data() + position + 2, 2);
        position += 4;
        if (length > extra.size() - position)
            fail("corrupt zip archive: extra field runs past its header");
        if (id == zip64_extra_id) {
            std::size_t field = position;
            for (std::uint64_t* value : {&size, &compressed, &local_offset}) {
                if (*value != 0xffffffffu)
                    continue;
                if (field + 8 > position + length)
                    fail("corrupt zip archive: short zip64 extra field");
                std::memcpy(value, extra.data() + field, 8);
                field += 8;
            }
        }
        position += length;
    }
}

}  // namespace

bool is_zip(std::span<const std::byte> bytes) {
    return bytes.size() >= 4 &&
           (read_u32(bytes, 0) == local_header_signature || read_u32(bytes, 0) == end_signature);
}

ZipArchive::ZipArchive(std::span<const std::byte> bytes) : bytes_(bytes) {
    const Directory directory = find_directory(bytes);
    entries_.reserve(static_cast<std::size_t>(directory.entries));
    std::uint64_t position = directory.offset;
    const std::uint64_t directory_end = directory.offset + directory.size;
    for (std::uint64_t i = 0; i < directory.entries; ++i) {
        if (position > directory_end || central_header_size > directory_end - position)
            fail("corrupt zip archive: central directory entry {} runs past the directory", i);
        const Record header(bytes, position, central_header_size, "central directory entry");
        if (header.at<std::uint32_t>(0) != central_header_signature)
            fail("corrupt zip archive: bad central directory entry {}", i);
        const auto flags = header.at<std::uint16_t>(8);
        const auto method = header.at<std::uint16_t>(10);
        std::uint64_t compressed = header.at<std::uint32_t>(20);
        std::uint64_t size = header.at<std::uint32_t>(24);
        const auto name_length = header.at<std::uint16_t>(28);
        const auto extra_length = header.at<std::uint16_t>(30);
        const auto comment_length = header.at<std::uint16_t>(32);
        std::uint64_t local_offset = header.at<std::uint32_t>(42);
        const Record variable(bytes, position + central_header_size,
                              std::uint64_t{name_length} + extra_length + comment_length,
                              "central directory entry");
        const auto name_bytes = variable.span().first(name_length);
        std::string name(reinterpret_cast<const char*>(name_bytes.data()), name_bytes.size());
        apply_zip64_extra(variable.span().subspan(name_length, extra_length), size, compressed,
                          local_offset);
        position += central_header_size + name_length + extra_length + comment_length;

        if (flags & encrypted_flag)
            fail("zip entry '{}' is encrypted", printable(name));
        const Record local(bytes, local_offset, local_header_size, "local header");
        if (local.at<std::uint32_t>(0) != local_header_signature)
            fail("corrupt zip archive: bad local header for '{}'", printable(name));
        const std::uint64_t data_offset = local_offset + local_header_size +
                                          local.at<std::uint16_t>(26) + local.at<std::uint16_t>(28);
        if (method == 0 && compressed != size)
            fail("corrupt zip archive: stored entry '{}' has sizes {} and {}", printable(name),
                 compressed, size);
        if (data_offset > bytes.size() || compressed > bytes.size() - data_offset)
            fail("truncated zip archive: entry '{}' needs bytes up to {} but the archive has {}",
                 printable(name), data_offset + compressed, bytes.size());
        entries_.push_back({std::move(name), method, compressed, data_offset});
    }
}

const ZipEntry* ZipArchive::find(std::string_view name) const {
    for (const ZipEntry& entry : entries_)
        if (entry.name == name)
            return &entry;
    return nullptr;
}

std::span<const std::byte> ZipArchive::data(const ZipEntry& entry) const {
    if (entry.method != 0)
        fail(
            "zip entry '{}' is compressed (method {}); only stored entries, as torch.save writes "
            "them, are read",
            printable(entry.name), entry.method);
    return bytes_.subspan(static_cast<std::size_t>(entry.data_offset),
                          static_cast<std::size_t>(entry.size));
}

}  // namespace bgv::checkpoint
