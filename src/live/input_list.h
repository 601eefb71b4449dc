// live/input_list: `bigganviz live --list_inputs`: the sound sources this machine offers, as
// --input values (PulseAudio sources and monitors, ALSA capture devices, JACK).
#pragma once

#include <string>
#include <vector>

namespace bgv::live {

struct InputChoice {
    std::string input;        // the --input value: "pulse:alsa_output.pci.monitor"
    std::string description;  // what the system calls it: "Monitor of Built-in Audio"
    bool is_default = false;
};

// Asks libavdevice's pulse and alsa inputs for their sources (avdevice_list_input_sources); a
// system without one of them (no PulseAudio server) gives no entries for it, and `problems` gets
// one line saying why. The default entries "pulse" and "jack" are not listed: they always exist
// as choices, whether a server runs or not.
std::vector<InputChoice> list_audio_inputs(std::vector<std::string>* problems = nullptr);

}  // namespace bgv::live
