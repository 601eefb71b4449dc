// --record and --stream: frames with presentation times and the heard sound, written while the
// session plays, read back with ffprobe and ffmpeg (frame counts, colours, the sound's
// correlation with what was given), and a stream received by ffmpeg listening on 127.0.0.1.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <numbers>
#include <random>
#include <thread>

#include "core/file.h"
#include "live/media_writer.h"
#include "live_harness.h"
#include "media_check.h"
#include "support/errors.h"

using namespace bgv;
using namespace bgv::live;
using namespace bgv::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr int kSize = 64;
const FrameRate kFps{24, 1};

Clock::duration seconds(double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

// Frame i: one flat colour of its own (x264 keeps flat colours within a level or two).
std::array<std::uint8_t, 3> colour(std::int64_t i) {
    return {static_cast<std::uint8_t>(20 + (i * 37) % 200),
            static_cast<std::uint8_t>(20 + (i * 91) % 200),
            static_cast<std::uint8_t>(20 + (i * 53) % 200)};
}

LiveFrame flat_frame(std::int64_t index, Clock::time_point due) {
    auto rgb = std::make_shared<std::vector<std::uint8_t>>(kSize * kSize * 3);
    const auto c = colour(index);
    for (std::size_t p = 0; p < rgb->size(); ++p)
        (*rgb)[p] = c[p % 3];
    return {index, kSize, kSize, rgb, due};
}

// A sound with structure at every time scale (so that a misplaced stretch shows): a chirp with
// noise bursts, at 22050 Hz.
std::vector<float> test_sound(double seconds_long) {
    std::mt19937 random(5);
    std::normal_distribution<float> noise(0.0f, 0.2f);
    const auto n = static_cast<std::size_t>(seconds_long * kLiveSampleRate);
    std::vector<float> sound(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / kLiveSampleRate;
        const double chirp = 0.4 * std::sin(2 * std::numbers::pi * (200 * t + 300 * t * t));
        const bool burst = std::fmod(t, 0.25) < 0.03;
        sound[i] = static_cast<float>(chirp + (burst ? noise(random) : 0.0f));
    }
    return sound;
}

// Offers `sound` to the writer in blocks of 512 samples heard from `origin` on.
void offer_sound(MediaWriter& writer, const std::vector<float>& sound, Clock::time_point origin) {
    for (std::size_t at = 0; at < sound.size(); at += 512) {
        AudioBlock block;
        block.first_sample = static_cast<std::int64_t>(at);
        block.first_sample_time = origin + seconds(static_cast<double>(at) / kLiveSampleRate);
        block.samples.assign(sound.begin() + static_cast<long>(at),
                             sound.begin() + static_cast<long>(std::min(at + 512, sound.size())));
        writer.offer_audio(block);
    }
}

// The tests hand over all frames at once, faster than real time: the queue holds them all.
MediaSettings settings(Clock::time_point origin) {
    MediaSettings s;
    s.queue_frames = 64;
    s.width = kSize;
    s.height = kSize;
    s.fps = kFps;
    s.origin = origin;
    return s;
}

// The file holds `frames` frames at 24 fps and a sound of `sound_seconds`.
void expect_streams(const fs::path& file, int frames, double sound_seconds) {
    const auto streams = probe_streams(file)["streams"];
    ASSERT_EQ(streams.size(), 2u);
    const auto& video = streams[0]["codec_type"] == "video" ? streams[0] : streams[1];
    const auto& audio = streams[0]["codec_type"] == "video" ? streams[1] : streams[0];
    EXPECT_EQ(video["codec_name"], "h264");
    EXPECT_EQ(video["width"], kSize);
    EXPECT_EQ(video["r_frame_rate"], "24/1");
    EXPECT_EQ(video["nb_read_frames"], std::to_string(frames));
    EXPECT_EQ(audio["codec_name"], "aac");
    EXPECT_EQ(std::stod(video["start_time"].get<std::string>()), 0.0);
    // The AAC track starts with 1024 samples of encoder priming at negative times, so that the
    // sound proper starts at 0 with the picture; it ends where the sound did, to within the
    // padding of the last AAC frame (1024 samples).
    const double audio_start = std::stod(audio["start_time"].get<std::string>());
    EXPECT_NEAR(audio_start, -1024.0 / kLiveSampleRate, 1e-3);
    EXPECT_NEAR(audio_start + std::stod(audio["duration"].get<std::string>()), sound_seconds,
                1024.0 / kLiveSampleRate);
}

}  // namespace

