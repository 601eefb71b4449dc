// studio/listening_socket: the sockets of the studio's server: the listening one (non-blocking,
// bound to the address and port asked), and how a client's address and the descriptor limit are
// read.
#pragma once

#include <sys/socket.h>

#include <string>

namespace bgv::studio {

struct ListeningSocket {
    int fd = -1;
    int port = 0;  // the one bound (a free one when 0 was asked)
};

// Throws bgv::Error naming the address when it cannot be bound.
ListeningSocket listen_on(const std::string& host, int port);

// "127.0.0.1", "::1": a client's address as the per-client limit counts it.
std::string peer_address(const sockaddr_storage& address);

// The soft limit on open descriptors, raised towards the hard one (at most 8192) so that the
// server's connection caps, not the descriptor limit, decide who is turned away.
int raise_descriptor_limit();

}  // namespace bgv::studio
