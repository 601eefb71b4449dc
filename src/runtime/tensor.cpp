#include "runtime/tensor.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#include "core/assert.h"
#include "core/error.h"
#include "core/npy.h"

namespace bgv::runtime {

namespace {
constexpr std::size_t kAlignment = 64;  // one cache line, the widest SIMD load
}

std::int64_t element_count(const std::vector<std::int64_t>& shape) {
    std::int64_t count = 1;
    for (auto d : shape) {
        BGV_ASSERT(d >= 0, "tensor shape {} has a negative dimension", bgv::shape_string(shape));
        count *= d;
    }
    return count;
}

void Tensor::Free::operator()(float* p) const noexcept {
    std::free(p);
}

Tensor::Tensor(std::vector<std::int64_t> shape) {
    resize(std::move(shape));
    if (size_ > 0)
        std::memset(data_.get(), 0, static_cast<std::size_t>(size_) * sizeof(float));
}

Tensor::Tensor(std::vector<std::int64_t> shape, std::span<const float> values) {
    resize(std::move(shape));
    BGV_ASSERT(static_cast<std::int64_t>(values.size()) == size_,
               "tensor of shape {} given {} values", shape_string(), values.size());
    std::copy(values.begin(), values.end(), data_.get());
}

Tensor::Tensor(const Tensor& other) : Tensor(other.shape_, other.values()) {}

Tensor& Tensor::operator=(const Tensor& other) {
    if (this != &other) {
        resize(other.shape_);
        std::copy(other.values().begin(), other.values().end(), data_.get());
    }
    return *this;
}

void Tensor::resize(std::vector<std::int64_t> shape) {
    const std::int64_t count = element_count(shape);
    if (count > capacity_) {
        std::size_t bytes = static_cast<std::size_t>(count) * sizeof(float);
        bytes = (bytes + kAlignment - 1) / kAlignment * kAlignment;
        auto* p = static_cast<float*>(std::aligned_alloc(kAlignment, bytes));
        if (p == nullptr)
            throw std::bad_alloc();
        data_.reset(p);
        capacity_ = count;
    }
    shape_ = std::move(shape);
    size_ = count;
}

void Tensor::reshape(std::vector<std::int64_t> shape) {
    BGV_ASSERT(element_count(shape) == size_, "cannot reshape tensor of shape {} to {}",
               shape_string(), bgv::shape_string(shape));
    shape_ = std::move(shape);
}

std::string Tensor::shape_string() const {
    return bgv::shape_string(shape_);
}

}  // namespace bgv::runtime
