#include <gtest/gtest.h>

#include <array>
#include <limits>

#include "checkpoint/tensor_gather.h"
#include "checkpoint/torch_pickle.h"
#include "core/error.h"

namespace bgv::checkpoint {
namespace {

// Storage 0, 1, ..., 11 as float32 bytes.
std::vector<std::byte> iota_storage(int count) {
    std::vector<float> values(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i)
        values[static_cast<std::size_t>(i)] = static_cast<float>(i);
    const auto bytes = std::as_bytes(std::span(values));
    return {bytes.begin(), bytes.end()};
}

using Shape = std::vector<std::int64_t>;

TEST(TensorGather, ContiguousTransposedAndExpandedViews) {
    const auto storage = iota_storage(12);
    const Tensor dense = gather_tensor(storage, ElementType::float32, 2, Shape{2, 3}, Shape{3, 1});
    EXPECT_EQ(dense.data, (std::vector<float>{2, 3, 4, 5, 6, 7}));
    const Tensor transposed =
        gather_tensor(storage, ElementType::float32, 0, Shape{4, 3}, Shape{1, 4});
    EXPECT_EQ(transposed.data, (std::vector<float>{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}));
    const Tensor expanded =
        gather_tensor(storage, ElementType::float32, 5, Shape{2, 3}, Shape{0, 1});
    EXPECT_EQ(expanded.data, (std::vector<float>{5, 6, 7, 5, 6, 7}));
    const Tensor scalar = gather_tensor(storage, ElementType::float32, 11, Shape{}, Shape{});
    EXPECT_EQ(scalar.data, std::vector<float>{11});
}

TEST(TensorGather, ViewsOutsideTheStorageAreRefused) {
    const auto storage = iota_storage(12);
    EXPECT_THROW(gather_tensor(storage, ElementType::float32, 1, Shape{12}, Shape{1}), Error);
    EXPECT_THROW(gather_tensor(storage, ElementType::float32, 12, Shape{}, Shape{}), Error);
    EXPECT_THROW(gather_tensor(storage, ElementType::float32, 0, Shape{2, 2}, Shape{11, 1}), Error);
    EXPECT_THROW(gather_tensor(storage, ElementType::float32, 0, Shape{2}, Shape{-1}), Error);
    EXPECT_THROW(gather_tensor(storage, ElementType::float32, 0, Shape{2}, Shape{1, 1}), Error);
    constexpr auto huge = std::numeric_limits<std::int64_t>::max();
    EXPECT_THROW(gather_tensor(storage, ElementType::float32, 0, Shape{2, 2}, Shape{huge, 1}),
                 Error);
    EXPECT_THROW(gather_tensor(storage, ElementType::float32, 0, Shape{huge, huge}, Shape{0, 0}),
                 Error);
    // An empty tensor touches nothing, wherever it points.
    EXPECT_TRUE(
        gather_tensor(storage, ElementType::float32, 0, Shape{0, 5}, Shape{huge, 1}).data.empty());
}

TEST(TensorGather, RepeatingViewsCannotAllocateWithoutBound) {
    const auto storage = iota_storage(1);
    // One tensor: 2^26 copies of one element is refused; 2^12 is an ordinary expand().
    EXPECT_THROW(
        gather_tensor(storage, ElementType::float32, 0, Shape{1 << 13, 1 << 13}, Shape{0, 0}),
        Error);
    EXPECT_EQ(gather_tensor(storage, ElementType::float32, 0, Shape{1 << 12}, Shape{0}).data.size(),
              4096u);
    // Many tensors, each under the per-tensor limit, are refused together.
    TensorRecord record;
    record.shape = Shape{1 << 12, 1 << 12};
    std::vector<TensorRecord> records(64, record);
    EXPECT_THROW(check_total_elements(records, 1000), Error);
    records.resize(1);
    EXPECT_NO_THROW(check_total_elements(records, 1000));
}

}  // namespace
}  // namespace bgv::checkpoint
