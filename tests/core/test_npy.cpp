#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/npy.h"

namespace fs = std::filesystem;

namespace {
fs::path temp_dir() {
    fs::path dir = fs::temp_directory_path() / ("bgv_test_npy_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return dir;
}
}  // namespace

TEST(Npy, ReadsWhatNumpyWrote) {
    auto array = bgv::read_npy_f64(fs::path(BGV_TEST_DATA) / "core/data/arange_2x3_f8.npy");
    ASSERT_EQ(array.shape, (std::vector<std::int64_t>{2, 3}));
    for (int i = 0; i < 6; ++i)
        EXPECT_DOUBLE_EQ(array.data[i], i / 4.0);

    auto ints = bgv::read_npy_f64(fs::path(BGV_TEST_DATA) / "core/data/int64_4.npy");
    ASSERT_EQ(ints.shape, (std::vector<std::int64_t>{4}));
    EXPECT_DOUBLE_EQ(ints.data[1], -2.0);
    EXPECT_DOUBLE_EQ(ints.data[3], 1099511627776.0);
}

TEST(Npy, RoundTripsFloat32AndFloat64) {
    const fs::path dir = temp_dir();
    const std::vector<float> f = {1.5f, -2.25f, 3.0f, 1e-30f};
    bgv::write_npy(dir / "f.npy", std::span<const float>(f), {2, 2});
    auto back = bgv::read_npy_f32(dir / "f.npy");
    EXPECT_EQ(back.shape, (std::vector<std::int64_t>{2, 2}));
    EXPECT_EQ(back.data, f);

    const std::vector<double> d = {0.1, 0.2, 0.3};
    bgv::write_npy(dir / "d.npy", std::span<const double>(d), {3});
    auto back_d = bgv::read_npy_f64(dir / "d.npy");
    EXPECT_EQ(back_d.shape, (std::vector<std::int64_t>{3}));
    EXPECT_EQ(back_d.data, d);
    fs::remove_all(dir);
}

TEST(Npy, RefusesWrongShapeAndBrokenFiles) {
    const fs::path dir = temp_dir();
    const std::vector<float> f = {1, 2, 3};
    EXPECT_THROW(bgv::write_npy(dir / "bad.npy", std::span<const float>(f), {2, 2}), bgv::Error);
    EXPECT_FALSE(fs::exists(dir / "bad.npy"));

    std::ofstream(dir / "text.npy") << "hello";
    EXPECT_THROW(bgv::read_npy_f32(dir / "text.npy"), bgv::Error);

    bgv::write_npy(dir / "t.npy", std::span<const float>(f), {3});
    fs::resize_file(dir / "t.npy", fs::file_size(dir / "t.npy") - 2);
    try {
        bgv::read_npy_f32(dir / "t.npy");
        FAIL() << "a truncated file was read";
    } catch (const bgv::Error& e) {
        EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
    }
    EXPECT_THROW(bgv::read_npy_f32(dir / "missing.npy"), bgv::Error);
    fs::remove_all(dir);
}

// numpy.save(np.asfortranarray(a)) for a = arange(24).reshape(2, 3, 4): the header says
// fortran_order True and the values run with the first index fastest.
TEST(Npy, ReadsFortranOrderIntoCOrder) {
    const fs::path dir = temp_dir();
    std::string dict = "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3, 4), }";
    dict.append(128 - 10 - dict.size() - 1, ' ');  // data on a 64-byte boundary
    dict.push_back('\n');
    std::string bytes("\x93NUMPY\x01\x00", 8);
    bytes.push_back(static_cast<char>(dict.size()));
    bytes.push_back('\0');
    bytes += dict;
    for (int k = 0; k < 4; ++k)
        for (int j = 0; j < 3; ++j)
            for (int i = 0; i < 2; ++i) {
                const auto value = static_cast<float>(i * 12 + j * 4 + k);
                bytes.append(reinterpret_cast<const char*>(&value), sizeof value);
            }
    std::ofstream(dir / "fortran.npy", std::ios::binary) << bytes;
    const auto array = bgv::read_npy_f32(dir / "fortran.npy");
    EXPECT_EQ(array.shape, (std::vector<std::int64_t>{2, 3, 4}));
    ASSERT_EQ(array.size(), 24);
    for (int i = 0; i < 24; ++i)
        EXPECT_EQ(array.data[static_cast<std::size_t>(i)], static_cast<float>(i));
    fs::remove_all(dir);
}

TEST(Npy, ShapeStringMatchesNumpy) {
    EXPECT_EQ(bgv::shape_string(std::vector<std::int64_t>{}), "()");
    EXPECT_EQ(bgv::shape_string(std::vector<std::int64_t>{5}), "(5,)");
    EXPECT_EQ(bgv::shape_string(std::vector<std::int64_t>{128, 1000}), "(128, 1000)");
}

namespace {
// A version 1.0 .npy file with `dict` as its header and `data_bytes` zero bytes of data.
std::vector<std::byte> npy_with_header(const std::string& dict, std::size_t data_bytes) {
    std::string text = "\x93NUMPY\x01";
    text.push_back('\0');
    text.push_back(static_cast<char>(dict.size() & 0xff));
    text.push_back(static_cast<char>(dict.size() >> 8));
    text += dict;
    text.append(data_bytes, '\0');
    const auto* begin = reinterpret_cast<const std::byte*>(text.data());
    return {begin, begin + text.size()};
}

// The one line a parse gives, or "(parsed)".
std::string npy_error(const std::string& dict, std::size_t data_bytes = 1024) {
    try {
        bgv::parse_npy_f32(npy_with_header(dict, data_bytes), "x.npy");
    } catch (const bgv::Error& e) {
        return e.what();
    }
    return "(parsed)";
}
}  // namespace

// Issue 11, item 7: the reader ignored a minus sign in the shape, let std::stoll escape and did
// not check the shape's product for overflow; (-2, 128) and (2^62 + 2, 128) were accepted.
TEST(Npy, HostileShapesGetOneLineEach) {
    EXPECT_EQ(
        npy_error("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 128), }\n", 2 * 128 * 4),
        "(parsed)");
    EXPECT_EQ(npy_error("{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 128), }\n"),
              "x.npy: malformed .npy header at byte 51: a shape holds non-negative integers only");
    // 2^62 + 2: no dimension is above 2^62, so that one overflow check per product step suffices.
    EXPECT_EQ(npy_error("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387906, "
                        "128), }\n"),
              "x.npy: malformed .npy header at byte 51: a dimension of the shape is too large");
    EXPECT_EQ(npy_error("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, "
                        "128), }\n"),
              "x.npy: shape (4611686018427387904, 128) holds more values than any file can");
    EXPECT_EQ(npy_error("{'descr': '<f4', 'fortran_order': False, 'shape': "
                        "(99999999999999999999999, 128), }\n"),
              "x.npy: malformed .npy header at byte 51: a dimension of the shape is too large");
    EXPECT_EQ(npy_error("{'descr': '<f4', 'fortran_order': False, 'shape': (1073741824, 1024), "
                        "}\n"),
              "x.npy: truncated: shape (1073741824, 1024) needs 4398046511104 bytes of data, file "
              "has 1024");
    EXPECT_EQ(npy_error("{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693952,), "
                        "}\n"),
              "x.npy: shape (2305843009213693952,) holds more bytes than any file can");
    EXPECT_EQ(npy_error("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1e3), }\n"),
              "x.npy: malformed .npy header at byte 55: expected ')'");
    EXPECT_EQ(npy_error("{'descr': '<f4', 'fortran_order': False, }\n"),
              "x.npy: malformed .npy header at byte 43: it needs 'descr', 'fortran_order' and "
              "'shape'");
    EXPECT_EQ(npy_error("{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, 'shape': (), }"),
              "x.npy: malformed .npy header at byte 25: unexpected or repeated key 'descr'");
    EXPECT_EQ(npy_error("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (), }"),
              "x.npy: malformed .npy header at byte 34: expected True or False");
}

TEST(Npy, RefusesADeviceInsteadOfReadingIt) {
    EXPECT_THROW(bgv::read_npy_f32("/dev/zero"), bgv::Error);
}
