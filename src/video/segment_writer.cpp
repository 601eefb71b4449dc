#include "video/segment_writer.h"

extern "C" {
#include <libavutil/cpu.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
}

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <utility>

#include "core/error.h"
#include "core/file.h"

namespace bgv::video {

namespace fs = std::filesystem;

namespace {

// x264's value for its "asm" parameter: the instruction sets of this CPU (as FFmpeg detects them)
// up to AVX2, leaving out AVX-512. x264's AVX-512 code reads memory it never wrote: on a CPU with
// AVX-512 the same frames encoded to other bytes when the heap had held NaNs before, so a piece
// re-encoded after a crash, or by another process of a shared render, differed from a clean run's.
// Empty (x264 chooses) on other architectures.
std::string x264_instruction_sets() {
#if defined(__x86_64__) || defined(__i386__)
    const int cpu = av_get_cpu_flags();
    // FFmpeg flag, x264 name; lzcnt came with bmi1 on both Intel and AMD.
    const std::pair<int, const char*> sets[] = {
        {AV_CPU_FLAG_MMXEXT, "MMX2"},  {AV_CPU_FLAG_SSE, "SSE"},     {AV_CPU_FLAG_SSE2, "SSE2"},
        {AV_CPU_FLAG_SSE3, "SSE3"},    {AV_CPU_FLAG_SSSE3, "SSSE3"}, {AV_CPU_FLAG_SSE4, "SSE4.1"},
        {AV_CPU_FLAG_SSE42, "SSE4.2"}, {AV_CPU_FLAG_AVX, "AVX"},     {AV_CPU_FLAG_XOP, "XOP"},
        {AV_CPU_FLAG_FMA4, "FMA4"},    {AV_CPU_FLAG_FMA3, "FMA3"},   {AV_CPU_FLAG_BMI1, "LZCNT"},
        {AV_CPU_FLAG_BMI1, "BMI1"},    {AV_CPU_FLAG_BMI2, "BMI2"},   {AV_CPU_FLAG_AVX2, "AVX2"},
    };
    std::string names;
    for (const auto& [flag, name] : sets) {
        if (cpu & flag)
            names += (names.empty() ? "" : ",") + std::string(name);
    }
    return names.empty() ? "0" : names;
#else
    return "";
#endif
}

// x265's settings for a reproducible piece: no B-frames (pts == dts, pieces join by renumbering
// packets), a fixed thread pool and one frame thread (the bitstream then does not depend on the
// machine's cores), no lookahead slices, no version SEI, errors only on stderr. x265 leaves
// AVX-512 off unless asked (--asm avx512), so the instruction sets need no pinning as x264's do.
std::string x265_parameters(int threads) {
    return fmt::format(
        "log-level=error:info=0:bframes=0:open-gop=0:pools={}:frame-threads=1:"
        "lookahead-slices=0",
        std::max(1, threads));
}

const AVCodec* find_encoder(Codec codec) {
    const char* name = "libx264";
    switch (codec) {
        case Codec::h264:
            break;
        case Codec::hevc:
            name = "libx265";
            break;
        case Codec::prores:
            name = "prores_ks";
            break;
        case Codec::ffv1:
            name = "ffv1";
            break;
    }
    const AVCodec* encoder = avcodec_find_encoder_by_name(name);
    if (encoder == nullptr)
        fail("this FFmpeg has no {} encoder (install libavcodec with {} support)", name,
             codec_name(codec));
    return encoder;
}

// The codec's own options: quality, speed and what keeps its bytes reproducible.
void set_codec_options(AVCodecContext* context, const EncoderSettings& settings) {
    void* options = context->priv_data;
    const Codec codec = settings.format.codec;
    if (codec == Codec::h264 || codec == Codec::hevc) {
        av_opt_set(options, "preset", settings.preset.c_str(), 0);
        av_opt_set_double(options, "crf", settings.crf, 0);
    }
    if (codec == Codec::h264) {
        if (const std::string sets = x264_instruction_sets(); !sets.empty())
            av_opt_set(options, "x264-params", ("asm=" + sets).c_str(), 0);
    } else if (codec == Codec::hevc) {
        av_opt_set(options, "x265-params", x265_parameters(settings.threads).c_str(), 0);
    } else if (codec == Codec::prores) {
        // 422 HQ for 4:2:2, 4444 for 4:4:4 (both 10-bit).
        av_opt_set(options, "profile", context->pix_fmt == AV_PIX_FMT_YUV422P10LE ? "hq" : "4444",
                   0);
    } else {
        av_opt_set_int(options, "coder", 1, 0);  // range coder: smaller than Golomb-Rice
    }
}

}  // namespace

FrameSize EncoderSettings::encoded_size() const {
    if (delivery.size.width > 0 && delivery.size.height > 0)
        return delivery.size;
    return {width, height};
}

SegmentWriter::SegmentWriter(fs::path path, const EncoderSettings& settings, int max_frames,
                             std::int64_t first_frame)
    : path_(std::move(path)),
      temp_(path_.string() + ".tmp"),
      settings_(settings),
      first_frame_(first_frame) {
    const FrameSize size = settings.encoded_size();
    if (settings.width <= 0 || settings.height <= 0 || settings.width % 2 || settings.height % 2)
        fail("video size {}x{} must be positive and even", settings.width, settings.height);
    if (size.width % 2 || size.height % 2)
        fail("delivered size {}x{} must be even", size.width, size.height);
    const Codec codec_id = settings.format.codec;
    const AVPixelFormat pix_fmt = av_get_pix_fmt(settings.format.pix_fmt.c_str());
    if (pix_fmt == AV_PIX_FMT_NONE)
        fail("unknown pixel format {}", settings.format.pix_fmt);
    const AVCodec* codec = find_encoder(codec_id);
    const std::string what = fmt::format("the {} encoder", codec_name(codec_id));

    output_ = av::open_output(temp_.c_str(), container_name(piece_container(codec_id)).data());
    codec_.reset(avcodec_alloc_context3(codec));
    const AVRational time_base{settings.frame_rate_den, settings.frame_rate_num};
    codec_->width = size.width;
    codec_->height = size.height;
    codec_->pix_fmt = pix_fmt;
    codec_->time_base = time_base;
    codec_->framerate = {settings.frame_rate_num, settings.frame_rate_den};
    // H.264/HEVC: one IDR at the piece's start; ProRes is intra-only; FFV1 every frame a key
    // frame, so a piece (or an editor) can start anywhere.
    codec_->gop_size = codec_id == Codec::ffv1 ? 1 : std::max(max_frames, 1);
    codec_->max_b_frames = 0;  // pts == dts, so pieces join by simply renumbering packets
    codec_->thread_count = settings.threads;
    if (av_pix_fmt_desc_get(pix_fmt)->flags & AV_PIX_FMT_FLAG_RGB) {
        codec_->color_range = AVCOL_RANGE_JPEG;
        codec_->colorspace = AVCOL_SPC_RGB;
    } else {
        codec_->color_range = AVCOL_RANGE_MPEG;
        codec_->colorspace = AVCOL_SPC_BT709;
    }
    codec_->color_primaries = AVCOL_PRI_BT709;
    codec_->color_trc = AVCOL_TRC_BT709;
    codec_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER | AV_CODEC_FLAG_BITEXACT;
    set_codec_options(codec_.get(), settings);
    av::check(avcodec_open2(codec_.get(), codec, nullptr), "cannot open " + what);

    stream_ = avformat_new_stream(output_.get(), nullptr);
    if (stream_ == nullptr)
        fail("cannot add a video stream");
    av::check(avcodec_parameters_from_context(stream_->codecpar, codec_.get()),
              "cannot describe the video stream");
    stream_->time_base = time_base;
    stream_->avg_frame_rate = codec_->framerate;
    av::check(avformat_write_header(output_.get(), nullptr), "cannot write the piece's header");

    converter_ = std::make_unique<FrameConverter>(ConversionSpec{
        .source = {settings.width, settings.height},
        .target = size,
        .fit = settings.delivery.fit,
        .pix_fmt = pix_fmt,
        .frame_time = time_base,
        .threads = settings.threads,
        .burned = settings_.burned_subtitles,
        .style = settings.subtitle_style,
        .scratch_script = path_.string() + ".subtitles.ass",
    });

    frame_.reset(av_frame_alloc());
    frame_->format = pix_fmt;
    frame_->width = size.width;
    frame_->height = size.height;
    // ProRes writes the colour tags of each frame into its header (not the encoder's, as x264
    // does), and decoders and the container's reader take them from there.
    frame_->color_range = codec_->color_range;
    frame_->colorspace = codec_->colorspace;
    frame_->color_primaries = codec_->color_primaries;
    frame_->color_trc = codec_->color_trc;
    av::check(av_frame_get_buffer(frame_.get(), 0), "cannot allocate a video frame");
    packet_.reset(av_packet_alloc());
}

SegmentWriter::~SegmentWriter() {
    if (!finished_) {
        output_.reset();
        std::error_code ignored;
        fs::remove(temp_, ignored);
    }
}

void SegmentWriter::add_frame(std::span<const std::uint8_t> rgb) {
    const auto expected = static_cast<std::size_t>(settings_.width) * settings_.height * 3;
    if (rgb.size() != expected)
        fail("frame of {} bytes, expected {}", rgb.size(), expected);
    // Same frames must give the same bytes: the converter hands the encoder frames whose every
    // byte (row padding included) it wrote, since x264 reads the planes' padding.
    converter_->push(rgb, first_frame_ + frames_);
    ++frames_;
    encode_converted();
}

void SegmentWriter::encode_converted() {
    const std::string what = fmt::format("the {} video", codec_name(settings_.format.codec));
    while (converter_->pull(frame_.get())) {
        frame_->pts -= first_frame_;
        av::check(avcodec_send_frame(codec_.get(), frame_.get()), "encoding " + what + " failed");
        av::write_encoded_packets(codec_.get(), packet_.get(), output_.get(), stream_, false, what);
    }
}

void SegmentWriter::finish() {
    const std::string what = fmt::format("the {} video", codec_name(settings_.format.codec));
    converter_->flush();
    encode_converted();
    av::check(avcodec_send_frame(codec_.get(), nullptr), "encoding " + what + " failed");
    av::write_encoded_packets(codec_.get(), packet_.get(), output_.get(), stream_, true, what);
    av::check(av_write_trailer(output_.get()), "cannot finish " + temp_.string());
    output_.reset();
    sync_file(temp_);
    std::error_code error;
    fs::rename(temp_, path_, error);
    if (error)
        fail("{}: cannot rename into place: {}", path_.string(), error.message());
    sync_directory(path_.parent_path());
    finished_ = true;
}

}  // namespace bgv::video
