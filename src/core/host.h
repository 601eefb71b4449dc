// core/host: this machine's name, as the records of locks, owners and pieces name it, so that a
// person reading "pid 4711 on node12" knows where to look.
#pragma once

#include <string>

namespace bgv {

// The host name ("unknown" when the system does not say).
std::string host_name();

}  // namespace bgv
