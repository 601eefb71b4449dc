// live/live_control: a running session changed from outside: OSC messages (one address per
// option the render option table marks live) and the performer's keys, turned into changes of the
// session's render options, checked by the same table.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "live/osc_server.h"
#include "live/window.h"
#include "render/options.h"

namespace bgv::live {

// The OSC addresses of the live options of render/'s table (choices are left out: OSC carries
// numbers): /bigganviz/classes i..., /bigganviz/truncation f, /bigganviz/pulse f, ...
std::vector<OscOption> live_osc_options();

// `options` with one OSC change applied, checked as a whole (render::check_options); UsageError
// when the change contradicts another option (a class list of the wrong length).
render::RenderOptions with_change(const render::RenderOptions& options, const OptionChange& change);

// What a key does to the options: new random classes (drawn from `draw`), truncation ±0.05,
// class preset 1-9 (the seed's own draw of that number). Nothing for the keys the window or the
// session handle themselves (fullscreen, quit).
std::optional<render::RenderOptions> with_key(const render::RenderOptions& options,
                                              const KeyEvent& key, std::uint64_t draw);

}  // namespace bgv::live
