#include "checkpoint/unpickler.h"

#include <bit>
#include <cstring>
#include <limits>
#include <unordered_map>

#include "checkpoint/pickle_opcode.h"
#include "core/error.h"

namespace bgv::checkpoint {

namespace {

using Kind = PickleValue::Kind;

// Longest module or attribute name GLOBAL may carry; real ones are under 40 characters.
constexpr std::size_t max_global_name = 256;

class Machine {
  public:
    explicit Machine(std::span<const std::byte> bytes) : bytes_(bytes) {}

    Unpickled run() {
        for (;;) {
            opcode_at_ = position_;
            const std::uint8_t code = read_u8();
            if (code == '.') {
                Unpickled result;
                result.root = pop("STOP");
                result.values = std::move(values_);
                result.bytes_read = position_;
                return result;
            }
            step(code);
        }
    }

  private:
    std::span<const std::byte> bytes_;
    std::size_t position_ = 0;
    std::size_t opcode_at_ = 0;
    std::vector<PickleValue> values_;
    std::vector<ValueId> stack_;
    std::vector<std::size_t> marks_;  // stack heights at each MARK
    std::unordered_map<std::uint64_t, ValueId> memo_;

    template <typename... Args>
    [[noreturn]] void error(fmt::format_string<Args...> format, Args&&... args) const {
        fail("pickle byte {}: {}", opcode_at_, fmt::format(format, std::forward<Args>(args)...));
    }

    // --- reading the input ---
    std::span<const std::byte> take(std::uint64_t count, std::string_view what) {
        if (count > bytes_.size() - position_)
            error("{} needs {} bytes but only {} remain (truncated pickle)", what, count,
                  bytes_.size() - position_);
        auto result = bytes_.subspan(position_, static_cast<std::size_t>(count));
        position_ += static_cast<std::size_t>(count);
        return result;
    }
    template <typename T>
    T read_le(std::string_view what) {
        auto raw = take(sizeof(T), what);
        T value;
        std::memcpy(&value, raw.data(), sizeof(T));
        return value;
    }
    std::uint8_t read_u8() {
        if (position_ >= bytes_.size())
            error("pickle ends without STOP (truncated)");
        return static_cast<std::uint8_t>(bytes_[position_++]);
    }
    std::string read_string(std::uint64_t length, std::string_view what) {
        auto raw = take(length, what);
        return {reinterpret_cast<const char*>(raw.data()), raw.size()};
    }
    std::string read_line(std::string_view what) {
        const std::size_t start = position_;
        const std::size_t limit = std::min(bytes_.size(), start + max_global_name + 1);
        for (std::size_t i = start; i < limit; ++i) {
            if (bytes_[i] == std::byte{'\n'}) {
                position_ = i + 1;
                return {reinterpret_cast<const char*>(bytes_.data() + start), i - start};
            }
        }
        error("{} is not a line of at most {} characters (truncated or malformed)", what,
              max_global_name);
    }

    // --- the object arena and stack ---
    ValueId add(PickleValue value) {
        if (values_.size() >= std::numeric_limits<ValueId>::max())
            error("too many objects");
        values_.push_back(std::move(value));
        return static_cast<ValueId>(values_.size() - 1);
    }
    void push_new(PickleValue value) { stack_.push_back(add(std::move(value))); }
    ValueId pop(std::string_view op) {
        if (stack_.size() <= current_mark())
            error("{} on an empty stack", op);
        const ValueId id = stack_.back();
        stack_.pop_back();
        return id;
    }
    ValueId top(std::string_view op) const {
        if (stack_.size() <= current_mark())
            error("{} on an empty stack", op);
        return stack_.back();
    }
    std::size_t current_mark() const { return marks_.empty() ? 0 : marks_.back(); }
    std::vector<ValueId> pop_to_mark(std::string_view op) {
        if (marks_.empty())
            error("{} without a MARK", op);
        const std::size_t mark = marks_.back();
        marks_.pop_back();
        std::vector<ValueId> items(stack_.begin() + static_cast<std::ptrdiff_t>(mark),
                                   stack_.end());
        stack_.resize(mark);
        return items;
    }
    PickleValue& value(ValueId id) { return values_[id]; }

