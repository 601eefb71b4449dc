// Feeds arbitrary bytes to the safetensors reader as a whole file: only bgv::Error may come out.
#include <cstddef>
#include <cstdint>
#include <span>

#include "checkpoint/safetensors.h"
#include "core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        bgv::checkpoint::parse_safetensors(std::as_bytes(std::span(data, size)));
    } catch (const bgv::Error&) {
    }
    return 0;
}
