#include "live/input_source.h"

#include <array>

#include "core/error.h"

namespace bgv::live {

namespace {
// The FFmpeg input device behind each prefix, and the device it opens when no name is given.
struct DeviceKind {
    std::string_view prefix;
    std::string_view default_device;
};
constexpr std::array<DeviceKind, 3> kDevices = {{
    {"pulse", "default"},   // the PulseAudio (or PipeWire) default source
    {"alsa", "default"},    // ALSA's default PCM
    {"jack", "bigganviz"},  // the JACK client name; connect its ports with a patchbay
}};
}  // namespace

std::string InputSource::text() const {
    if (kind == Kind::file)
        return path;
    return format + ":" + device;
}

InputSource parse_input_source(std::string_view text) {
    if (text.empty())
        fail_usage("--input needs a source: pulse, pulse:NAME, alsa:DEVICE, jack or a file");
    for (const auto& kind : kDevices) {
        if (text == kind.prefix)
            return {InputSource::Kind::device,
                    std::string(kind.prefix),
                    std::string(kind.default_device),
                    {}};
        if (text.size() > kind.prefix.size() && text.starts_with(kind.prefix) &&
            text[kind.prefix.size()] == ':') {
            std::string_view name = text.substr(kind.prefix.size() + 1);
            if (name.empty())
                fail_usage("--input {}: the device name after ':' is empty", text);
            return {InputSource::Kind::device, std::string(kind.prefix), std::string(name), {}};
        }
    }
    return {InputSource::Kind::file, {}, {}, std::string(text)};
}

}  // namespace bgv::live
