#include "core/error.h"

namespace bgv {

std::string describe(const std::exception& error) {
    std::string text = error.what();
    try {
        std::rethrow_if_nested(error);
    } catch (const std::exception& inner) {
        std::string rest = describe(inner);
        // Context added twice on the way out (a file's name by the reader and again by its
        // caller) is said once: "song.mp3: song.mp3: no audio" reads "song.mp3: no audio".
        if (text.empty() || rest == text || rest.starts_with(text + ": "))
            return rest;
        if (!rest.empty())
            text += ": " + rest;
    } catch (...) {
        text += ": unknown error";
    }
    return text;
}

bool is_usage_error(const std::exception& error) {
    if (dynamic_cast<const UsageError*>(&error) != nullptr)
        return true;
    try {
        std::rethrow_if_nested(error);
    } catch (const std::exception& inner) {
        return is_usage_error(inner);
    } catch (...) {
    }
    return false;
}

}  // namespace bgv