    void push_integer(std::int64_t integer) {
        PickleValue v;
        v.kind = Kind::integer;
        v.integer = integer;
        push_new(std::move(v));
    }
    void push_text(Kind kind, std::string text) {
        PickleValue v;
        v.kind = kind;
        v.text = std::move(text);
        push_new(std::move(v));
    }
    void push_tuple(std::vector<ValueId> items) {
        PickleValue v;
        v.kind = Kind::tuple;
        v.items = std::move(items);
        push_new(std::move(v));
    }
    void memo_put(std::uint64_t index) { memo_[index] = top("PUT"); }
    void memo_get(std::uint64_t index) {
        auto found = memo_.find(index);
        if (found == memo_.end())
            error("memo index {} was never stored", index);
        stack_.push_back(found->second);
    }
    void push_long(std::span<const std::byte> raw) {
        if (raw.size() <= 8) {
            std::uint64_t bits = 0;
            for (std::size_t i = 0; i < raw.size(); ++i)
                bits |= static_cast<std::uint64_t>(raw[i]) << (8 * i);
            if (!raw.empty() && raw.size() < 8 && (static_cast<std::uint8_t>(raw.back()) & 0x80))
                bits |= ~std::uint64_t{0} << (8 * raw.size());  // sign-extend
            push_integer(std::bit_cast<std::int64_t>(bits));
        } else {
            push_text(Kind::big_integer,
                      std::string(reinterpret_cast<const char*>(raw.data()), raw.size()));
        }
    }

    void push_global(const std::string& module, const std::string& name) {
        if (auto v = allowed_global(module, name))
            return push_new(std::move(*v));
        error(
            "global '{}.{}' is not allowed: a state dict needs only collections.OrderedDict, "
            "torch._utils._rebuild_tensor_v2/_rebuild_parameter and torch.*Storage; refusing to "
            "load this file",
            printable(module), printable(name));
    }

    // --- REDUCE of the allowed callables, evaluated as data ---
    std::int64_t integer_arg(ValueId id, std::string_view what) {
        const PickleValue& v = value(id);
        if (v.kind != Kind::integer)
            error("tensor {} is a {}, expected an integer", what, kind_name(v.kind));
        return v.integer;
    }
    std::vector<std::int64_t> integer_tuple_arg(ValueId id, std::string_view what) {
        const PickleValue& v = value(id);
        if (v.kind != Kind::tuple)
            error("tensor {} is a {}, expected a tuple", what, kind_name(v.kind));
        std::vector<std::int64_t> result;
        result.reserve(v.items.size());
        for (ValueId item : v.items) {
            const std::int64_t n = integer_arg(item, what);
            if (n < 0)
                error("tensor {} has a negative entry {}", what, n);
            result.push_back(n);
        }
        return result;
    }