// A 2 s session at 24 fps: 48 frames, each at its presentation time, and 2 s of sound. The record
// holds the 48 frames in order (each frame's colour within 3 levels: x264 at CRF 20 on flat
// colours, and the BT.709 round trip) and the sound where it was heard: the decoded AAC from time
// 0 on matches the given sound with correlation >= 0.98 at a lag under 1 ms (AAC at 96 kb/s of a
// chirp and noise).
TEST(MediaWriter, RecordHoldsTheFramesAndTheSound) {
    const fs::path dir = fresh_temp_dir("live_record");
    const fs::path file = dir / "session.mp4";
    const Clock::time_point origin = Clock::now();
    auto writer = MediaWriter::record(file, settings(origin));
    const std::vector<float> sound = test_sound(2.0);
    offer_sound(*writer, sound, origin);
    for (int i = 0; i < 48; ++i)
        writer->offer(flat_frame(i, origin + seconds(i / 24.0)));
    EXPECT_FALSE(fs::exists(file)) << "named before it is complete";
    writer->finish();
    ASSERT_TRUE(fs::exists(file));
    EXPECT_FALSE(fs::exists(dir / "session.mp4.part"));
    EXPECT_EQ(writer->counts().written, 48);
    EXPECT_EQ(writer->counts().dropped, 0);
    EXPECT_EQ(writer->repeated_frames(), 0);
    EXPECT_EQ(writer->dropped_audio(), 0);
    expect_streams(file, 48, 2.0);

    const std::string rgb = decoded_rgb(file);
    ASSERT_EQ(rgb.size(), static_cast<std::size_t>(48 * kSize * kSize * 3));
    for (int i = 0; i < 48; ++i) {
        const auto got = mean_colour(rgb, kSize, kSize, static_cast<std::size_t>(i));
        const auto want = colour(i);
        for (int c = 0; c < 3; ++c)
            EXPECT_NEAR(got[c], want[c], 3.0) << "frame " << i << " channel " << c;
    }
    const std::vector<float> heard = decoded_audio(file, kLiveSampleRate);
    ASSERT_GE(heard.size(), sound.size() - 1024);
    const std::span<const float> middle(sound.data() + 2205, sound.size() - 4410);
    const Alignment alignment = best_alignment(middle, heard);
    EXPECT_GE(alignment.correlation, 0.98);
    EXPECT_NEAR(static_cast<double>(alignment.lag), 2205.0, 22.0);  // 1 ms
}

// The generator at half the rate (a frame every other slot): the record keeps 24 fps, each
// frame repeated in the slot after it, as it stayed on screen; the sound's 2 s still get 48
// frames. Frames sooner than their slot's end replace each other (one slot, two frames: the
// later one was on screen).
TEST(MediaWriter, RecordKeepsItsRateWhenFramesComeSlowerOrFaster) {
    const fs::path dir = fresh_temp_dir("live_record_rate");
    const fs::path file = dir / "slow.mp4";
    const Clock::time_point origin = Clock::now();
    auto writer = MediaWriter::record(file, settings(origin));
    offer_sound(*writer, test_sound(2.0), origin);
    for (int i = 0; i < 24; ++i)
        writer->offer(flat_frame(i, origin + seconds(2 * i / 24.0)));
    // Two more frames within the last frame's slot: the last one given wins that slot.
    writer->offer(flat_frame(100, origin + seconds(47 / 24.0)));
    writer->offer(flat_frame(101, origin + seconds(47 / 24.0 + 0.01)));
    writer->finish();
    EXPECT_EQ(writer->counts().dropped, 1);  // frame 100
    expect_streams(file, 48, 2.0);
    const std::string rgb = decoded_rgb(file);
    ASSERT_EQ(rgb.size(), static_cast<std::size_t>(48 * kSize * kSize * 3));
    for (int slot = 0; slot < 48; ++slot) {
        const std::int64_t shown = slot == 47 ? 101 : slot / 2;
        const auto got = mean_colour(rgb, kSize, kSize, static_cast<std::size_t>(slot));
        EXPECT_NEAR(got[0], colour(shown)[0], 3.0) << "slot " << slot;
        EXPECT_NEAR(got[1], colour(shown)[1], 3.0) << "slot " << slot;
    }
}

TEST(MediaWriter, ErrorsNameTheOutput) {
    const MediaSettings s = settings(Clock::now());
    EXPECT_EQ(error_of([&] { MediaWriter::stream("http://127.0.0.1/x", s); }),
              "--stream http://127.0.0.1/x: expected an srt://, udp:// or rtmp:// address");
    const std::string error =
        error_of([&] { MediaWriter::record("/no/such/folder/session.mp4", s); });
    EXPECT_EQ(error.rfind("cannot open record /no/such/folder/session.mp4: ", 0), 0u) << error;
    MediaSettings odd = s;
    odd.width = 63;
    EXPECT_EQ(error_of([&] { MediaWriter::record(fs::temp_directory_path() / "odd.mp4", odd); }),
              "picture size 63x64 must be positive and even");
}

