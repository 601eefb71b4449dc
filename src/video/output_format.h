// video/output_format: which codec, container and pixel format a video is written in (H.264 or
// HEVC for delivery, ProRes 422 HQ or FFV1 lossless for editors), and the check of the three
// together that a render makes before any work.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace bgv::video {

enum class Codec { h264, hevc, prores, ffv1 };
enum class Container { mp4, mov, mkv };

struct OutputFormat {
    Codec codec = Codec::h264;
    Container container = Container::mp4;  // of the assembled video
    std::string pix_fmt = "yuv420p";       // FFmpeg's name, one of allowed_pix_fmts(codec)
};

// The names users type (--codec), and a Codec from one (UsageError naming the choices).
std::string_view codec_name(Codec codec);
Codec parse_codec(std::string_view name);
std::string_view container_name(Container container);  // "mp4", "mov", "matroska"

// The output's extension (.mp4, .mov, .mkv, any case) decides the container; the codec must be
// one that container carries (mp4: h264, hevc; mov: h264, hevc, prores; mkv: h264, hevc, ffv1)
// and the pixel format one the codec takes (empty: the codec's default). Throws UsageError with
// one line otherwise, e.g. "--codec prores cannot be written to x.mp4: ProRes goes in .mov".
OutputFormat resolve_output_format(const std::filesystem::path& output, std::string_view codec,
                                   std::string_view pix_fmt = {});

// First the default: h264/hevc yuv420p, prores yuv422p10le (422 HQ), ffv1 bgr0 (lossless RGB).
std::span<const std::string_view> allowed_pix_fmts(Codec codec);

// --crf's default for the codec (x264 17, x265 20: both visually lossless here); prores and
// ffv1 take none (their quality is fixed by the profile, or lossless).
int default_crf(Codec codec);
bool takes_crf(Codec codec);

// The container pieces of this codec are written in while rendering, and their file extension
// (".mp4" for h264/hevc as before, ".mov" for prores, ".mkv" for ffv1): pieces are joined by
// stream copy into the output's container, whatever it is.
Container piece_container(Codec codec);
std::string_view piece_extension(Codec codec);

// The soundtrack's codec: 16-bit PCM beside ProRes (what editing tools expect), FLAC in Matroska
// (lossless, and with no encoder delay: AAC's priming samples would make the Matroska muxer shift
// every stream by 23 ms, having no edit list), AAC otherwise.
enum class AudioCodec { aac, pcm_s16le, flac };
AudioCodec audio_codec(const OutputFormat& format);

}  // namespace bgv::video
