// cli/studio_toolkit: what the command line lends `bigganviz studio`: the render options of its
// option table as JSON, the reading of a page's options as if typed on the command line, and the
// features picture, so the page, a script and the command line mean the same by the same words.
#pragma once

#include <nlohmann/json.hpp>

#include "studio/studio.h"

namespace bgv::cli {

// The render command's options that a studio client may set, each with its flags, kind, default,
// range and help: {"options": [{"name": "pitch_sensitivity", "flags": ["-ps", ...], ...}]}.
nlohmann::json studio_options_json();

// {"resolution": 128, "classes": [207, 980], "sort_by_power": true, ...} read exactly as
// `bigganviz --resolution=128 --classes 207 980 --sort_by_power` would be: UsageError otherwise.
studio::RenderRequest render_request_from_json(const nlohmann::json& options);

studio::Toolkit make_studio_toolkit();

}  // namespace bgv::cli
