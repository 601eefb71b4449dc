#include "osc/osc_controls.h"

#include <algorithm>

#include "core/assert.h"
#include "render/options.h"

namespace bgv::osc {

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

const OscOption* find_live_osc_option(std::string_view name) {
    static const std::vector<OscOption> options = live_osc_options();
    const auto found = std::find_if(options.begin(), options.end(),
                                    [&](const OscOption& option) { return option.name == name; });
    return found == options.end() ? nullptr : &*found;
}

OptionChange option_change(const OscOption& option, const render::OptionValue& value) {
    using Type = OscOption::Type;
    switch (option.type) {
        case Type::int_list: {
            BGV_ASSERT(std::holds_alternative<std::vector<std::int64_t>>(value),
                       "{}: expected an integer list", option.name);
            const auto& list = std::get<std::vector<std::int64_t>>(value);
            return {option.name, std::vector<int>(list.begin(), list.end())};
        }
        case Type::float_value:
            BGV_ASSERT(std::holds_alternative<double>(value), "{}: expected a number", option.name);
            return {option.name, static_cast<float>(std::get<double>(value))};
        case Type::int_value:
            BGV_ASSERT(std::holds_alternative<std::int64_t>(value), "{}: expected an integer",
                       option.name);
            return {option.name, static_cast<int>(std::get<std::int64_t>(value))};
        case Type::boolean:
            BGV_ASSERT(std::holds_alternative<bool>(value), "{}: expected a flag", option.name);
            return {option.name, std::get<bool>(value)};
    }
    BGV_ASSERT(false, "{}: unknown OSC type", option.name);
    return {};
}

}  // namespace bgv::osc
