// Feeds arbitrary bytes to the .npy reader as a whole file: only bgv::Error may come out, and no
// shape may make it allocate more than the data the bytes hold.
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/error.h"
#include "core/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto bytes = std::as_bytes(std::span(data, size));
    try {
        bgv::parse_npy_f32(bytes, "fuzz.npy");
    } catch (const bgv::Error&) {
    }
    try {
        bgv::parse_npy_f64(bytes, "fuzz.npy");
    } catch (const bgv::Error&) {
    }
    return 0;
}
