// audio/section_stream: decode_section as a stream to pull from: a thread decodes a few chunks
// ahead into a bounded queue, so a consumer that takes samples at its own pace (the video's
// soundtrack) never holds the whole section.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <filesystem>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "audio/decode.h"

namespace bgv::audio {

class SectionStream {
  public:
    // Starts decoding `section` of `path` with every channel kept (decode_section's rules); at
    // most `chunks_ahead` chunks wait decoded. Throws what decode_section throws before the
    // stream's format is known (a missing or audio-less file); later errors (a start past the
    // end, a section over the limit) come from read().
    SectionStream(const std::filesystem::path& path, const Section& section,
                  std::size_t chunks_ahead = 16);
    ~SectionStream();  // stops the decoder and waits for it
    SectionStream(const SectionStream&) = delete;
    SectionStream& operator=(const SectionStream&) = delete;

    const StreamInfo& info() const { return info_; }

    // Copies the next sample times, every channel interleaved, into `into` (its size a multiple of
    // the channels) and returns how many sample times it copied: fewer than asked only at the end
    // of the section. Rethrows the decoder's error.
    std::size_t read(std::span<float> into);

  private:
    void decode(const std::filesystem::path& path, const Section& section);

    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::vector<float>> chunks_;  // interleaved samples
    std::size_t taken_from_front_ = 0;       // floats of chunks_.front() already read
    std::size_t capacity_;
    bool began_ = false;
    bool finished_ = false;
    bool stopping_ = false;
    std::exception_ptr error_;
    StreamInfo info_;
    std::thread decoder_;
};

}  // namespace bgv::audio
