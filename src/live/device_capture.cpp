#include "live/device_capture.h"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "live/audio_reader.h"
#include "live/block_maker.h"
#include "live/capture_clock.h"
#include "live/sample_converter.h"

namespace bgv::live {

namespace {

std::vector<std::pair<std::string, std::string>> device_options(const InputSource& source,
                                                                const InputSettings& settings) {
    // PulseAudio converts to the analysis's rate itself, on the server, as it hands the samples
    // over; resampled here, each sample would wait for the HQ filter's look-ahead (31 ms from
    // 48 kHz) before the analysis could see it. Other devices give what they are asked for, or
    // fail, so they are asked for the common rate and resampled here.
    const int rate =
        source.format == "pulse" ? static_cast<int>(kLiveSampleRate) : settings.device_sample_rate;
    std::vector<std::pair<std::string, std::string>> options = {
        {"sample_rate", std::to_string(rate)},
        {"channels", std::to_string(settings.device_channels)},
    };
    if (source.format == "pulse") {
        // Bytes of s16 samples (FFmpeg's pulse default format) in one fragment.
        const long bytes = 2L * settings.device_channels * rate * settings.fragment_ms / 1000;
        options.emplace_back("fragment_size", std::to_string(bytes));
        options.emplace_back("name", "bigganviz");
        options.emplace_back("stream_name", "bigganviz live");
    }
    return options;
}

}  // namespace

DeviceCapture::DeviceCapture(const InputSource& source, const InputSettings& settings)
    : AudioInput(source.text(), settings.queue_blocks) {
    reader_ = std::make_unique<AudioReader>(source.device, source.format,
                                            device_options(source, settings), stop_flag());
    start_reading([this] { capture(); });
}

DeviceCapture::~DeviceCapture() {
    stop();
}

HeardPosition DeviceCapture::heard_now() const {
    std::lock_guard lock(newest_mutex_);
    return newest_;
}

void DeviceCapture::capture() {
    SampleConverter converter;
    std::unique_ptr<BlockMaker> maker;
    std::unique_ptr<CaptureClock> clock;
    av::FramePtr frame(av_frame_alloc());
    while (!stopping() && reader_->next_frame(frame.get())) {
        const Clock::time_point arrival = Clock::now();
        converter.convert(*frame);
        if (!maker) {
            maker = std::make_unique<BlockMaker>(converter.sample_rate());
            clock = std::make_unique<CaptureClock>(converter.sample_rate());
        } else if (converter.sample_rate() != maker->input_rate()) {
            fail("{}: the device changed its sample rate from {} Hz to {} Hz", name(),
                 maker->input_rate(), converter.sample_rate());
        }
        const Clock::time_point time =
            clock->arrived(static_cast<std::int64_t>(converter.mono().size()), arrival);
        AudioBlock block = maker->add(converter.mono(), time);
        if (!block.samples.empty()) {
            const double seconds = static_cast<double>(block.samples.size()) / kLiveSampleRate;
            std::lock_guard lock(newest_mutex_);
            newest_.sample = static_cast<double>(block.first_sample + std::ssize(block.samples));
            newest_.time = block.first_sample_time + std::chrono::duration_cast<Clock::duration>(
                                                         std::chrono::duration<double>(seconds));
        }
        deliver(std::move(block));
        av_frame_unref(frame.get());
    }
}

}  // namespace bgv::live
