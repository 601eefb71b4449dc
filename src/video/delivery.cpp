#include "video/delivery.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/error.h"

namespace bgv::video {

namespace {

constexpr int kMinSide = 16;
constexpr int kMaxSide = 8192;

int scaled(int side, double factor) {
    return static_cast<int>(std::lround(side * factor));
}

}  // namespace

FrameSize parse_frame_size(std::string_view text) {
    const auto x = text.find('x');
    FrameSize size;
    const auto number = [&](std::string_view part, int& value) {
        const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
        return error == std::errc() && end == part.data() + part.size() && !part.empty();
    };
    if (x == std::string_view::npos || !number(text.substr(0, x), size.width) ||
        !number(text.substr(x + 1), size.height))
        fail_usage("--size {}: expected WIDTHxHEIGHT, e.g. 1920x1080", text);
    if (size.width < kMinSide || size.height < kMinSide || size.width > kMaxSide ||
        size.height > kMaxSide || size.width % 2 != 0 || size.height % 2 != 0)
        fail_usage("--size {}: width and height must be even numbers from {} to {}", text, kMinSide,
                   kMaxSide);
    return size;
}

Fit parse_fit(std::string_view name) {
    for (Fit fit : {Fit::crop, Fit::pad, Fit::blur})
        if (fit_name(fit) == name)
            return fit;
    fail_usage("--fit {}: expected crop, pad or blur", name);
}

std::string_view fit_name(Fit fit) {
    switch (fit) {
        case Fit::crop:
            return "crop";
        case Fit::pad:
            return "pad";
        case Fit::blur:
            return "blur";
    }
    return "?";
}

Placement cover(FrameSize from, FrameSize to) {
    const double factor = std::max(static_cast<double>(to.width) / from.width,
                                   static_cast<double>(to.height) / from.height);
    Placement p;
    p.width = std::max(to.width, scaled(from.width, factor));
    p.height = std::max(to.height, scaled(from.height, factor));
    p.x = -((p.width - to.width) / 2);
    p.y = -((p.height - to.height) / 2);
    return p;
}

Placement contain(FrameSize from, FrameSize to) {
    const double factor = std::min(static_cast<double>(to.width) / from.width,
                                   static_cast<double>(to.height) / from.height);
    Placement p;
    p.width = std::clamp(scaled(from.width, factor), 1, to.width);
    p.height = std::clamp(scaled(from.height, factor), 1, to.height);
    p.x = (to.width - p.width) / 2;
    p.y = (to.height - p.height) / 2;
    return p;
}

}  // namespace bgv::video
