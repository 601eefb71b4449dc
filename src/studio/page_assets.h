// studio/page_assets: the page's files (src/studio/page/), compiled into the binary by CMake so
// the studio needs no files beside it and no network.
#pragma once

#include <string_view>

namespace bgv::studio {

struct PageAsset {
    std::string_view name;  // "index.html"
    std::string_view media_type;
    std::string_view content;
};

// nullptr when there is no such file.
const PageAsset* find_page_asset(std::string_view name);

}  // namespace bgv::studio
