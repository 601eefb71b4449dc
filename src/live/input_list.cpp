#include "live/input_list.h"

extern "C" {
#include <libavdevice/avdevice.h>
}

#include <fmt/format.h>

#include "av/ffmpeg.h"
#include "live/audio_reader.h"

namespace bgv::live {

namespace {

void list_device(const char* format_name, std::vector<InputChoice>& choices,
                 std::vector<std::string>* problems) {
    const AVInputFormat* format = av_find_input_format(format_name);
    if (format == nullptr) {
        if (problems != nullptr)
            problems->push_back(
                fmt::format("{}: this FFmpeg has no such input device", format_name));
        return;
    }
    AVDeviceInfoList* list = nullptr;
    const int found = avdevice_list_input_sources(format, nullptr, nullptr, &list);
    if (found < 0) {
        if (problems != nullptr)
            problems->push_back(fmt::format("{}: {}", format_name, av::error_text(found)));
        avdevice_free_list_devices(&list);
        return;
    }
    for (int i = 0; i < list->nb_devices; ++i) {
        const AVDeviceInfo* device = list->devices[i];
        InputChoice choice;
        choice.input = fmt::format("{}:{}", format_name, device->device_name);
        choice.description =
            device->device_description != nullptr ? device->device_description : "";
        choice.is_default = i == list->default_device;
        choices.push_back(std::move(choice));
    }
    avdevice_free_list_devices(&list);
}

}  // namespace

std::vector<InputChoice> list_audio_inputs(std::vector<std::string>* problems) {
    av::quiet_logs();
    register_devices();
    std::vector<InputChoice> choices;
    list_device("pulse", choices, problems);
    list_device("alsa", choices, problems);
    return choices;
}

}  // namespace bgv::live
