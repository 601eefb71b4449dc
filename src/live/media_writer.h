// live/media_writer: the live session written as H.264 + AAC while it plays: --record FILE (an
// mp4, fragmented so that a session cut short still plays) and --stream URL (MPEG-TS over SRT or
// UDP, FLV over RTMP, x264 tuned for zero latency). The picture is laid on a constant frame rate
// from the frames' presentation times (each slot shows the frame on screen then) and the heard
// sound from its blocks' times, both from the session's origin.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/frame_rate.h"
#include "live/audio_block.h"
#include "live/live_frame.h"

namespace bgv::live {

struct MediaSettings {
    int width = 0;  // the frames' size (even)
    int height = 0;
    FrameRate fps{24, 1};
    // Time 0 of the file or stream: the session's start (its first audio sample, say).
    Clock::time_point origin;
    // The session's length (-d), if it has one: picture and sound end there exactly.
    std::optional<double> seconds;
    int crf = 20;
    std::string preset = "veryfast";
    bool audio = true;  // an AAC track of the audio blocks offered
    // Frames waiting for the encoder before the oldest is dropped (a fraction of a second at
    // most, when x264 or the network falls behind).
    std::size_t queue_frames = 16;
};

class MediaWriter : public FrameOutput {
  public:
    // Writes "<file>.part" while the session runs; finish() renames it to `file`.
    static std::unique_ptr<MediaWriter> record(const std::filesystem::path& file,
                                               const MediaSettings& settings);
    // srt:// and udp:// carry MPEG-TS, rtmp:// and rtmps:// FLV; x264 with tune=zerolatency and a
    // keyframe every second, so a receiver can join at any time.
    static std::unique_ptr<MediaWriter> stream(const std::string& url,
                                               const MediaSettings& settings);
    ~MediaWriter() override;

    // Never wait: the writer's thread encodes. Frames beyond queue_frames waiting are dropped
    // (oldest first), audio blocks beyond 2000 (about 60 s of device fragments).
    void offer(const LiveFrame& frame) override;
    void offer_audio(const AudioBlock& block);
    OutputCounts counts() const override;
    std::string name() const override { return name_; }
    // Slots of the constant frame rate that repeat the frame before (the generator was slower
    // than --fps), and audio blocks dropped.
    std::int64_t repeated_frames() const { return repeated_.load(); }
    std::int64_t dropped_audio() const;
    // Why the writer stopped early (a stream's receiver went away, a full disk), if it did; the
    // session goes on without it.
    std::optional<std::string> failure() const;

    // Writes everything offered, pads the picture to the end of the sound, closes the file
    // (renaming a recording into place) or the stream. Throws the writer's error. With `end`, the
    // sound heard after it is left out: a file's blocks are read ahead of its playback, and what
    // nobody heard before the session ended is not part of it.
    void finish(std::optional<Clock::time_point> end = std::nullopt);

  private:
    MediaWriter(std::string name, std::string url, std::string format,
                std::filesystem::path final_path, const MediaSettings& settings, bool zero_latency);
    struct Encoder;
    void run();

    std::string name_;
    std::filesystem::path final_path_;  // the recording's name, empty for a stream
    MediaSettings settings_;
    std::unique_ptr<Encoder> encoder_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<LiveFrame> frames_;
    std::deque<AudioBlock> audio_;
    std::int64_t offered_ = 0;
    std::int64_t dropped_frames_ = 0;
    std::int64_t dropped_audio_ = 0;
    bool finishing_ = false;
    std::optional<Clock::time_point> end_;  // see finish()
    bool finished_ = false;
    std::exception_ptr error_;
    std::atomic<std::int64_t> written_{0};
    std::atomic<std::int64_t> superseded_{0};
    std::atomic<std::int64_t> repeated_{0};
    std::atomic<bool> abort_{false};  // read by FFmpeg's interrupt callback
    std::thread thread_;
};

}  // namespace bgv::live
