// core/assert: invariants of the program itself (shapes, offsets, states that cannot happen), as
// opposed to bgv::Error for what a user can cause. Checked in every build type.
#pragma once

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

namespace bgv::detail {
inline std::string assert_message() {
    return {};
}

template <typename... Args>
std::string assert_message(fmt::format_string<Args...> format, Args&&... args) {
    return fmt::format(format, std::forward<Args>(args)...);
}

[[noreturn]] inline void assertion_failed(const char* file, int line, const char* condition,
                                          const std::string& message) {
    std::fprintf(stderr, "bigganviz: %s:%d: internal error: %s%s%s\n", file, line, condition,
                 message.empty() ? "" : ": ", message.c_str());
    std::fflush(stderr);
    std::abort();
}
}  // namespace bgv::detail

// BGV_ASSERT(cond) or BGV_ASSERT(cond, "format {}", args...): aborts naming file and line when
// `cond` is false. Never for user input: that is bgv::fail.
#define BGV_ASSERT(condition, ...)                                                       \
    do {                                                                                 \
        if (!(condition)) [[unlikely]]                                                   \
            ::bgv::detail::assertion_failed(__FILE__, __LINE__, #condition,              \
                                            ::bgv::detail::assert_message(__VA_ARGS__)); \
    } while (false)