    void reduce() {
        const ValueId args_id = pop("REDUCE");
        const ValueId callable_id = pop("REDUCE");
        if (value(args_id).kind != Kind::tuple)
            error("REDUCE arguments are a {}, expected a tuple", kind_name(value(args_id).kind));
        if (value(callable_id).kind != Kind::callable)
            error("REDUCE calls a {}, which is not callable", kind_name(value(callable_id).kind));
        const std::vector<ValueId> args = value(args_id).items;
        switch (value(callable_id).callable) {
            case Callable::ordered_dict: {
                if (!args.empty())
                    error("OrderedDict called with arguments");
                PickleValue dict;
                dict.kind = Kind::dict;
                return push_new(std::move(dict));
            }
            case Callable::rebuild_tensor:
            case Callable::rebuild_tensor_v2: {
                // (storage, storage_offset, size, stride[, requires_grad, backward_hooks[,
                // metadata]])
                if (args.size() < 4 || args.size() > 7)
                    error("_rebuild_tensor called with {} arguments", args.size());
                if (value(args[0]).kind != Kind::persistent_id)
                    error("tensor storage is a {}, expected a persistent id",
                          kind_name(value(args[0]).kind));
                PickleValue tensor;
                tensor.kind = Kind::tensor;
                tensor.tensor.persistent_id = value(args[0]).items.at(0);
                tensor.tensor.storage_offset = integer_arg(args[1], "storage offset");
                if (tensor.tensor.storage_offset < 0)
                    error("negative tensor storage offset");
                tensor.tensor.shape = integer_tuple_arg(args[2], "size");
                tensor.tensor.stride = integer_tuple_arg(args[3], "stride");
                if (tensor.tensor.shape.size() != tensor.tensor.stride.size())
                    error("tensor size has {} dimensions but stride {}", tensor.tensor.shape.size(),
                          tensor.tensor.stride.size());
                return push_new(std::move(tensor));
            }
            case Callable::rebuild_parameter:
            case Callable::rebuild_parameter_with_state: {
                // (data, requires_grad, backward_hooks[, state]): a Parameter is its tensor here.
                if (args.size() < 3 || args.size() > 4)
                    error("_rebuild_parameter called with {} arguments", args.size());
                if (value(args[0]).kind != Kind::tensor)
                    error("_rebuild_parameter of a {}, expected a tensor",
                          kind_name(value(args[0]).kind));
                stack_.push_back(args[0]);
                return;
            }
        }
    }

    void set_items(ValueId dict_id, const std::vector<ValueId>& pairs, std::string_view op) {
        PickleValue& dict = value(dict_id);
        if (dict.kind != Kind::dict)
            error("{} on a {}, expected a dict", op, kind_name(dict.kind));
        if (pairs.size() % 2 != 0)
            error("{} with an odd number of items", op);
        dict.items.insert(dict.items.end(), pairs.begin(), pairs.end());
    }
    void append_items(ValueId list_id, const std::vector<ValueId>& items, std::string_view op) {
        PickleValue& list = value(list_id);
        if (list.kind != Kind::list)
            error("{} on a {}, expected a list", op, kind_name(list.kind));
        list.items.insert(list.items.end(), items.begin(), items.end());
    }

