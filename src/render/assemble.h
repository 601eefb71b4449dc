// render/assemble: the end of a render: its finished pieces joined and the song's audio (every
// channel, cut to the video's length) encoded beside them, renamed to the output's name.
#pragma once

#include <filesystem>

#include "render/plan.h"
#include "render/work_folder.h"

namespace bgv::render {

// Joins every piece of `plan` in `work` with the audio of the song its record names (up to its
// duration) and renames the result to `output`, creating the output's folder when missing.
void assemble_video(const RenderPlan& plan, const WorkFolder& work,
                    const std::filesystem::path& output);

}  // namespace bgv::render
