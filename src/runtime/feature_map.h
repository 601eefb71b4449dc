// runtime/feature_map: the activations between the generator's convolutions: NHWC, float32 or
// bfloat16, with an optional border of zeros around each image so that 3×3 convolutions read
// their padding from memory instead of testing every tap. Height and width are independent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace bgv::runtime {

enum class DataType { f32, bf16 };

std::size_t element_bytes(DataType type);
std::string_view data_type_name(DataType type);

class FeatureMap {
  public:
    FeatureMap() = default;
    FeatureMap(DataType type, std::int64_t batch, std::int64_t height, std::int64_t width,
               std::int64_t channels, int border = 0);

    // New geometry; the buffer is kept when large enough. The border is zero afterwards (the
    // interior's contents are unspecified).
    void resize(DataType type, std::int64_t batch, std::int64_t height, std::int64_t width,
                std::int64_t channels, int border = 0);

    DataType type() const { return type_; }
    std::int64_t batch() const { return batch_; }
    std::int64_t height() const { return height_; }
    std::int64_t width() const { return width_; }
    std::int64_t channels() const { return channels_; }
    int border() const { return border_; }

    // Strides in elements.
    std::int64_t pixel_stride() const { return channels_; }
    std::int64_t row_stride() const { return (width_ + 2 * border_) * channels_; }
    std::int64_t sample_stride() const { return (height_ + 2 * border_) * row_stride(); }
    std::int64_t elements() const { return batch_ * sample_stride(); }

    // Element offset of pixel (y, x) of sample n; y and x may reach into the border (-border).
    std::int64_t offset(std::int64_t n, std::int64_t y, std::int64_t x) const {
        return n * sample_stride() + (y + border_) * row_stride() + (x + border_) * channels_;
    }
    void* data() { return data_.get(); }
    const void* data() const { return data_.get(); }
    float* f32() { return static_cast<float*>(data()); }
    const float* f32() const { return static_cast<const float*>(data()); }

    std::string shape_string() const;

  private:
    struct Free {
        void operator()(void* p) const noexcept;
    };
    DataType type_ = DataType::f32;
    std::int64_t batch_ = 0, height_ = 0, width_ = 0, channels_ = 0;
    int border_ = 0;
    std::size_t capacity_bytes_ = 0;
    std::unique_ptr<void, Free> data_;
};

}  // namespace bgv::runtime