    void step(std::uint8_t code) {
        switch (code) {
            case 0x80: {  // PROTO
                const std::uint8_t protocol = read_u8();
                if (protocol > 5)
                    error("pickle protocol {} is not supported", protocol);
                return;
            }
            case 0x95:  // FRAME: a length hint only, the frame's opcodes follow inline
                read_le<std::uint64_t>("FRAME");
                return;
            case '(':
                marks_.push_back(stack_.size());
                return;
            case '}': {
                PickleValue v;
                v.kind = Kind::dict;
                return push_new(std::move(v));
            }
            case ']': {
                PickleValue v;
                v.kind = Kind::list;
                return push_new(std::move(v));
            }
            case ')':
                return push_tuple({});
            case 0x85: {
                const ValueId a = pop("TUPLE1");
                return push_tuple({a});
            }
            case 0x86: {
                const ValueId b = pop("TUPLE2");
                const ValueId a = pop("TUPLE2");
                return push_tuple({a, b});
            }
            case 0x87: {
                const ValueId c = pop("TUPLE3");
                const ValueId b = pop("TUPLE3");
                const ValueId a = pop("TUPLE3");
                return push_tuple({a, b, c});
            }
            case 't':
                return push_tuple(pop_to_mark("TUPLE"));
            case 'q':
                return memo_put(read_u8());
            case 'r':
                return memo_put(read_le<std::uint32_t>("LONG_BINPUT"));
            case 0x94:
                return memo_put(memo_.size());  // MEMOIZE
            case 'h':
                return memo_get(read_u8());
            case 'j':
                return memo_get(read_le<std::uint32_t>("LONG_BINGET"));
            case 'J':
                return push_integer(read_le<std::int32_t>("BININT"));
            case 'K':
                return push_integer(read_u8());
            case 'M':
                return push_integer(read_le<std::uint16_t>("BININT2"));
            case 0x8a: {  // LONG1
                const std::uint8_t length = read_u8();
                return push_long(take(length, "LONG1"));
            }
            case 'N':
                return push_new(PickleValue{});
            case 0x88:
            case 0x89: {
                PickleValue v;
                v.kind = Kind::boolean;
                v.integer = code == 0x88 ? 1 : 0;
                return push_new(std::move(v));
            }
            case 'G': {  // BINFLOAT: big-endian IEEE double
                auto raw = take(8, "BINFLOAT");
                std::uint64_t bits = 0;
                for (std::byte b : raw)
                    bits = (bits << 8) | static_cast<std::uint8_t>(b);
                PickleValue v;
                v.kind = Kind::floating;
                v.floating = std::bit_cast<double>(bits);
                return push_new(std::move(v));
            }
            case 'X':
                return push_text(Kind::text,
                                 read_string(read_le<std::uint32_t>("BINUNICODE"), "BINUNICODE"));
            case 0x8c:
                return push_text(Kind::text, read_string(read_u8(), "SHORT_BINUNICODE"));
            case 0x8d:
                return push_text(Kind::text,
                                 read_string(read_le<std::uint64_t>("BINUNICODE8"), "BINUNICODE8"));
            case 'T': {
                const std::int32_t length = read_le<std::int32_t>("BINSTRING");
                if (length < 0)
                    error("BINSTRING with negative length {}", length);
                return push_text(Kind::text,
                                 read_string(static_cast<std::uint64_t>(length), "BINSTRING"));
            }
            case 'U':
                return push_text(Kind::text, read_string(read_u8(), "SHORT_BINSTRING"));
            case 'B':
                return push_text(Kind::bytes,
                                 read_string(read_le<std::uint32_t>("BINBYTES"), "BINBYTES"));
            case 'C':
                return push_text(Kind::bytes, read_string(read_u8(), "SHORT_BINBYTES"));
            case 0x8e:
                return push_text(Kind::bytes,
                                 read_string(read_le<std::uint64_t>("BINBYTES8"), "BINBYTES8"));
            case 'c': {
                const std::string module = read_line("GLOBAL module");
                const std::string name = read_line("GLOBAL name");
                return push_global(module, name);
            }
            case 0x93: {  // STACK_GLOBAL
                const ValueId name = pop("STACK_GLOBAL");
                const ValueId module = pop("STACK_GLOBAL");
                if (value(module).kind != Kind::text || value(name).kind != Kind::text)
                    error("STACK_GLOBAL of non-strings");
                return push_global(value(module).text, value(name).text);
            }
            case 'Q': {  // BINPERSID: the file format resolves the id after the pickle ran
                PickleValue v;
                v.kind = Kind::persistent_id;
                v.items = {pop("BINPERSID")};
                return push_new(std::move(v));
            }
            case 'R':
                return reduce();
            case 's': {
                const ValueId item = pop("SETITEM");
                const ValueId key = pop("SETITEM");
                return set_items(top("SETITEM"), {key, item}, "SETITEM");
            }
            case 'u': {
                std::vector<ValueId> pairs = pop_to_mark("SETITEMS");
                return set_items(top("SETITEMS"), pairs, "SETITEMS");
            }
            case 'a': {
                const ValueId item = pop("APPEND");
                return append_items(top("APPEND"), {item}, "APPEND");
            }
            case 'e': {
                std::vector<ValueId> items = pop_to_mark("APPENDS");
                return append_items(top("APPENDS"), items, "APPENDS");
            }
            case 'b': {
                // A state dict's OrderedDict carries its `_metadata` attribute as BUILD state;
                // the loaders have no use for it, so it is dropped.
                pop("BUILD");
                const PickleValue& target = value(top("BUILD"));
                if (target.kind != Kind::dict)
                    error("BUILD on a {} is not allowed (only a dict's attributes)",
                          kind_name(target.kind));
                return;
            }
            default:
                break;
        }
        const std::string_view name = pickle_opcode_name(code);
        if (name.empty())
            error("unknown opcode 0x{:02x}", code);
        error("opcode {} (0x{:02x}) is not allowed in a state dict", name, code);
    }
};

}  // namespace

Unpickled unpickle(std::span<const std::byte> bytes) {
    return Machine(bytes).run();
}

}  // namespace bgv::checkpoint
