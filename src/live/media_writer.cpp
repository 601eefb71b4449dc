#include "live/media_writer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "av/ffmpeg.h"
#include "core/error.h"
#include "core/file.h"
#include "live/aac_stream.h"
#include "live/h264_stream.h"

namespace bgv::live {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kAudioQueue = 2000;

double seconds_since(Clock::time_point origin, Clock::time_point time) {
    return std::chrono::duration<double>(time - origin).count();
}

int interrupted(void* abort_flag) {
    return static_cast<const std::atomic<bool>*>(abort_flag)->load() ? 1 : 0;
}

// The container a stream URL carries.
std::string stream_format(const std::string& url) {
    for (const char* scheme : {"srt://", "udp://", "rist://"})
        if (url.starts_with(scheme))
            return "mpegts";
    for (const char* scheme : {"rtmp://", "rtmps://"})
        if (url.starts_with(scheme))
            return "flv";
    fail_usage("--stream {}: expected an srt://, udp:// or rtmp:// address", url);
}

}  // namespace

// The muxer and its two encoders, used on the writer's thread only, with the session's timeline:
// where each frame and each audio sample lands in the file.
struct MediaWriter::Encoder {
    av::OutputPtr output;
    std::unique_ptr<H264Stream> video;
    std::unique_ptr<AacStream> audio;
    std::string url;

    // The picture: frame `pending` waits for its slot to end (a later frame's slot begins).
    std::optional<LiveFrame> pending;
    std::int64_t pending_slot = 0;
    std::int64_t next_slot = 0;
    // The sound: audio sample s of the input is sample s - audio_base of the file.
    bool audio_started = false;
    std::int64_t audio_base = 0;
};

MediaWriter::MediaWriter(std::string name, std::string url, std::string format, fs::path final_path,
                         const MediaSettings& settings, bool zero_latency)
    : name_(std::move(name)), final_path_(std::move(final_path)), settings_(settings) {
    av::quiet_logs();
    encoder_ = std::make_unique<Encoder>();
    encoder_->url = url;
    AVFormatContext* raw = nullptr;
    av::check(avformat_alloc_output_context2(&raw, nullptr, format.c_str(), url.c_str()),
              "cannot write " + name_);
    encoder_->output.reset(raw);
    AVFormatContext* output = raw;
    output->interrupt_callback = {&interrupted, &abort_};
    // What the muxer has written goes to the file or the network at once, not when FFmpeg's
    // 32 KiB buffer fills: a recording's last fragment is on disk, a stream's packets on the way.
    output->flags |= AVFMT_FLAG_FLUSH_PACKETS;
    H264Settings video;
    video.width = settings.width;
    video.height = settings.height;
    video.fps = settings.fps;
    video.crf = settings.crf;
    video.preset = settings.preset;
    video.zero_latency = zero_latency;
    // A keyframe a second for a stream (a receiver joins there), every two for a recording (its
    // fragments end there).
    const double per_second = settings.fps.per_second();
    video.keyframe_interval = static_cast<int>(std::lround(per_second * (zero_latency ? 1 : 2)));
    encoder_->video = std::make_unique<H264Stream>(output, video);
    if (settings.audio)
        encoder_->audio = std::make_unique<AacStream>(output, kLiveSampleRate);
    if ((output->oformat->flags & AVFMT_NOFILE) == 0)
        av::check(avio_open2(&output->pb, url.c_str(), AVIO_FLAG_WRITE, &output->interrupt_callback,
                             nullptr),
                  "cannot open " + name_);
    AVDictionary* options = nullptr;
    // Fragments, each playable once written: a session cut short still plays. delay_moov: the
    // index is written with the first fragment, once the AAC priming's negative start is known
    // (without it the sound plays 1024 samples late).
    if (format == "mp4")
        av_dict_set(&options, "movflags", "+frag_keyframe+empty_moov+delay_moov+default_base_moof",
                    0);
    const int header = avformat_write_header(output, &options);
    av_dict_free(&options);
    av::check(header, "cannot start " + name_);
    thread_ = std::thread([this] { run(); });
}

