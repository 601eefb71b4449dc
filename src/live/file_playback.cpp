#include "live/file_playback.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "core/error.h"
#include "live/audio_reader.h"
#include "live/block_maker.h"
#include "live/playback.h"
#include "live/sample_converter.h"

namespace bgv::live {

namespace {
double seconds_between(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
}
}  // namespace

FilePlayback::FilePlayback(const std::filesystem::path& path, const InputSettings& settings)
    : AudioInput(path.string(), settings.queue_blocks) {
    reader_ = std::make_unique<AudioReader>(
        path.string(), "", std::vector<std::pair<std::string, std::string>>{}, stop_flag());
    const AVCodecParameters& parameters = reader_->parameters();
    file_rate_ = parameters.sample_rate;
    file_channels_ = parameters.ch_layout.nb_channels;
    if (file_rate_ <= 0 || parameters.ch_layout.nb_channels <= 0)
        fail("{}: audio stream without a sample rate or channels", path.string());
    AVChannelLayout layout{};
    if (parameters.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
        av_channel_layout_default(&layout, parameters.ch_layout.nb_channels);
    else
        av_channel_layout_copy(&layout, &parameters.ch_layout);
    try {
        playback_ = open_playback(settings.playback, settings.playback_device, file_rate_, layout,
                                  settings.playback_buffer_ms);
    } catch (...) {
        av_channel_layout_uninit(&layout);
        throw;
    }
    av_channel_layout_uninit(&layout);
    start_reading([this] { play(); });
}

FilePlayback::~FilePlayback() {
    stop();
}

HeardPosition FilePlayback::heard_now() const {
    const Clock::time_point now = Clock::now();
    std::lock_guard lock(clock_mutex_);
    if (!started_)
        return {0, now};
    // The anchor's sample is heard at its time, which may still be ahead: the clock runs from it
    // both ways, within what has been written.
    const double sample = anchor_.sample + seconds_between(anchor_.time, now) * kLiveSampleRate;
    return {std::clamp(sample, 0.0, written_end_), now};
}

void FilePlayback::play() {
    SampleConverter converter;
    BlockMaker maker(file_rate_);
    av::FramePtr frame(av_frame_alloc());
    std::int64_t next_frame = 0;  // at the file's rate
    Clock::time_point end_heard = Clock::now();
    const double to_live = static_cast<double>(kLiveSampleRate) / file_rate_;
    while (!stopping() && reader_->next_frame(frame.get())) {
        converter.convert(*frame);
        av_frame_unref(frame.get());
        if (converter.sample_rate() != file_rate_ || converter.channels() != file_channels_)
            fail("{}: the audio changes from {} channels at {} Hz to {} at {} Hz inside the file",
                 name(), file_channels_, file_rate_, converter.channels(), converter.sample_rate());
        const auto count = static_cast<std::int64_t>(converter.mono().size());
        if (count == 0)
            continue;
        const Clock::time_point heard = playback_->play(converter.interleaved(), next_frame);
        {
            std::lock_guard lock(clock_mutex_);
            anchor_ = {static_cast<double>(next_frame) * to_live, heard};
            written_end_ = static_cast<double>(next_frame + count) * to_live;
            started_ = true;
        }
        deliver(maker.add(converter.mono(), heard));
        next_frame += count;
        end_heard =
            heard + std::chrono::duration_cast<Clock::duration>(
                        std::chrono::duration<double>(static_cast<double>(count) / file_rate_));
    }
    deliver(maker.finish());
    // The input ends when its last sample has been heard, not when it was written.
    while (!stopping() && Clock::now() < end_heard)
        std::this_thread::sleep_until(
            std::min(end_heard, Clock::now() + std::chrono::milliseconds(50)));
}

}  // namespace bgv::live
