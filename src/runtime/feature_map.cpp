#include "runtime/feature_map.h"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <new>

#include "core/assert.h"

namespace bgv::runtime {

namespace {
constexpr std::size_t kAlignment = 64;  // one cache line, the widest vector load
}

std::size_t element_bytes(DataType type) {
    return type == DataType::f32 ? 4 : 2;
}

std::string_view data_type_name(DataType type) {
    return type == DataType::f32 ? "f32" : "bf16";
}

void FeatureMap::Free::operator()(void* p) const noexcept {
    std::free(p);
}

FeatureMap::FeatureMap(DataType type, std::int64_t batch, std::int64_t height, std::int64_t width,
                       std::int64_t channels, int border) {
    resize(type, batch, height, width, channels, border);
}

void FeatureMap::resize(DataType type, std::int64_t batch, std::int64_t height, std::int64_t width,
                        std::int64_t channels, int border) {
    BGV_ASSERT(batch >= 0 && height >= 0 && width >= 0 && channels >= 0 && border >= 0,
               "feature map ({}, {}, {}, {}) border {}", batch, height, width, channels, border);
    type_ = type;
    batch_ = batch;
    height_ = height;
    width_ = width;
    channels_ = channels;
    border_ = border;
    // Slack after the last pixel: the AMX kernel loads whole tiles of 16 pixels along rows
    // (and two rows down for a 3×3's taps) past the last one it keeps.
    const std::int64_t slack = 2 * row_stride() + 48 * channels_;
    std::size_t bytes = static_cast<std::size_t>(elements() + slack) * element_bytes(type);
    bytes = (bytes + kAlignment - 1) / kAlignment * kAlignment;
    if (bytes > capacity_bytes_) {
        void* p = std::aligned_alloc(kAlignment, bytes);
        if (p == nullptr)
            throw std::bad_alloc();
        data_.reset(p);
        capacity_bytes_ = bytes;
    }
    if (border_ == 0 || elements() == 0)
        return;
    // Zero the border rows and columns only: the interior is written by the producer.
    auto* base = static_cast<unsigned char*>(data_.get());
    const std::size_t eb = element_bytes(type);
    const std::size_t row_bytes = static_cast<std::size_t>(row_stride()) * eb;
    const std::size_t side_bytes = static_cast<std::size_t>(border_ * channels_) * eb;
    for (std::int64_t n = 0; n < batch_; ++n) {
        unsigned char* sample = base + static_cast<std::size_t>(n * sample_stride()) * eb;
        for (int b = 0; b < border_; ++b) {
            std::memset(sample + b * row_bytes, 0, row_bytes);
            std::memset(sample + (height_ + border_ + b) * row_bytes, 0, row_bytes);
        }
        for (std::int64_t y = 0; y < height_; ++y) {
            unsigned char* row = sample + (y + border_) * row_bytes;
            std::memset(row, 0, side_bytes);
            std::memset(row + row_bytes - side_bytes, 0, side_bytes);
        }
    }
}

std::string FeatureMap::shape_string() const {
    return fmt::format("({}, {}, {}, {}){}{}", batch_, height_, width_, channels_,
                       border_ > 0 ? fmt::format(" border {}", border_) : "",
                       type_ == DataType::bf16 ? " bf16" : "");
}

}  // namespace bgv::runtime
