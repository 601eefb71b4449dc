// live/live_session: `bigganviz live`: the picture plays with the sound the computer hears. The
// sound is analysed as it arrives (live/live_features), the same choreography steppers as file
// renders (choreo/) step once per video frame, one frame ahead of when it is shown by the time
// the generator takes, the generator makes the newest frame on its own thread
// (live/live_generation), and the frames go to the window, the recording, the stream and the
// camera device at the moment their sound is heard (docs/live.md).
#pragma once

#include <atomic>

#include "live/live_options.h"
#include "render/options.h"

namespace bgv::live {

// Runs the session until -d has passed, a file input has ended, q is pressed in the window or
// `stop` becomes true (a signal handler may set it). Throws bgv::Error / UsageError in one line
// (no input device, no display for the window, a port in use).
void run_live_session(const LiveOptions& options, const render::GeneratorFactory& make_generator,
                      const std::atomic<bool>* stop = nullptr);

}  // namespace bgv::live
