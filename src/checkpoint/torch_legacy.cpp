#include "checkpoint/torch_legacy.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <map>

#include "checkpoint/mapped_file.h"
#include "checkpoint/torch_pickle.h"
#include "checkpoint/unpickler.h"
#include "core/error.h"

namespace bgv::checkpoint {

namespace {

using Kind = PickleValue::Kind;

// 0x1950a86a20f9469cfc6c, little-endian, as pickle's LONG1 stores it.
constexpr std::array<unsigned char, 10> magic_number = {0x6c, 0xfc, 0x9c, 0x46, 0xf9,
                                                        0x20, 0x6a, 0xa8, 0x50, 0x19};
constexpr std::int64_t protocol_version = 1001;

// Runs the next pickle and advances `offset` past it.
Unpickled next_pickle(std::span<const std::byte> bytes, std::size_t& offset,
                      std::string_view what) {
    return with_context(fmt::format("{} pickle at byte {}", what, offset), [&] {
        Unpickled pickle = unpickle(bytes.subspan(offset));
        offset += pickle.bytes_read;
        return pickle;
    });
}

bool is_magic_number(const PickleValue& value) {
    return value.kind == Kind::big_integer && value.text.size() == magic_number.size() &&
           std::memcmp(value.text.data(), magic_number.data(), magic_number.size()) == 0;
}

}  // namespace

bool is_torch_legacy(std::span<const std::byte> bytes) {
    // The first pickle is the magic number alone (framed under protocol 4, so not at a fixed byte).
    if (bytes.empty() || bytes[0] != std::byte{0x80})
        return false;
    try {
        const Unpickled magic = unpickle(bytes.first(std::min<std::size_t>(bytes.size(), 64)));
        return is_magic_number(magic.at(magic.root));
    } catch (const Error&) {
        return false;
    }
}

StateDict parse_torch_legacy(std::span<const std::byte> bytes) {
    std::size_t offset = 0;
    const Unpickled magic = next_pickle(bytes, offset, "magic number");
    if (!is_magic_number(magic.at(magic.root)))
        fail("not a legacy torch.save file (wrong magic number)");

    const Unpickled protocol = next_pickle(bytes, offset, "protocol version");
    if (protocol.at(protocol.root).kind != Kind::integer ||
        protocol.at(protocol.root).integer != protocol_version)
        fail("unsupported legacy torch.save protocol version (expected {})", protocol_version);

    const Unpickled system = next_pickle(bytes, offset, "system info");
    const PickleValue& info = system.at(system.root);
    if (info.kind != Kind::dict)
        fail("legacy torch.save system info is a {}, expected a dict", kind_name(info.kind));
    for (std::size_t i = 0; i + 1 < info.items.size(); i += 2) {
        const PickleValue& key = system.at(info.items[i]);
        const PickleValue& value = system.at(info.items[i + 1]);
        if (key.kind == Kind::text && key.text == "little_endian" && value.kind == Kind::boolean &&
            value.integer == 0)
            fail("checkpoint was written on a big-endian machine; not supported");
    }

    const Unpickled object = next_pickle(bytes, offset, "state dict");
    const std::vector<TensorRecord> records = tensor_records(object);
    check_total_elements(records, bytes.size());

    const Unpickled keys_pickle = next_pickle(bytes, offset, "storage keys");
    const PickleValue& key_list = keys_pickle.at(keys_pickle.root);
    if (key_list.kind != Kind::list)
        fail("legacy storage key list is a {}, expected a list", kind_name(key_list.kind));

    // Element type of each storage, from the tensors that use it (and one user, for messages).
    std::map<std::string, const TensorRecord*> user_of;
    for (const TensorRecord& record : records)
        user_of.try_emplace(record.storage.key, &record);

    std::map<std::string, std::span<const std::byte>> storages;
    for (ValueId id : key_list.items) {
        const PickleValue& key = keys_pickle.at(id);
        if (key.kind != Kind::text)
            fail("legacy storage key is a {}, expected a str", kind_name(key.kind));
        auto user = user_of.find(key.text);
        if (user == user_of.end())
            fail("storage '{}' is used by no tensor", printable(key.text));
        const TensorRecord& first = *user->second;
        std::int64_t numel = 0;
        if (bytes.size() - offset < sizeof numel)
            fail("truncated: storage '{}' of tensor '{}' is missing (file ends at byte {})",
                 printable(key.text), printable(first.name), bytes.size());
        std::memcpy(&numel, bytes.data() + offset, sizeof numel);
        offset += sizeof numel;
        const auto item = static_cast<std::uint64_t>(element_size(first.storage.type));
        const std::uint64_t remaining = bytes.size() - offset;
        if (numel < 0 || static_cast<std::uint64_t>(numel) > remaining / item)
            fail(
                "truncated: storage '{}' of tensor '{}' needs {} bytes at byte {}, the file has {} "
                "left",
                printable(key.text), printable(first.name),
                numel < 0 ? std::string("a negative count of")
                          : std::to_string(static_cast<std::uint64_t>(numel) * item),
                offset, remaining);
        const auto size = static_cast<std::size_t>(static_cast<std::uint64_t>(numel) * item);
        if (!storages.try_emplace(key.text, bytes.subspan(offset, size)).second)
            fail("storage '{}' appears twice", printable(key.text));
        offset += size;
    }

    StateDict state;
    for (const TensorRecord& record : records) {
        auto storage = storages.find(record.storage.key);
        if (storage == storages.end())
            fail("tensor '{}': its storage '{}' is not in the file", printable(record.name),
                 printable(record.storage.key));
        state[record.name] = with_context(fmt::format("tensor '{}'", printable(record.name)),
                                          [&] { return rebuild_tensor(record, storage->second); });
    }
    return state;
}

StateDict load_torch_legacy(const std::filesystem::path& path) {
    const MappedFile file(path);
    return with_context(path.string(), [&] { return parse_torch_legacy(file.bytes()); });
}

}  // namespace bgv::checkpoint
