#include "core/npy.h"

#include <bit>
#include <charconv>
#include <cstring>
#include <string_view>
#include <utility>

#include "core/error.h"
#include "core/file.h"

namespace bgv {

namespace {

static_assert(std::endian::native == std::endian::little, "bigganviz assumes a little-endian host");

constexpr char kMagic[] = "\x93NUMPY";

// Bounds that no real array reaches but that keep every product below 2^63.
constexpr std::size_t kMaxHeaderBytes = 1 << 20;
constexpr std::size_t kMaxDimensions = 32;  // NumPy's own limit (NPY_MAXDIMS)
constexpr std::uint64_t kMaxFileBytes = std::uint64_t{16} << 30;

// The header is a Python dict literal as numpy writes it:
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// parsed strictly: each of the three keys once, nothing else, no expression in the shape.
class HeaderParser {
  public:
    HeaderParser(std::string_view text, std::string_view name) : text_(text), name_(name) {}

    NpyHeader parse() {
        NpyHeader header;
        bool seen_descr = false, seen_order = false, seen_shape = false;
        expect('{');
        while (!accept('}')) {
            const std::string key = quoted_string();
            expect(':');
            if (key == "descr" && !seen_descr) {
                header.dtype = quoted_string();
                seen_descr = true;
            } else if (key == "fortran_order" && !seen_order) {
                header.fortran_order = boolean();
                seen_order = true;
            } else if (key == "shape" && !seen_shape) {
                header.shape = shape();
                seen_shape = true;
            } else {
                bad(fmt::format("unexpected or repeated key '{}'", key));
            }
            if (!accept(',')) {
                expect('}');
                break;
            }
        }
        skip_spaces();
        if (pos_ != text_.size())
            bad("text after the dict");
        if (!seen_descr || !seen_order || !seen_shape)
            bad("it needs 'descr', 'fortran_order' and 'shape'");
        return header;
    }

  private:
    [[noreturn]] void bad(const std::string& why) const {
        fail("{}: malformed .npy header at byte {}: {}", name_, pos_, why);
    }
    void skip_spaces() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n'))
            ++pos_;
    }
    bool accept(char c) {
        skip_spaces();
        if (pos_ < text_.size() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    void expect(char c) {
        if (!accept(c))
            bad(fmt::format("expected '{}'", c));
    }
    std::string quoted_string() {
        expect('\'');
        const std::size_t close = text_.find('\'', pos_);
        if (close == std::string_view::npos || close - pos_ > 64)
            bad("unterminated or overlong string");
        std::string value(text_.substr(pos_, close - pos_));
        pos_ = close + 1;
        return value;
    }
    bool boolean() {
        skip_spaces();
        for (const auto& [word, value] : {std::pair{"True", true}, std::pair{"False", false}}) {
            if (text_.substr(pos_).starts_with(word)) {
                pos_ += std::string_view(word).size();
                return value;
            }
        }
        bad("expected True or False");
    }
    std::vector<std::int64_t> shape() {
        std::vector<std::int64_t> dims;
        expect('(');
        while (!accept(')')) {
            skip_spaces();
            if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9')
                bad("a shape holds non-negative integers only");
            std::uint64_t value = 0;
            const auto [end, error] =
                std::from_chars(text_.data() + pos_, text_.data() + text_.size(), value);
            if (error != std::errc() || value > (std::uint64_t{1} << 62))
                bad("a dimension of the shape is too large");
            pos_ = static_cast<std::size_t>(end - text_.data());
            dims.push_back(static_cast<std::int64_t>(value));
            if (dims.size() > kMaxDimensions)
                bad(fmt::format("more than {} dimensions", kMaxDimensions));
            if (!accept(',')) {
                expect(')');
                break;
            }
        }
        return dims;
    }

    std::string_view text_;
    std::string_view name_;
    std::size_t pos_ = 0;
};

}  // namespace

NpyHeader parse_npy_header(std::span<const std::byte> bytes, std::string_view name) {
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
    if (header_len > kMaxHeaderBytes)
        fail("{}: .npy header of {} bytes (at most {})", name, header_len, kMaxHeaderBytes);
    if (bytes.size() < prefix + header_len)
        fail("{}: truncated .npy header", name);
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()) + prefix, header_len);
    NpyHeader header = HeaderParser(text, name).parse();
    header.data_offset = prefix + header_len;
    return header;
}

