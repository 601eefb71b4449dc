// checkpoint/torch_pickle: reads the object a torch.save pickle built (legacy and zip formats
// alike) as a state dict: names mapped to tensor views of storages named by persistent ids.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "checkpoint/element_type.h"
#include "checkpoint/tensor.h"
#include "checkpoint/unpickler.h"

namespace bgv::checkpoint {

// Persistent id ('storage', torch.<Type>Storage, key, location, numel[, view_metadata]).
struct StorageRef {
    std::string key;
    ElementType type = ElementType::float32;
    std::int64_t numel = 0;        // elements the tensor's storage has (the view's, for old views)
    std::int64_t view_offset = 0;  // legacy storage views: first element within the root storage
};

struct TensorRecord {
    std::string name;
    StorageRef storage;
    std::int64_t storage_offset = 0;
    std::vector<std::int64_t> shape;
    std::vector<std::int64_t> stride;
};

// The root must be a dict of str → tensor; anything else is an error naming the offending key.
// Later duplicates of a key replace earlier ones, as in Python.
std::vector<TensorRecord> tensor_records(const Unpickled& pickle);

// Refuses a state dict whose tensors hold more elements in total than `file_size` bytes can
// store (plus a small allowance): views that repeat their storage (stride 0) could otherwise make
// a tiny hostile file allocate without bound.
void check_total_elements(const std::vector<TensorRecord>& records, std::size_t file_size);

// The record's tensor, read from the bytes of the root storage its persistent id names (which may
// be longer than the record needs, never shorter: that is an error saying the file is truncated).
Tensor rebuild_tensor(const TensorRecord& record, std::span<const std::byte> root_storage);

}  // namespace bgv::checkpoint
