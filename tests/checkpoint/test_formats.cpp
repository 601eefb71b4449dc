#include <gtest/gtest.h>

#include <bit>
#include <cmath>

#include "checkpoint/checkpoint.h"
#include "checkpoint/safetensors.h"
#include "checkpoint/torch_legacy.h"
#include "checkpoint/torch_zip.h"
#include "core/error.h"
#include "core/npy.h"
#include "fixtures.h"

namespace bgv::checkpoint {
namespace {

using test::data_dir;

// The values torch itself produced with tensor.float() (tools/make_checkpoint_fixtures.py).
std::map<std::string, NpyArray<float>> expected_tensors() {
    std::map<std::string, NpyArray<float>> expected;
    for (const auto& file : std::filesystem::directory_iterator(data_dir() / "expected"))
        expected[file.path().stem().string()] = read_npy_f32(file.path());
    return expected;
}

std::vector<std::uint32_t> bit_patterns(const std::vector<float>& values) {
    std::vector<std::uint32_t> bits;
    for (float value : values)
        bits.push_back(std::bit_cast<std::uint32_t>(value));
    return bits;
}

// Exact equality, bit for bit: float32 data is copied, float16/bfloat16 widen exactly, and the
// integers and float64 values were chosen or rounded by torch the same way (round to nearest).
void expect_same_tensors(const StateDict& state) {
    const auto expected = expected_tensors();
    ASSERT_EQ(expected.size(), 14u);
    ASSERT_EQ(state.size(), expected.size());
    for (const auto& [name, reference] : expected) {
        SCOPED_TRACE(name);
        auto found = state.find(name);
        ASSERT_NE(found, state.end());
        EXPECT_EQ(found->second.shape, reference.shape);
        ASSERT_EQ(found->second.data.size(), reference.data.size());
        EXPECT_EQ(bit_patterns(found->second.data), bit_patterns(reference.data));
    }
}

struct FormatCase {
    const char* file;
    Format format;
};

class EveryFormat : public testing::TestWithParam<FormatCase> {};

TEST_P(EveryFormat, DetectsByContentAndLoadsExactValues) {
    const auto path = data_dir() / GetParam().file;
    EXPECT_EQ(detect_format(path), GetParam().format);
    expect_same_tensors(load_state_dict(path));
}

INSTANTIATE_TEST_SUITE_P(Checkpoint, EveryFormat,
                         testing::Values(FormatCase{"small_legacy.bin", Format::legacy_torch},
                                         FormatCase{"small_legacy_protocol4.bin",
                                                    Format::legacy_torch},
                                         FormatCase{"small_zip.pt", Format::zip_torch},
                                         FormatCase{"small_zip64.pt", Format::zip_torch},
                                         FormatCase{"small.safetensors", Format::safetensors}),
                         [](const auto& test_info) {
                             std::string name = test_info.param.file;
                             for (char& c : name)
                                 if (c == '.')
                                     c = '_';
                             return name;
                         });

TEST(Formats, SpecificLoadersAgree) {
    expect_same_tensors(load_torch_legacy(data_dir() / "small_legacy.bin"));
    expect_same_tensors(load_torch_zip(data_dir() / "small_zip.pt"));
    expect_same_tensors(load_safetensors(data_dir() / "small.safetensors"));
}

TEST(Formats, SpotValuesOfConvertedTypes) {
    const StateDict state = load_state_dict(data_dir() / "small_legacy.bin");
    const auto& half = state.at("half.weight").data;
    EXPECT_EQ(half[1], -2.5f);
    EXPECT_EQ(half[3], 65504.0f);                 // largest float16
    EXPECT_EQ(half[4], 5.9604644775390625e-08f);  // 6e-8 rounds to the smallest float16 subnormal
    EXPECT_TRUE(std::isinf(half[7]) && half[7] > 0);
    EXPECT_TRUE(std::isnan(half[9]));
    EXPECT_EQ(state.at("bf16.weight").shape, (std::vector<std::int64_t>{2, 3}));
    EXPECT_EQ(state.at("bf16.weight").data[1], -3.140625f);
    EXPECT_EQ(state.at("bn.num_batches_tracked").shape, std::vector<std::int64_t>{});
    EXPECT_EQ(state.at("bn.num_batches_tracked").data, std::vector<float>{12345.0f});
    EXPECT_EQ(state.at("position_ids").data[7], 7.0f);
    EXPECT_EQ(state.at("empty").shape, (std::vector<std::int64_t>{0, 3}));
    EXPECT_TRUE(state.at("empty").data.empty());
}

TEST(Formats, NonContiguousAndSharedViewsAreGathered) {
    const StateDict state = load_state_dict(data_dir() / "small_zip.pt");
    // proj.weight is the transpose of a (5, 3) tensor: element [i][j] is base[j][i].
    const auto& t = state.at("proj.weight");
    ASSERT_EQ(t.shape, (std::vector<std::int64_t>{3, 5}));
    // shared.a = s[0:6], shared.b = s[4:10], strided = s[0::3] of one storage s.
    const auto& a = state.at("shared.a").data;
    const auto& b = state.at("shared.b").data;
    const auto& strided = state.at("strided").data;
    EXPECT_EQ(a[4], b[0]);
    EXPECT_EQ(a[5], b[1]);
    EXPECT_EQ(strided[0], a[0]);
    EXPECT_EQ(strided[1], a[3]);
    EXPECT_EQ(strided[2], b[2]);
    EXPECT_EQ(strided[3], b[5]);
}

TEST(Formats, LegacyStorageViewsAreResolved) {
    // Persistent id ('storage', FloatStorage, 'root', 'cpu', 10, ('view', 2, 6)) over root storage
    // 0..9, tensor offset 1, size (2, 2), stride (2, 1): elements 3, 4, 5, 6 (torch.load agrees).
    const StateDict state = load_state_dict(data_dir() / "storage_view_legacy.bin");
    ASSERT_EQ(state.size(), 1u);
    EXPECT_EQ(state.at("v").shape, (std::vector<std::int64_t>{2, 2}));
    EXPECT_EQ(state.at("v").data, (std::vector<float>{3, 4, 5, 6}));
}

TEST(Formats, ExtensionIsIgnored) {
    const auto dir = test::scratch_dir("extension");
    std::filesystem::copy_file(data_dir() / "small_zip.pt", dir / "weights.safetensors");
    std::filesystem::copy_file(data_dir() / "small.safetensors", dir / "pytorch_model.bin");
    EXPECT_EQ(detect_format(dir / "weights.safetensors"), Format::zip_torch);
    EXPECT_EQ(detect_format(dir / "pytorch_model.bin"), Format::safetensors);
    expect_same_tensors(load_state_dict(dir / "weights.safetensors"));
    expect_same_tensors(load_state_dict(dir / "pytorch_model.bin"));
}

TEST(Formats, UnknownContentIsRefusedNamingTheFile) {
    const auto dir = test::scratch_dir("unknown");
    write_file_atomic(dir / "notes.bin", "just some text, not weights\n");
    try {
        load_state_dict(dir / "notes.bin");
        FAIL() << "loaded a text file";
    } catch (const Error& error) {
        const std::string message = describe(error);
        EXPECT_NE(message.find("notes.bin"), std::string::npos) << message;
        EXPECT_NE(message.find("not a checkpoint"), std::string::npos) << message;
    }
    EXPECT_THROW(detect_format(dir / "missing.bin"), Error);
}

}  // namespace
}  // namespace bgv::checkpoint