std::size_t npy_item_size(const NpyHeader& header, std::string_view name) {
    const std::string& d = header.dtype;
    if (d.size() < 3 || (d[0] != '<' && d[0] != '|' && d[0] != '=')) {
        fail("{}: unsupported dtype '{}' (expected little-endian numbers)", name, d);
    }
    const std::string kind = d.substr(1);
    if (kind == "f4" || kind == "i4" || kind == "u4")
        return 4;
    if (kind == "f8" || kind == "i8" || kind == "u8")
        return 8;
    if (kind == "i2" || kind == "u2")
        return 2;
    if (kind == "i1" || kind == "u1" || kind == "b1")
        return 1;
    fail("{}: unsupported dtype '{}'", name, d);
}

std::uint64_t npy_value_count(const NpyHeader& header, std::string_view name) {
    // Each dimension is at most 2^62, so one overflow check per step finds any product beyond
    // what a file could hold.
    std::uint64_t count = 1;
    for (const auto dim : header.shape) {
        if (__builtin_mul_overflow(count, static_cast<std::uint64_t>(dim), &count))
            fail("{}: shape {} holds more values than any file can", name,
                 shape_string(header.shape));
    }
    std::uint64_t bytes = 0;
    if (__builtin_mul_overflow(count, npy_item_size(header, name), &bytes))
        fail("{}: shape {} holds more bytes than any file can", name, shape_string(header.shape));
    return count;
}

namespace {
// Values of numpy kind `kind` ("f4", "i8", ...) converted to T.
template <typename T>
void convert_values(std::string_view kind, const std::byte* raw, std::size_t count, T* out) {
    const auto convert = [&]<typename Source>(Source) {
        for (std::size_t i = 0; i < count; ++i) {
            Source value;
            std::memcpy(&value, raw + i * sizeof(Source), sizeof(Source));
            out[i] = static_cast<T>(value);
        }
    };
    if (kind == "f4")
        convert(float{});
    else if (kind == "f8")
        convert(double{});
    else if (kind == "i8")
        convert(std::int64_t{});
    else if (kind == "u8")
        convert(std::uint64_t{});
    else if (kind == "i4")
        convert(std::int32_t{});
    else if (kind == "u4")
        convert(std::uint32_t{});
    else if (kind == "i2")
        convert(std::int16_t{});
    else if (kind == "u2")
        convert(std::uint16_t{});
    else if (kind == "i1")
        convert(std::int8_t{});
    else
        convert(std::uint8_t{});
}
}  // namespace

void convert_npy_values(const NpyHeader& header, const std::byte* raw, std::size_t count,
                        double* out) {
    convert_values(std::string_view(header.dtype).substr(1), raw, count, out);
}

std::string npy_header_bytes(const char* dtype, const std::vector<std::int64_t>& shape) {
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
    return header + dict;
}

namespace {

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
NpyArray<T> parse_npy(std::span<const std::byte> bytes, std::string_view name) {
    const NpyHeader header = parse_npy_header(bytes, name);
    const std::size_t item = npy_item_size(header, name);
    const std::uint64_t count = npy_value_count(header, name);
    const std::size_t available = bytes.size() - header.data_offset;
    if (count * item > available) {
        fail("{}: truncated: shape {} needs {} bytes of data, file has {}", name,
             shape_string(header.shape), count * item, available);
    }
    NpyArray<T> array;
    array.shape = header.shape;
    array.data.resize(count);
    convert_values(std::string_view(header.dtype).substr(1), bytes.data() + header.data_offset,
                   count, array.data.data());
    if (header.fortran_order)
        array.data = to_c_order(array.data, header.shape);
    return array;
}

template <typename T>
NpyArray<T> read_npy(const std::filesystem::path& path) {
    const std::vector<std::byte> bytes = read_file_bytes(path, kMaxFileBytes);
    return parse_npy<T>(bytes, path.string());
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
    AtomicFile file(path);
    file.write(npy_header_bytes(dtype, shape));
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
NpyArray<float> parse_npy_f32(std::span<const std::byte> bytes, std::string_view name) {
    return parse_npy<float>(bytes, name);
}
NpyArray<double> parse_npy_f64(std::span<const std::byte> bytes, std::string_view name) {
    return parse_npy<double>(bytes, name);
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
