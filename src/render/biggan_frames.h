// render/biggan_frames: BigGAN-deep (model/biggan) as the render loop's frame generator, pixels
// made as the published tools make them.
#pragma once

#include <filesystem>
#include <memory>

#include "render/frame_generator.h"

namespace bgv::render {

std::unique_ptr<FrameGenerator> load_biggan_frames(const std::filesystem::path& weights,
                                                   double truncation, int threads);

}  // namespace bgv::render
