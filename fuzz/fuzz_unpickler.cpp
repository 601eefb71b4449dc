// Feeds arbitrary bytes to the restricted unpickler, then reads what it built as a torch state
// dict and gathers every tensor from a fixed storage: only bgv::Error may come out.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "checkpoint/torch_pickle.h"
#include "checkpoint/unpickler.h"
#include "core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace bgv::checkpoint;
    static const std::array<std::byte, 4096> storage{};
    try {
        const Unpickled pickle = unpickle(std::as_bytes(std::span(data, size)));
        const std::vector<TensorRecord> records = tensor_records(pickle);
        check_total_elements(records, size);
        for (const TensorRecord& record : records) {
            try {
                rebuild_tensor(record, storage);
            } catch (const bgv::Error&) {
            }
        }
    } catch (const bgv::Error&) {
    }
    return 0;
}
