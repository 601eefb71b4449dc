#include <gtest/gtest.h>

#include "core/assert.h"

namespace {

int checked_index(int index, int size) {
    BGV_ASSERT(index >= 0 && index < size, "index {} outside [0, {})", index, size);
    return index;
}

TEST(Assert, HoldsSilently) {
    EXPECT_EQ(checked_index(2, 3), 2);
}

TEST(AssertDeathTest, NamesFileLineConditionAndMessage) {
    EXPECT_DEATH(checked_index(5, 3),
                 "test_assert\\.cpp:[0-9]+: internal error: index >= 0 && index < size: index 5 "
                 "outside \\[0, 3\\)");
}

TEST(AssertDeathTest, WithoutMessage) {
    const auto check = [](bool ok) { BGV_ASSERT(ok); };
    EXPECT_DEATH(check(false), "test_assert\\.cpp:[0-9]+: internal error: ok");
}

}  // namespace
