// audio/reader: the first audio stream of a file, decoded packet by packet into float samples as
// librosa's readers see them, from any frame on (a seek where the container's timestamps are
// exact).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

namespace bgv::audio {

// The samples of one decoded packet (or its part after a skip).
struct Chunk {
    std::int64_t first_frame = 0;        // index of mono[0] in the stream, at its own rate
    std::span<const float> mono;         // the mean of the channels
    std::span<const float> interleaved;  // every channel, unrounded; empty unless kept
};

class AudioReader {
  public:
    // Opens the file and reads its header; nothing is decoded before the first call that needs
    // samples or the rate. Throws bgv::Error for a file with no decodable audio stream. With
    // keep_channels, chunks carry every channel too (the video's soundtrack).
    AudioReader(const std::filesystem::path& path, bool keep_channels);
    ~AudioReader();
    AudioReader(const AudioReader&) = delete;
    AudioReader& operator=(const AudioReader&) = delete;

    // Of the decoded frames (the first packet is decoded to learn them); 0 when none decodes.
    int sample_rate();
    int channels();
    // True when librosa would read this file through audioread's 16-bit ffmpeg pipe (containers
    // libsndfile cannot open: m4a, video...): the samples are then quantised to 16 bits as it is.
    bool quantised_to_16_bits() const;
    // The duration the container states (a WAV header's data size, FLAC's sample count, an mp3's
    // Xing frame count); 0 when it states none or FFmpeg only estimated it from the bit rate.
    double declared_seconds() const;
    // The container's duration however FFmpeg knows it (estimates too); 0 when unknown.
    double estimated_seconds() const;

    // Makes the next chunk start at `frame` (or the stream end there when it is shorter). Where
    // the container's timestamps are exact (WAV, FLAC, Ogg, MP4...) and the frame is far ahead,
    // it seeks to a few seconds before the frame and decodes from there (codecs need that much
    // to reach the samples a decode from the start gives); otherwise it decodes and drops.
    // Decoding errors before `frame` after a seek are not counted as damage. Forward only.
    void skip_to(std::int64_t frame);
    // The next samples, false at the end. The spans stay valid until the next call.
    bool next(Chunk& chunk);
    // The frame after the last one handed out (or skipped); at the end, the stream's length.
    std::int64_t position() const;

    // Packets the decoder rejected, and the container's read error if reading stopped on one.
    int damaged_packets() const;
    const std::string& read_error() const;
    // Whether skip_to sought (for tests and benchmarks).
    bool sought() const;

  private:
    class Decoder;
    std::filesystem::path path_;
    bool keep_channels_;
    std::unique_ptr<Decoder> decoder_;
    std::int64_t handed_out_ = 0;  // frames the last chunk gave, consumed on the next call
    bool sought_ = false;
};

}  // namespace bgv::audio
