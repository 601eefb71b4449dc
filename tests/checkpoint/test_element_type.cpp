#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>

#include "checkpoint/element_type.h"

namespace bgv::checkpoint {
namespace {

TEST(ElementType, HalfToFloatMatchesTheCompilerForAllValues) {
    // Every one of the 65536 float16 bit patterns, against the compiler's own _Float16 widening:
    // exact equality of bits (NaNs only need to stay NaN with the same sign, since hardware may
    // quiet signalling NaNs).
    for (std::uint32_t bits = 0; bits < 0x10000; ++bits) {
        const auto h = static_cast<std::uint16_t>(bits);
        const float ours = half_to_float(h);
        const float reference = static_cast<float>(std::bit_cast<_Float16>(h));
        if (std::isnan(reference)) {
            ASSERT_TRUE(std::isnan(ours)) << bits;
            ASSERT_EQ(std::signbit(ours), std::signbit(reference)) << bits;
        } else {
            ASSERT_EQ(std::bit_cast<std::uint32_t>(ours), std::bit_cast<std::uint32_t>(reference))
                << bits;
        }
    }
}

TEST(ElementType, BFloat16IsTheTopHalfOfAFloat) {
    EXPECT_EQ(bfloat16_to_float(0x3f80), 1.0f);
    EXPECT_EQ(bfloat16_to_float(0xc049), -3.140625f);
    EXPECT_EQ(std::bit_cast<std::uint32_t>(bfloat16_to_float(0x8000)), 0x80000000u);
}

TEST(ElementType, IntegersConvertToNearestFloat) {
    const std::int64_t values[] = {0, -7, 12345, (std::int64_t{1} << 24) + 1};
    float out[4];
    convert_to_float(ElementType::int64, reinterpret_cast<const std::byte*>(values), 4, out);
    EXPECT_EQ(out[0], 0.0f);
    EXPECT_EQ(out[1], -7.0f);
    EXPECT_EQ(out[2], 12345.0f);
    EXPECT_EQ(out[3], 16777216.0f);  // 2^24 + 1 rounds to even, as a float32 must
}

TEST(ElementType, NamesOfBothFormats) {
    EXPECT_EQ(element_type_from_torch_storage("BFloat16Storage"), ElementType::bfloat16);
    EXPECT_EQ(element_type_from_torch_storage("LongStorage"), ElementType::int64);
    EXPECT_FALSE(element_type_from_torch_storage("ComplexFloatStorage").has_value());
    EXPECT_EQ(element_type_from_safetensors("F16"), ElementType::float16);
    EXPECT_FALSE(element_type_from_safetensors("F8_E4M3").has_value());
}

}  // namespace
}  // namespace bgv::checkpoint
