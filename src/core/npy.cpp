#include "core/npy.h"

#include <bit>
#include <cctype>
#include <cstring>

#include "core/error.h"
#include "core/file.h"

namespace bgv {

namespace {

static_assert(std::endian::native == std::endian::little, "bigganviz assumes a little-endian host");

constexpr char kMagic[] = "\x93NUMPY";

struct Header {
    std::string dtype;  // e.g. "<f4"
    bool fortran_order = false;
    std::vector<std::int64_t> shape;
    std::size_t data_offset = 0;
};

// The text after "'key':" in the header dict, with leading spaces removed.
std::string dict_value(const std::string& text, const std::string& key, const std::string& name) {
    const auto at = text.find("'" + key + "'");
    if (at == std::string::npos)
        fail("{}: .npy header has no '{}'", name, key);
    auto colon = text.find(':', at);
    if (colon == std::string::npos)
        fail("{}: .npy header has a malformed '{}'", name, key);
    ++colon;
    while (colon < text.size() && text[colon] == ' ')
        ++colon;
    return text.substr(colon);
}

Header parse_header(std::span<const std::byte> bytes, const std::string& name) {
    if (bytes.size() < 10 || std::memcmp(bytes.data(), kMagic, 6) != 0) {
        fail("{}: not a .npy file (no \\x93NUMPY magic)", name);
    }
    const auto major = static_cast<unsigned>(bytes[6]);
    std::size_t header_len = 0;
    std::size_t prefix = 0;
    if (major == 1) {
        header_len = static_cast<std::size_t>(bytes[8]) | static_cast<std::size_t>(bytes[9]) << 8;
        prefix = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12)
            fail("{}: truncated .npy header", name);
        for (int i = 0; i < 4; ++i)
            header_len |= static_cast<std::size_t>(bytes[8 + i]) << (8 * i);
        prefix = 12;
    } else {
        fail("{}: unsupported .npy version {}", name, major);
    }
    if (bytes.size() < prefix + header_len)
        fail("{}: truncated .npy header", name);
    const std::string text(reinterpret_cast<const char*>(bytes.data()) + prefix, header_len);

    Header header;
    header.data_offset = prefix + header_len;
    header.dtype = dict_value(text, "descr", name);
    if (header.dtype.size() < 2 || header.dtype.front() != '\'') {
        fail("{}: .npy header has a malformed 'descr'", name);
    }
    header.dtype = header.dtype.substr(1, header.dtype.find('\'', 1) - 1);
    header.fortran_order = dict_value(text, "fortran_order", name).starts_with("True");
    const std::string shape = dict_value(text, "shape", name);
    if (shape.empty() || shape.front() != '(')
        fail("{}: .npy header has a malformed 'shape'", name);
    std::size_t i = 1;
    while (i < shape.size() && shape[i] != ')') {
        if (std::isdigit(static_cast<unsigned char>(shape[i]))) {
            std::size_t used = 0;
            header.shape.push_back(std::stoll(shape.substr(i), &used));
            i += used;
        } else {
            ++i;
        }
    }
    return header;
}

template <typename Source, typename T>
void convert(const std::byte* raw, std::size_t count, std::vector<T>& out) {
    out.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
        Source value;
        std::memcpy(&value, raw + i * sizeof(Source), sizeof(Source));
        out[i] = static_cast<T>(value);
    }
}

// Values stored with the first index varying fastest (numpy's fortran_order), reordered to C order.
template <typename T>
std::vector<T> to_c_order(const std::vector<T>& fortran, const std::vector<std::int64_t>& shape) {
    const std::size_t dims = shape.size();
    if (dims < 2)
        return fortran;
    std::vector<std::size_t> stride(dims, 1);  // of each index in the Fortran layout
    for (std::size_t d = 1; d < dims; ++d)
        stride[d] = stride[d - 1] * static_cast<std::size_t>(shape[d - 1]);
    std::vector<T> c_order(fortran.size());
    std::vector<std::int64_t> index(dims, 0);
    std::size_t from = 0;
    for (std::size_t to = 0; to < c_order.size(); ++to) {
        c_order[to] = fortran[from];
        // Advance the last index first, carrying into earlier ones.
        for (std::size_t d = dims; d-- > 0;) {
            if (++index[d] < shape[d]) {
                from += stride[d];
                break;
            }
            from -= stride[d] * static_cast<std::size_t>(shape[d] - 1);
            index[d] = 0;
        }
    }
    return c_order;
}

