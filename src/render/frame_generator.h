// render/frame_generator: what the render loop needs from an image generator: a batch of noise and
// class vectors in, a batch of RGB frames out. BigGAN-deep is the one the product uses
// (biggan_frames.h); tests may bring a cheaper one.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>

#include "model/biggan/grid.h"

namespace bgv::render {

class FrameGenerator {
  public:
    virtual ~FrameGenerator() = default;
    // The frames' size in pixels: the model's resolution squared for the 4×4 grid (the default),
    // wider or taller for another (set_grid).
    virtual int width() const = 0;
    virtual int height() const = 0;
    // The first grid's cells (docs/shapes.md), set before frames are made; width() and height()
    // follow it.
    virtual void set_grid(const biggan::Grid& grid) = 0;
    // z: batch x 128, y: batch x 1000 (float32, row-major); rgb: batch x height x width x 3 bytes.
    virtual void generate(std::span<const float> z, std::span<const float> y, int batch,
                          std::span<std::uint8_t> rgb) = 0;
    // One frame (batch 1), given up when `abandon` turns true while it is made: false then, and
    // `rgb` holds nothing of use. A generator that cannot stop midway makes the whole frame.
    virtual bool generate_unless(std::span<const float> z, std::span<const float> y,
                                 std::span<std::uint8_t> rgb,
                                 const std::atomic<bool>& /*abandon*/) {
        generate(z, y, 1, rgb);
        return true;
    }
    // Another truncation for the frames to come (live control); a generator that cannot change
    // it keeps its own.
    virtual void set_truncation(double /*truncation*/) {}
};

}  // namespace bgv::render
