#include "osc/osc_sender.h"

#include <fmt/format.h>
#include <lo/lo.h>

#include "core/error.h"

namespace bgv::osc {

struct OscSender::Address {
    lo_address address = nullptr;
    ~Address() {
        if (address != nullptr)
            lo_address_free(address);
    }
};

namespace {
struct MessageOwner {
    lo_message message = lo_message_new();
    ~MessageOwner() { lo_message_free(message); }
};

struct AddValues {
    lo_message message;
    void operator()(const std::vector<int>& list) const {
        for (const int value : list)
            lo_message_add_int32(message, value);
    }
    void operator()(float value) const { lo_message_add_float(message, value); }
    void operator()(int value) const { lo_message_add_int32(message, value); }
    void operator()(bool value) const {
        value ? lo_message_add_true(message) : lo_message_add_false(message);
    }
};

struct TypeTags {
    std::string operator()(const std::vector<int>& list) const {
        return std::string(list.size(), 'i');
    }
    std::string operator()(float) const { return "f"; }
    std::string operator()(int) const { return "i"; }
    std::string operator()(bool value) const { return value ? "T" : "F"; }
};
}  // namespace

std::string osc_type_tags(const OptionChange& change) {
    return std::visit(TypeTags{}, change.value);
}

OscSender::OscSender(const std::string& host, int port)
    : address_(std::make_unique<Address>()), destination_(fmt::format("{}:{}", host, port)) {
    if (port < 1 || port > 65535)
        fail("OSC destination {}: expected a UDP port from 1 to 65535", destination_);
    address_->address =
        lo_address_new_with_proto(LO_UDP, host.c_str(), std::to_string(port).c_str());
    if (address_->address == nullptr)
        fail("OSC destination {}: liblo cannot make this address", destination_);
}

OscSender::~OscSender() = default;

void OscSender::send(const OptionChange& change) {
    MessageOwner owner;
    if (owner.message == nullptr)
        fail("OSC: liblo cannot make a message");
    std::visit(AddValues{owner.message}, change.value);
    const std::string path = std::string(kAddressPrefix) + change.name;
    if (lo_send_message(address_->address, path.c_str(), owner.message) < 0)
        fail("OSC {} to {}: not sent: {}", path, destination_,
             lo_address_errstr(address_->address));
}

}  // namespace bgv::osc