template <typename T>
NpyArray<T> read_npy(const std::filesystem::path& path) {
    const std::string name = path.string();
    const std::vector<std::byte> bytes = read_file_bytes(path);
    const Header header = parse_header(bytes, name);
    std::size_t count = 1;
    for (auto dim : header.shape)
        count *= static_cast<std::size_t>(dim);

    const std::string& d = header.dtype;
    if (d.size() < 3 || (d[0] != '<' && d[0] != '|' && d[0] != '=')) {
        fail("{}: unsupported dtype '{}' (expected little-endian numbers)", name, d);
    }
    const std::string kind = d.substr(1);
    std::size_t item = 0;
    if (kind == "f4" || kind == "i4" || kind == "u4")
        item = 4;
    else if (kind == "f8" || kind == "i8" || kind == "u8")
        item = 8;
    else if (kind == "i2" || kind == "u2")
        item = 2;
    else if (kind == "i1" || kind == "u1" || kind == "b1")
        item = 1;
    else
        fail("{}: unsupported dtype '{}'", name, d);

    if (bytes.size() - header.data_offset < count * item) {
        fail("{}: truncated: shape {} needs {} bytes of data, file has {}", name,
             shape_string(header.shape), count * item, bytes.size() - header.data_offset);
    }
    NpyArray<T> array;
    array.shape = header.shape;
    const std::byte* raw = bytes.data() + header.data_offset;
    if (kind == "f4")
        convert<float>(raw, count, array.data);
    else if (kind == "f8")
        convert<double>(raw, count, array.data);
    else if (kind == "i8")
        convert<std::int64_t>(raw, count, array.data);
    else if (kind == "u8")
        convert<std::uint64_t>(raw, count, array.data);
    else if (kind == "i4")
        convert<std::int32_t>(raw, count, array.data);
    else if (kind == "u4")
        convert<std::uint32_t>(raw, count, array.data);
    else if (kind == "i2")
        convert<std::int16_t>(raw, count, array.data);
    else if (kind == "u2")
        convert<std::uint16_t>(raw, count, array.data);
    else if (kind == "i1")
        convert<std::int8_t>(raw, count, array.data);
    else
        convert<std::uint8_t>(raw, count, array.data);
    if (header.fortran_order)
        array.data = to_c_order(array.data, header.shape);
    return array;
}

template <typename T>
void write_npy_impl(const std::filesystem::path& path, std::span<const T> values,
                    const std::vector<std::int64_t>& shape, const char* dtype) {
    std::size_t count = 1;
    for (auto dim : shape)
        count *= static_cast<std::size_t>(dim);
    if (count != values.size()) {
        fail("{}: shape {} holds {} values, got {}", path.string(), shape_string(shape), count,
             values.size());
    }
    std::string dict = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}",
                                   dtype, shape_string(shape));
    // Pad so that the data starts on a 64-byte boundary, ending the header with a newline.
    const std::size_t unpadded = 10 + dict.size() + 1;
    dict.append((64 - unpadded % 64) % 64, ' ');
    dict.push_back('\n');
    std::string header(kMagic, 6);
    header.push_back('\x01');
    header.push_back('\x00');
    header.push_back(static_cast<char>(dict.size() & 0xff));
    header.push_back(static_cast<char>(dict.size() >> 8));
    header += dict;

    AtomicFile file(path);
    file.write(header);
    file.write(std::as_bytes(values));
    file.commit();
}

}  // namespace

NpyArray<float> read_npy_f32(const std::filesystem::path& path) {
    return read_npy<float>(path);
}
NpyArray<double> read_npy_f64(const std::filesystem::path& path) {
    return read_npy<double>(path);
}

void write_npy(const std::filesystem::path& path, std::span<const float> values,
               const std::vector<std::int64_t>& shape) {
    write_npy_impl(path, values, shape, "<f4");
}

void write_npy(const std::filesystem::path& path, std::span<const double> values,
               const std::vector<std::int64_t>& shape) {
    write_npy_impl(path, values, shape, "<f8");
}

std::string shape_string(std::span<const std::int64_t> shape) {
    std::string text = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i > 0)
            text += ", ";
        text += std::to_string(shape[i]);
    }
    if (shape.size() == 1)
        text += ",";
    return text + ")";
}

}  // namespace bgv
