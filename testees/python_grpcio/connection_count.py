"""How many TCP connections this process holds to a server (port of
probes/connection_count.cc): what the threads model reports in ParentFacts,
since gRPC may put several channels on one connection."""

import os
import re
from typing import Optional, Set

_ESTABLISHED = "01"


def _port_of(target: str) -> Optional[int]:
    """The port of "host:port", "ipv4:host:port", "dns:host:port" or
    "[v6]:port"; None for other targets (e.g. "unix:/path")."""
    if target.startswith("unix:") or target.startswith("unix-abstract:"):
        return None
    match = re.search(r":(\d+)$", target)
    return int(match.group(1)) if match else None


def _own_socket_inodes() -> Optional[Set[str]]:
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return None
    inodes = set()
    for name in names:
        try:
            link = os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            continue  # closed meanwhile
        if link.startswith("socket:[") and link.endswith("]"):
            inodes.add(link[len("socket:["):-1])
    return inodes


def _count_in(table: str, port: int, inodes: Set[str]) -> int:
    count = 0
    try:
        with open(table) as rows:
            next(rows, None)  # header
            for row in rows:
                # sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                fields = row.split()
                if len(fields) < 10 or fields[3] != _ESTABLISHED:
                    continue
                remote_port = int(fields[2].rsplit(":", 1)[1], 16)
                if remote_port == port and fields[9] in inodes:
                    count += 1
    except OSError:
        pass  # no IPv6 table, say
    return count


def count_tcp_connections_to(target: str) -> Optional[int]:
    """ESTABLISHED TCP sockets of this process to `target`'s port; None if
    it is not a TCP target or /proc cannot be read."""
    port = _port_of(target)
    if port is None:
        return None
    inodes = _own_socket_inodes()
    if inodes is None:
        return None
    return _count_in("/proc/self/net/tcp", port, inodes) + _count_in("/proc/self/net/tcp6", port, inodes)
