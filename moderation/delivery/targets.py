"""Where a webhook may go: no internal addresses unless the operator allows them.

A webhook URL is an http(s) URL without control characters or spaces.  Its host
is resolved and every address it resolves to must be a public (globally
routable) one: loopback, private, link-local (cloud metadata at
169.254.169.254), carrier-grade NAT, multicast, reserved and unspecified
addresses are refused, however they are written (``[::1]``, ``2130706433``,
``0x7f.1``, ``::ffff:127.0.0.1``, a name resolving to ``10.0.0.5``).

``MODERATION_WEBHOOK_ALLOW_HOSTS`` (config ``WEBHOOK_ALLOW_HOSTS``) lists what
the operator allows anyway: host names (matched against the URL's host) and
addresses or networks (matched against the resolved addresses), e.g.
``127.0.0.1,10.0.0.0/8,hooks.internal``.

The check runs when the URL is set and again at every send, after DNS
resolution; the sender then connects to exactly the address that was checked,
so a name that re-resolves to an internal address (DNS rebinding) gains nothing.
"""

import ipaddress
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000
DEFAULT_PORTS = {"http": 80, "https": 443}


class TargetRefused(ValueError):
    """The URL is malformed or points at an address that is not allowed."""


@dataclass(frozen=True)
class AllowList:
    hosts: frozenset = frozenset()
    networks: tuple = ()

    @classmethod
    def parse(cls, value) -> "AllowList":
        """From ``"127.0.0.1,10.0.0.0/8,hooks.internal"`` (or a list of such entries)."""
        if isinstance(value, AllowList):
            return value
        items = value.split(",") if isinstance(value, str) else list(value or ())
        hosts, networks = set(), []
        for item in (i.strip() for i in items):
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item.strip("[]"), strict=False))
            except ValueError:
                hosts.add(item.lower().rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    def allows_host(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.hosts

    def allows_address(self, address) -> bool:
        return any(address.version == n.version and address in n for n in self.networks)


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (``addresses``) and what to ask for."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: list = field(default_factory=list)
    internal: bool = False  # an allowed internal address: its network errors are not shown


def check_syntax(url: str) -> str:
    """The URL as given, or TargetRefused saying what is wrong with it."""
    if not isinstance(url, str) or not url:
        raise TargetRefused("the webhook URL is empty")
    if len(url) > MAX_URL_LENGTH:
        raise TargetRefused(f"the webhook URL is longer than {MAX_URL_LENGTH:,} characters")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise TargetRefused("the webhook URL must not contain spaces or control characters (such as CR or LF)")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise TargetRefused(f"the webhook URL is not a valid URL: {exc}") from None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise TargetRefused(f"the webhook URL must be an http(s) URL with a host, not {url!r}")
    if parts.username or parts.password:
        raise TargetRefused("the webhook URL must not contain a user name or password")
    if port == 0:
        raise TargetRefused("the webhook URL's port must be from 1 to 65535")
    return url


def _address(text: str):
    address = ipaddress.ip_address(text.split("%")[0])
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def is_internal(address) -> bool:
    """Not a public unicast address: loopback, private, link-local, CGNAT, reserved, ..."""
    return not address.is_global or address.is_multicast


def resolve(host: str, port: int) -> list:
    """Every address ``host`` resolves to (IPv4 first), or TargetRefused."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise TargetRefused(f"the webhook host {host!r} could not be resolved ({exc})") from None
    seen = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = _address(str(sockaddr[0]))
        if address not in seen:
            seen.append(address)
    return sorted(seen, key=lambda a: a.version)


def check(url: str, allow=None, resolver=resolve, unresolvable_ok: bool = False) -> Target:
    """The checked target of ``url``: every address its host resolves to is public,
    or allowed by ``allow`` (an AllowList or its text).  TargetRefused otherwise.
    ``unresolvable_ok``: a name that does not resolve (yet) passes, with no addresses
    (when a URL is set: the site may publish its DNS later; sending checks again)."""
    check_syntax(url)
    allow = AllowList.parse(allow)
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or DEFAULT_PORTS[parts.scheme]
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        addresses = resolver(host, port)
    except TargetRefused:
        if unresolvable_ok:
            return Target(parts.scheme, host, port, path, [], False)
        raise
    if not addresses:
        raise TargetRefused(f"the webhook host {host!r} has no address")
    host_allowed = allow.allows_host(host)
    internal = False
    for address in addresses:
        if is_internal(address):
            internal = True
            if not (host_allowed or allow.allows_address(address)):
                raise TargetRefused(
                    f"the webhook host {host!r} is an internal address (loopback, private, link-local or "
                    "metadata); the operator can allow it with MODERATION_WEBHOOK_ALLOW_HOSTS"
                )
    return Target(parts.scheme, host, port, path, addresses, internal)


def checker(allow):
    """A one-argument check for when a URL is set (``storage.sites.update(url_check=...)``):
    syntax, and the addresses of a name that resolves."""
    allow = AllowList.parse(allow)
    return lambda url: check(url, allow, unresolvable_ok=True)
