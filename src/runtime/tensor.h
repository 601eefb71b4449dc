// runtime/tensor: the one tensor type of the inference runtime: a dense float32 buffer, 64-byte
// aligned, with its shape in memory order (row-major; 4-D activations are NHWC).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace bgv::runtime {

class Tensor {
  public:
    Tensor() = default;
    // Zero-filled.
    explicit Tensor(std::vector<std::int64_t> shape);
    Tensor(std::vector<std::int64_t> shape, std::span<const float> values);
    Tensor(const Tensor& other);
    Tensor& operator=(const Tensor& other);
    Tensor(Tensor&&) noexcept = default;
    Tensor& operator=(Tensor&&) noexcept = default;

    const std::vector<std::int64_t>& shape() const { return shape_; }
    std::size_t rank() const { return shape_.size(); }
    std::int64_t dim(std::size_t i) const { return shape_.at(i); }
    std::int64_t size() const { return size_; }
    bool empty() const { return size_ == 0; }

    float* data() { return data_.get(); }
    const float* data() const { return data_.get(); }
    std::span<float> values() { return {data_.get(), static_cast<std::size_t>(size_)}; }
    std::span<const float> values() const { return {data_.get(), static_cast<std::size_t>(size_)}; }

    // New shape; keeps the buffer when it is large enough (contents then unspecified).
    void resize(std::vector<std::int64_t> shape);
    // Same number of values, new shape, contents kept.
    void reshape(std::vector<std::int64_t> shape);

    std::string shape_string() const;

  private:
    struct Free {
        void operator()(float* p) const noexcept;
    };
    std::vector<std::int64_t> shape_;
    std::int64_t size_ = 0;
    std::int64_t capacity_ = 0;
    std::unique_ptr<float[], Free> data_;
};

std::int64_t element_count(const std::vector<std::int64_t>& shape);

}  // namespace bgv::runtime
