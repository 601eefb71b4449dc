// osc/osc_controls: the live-changeable options of render/'s option table as OSC controls: one
// address per option (/bigganviz/NAME), its argument types and range. The live session's server
// (live/osc_server) and the studio's Live panel (studio/, through osc/osc_sender) read this one
// map.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "render/option_schema.h"

namespace bgv::osc {

inline constexpr std::string_view kAddressPrefix = "/bigganviz/";

struct OscOption {
    enum class Type { int_list, float_value, int_value, boolean };
    std::string name;  // the address is the prefix + name: /bigganviz/truncation
    Type type = Type::float_value;
    // Every value (each element of an int list) lies in [min, max]; booleans have no range.
    double min = 0;
    double max = 0;
    // How many values an int list takes (/bigganviz/classes i i i: 1 to 3, say).
    int min_count = 1;
    int max_count = 1;
};

struct OptionChange {
    std::string name;
    std::variant<std::vector<int>, float, int, bool> value;
};

// The OSC controls of the live options of render/'s table (choices are left out: OSC carries
// numbers): /bigganviz/classes i..., /bigganviz/truncation f, /bigganviz/pulse f, ...
std::vector<OscOption> live_osc_options();

// The control of the live option `name`, or nullptr when the table has no such live option, or
// one OSC cannot carry.
const OscOption* find_live_osc_option(std::string_view name);

// A checked value of `option` (render::option_from_json's, of the option's own type) as the
// change an OSC message carries.
OptionChange option_change(const OscOption& option, const render::OptionValue& value);

}  // namespace bgv::osc
