// Feeds arbitrary bytes to load's in-memory entry point, which detects the format and runs the
// legacy, zip (zip64 included) or safetensors reader: only bgv::Error may come out.
#include <cstddef>
#include <cstdint>
#include <span>

#include "checkpoint/checkpoint.h"
#include "core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        bgv::checkpoint::parse_state_dict(std::as_bytes(std::span(data, size)));
    } catch (const bgv::Error&) {
    }
    return 0;
}
