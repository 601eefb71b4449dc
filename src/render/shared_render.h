// render/shared_render: one render shared among the processes of a launch (MPI ranks, Slurm array
// tasks, --shard): the plan made once by the first process to take the plan lock and loaded by
// the others, the pieces claimed through farm/ by whichever process is free, the video assembled
// by the process that finds every piece finished, with the record of who made each piece.
#pragma once

#include <filesystem>

#include "render/hooks.h"
#include "render/options.h"

namespace bgv::render {

// Renders this process's share of `options.launch`'s job. Returns `output` (which may still be
// being assembled by another process when this one returns). Throws bgv::Error in one line when
// the shared folder cannot be reached or holds the plan of another render.
std::filesystem::path render_shared(const RenderOptions& options,
                                    const GeneratorFactory& make_generator,
                                    const RenderHooks& hooks, const std::filesystem::path& output,
                                    const std::filesystem::path& weights);

}  // namespace bgv::render
