// render/renderer: `bigganviz render` as one call: plan the render (render/plan), claim the output
// (render/owner), render the missing pieces (render/pieces) and assemble the video
// (render/assemble).
#pragma once

#include <filesystem>

#include "render/hooks.h"
#include "render/options.h"

namespace bgv::render {

// Renders (or resumes) and returns the output's path. Before any work it refuses, in one line, an
// output that is a folder or one of the inputs, a missing song, and an output another live render
// owns. Pieces of an earlier identical render that prove they belong are kept; others are made
// again. Throws bgv::Error / UsageError, or Cancelled when hooks.cancel was set (finished pieces
// are kept, so the same call resumes). Thread-safe for different outputs and vectors folders.
std::filesystem::path render(const RenderOptions& options, const GeneratorFactory& make_generator,
                             const RenderHooks& hooks = {});

}  // namespace bgv::render
