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
