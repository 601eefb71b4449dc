// Test support: the one line main would print for an exception, so that tests can compare error
// messages exactly. Header-only; included as "support/errors.h".
#pragma once

#include <exception>
#include <functional>
#include <string>

#include "core/error.h"

namespace bgv::test {

// describe() of what `body` throws, or "(no error)" when it returns normally.
inline std::string error_of(const std::function<void()>& body) {
    try {
        body();
    } catch (const std::exception& e) {
        return describe(e);
    }
    return "(no error)";
}

}  // namespace bgv::test
