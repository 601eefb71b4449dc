#include "checkpoint/checkpoint.h"

#include <array>
#include <fstream>

#include "checkpoint/mapped_file.h"
#include "checkpoint/safetensors.h"
#include "checkpoint/torch_legacy.h"
#include "checkpoint/torch_zip.h"
#include "checkpoint/zip_reader.h"
#include "core/error.h"

namespace bgv::checkpoint {

Format detect_format(std::span<const std::byte> bytes) {
    if (is_zip(bytes))
        return Format::zip_torch;
    if (is_torch_legacy(bytes))
        return Format::legacy_torch;
    if (is_safetensors(bytes))
        return Format::safetensors;
    fail("not a checkpoint format bigganviz reads (legacy or zip torch.save, or safetensors)");
}

Format detect_format(const std::filesystem::path& path) {
    return with_context(path.string(), [&] {
        std::ifstream in(path, std::ios::binary);
        if (!in)
            fail("cannot open");
        std::array<char, 64> head{};
        in.read(head.data(), head.size());
        const auto got = static_cast<std::size_t>(in.gcount());
        return detect_format(std::as_bytes(std::span(head.data(), got)));
    });
}

StateDict parse_state_dict(std::span<const std::byte> bytes) {
    switch (detect_format(bytes)) {
        case Format::legacy_torch:
            return parse_torch_legacy(bytes);
        case Format::zip_torch:
            return parse_torch_zip(bytes);
        case Format::safetensors:
            return parse_safetensors(bytes);
    }
    fail("unknown checkpoint format");
}

StateDict load_state_dict(const std::filesystem::path& path) {
    const MappedFile file(path);
    return with_context(path.string(), [&] { return parse_state_dict(file.bytes()); });
}

}  // namespace bgv::checkpoint
