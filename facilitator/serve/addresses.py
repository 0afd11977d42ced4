"""The laptop's own LAN addresses, for ``facilitator serve`` (no Qt in the CLI).

``gethostbyname(gethostname())`` often answers 127.0.1.1, so it is never trusted on
its own: the interfaces are asked (Linux), then the address a UDP socket would send
from (no packet leaves), then the host name's addresses; loopback and link-local
addresses are dropped, private ones come first.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import struct
import sys


def _usable(text: str) -> bool:
    try:
        address = ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return not (address.is_loopback or address.is_link_local or address.is_unspecified
                or address.is_multicast)


def _linux_interfaces() -> list[str]:
    if not sys.platform.startswith("linux"):
        return []
    import fcntl

    found = []
    for _index, name in socket.if_nameindex():
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                packed = fcntl.ioctl(probe.fileno(), 0x8915,  # SIOCGIFADDR
                                     struct.pack("256s", name[:15].encode()))
            except OSError:
                continue
            found.append(socket.inet_ntoa(packed[20:24]))
    return found


def _route_address() -> list[str]:
    found = []
    for target in ("10.255.255.255", "192.168.255.255", "172.31.255.255"):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe, \
                contextlib.suppress(OSError):
            probe.connect((target, 9))
            found.append(probe.getsockname()[0])
    return found


def _host_addresses() -> list[str]:
    with contextlib.suppress(OSError):
        return socket.gethostbyname_ex(socket.gethostname())[2]
    return []


def lan_addresses() -> list[str]:
    """This laptop's IPv4 addresses phones could reach, private ones first."""
    seen: list[str] = []
    for address in [*_linux_interfaces(), *_route_address(), *_host_addresses()]:
        if _usable(address) and address not in seen:
            seen.append(address)
    return sorted(seen, key=lambda a: not ipaddress.IPv4Address(a).is_private)
