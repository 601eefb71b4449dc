// live/input_source: the --input SOURCE of `bigganviz live` read into a device or a file:
// `pulse`, `pulse:NAME`, `alsa`, `alsa:DEVICE`, `jack`, or a path to an audio file.
#pragma once

#include <string>
#include <string_view>

namespace bgv::live {

struct InputSource {
    enum class Kind { device, file };
    Kind kind = Kind::device;
    // For a device, FFmpeg's input device ("pulse", "alsa", "jack") and the device it opens
    // ("default", "SINK.monitor", "hw:1", the JACK client name); for a file, its path.
    std::string format;
    std::string device;
    std::string path;

    std::string text() const;  // as written on the command line, e.g. "pulse:SINK.monitor"
};

// "pulse" and "pulse:" + NAME, "alsa" and "alsa:" + NAME, "jack" and "jack:" + CLIENT are devices
// ("pulse" and "alsa" open the default source); anything else is a file path (write ./pulse for a
// file named pulse). Throws UsageError for an empty source or a device with an empty name.
InputSource parse_input_source(std::string_view text);

}  // namespace bgv::live
