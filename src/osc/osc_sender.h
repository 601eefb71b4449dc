// osc/osc_sender: sends option changes as OSC messages over UDP to a live session's control port
// (the studio's Live panel, on the same machine): /bigganviz/classes i i i, /bigganviz/truncation
// f.
#pragma once

#include <memory>
#include <string>

#include "osc/osc_controls.h"

namespace bgv::osc {

// The OSC type tags a change is sent with: "iii" for three classes, "f", "i", "T" or "F".
std::string osc_type_tags(const OptionChange& change);

class OscSender {
  public:
    // To UDP `host`:`port` (an IPv4 address). Throws bgv::Error when liblo cannot make the address.
    OscSender(const std::string& host, int port);
    ~OscSender();
    OscSender(const OscSender&) = delete;
    OscSender& operator=(const OscSender&) = delete;

    // Sends /bigganviz/NAME with the change's values; bgv::Error when the datagram cannot be sent
    // (UDP: nothing says whether a session received it).
    void send(const OptionChange& change);
    const std::string& destination() const { return destination_; }  // "127.0.0.1:9000"

  private:
    struct Address;
    std::unique_ptr<Address> address_;
    std::string destination_;
};

}  // namespace bgv::osc
