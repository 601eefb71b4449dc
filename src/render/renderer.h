// render/renderer: the one render loop, for a process alone and for each process of a shared
// render (MPI ranks, Slurm array tasks, --shard; options.launch says which): claim the output
// (render/owner), make the plan once or load it (render/plan), render the pieces this process
// claims (render/pieces through farm/'s claims) and let the process that finds every piece
// finished assemble the video (render/assemble) and save the vectors.
#pragma once

#include <filesystem>

#include "render/hooks.h"
#include "render/options.h"

namespace bgv::render {

// Renders (or resumes) this process's share and returns the output's path (which, in a shared
// render, another process may still be assembling when this one returns). Before any work it
// refuses, in one line, an output that is a folder or one of the inputs, a missing song, lyrics
// without time stamps for --burn_subtitles, and an output another live render owns. Pieces of an
// earlier identical render that prove they belong are kept; others are made again. Throws
// bgv::Error / UsageError, or Cancelled when hooks.cancel was set (finished pieces are kept, so the
// same call resumes). Thread-safe for different outputs and vectors folders.
std::filesystem::path render(const RenderOptions& options, const GeneratorFactory& make_generator,
                             const RenderHooks& hooks = {});

// The generator the options name: --weights, else biggan-deep-<resolution> from the model store
// (fetched when missing; one line naming the files to download without network).
std::filesystem::path generator_weights(const RenderOptions& options);

}  // namespace bgv::render