std::unique_ptr<MediaWriter> MediaWriter::record(const fs::path& file,
                                                 const MediaSettings& settings) {
    const fs::path part = file.string() + ".part";
    return std::unique_ptr<MediaWriter>(
        new MediaWriter("record " + file.string(), part.string(), "mp4", file, settings, false));
}

std::unique_ptr<MediaWriter> MediaWriter::stream(const std::string& url,
                                                 const MediaSettings& settings) {
    const std::string format = stream_format(url);
    return std::unique_ptr<MediaWriter>(
        new MediaWriter("stream " + url, url, format, {}, settings, true));
}

MediaWriter::~MediaWriter() {
    {
        std::lock_guard lock(mutex_);
        finishing_ = true;
    }
    abort_ = true;  // a network write in progress gives up
    wake_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

void MediaWriter::offer(const LiveFrame& frame) {
    {
        std::lock_guard lock(mutex_);
        ++offered_;
        if (finishing_ || error_) {
            ++dropped_frames_;
            return;
        }
        if (frames_.size() >= settings_.queue_frames) {
            frames_.pop_front();
            ++dropped_frames_;
        }
        frames_.push_back(frame);
    }
    wake_.notify_all();
}

void MediaWriter::offer_audio(const AudioBlock& block) {
    if (!settings_.audio)
        return;
    {
        std::lock_guard lock(mutex_);
        if (finishing_ || error_) {
            ++dropped_audio_;
            return;
        }
        if (audio_.size() == kAudioQueue) {
            audio_.pop_front();
            ++dropped_audio_;
        }
        audio_.push_back(block);
    }
    wake_.notify_all();
}

OutputCounts MediaWriter::counts() const {
    std::lock_guard lock(mutex_);
    return {offered_, written_.load(), dropped_frames_ + superseded_.load()};
}

std::int64_t MediaWriter::dropped_audio() const {
    std::lock_guard lock(mutex_);
    return dropped_audio_;
}

std::optional<std::string> MediaWriter::failure() const {
    std::lock_guard lock(mutex_);
    if (!error_)
        return std::nullopt;
    try {
        std::rethrow_exception(error_);
    } catch (const std::exception& e) {
        return describe(e);
    }
}

void MediaWriter::finish(std::optional<Clock::time_point> end) {
    {
        std::lock_guard lock(mutex_);
        finishing_ = true;
        end_ = end;
    }
    wake_.notify_all();
    if (thread_.joinable())
        thread_.join();
    std::lock_guard lock(mutex_);
    if (error_)
        std::rethrow_exception(error_);
    if (!finished_)
        fail("{} was not finished", name_);
}

void MediaWriter::run() {
    Encoder& e = *encoder_;
    const double fps = settings_.fps.per_second();
    // Samples of the sound written at most, and the first slot of the picture left out: the
    // session's length, or its end once known.
    constexpr std::int64_t kUnlimited = std::numeric_limits<std::int64_t>::max();
    std::int64_t sound_limit =
        settings_.seconds
            ? static_cast<std::int64_t>(std::llround(*settings_.seconds * kLiveSampleRate))
            : kUnlimited;
    const std::int64_t slot_limit =
        settings_.seconds ? static_cast<std::int64_t>(std::ceil(*settings_.seconds * fps - 1e-9))
                          : kUnlimited;
    const auto write_audio = [&](const AudioBlock& block) {
        if (!e.audio_started) {
            const double offset = seconds_since(settings_.origin, block.first_sample_time);
            e.audio_base = block.first_sample - std::llround(offset * kLiveSampleRate);
            e.audio_started = true;
        }
        const std::int64_t start = std::min(block.first_sample - e.audio_base, sound_limit);
        const std::int64_t written = e.audio->samples();
        if (start > written) {  // silence before the first block, or where blocks were dropped
            const std::vector<float> silence(static_cast<std::size_t>(start - written), 0.0f);
            e.audio->write(silence);
        }
        const auto skip = static_cast<std::size_t>(
            std::clamp<std::int64_t>(written - start, 0, std::ssize(block.samples)));
        const auto keep = static_cast<std::size_t>(std::clamp<std::int64_t>(
            sound_limit - std::max(start, written), 0, std::ssize(block.samples) - skip));
        e.audio->write(std::span(block.samples).subspan(skip, keep));
    };
    // Blocks not heard yet (a file read ahead of its playback) wait until they are, or until the
    // session ends.
    std::deque<AudioBlock> unheard;
    const auto write_heard_audio = [&](Clock::time_point now) {
        while (!unheard.empty() && unheard.front().first_sample_time <= now) {
            write_audio(unheard.front());
            unheard.pop_front();
        }
    };
    const auto encode = [&](const LiveFrame& frame, std::int64_t slot) {
        if (frame.width != settings_.width || frame.height != settings_.height || !frame.rgb)
            fail("{}: frame {} is {}x{}, the recording's size is {}x{}", name_, frame.index,
                 frame.width, frame.height, settings_.width, settings_.height);
        e.video->write(*frame.rgb, slot);
        e.next_slot = slot + 1;
    };
    const auto write_frame = [&](LiveFrame frame) {
        const std::int64_t slot =
            std::llround(seconds_since(settings_.origin, frame.presentation_time) * fps);
        if (slot >= slot_limit)  // shown after the session's end
            return;
        if (!e.pending) {
            e.pending_slot = std::max(slot, e.next_slot);
            e.pending = std::move(frame);
            return;
        }
        if (slot <= e.pending_slot) {  // two frames for one slot: the later one is on screen
            e.pending = std::move(frame);
            ++superseded_;
            return;
        }
        encode(*e.pending, e.pending_slot);
        ++written_;
        while (e.next_slot < slot) {  // the frame stayed on screen for these slots too
            encode(*e.pending, e.next_slot);
            ++repeated_;
        }
        e.pending_slot = slot;
        e.pending = std::move(frame);
    };
    const auto close = [&] {
        if (e.pending) {
            encode(*e.pending, e.pending_slot);
            ++written_;
            // The picture lasts as long as the sound.
            const double sound_seconds =
                e.audio ? static_cast<double>(e.audio->samples()) / kLiveSampleRate : 0.0;
            const auto end_slot = static_cast<std::int64_t>(std::ceil(sound_seconds * fps - 1e-9));
            while (e.next_slot < end_slot) {
                encode(*e.pending, e.next_slot);
                ++repeated_;
            }
        }
        e.video->finish();
        if (e.audio)
            e.audio->finish();
        av::check(av_write_trailer(e.output.get()), "cannot finish " + name_);
        e.output.reset();
        if (!final_path_.empty()) {
            sync_file(e.url);
            std::error_code error;
            fs::rename(e.url, final_path_, error);
            if (error)
                fail("{}: cannot rename into place: {}", final_path_.string(), error.message());
        }
    };

    try {
        for (;;) {
            std::deque<LiveFrame> frames;
            std::deque<AudioBlock> audio;
            bool finishing = false;
            std::optional<Clock::time_point> end;
            {
                std::unique_lock lock(mutex_);
                wake_.wait(lock, [&] { return finishing_ || !frames_.empty() || !audio_.empty(); });
                frames.swap(frames_);
                audio.swap(audio_);
                finishing = finishing_;
                end = end_;
            }
            if (abort_)
                return;
            for (AudioBlock& block : audio)
                unheard.push_back(std::move(block));
            if (finishing && end) {
                sound_limit = std::min(
                    sound_limit, static_cast<std::int64_t>(std::llround(
                                     seconds_since(settings_.origin, *end) * kLiveSampleRate)));
            }
            write_heard_audio(finishing ? Clock::time_point::max() : Clock::now());
            for (LiveFrame& frame : frames)
                write_frame(std::move(frame));
            if (finishing) {
                std::lock_guard lock(mutex_);
                if (!frames_.empty() || !audio_.empty())
                    continue;
            }
            if (finishing) {
                close();
                std::lock_guard lock(mutex_);
                finished_ = true;
                return;
            }
        }
    } catch (...) {
        std::lock_guard lock(mutex_);
        error_ = std::current_exception();
    }
}

}  // namespace bgv::live
