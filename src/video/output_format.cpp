#include "video/output_format.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/error.h"

namespace bgv::video {

namespace {

constexpr std::array kCodecs = {Codec::h264, Codec::hevc, Codec::prores, Codec::ffv1};

constexpr std::array<std::string_view, 4> kH264Formats = {"yuv420p", "yuv422p", "yuv444p",
                                                          "yuv420p10le"};
constexpr std::array<std::string_view, 4> kHevcFormats = {"yuv420p", "yuv420p10le", "yuv444p",
                                                          "yuv444p10le"};
constexpr std::array<std::string_view, 2> kProresFormats = {"yuv422p10le", "yuv444p10le"};
constexpr std::array<std::string_view, 3> kFfv1Formats = {"bgr0", "yuv444p", "yuv420p"};

bool carries(Container container, Codec codec) {
    switch (container) {
        case Container::mp4:
            return codec == Codec::h264 || codec == Codec::hevc;
        case Container::mov:
            return codec != Codec::ffv1;
        case Container::mkv:
            return codec != Codec::prores;
    }
    return false;
}

std::string_view home_extension(Codec codec) {
    switch (codec) {
        case Codec::prores:
            return ".mov";
        case Codec::ffv1:
            return ".mkv";
        default:
            return ".mp4, .mov or .mkv";
    }
}

std::string_view long_name(Codec codec) {
    switch (codec) {
        case Codec::h264:
            return "H.264";
        case Codec::hevc:
            return "HEVC";
        case Codec::prores:
            return "ProRes";
        case Codec::ffv1:
            return "FFV1";
    }
    return "?";
}

std::string joined(std::span<const std::string_view> names, std::string_view last_separator) {
    std::string text;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0)
            text += i + 1 == names.size() ? last_separator : ", ";
        text += names[i];
    }
    return text;
}

}  // namespace

std::string_view codec_name(Codec codec) {
    switch (codec) {
        case Codec::h264:
            return "h264";
        case Codec::hevc:
            return "hevc";
        case Codec::prores:
            return "prores";
        case Codec::ffv1:
            return "ffv1";
    }
    return "?";
}

Codec parse_codec(std::string_view name) {
    for (Codec codec : kCodecs)
        if (codec_name(codec) == name)
            return codec;
    fail_usage("--codec {}: expected h264, hevc, prores or ffv1", name);
}

std::string_view container_name(Container container) {
    switch (container) {
        case Container::mp4:
            return "mp4";
        case Container::mov:
            return "mov";
        case Container::mkv:
            return "matroska";
    }
    return "?";
}

std::span<const std::string_view> allowed_pix_fmts(Codec codec) {
    switch (codec) {
        case Codec::h264:
            return kH264Formats;
        case Codec::hevc:
            return kHevcFormats;
        case Codec::prores:
            return kProresFormats;
        case Codec::ffv1:
            return kFfv1Formats;
    }
    return {};
}

OutputFormat resolve_output_format(const std::filesystem::path& output, std::string_view codec,
                                   std::string_view pix_fmt) {
    OutputFormat format;
    format.codec = parse_codec(codec);
    std::string extension = output.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (extension == ".mp4")
        format.container = Container::mp4;
    else if (extension == ".mov")
        format.container = Container::mov;
    else if (extension == ".mkv")
        format.container = Container::mkv;
    else
        fail_usage("-o {}: the name must end in .mp4, .mov or .mkv", output.string());
    if (!carries(format.container, format.codec))
        fail_usage("--codec {} cannot be written to {}: {} goes in {}", codec, output.string(),
                   long_name(format.codec), home_extension(format.codec));
    const auto allowed = allowed_pix_fmts(format.codec);
    if (pix_fmt.empty()) {
        format.pix_fmt = allowed.front();
    } else if (std::find(allowed.begin(), allowed.end(), pix_fmt) != allowed.end()) {
        format.pix_fmt = pix_fmt;
    } else {
        fail_usage("--pix_fmt {}: --codec {} takes {}", pix_fmt, codec, joined(allowed, " or "));
    }
    return format;
}

int default_crf(Codec codec) {
    switch (codec) {
        case Codec::h264:
            return 17;
        case Codec::hevc:
            return 20;
        default:
            return 0;
    }
}

bool takes_crf(Codec codec) {
    return codec == Codec::h264 || codec == Codec::hevc;
}

Container piece_container(Codec codec) {
    switch (codec) {
        case Codec::prores:
            return Container::mov;
        case Codec::ffv1:
            return Container::mkv;
        default:
            return Container::mp4;
    }
}

std::string_view piece_extension(Codec codec) {
    switch (piece_container(codec)) {
        case Container::mov:
            return ".mov";
        case Container::mkv:
            return ".mkv";
        default:
            return ".mp4";
    }
}

AudioCodec audio_codec(const OutputFormat& format) {
    if (format.container == Container::mkv)
        return AudioCodec::flac;
    return format.codec == Codec::prores ? AudioCodec::pcm_s16le : AudioCodec::aac;
}

}  // namespace bgv::video
