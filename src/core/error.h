// core/error: the one error type of bigganviz, with context added as it travels up.
// Errors are thrown where they happen, wrapped with context (file, key, frame) on the way out and
// printed once, as one line, by main.
#pragma once

#include <fmt/format.h>

#include <exception>
#include <stdexcept>
#include <string>
#include <utility>

namespace bgv {

// A failure the user can act on: bad input, a missing file, a broken checkpoint.
class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A command line that cannot be run as written (exit code 2 rather than 1).
class UsageError : public Error {
  public:
    using Error::Error;
};

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
    throw Error(fmt::format(format, std::forward<Args>(args)...));
}

template <typename... Args>
[[noreturn]] void fail_usage(fmt::format_string<Args...> format, Args&&... args) {
    throw UsageError(fmt::format(format, std::forward<Args>(args)...));
}

// Runs `body`; an exception leaving it is nested inside an Error carrying `context`, so that the
// message printed by main reads "context: cause".
template <typename Body>
decltype(auto) with_context(const std::string& context, Body&& body) {
    try {
        return std::forward<Body>(body)();
    } catch (const UsageError&) {
        std::throw_with_nested(UsageError(context));
    } catch (...) {
        std::throw_with_nested(Error(context));
    }
}

// "outer: inner: innermost" for a chain of nested exceptions.
std::string describe(const std::exception& error);

// True when the exception, or one nested in it, is a UsageError.
bool is_usage_error(const std::exception& error);

}  // namespace bgv
