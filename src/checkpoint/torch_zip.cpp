#include "checkpoint/torch_zip.h"

#include "checkpoint/mapped_file.h"
#include "checkpoint/torch_pickle.h"
#include "checkpoint/unpickler.h"
#include "checkpoint/zip_reader.h"
#include "core/error.h"

namespace bgv::checkpoint {

namespace {

// The archive's top folder: torch.save names it after the file, so any name is accepted, as long
// as exactly one `<name>/data.pkl` exists.
std::string archive_folder(const ZipArchive& archive) {
    constexpr std::string_view pickle_name = "/data.pkl";
    std::string folder;
    int found = 0;
    for (const ZipEntry& entry : archive.entries()) {
        const std::string_view name = entry.name;
        if (name.size() <= pickle_name.size() || !name.ends_with(pickle_name))
            continue;
        const std::string_view prefix = name.substr(0, name.size() - pickle_name.size());
        if (prefix.find('/') != std::string_view::npos)
            continue;
        folder = prefix;
        ++found;
    }
    if (found == 0)
        fail("zip archive has no <name>/data.pkl: not a torch.save checkpoint");
    if (found > 1)
        fail("zip archive has {} <name>/data.pkl entries; expected one", found);
    return folder;
}

}  // namespace

StateDict parse_torch_zip(std::span<const std::byte> bytes) {
    const ZipArchive archive(bytes);
    const std::string folder = archive_folder(archive);

    if (const ZipEntry* byteorder = archive.find(folder + "/byteorder")) {
        const auto raw = archive.data(*byteorder);
        const std::string_view order(reinterpret_cast<const char*>(raw.data()), raw.size());
        if (order != "little")
            fail("checkpoint stores {} data; only little-endian is supported", printable(order));
    }

    const ZipEntry* pickle_entry = archive.find(folder + "/data.pkl");
    const Unpickled pickle =
        with_context(folder + "/data.pkl", [&] { return unpickle(archive.data(*pickle_entry)); });
    const std::vector<TensorRecord> records = tensor_records(pickle);
    check_total_elements(records, bytes.size());

    StateDict state;
    for (const TensorRecord& record : records) {
        state[record.name] = with_context(fmt::format("tensor '{}'", printable(record.name)), [&] {
            const std::string entry_name = folder + "/data/" + record.storage.key;
            const ZipEntry* entry = archive.find(entry_name);
            if (entry == nullptr)
                fail("storage entry '{}' is missing from the archive", printable(entry_name));
            return rebuild_tensor(record, archive.data(*entry));
        });
    }
    return state;
}

StateDict load_torch_zip(const std::filesystem::path& path) {
    const MappedFile file(path);
    return with_context(path.string(), [&] { return parse_torch_zip(file.bytes()); });
}

}  // namespace bgv::checkpoint
