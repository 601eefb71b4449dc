#include "live/live_control.h"

#include <algorithm>

#include "choreo/classes.h"
#include "core/assert.h"
#include "core/error.h"

namespace bgv::live {

namespace {
constexpr double kTruncationStep = 0.05;
// The presets of the keys 1-9: the classes the session's seed draws for that number.
constexpr std::uint64_t kPresetStream = 1000;
}  // namespace

std::vector<OscOption> live_osc_options() {
    std::vector<OscOption> options;
    for (const auto& row : render::render_option_table()) {
        const render::OptionDef& def = row.def;
        if (!def.live)
            continue;
        OscOption option{.name = def.name, .min = def.min, .max = def.max};
        switch (def.type) {
            case render::OptionType::integer_list:
                option.type = OscOption::Type::int_list;
                option.min_count = 1;
                option.max_count = def.max_items > 0 ? static_cast<int>(def.max_items) : 64;
                break;
            case render::OptionType::number:
                option.type = OscOption::Type::float_value;
                break;
            case render::OptionType::integer:
                option.type = OscOption::Type::int_value;
                break;
            case render::OptionType::flag:
                option.type = OscOption::Type::boolean;
                break;
            case render::OptionType::text:
            case render::OptionType::choice:
                continue;
        }
        options.push_back(option);
    }
    return options;
}

render::RenderOptions with_change(const render::RenderOptions& options,
                                  const OptionChange& change) {
    const render::RenderOption* row = render::find_render_option(change.name);
    BGV_ASSERT(row != nullptr && row->def.live, "OSC change of '{}', not a live option",
               change.name);
    struct ToValue {
        render::OptionValue operator()(const std::vector<int>& list) const {
            return std::vector<std::int64_t>(list.begin(), list.end());
        }
        render::OptionValue operator()(float value) const { return static_cast<double>(value); }
        render::OptionValue operator()(int value) const { return std::int64_t{value}; }
        render::OptionValue operator()(bool value) const { return value; }
    };
    const render::OptionValue value = std::visit(ToValue{}, change.value);
    render::check_option_value(row->def, value, "/bigganviz/" + change.name);
    render::RenderOptions changed = options;
    row->set(changed, value);
    if (change.name == "classes")
        changed.num_classes = static_cast<int>(changed.classes.size());
    render::check_options(changed);
    return changed;
}

std::optional<render::RenderOptions> with_key(const render::RenderOptions& options,
                                              const KeyEvent& key, std::uint64_t draw) {
    render::RenderOptions changed = options;
    const std::uint64_t seed = options.seed.value_or(0);
    switch (key.action) {
        case KeyEvent::Action::new_classes:
            changed.classes = choreo::random_classes(options.num_classes, seed ^ (draw + 1));
            break;
        case KeyEvent::Action::truncation_up:
        case KeyEvent::Action::truncation_down: {
            const double step =
                key.action == KeyEvent::Action::truncation_up ? kTruncationStep : -kTruncationStep;
            changed.choreo.truncation = std::clamp(options.choreo.truncation + step, 0.1, 1.0);
            break;
        }
        case KeyEvent::Action::preset:
            changed.classes =
                choreo::random_classes(options.num_classes, seed + kPresetStream + key.preset);
            break;
        case KeyEvent::Action::fullscreen:
        case KeyEvent::Action::quit:
            return std::nullopt;
    }
    render::check_options(changed);
    return changed;
}

}  // namespace bgv::live