namespace {

// A UDP or TCP port nobody listens on right now, on 127.0.0.1.
int free_port(int type) {
    const int fd = ::socket(AF_INET, type, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

// ffmpeg receiving `url` until it has decoded 24 frames (or giving up after 30 s), writing them as
// RGB24 to `out`.
std::string receive(const std::string& input_options, const std::string& url, const fs::path& out) {
    return fmt::format(
        "timeout 30 ffmpeg -v error -y -probesize 65536 -analyzeduration 1000000 {} -i '{}' "
        "-frames:v 24 -f rawvideo -pix_fmt rgb24 '{}' 2>&1",
        input_options, url, out.string());
}

// Sends frames of one colour (frame 7's) and sound in real time until the receiver is done (30 s
// at most); a keyframe every second lets it start whenever it begins listening.
void send_until_received(MediaWriter& writer, const BackgroundCommand& receiver) {
    const Clock::time_point origin = Clock::now();
    const std::vector<float> sound = test_sound(1.0);
    const LiveFrame frame = flat_frame(7, origin);
    for (std::int64_t i = 0; !receiver.done() && i < 30 * 24; ++i) {
        LiveFrame next = frame;
        next.index = i;
        next.presentation_time = origin + seconds(i / 24.0);
        std::this_thread::sleep_until(next.presentation_time);
        writer.offer(next);
        if (i % 24 == 0) {  // a second of sound a second
            AudioBlock block;
            block.first_sample = i / 24 * kLiveSampleRate;
            block.first_sample_time = next.presentation_time;
            block.samples = sound;
            writer.offer_audio(block);
        }
    }
}

void expect_received(const fs::path& out, const BackgroundCommand& receiver) {
    ASSERT_EQ(receiver.result().exit_code, 0) << receiver.result().output;
    const std::string rgb = bgv::read_file_text(out);
    ASSERT_EQ(rgb.size(), static_cast<std::size_t>(24 * kSize * kSize * 3));
    const auto want = colour(7);
    for (std::size_t f = 0; f < 24; ++f) {
        const auto got = mean_colour(rgb, kSize, kSize, f);
        for (int c = 0; c < 3; ++c)
            EXPECT_NEAR(got[c], want[c], 3.0) << "frame " << f;
    }
}

}  // namespace

// --stream udp://127.0.0.1:PORT: MPEG-TS that ffmpeg, listening on the port, decodes into the
// picture sent (24 frames, the colour within 3 levels).
TEST(MediaWriter, UdpStreamDecodes) {
    const fs::path dir = fresh_temp_dir("live_stream_udp");
    const std::string url = fmt::format("udp://127.0.0.1:{}", free_port(SOCK_DGRAM));
    BackgroundCommand receiver(receive("", url + "?timeout=30000000", dir / "received.rgb"));
    auto writer = MediaWriter::stream(url + "?pkt_size=1316", settings(Clock::now()));
    send_until_received(*writer, receiver);
    writer.reset();  // the receiver has gone: a connection's writes fail from then on
    expect_received(dir / "received.rgb", receiver);
}

namespace {

// A caller can connect only once ffmpeg listens: tries every 100 ms until it does (30 s at most).
std::unique_ptr<MediaWriter> connect(const std::string& url) {
    const auto deadline = Clock::now() + 30s;
    for (;;) {
        try {
            return MediaWriter::stream(url, settings(Clock::now()));
        } catch (const Error&) {
            if (Clock::now() > deadline)
                throw;
        }
        std::this_thread::sleep_for(100ms);
    }
}

}  // namespace

// --stream srt://127.0.0.1:PORT (caller) to ffmpeg listening there: MPEG-TS over SRT decodes into
// the picture sent.
TEST(MediaWriter, SrtStreamDecodes) {
    const fs::path dir = fresh_temp_dir("live_stream_srt");
    const std::string url = fmt::format("srt://127.0.0.1:{}", free_port(SOCK_DGRAM));
    BackgroundCommand receiver(receive("", url + "?mode=listener", dir / "received.rgb"));
    auto writer = connect(url);
    send_until_received(*writer, receiver);
    writer.reset();  // the receiver has gone: a connection's writes fail from then on
    expect_received(dir / "received.rgb", receiver);
}

// --stream rtmp://127.0.0.1:PORT/live/test to ffmpeg acting as the RTMP server: FLV over RTMP
// decodes into the picture sent.
TEST(MediaWriter, RtmpStreamDecodes) {
    const fs::path dir = fresh_temp_dir("live_stream_rtmp");
    const std::string url = fmt::format("rtmp://127.0.0.1:{}/live/test", free_port(SOCK_STREAM));
    BackgroundCommand receiver(receive("-listen 1", url, dir / "received.rgb"));
    auto writer = connect(url);
    send_until_received(*writer, receiver);
    writer.reset();  // the receiver has gone: a connection's writes fail from then on
    expect_received(dir / "received.rgb", receiver);
}
