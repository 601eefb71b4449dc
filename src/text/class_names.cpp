#include "text/class_names.h"

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace bgv::text {

extern const char* const kImagenetSimpleLabelsJson;

const std::vector<std::string>& imagenet_class_names() {
    static const std::vector<std::string> names = [] {
        auto list =
            nlohmann::json::parse(kImagenetSimpleLabelsJson).get<std::vector<std::string>>();
        if (list.size() != 1000)
            fail("the compiled-in class name list has {} entries, expected 1000", list.size());
        return list;
    }();
    return names;
}

}  // namespace bgv::text
