#include "checkpoint/torch_pickle.h"

#include <map>

#include "checkpoint/tensor_gather.h"
#include "core/error.h"

namespace bgv::checkpoint {

namespace {

using Kind = PickleValue::Kind;

StorageRef storage_ref(const Unpickled& pickle, ValueId id) {
    const PickleValue& pid = pickle.at(id);
    if (pid.kind != Kind::tuple)
        fail("persistent id is a {}, expected a tuple", kind_name(pid.kind));
    const auto& fields = pid.items;
    if (fields.size() < 5 || fields.size() > 6)
        fail("persistent id has {} fields, expected 5 or 6", fields.size());
    const PickleValue& tag = pickle.at(fields[0]);
    if (tag.kind != Kind::text || tag.text != "storage")
        fail("persistent id is not a ('storage', ...) tuple");
    const PickleValue& type = pickle.at(fields[1]);
    if (type.kind != Kind::storage_type)
        fail("persistent id names a {}, expected a torch storage class", kind_name(type.kind));
    const PickleValue& key = pickle.at(fields[2]);
    if (key.kind != Kind::text)
        fail("storage key is a {}, expected a str", kind_name(key.kind));
    // fields[3] is the device the storage lived on ("cpu", "cuda:0"): everything loads to host.
    const PickleValue& numel = pickle.at(fields[4]);
    if (numel.kind != Kind::integer || numel.integer < 0)
        fail("storage '{}' has no valid element count", printable(key.text));

    StorageRef ref{.key = key.text, .type = type.storage_type, .numel = numel.integer};
    if (fields.size() == 6) {
        // Pre-1.x legacy files may name a view of a root storage: (view_key, offset, view_size).
        const PickleValue& view = pickle.at(fields[5]);
        if (view.kind == Kind::tuple) {
            if (view.items.size() != 3)
                fail("storage view metadata has {} fields, expected 3", view.items.size());
            const PickleValue& offset = pickle.at(view.items[1]);
            const PickleValue& size = pickle.at(view.items[2]);
            if (offset.kind != Kind::integer || size.kind != Kind::integer || offset.integer < 0 ||
                size.integer < 0)
                fail("storage view of '{}' has an invalid offset or size", printable(key.text));
            ref.view_offset = offset.integer;
            ref.numel = size.integer;
        } else if (view.kind != Kind::none) {
            fail("storage view metadata is a {}", kind_name(view.kind));
        }
    }
    return ref;
}

}  // namespace

std::vector<TensorRecord> tensor_records(const Unpickled& pickle) {
    const PickleValue& root = pickle.at(pickle.root);
    if (root.kind != Kind::dict)
        fail("the pickled object is a {}, expected a state dict (OrderedDict of tensors)",
             kind_name(root.kind));
    std::map<std::string, std::size_t> position;  // name → index in records, for duplicate keys
    std::vector<TensorRecord> records;
    for (std::size_t i = 0; i + 1 < root.items.size(); i += 2) {
        const PickleValue& key = pickle.at(root.items[i]);
        if (key.kind != Kind::text)
            fail("state dict key is a {}, expected a str", kind_name(key.kind));
        const PickleValue& item = pickle.at(root.items[i + 1]);
        if (item.kind != Kind::tensor)
            fail("state dict entry '{}' is a {}, expected a tensor", printable(key.text),
                 kind_name(item.kind));
        TensorRecord record = with_context(fmt::format("tensor '{}'", printable(key.text)), [&] {
            return TensorRecord{.name = key.text,
                                .storage = storage_ref(pickle, item.tensor.persistent_id),
                                .storage_offset = item.tensor.storage_offset,
                                .shape = item.tensor.shape,
                                .stride = item.tensor.stride};
        });
        auto [where, inserted] = position.try_emplace(record.name, records.size());
        if (inserted)
            records.push_back(std::move(record));
        else
            records[where->second] = std::move(record);
    }
    return records;
}

void check_total_elements(const std::vector<TensorRecord>& records, std::size_t file_size) {
    // Without repeats every element takes at least one byte of the file.
    constexpr std::int64_t allowance = std::int64_t{1} << 24;
    const std::int64_t limit = static_cast<std::int64_t>(file_size) + allowance;
    std::int64_t total = 0;
    for (const TensorRecord& record : records) {
        const std::int64_t count = with_context(fmt::format("tensor '{}'", printable(record.name)),
                                                [&] { return element_count(record.shape); });
        if (count > limit - total)
            fail(
                "the tensors hold more than {} elements, more than a {}-byte file can store; "
                "refusing",
                limit, file_size);
        total += count;
    }
}

Tensor rebuild_tensor(const TensorRecord& record, std::span<const std::byte> root_storage) {
    const std::size_t item = element_size(record.storage.type);
    const auto root_elements = static_cast<std::int64_t>(root_storage.size() / item);
    const StorageRef& ref = record.storage;
    if (ref.numel > root_elements || ref.view_offset > root_elements - ref.numel)
        fail("storage '{}' is truncated: {} {} elements expected, {} present", printable(ref.key),
             ref.view_offset + ref.numel, element_type_name(ref.type), root_elements);
    const auto view = root_storage.subspan(static_cast<std::size_t>(ref.view_offset) * item,
                                           static_cast<std::size_t>(ref.numel) * item);
    return gather_tensor(view, ref.type, record.storage_offset, record.shape, record.stride);
}

}  // namespace bgv::checkpoint
