#include "live/audio_input.h"

#include <utility>

#include "core/file.h"
#include "live/audio_reader.h"
#include "live/device_capture.h"
#include "live/file_playback.h"

namespace bgv::live {

AudioInput::AudioInput(std::string name, std::size_t queue_blocks)
    : name_(std::move(name)), blocks_(queue_blocks) {}

AudioInput::~AudioInput() {
    stop();
}

void AudioInput::stop() {
    stop_ = true;
    if (thread_.joinable())
        thread_.join();
    blocks_.close();
}

void AudioInput::start_reading(std::function<void()> body) {
    thread_ = std::thread([this, body = std::move(body)] {
        try {
            body();
        } catch (...) {
            std::lock_guard lock(error_mutex_);
            error_ = std::current_exception();
        }
        blocks_.close();
    });
}

void AudioInput::deliver(AudioBlock block) {
    if (!block.samples.empty())
        blocks_.push(std::move(block));
}

std::optional<AudioBlock> AudioInput::next_block(Clock::duration timeout) {
    auto block = blocks_.pop(timeout);
    if (!block && blocks_.drained()) {
        std::lock_guard lock(error_mutex_);
        if (error_)
            std::rethrow_exception(std::exchange(error_, nullptr));
    }
    return block;
}

void check_input(const InputSource& source) {
    if (source.kind != InputSource::Kind::file)
        return;
    check_is_file(source.path);
    AudioReader reader(source.path, "", {}, nullptr);  // its header and decoder: throws if none
}

std::unique_ptr<AudioInput> open_audio_input(const InputSource& source,
                                             const InputSettings& settings) {
    if (source.kind == InputSource::Kind::file)
        return std::make_unique<FilePlayback>(source.path, settings);
    return std::make_unique<DeviceCapture>(source, settings);
}

}  // namespace bgv::live
