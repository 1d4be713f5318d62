"""Downloading a URL into a file with a size cap and one total deadline, and, for URLs a stranger
sends us, an address policy that keeps the download off this machine and its private networks.

Both apps use it: the app for the generator's songs, the local service for references. It imports
neither app and no Django. Every failure is one of a few named errors carrying a sentence; a
connection that fails for any reason gets the same sentence, so the errors do not tell a closed
port from an open one (no port scanner for whoever chooses the URL).

How the policy holds (see AddressPolicy): every connection, including each redirect's, is opened by
`_Connector.connect`, which resolves the host once, checks every address it resolves to, and
connects to a checked address. TLS still verifies the certificate and sends SNI for the host name,
because urllib3 wraps the socket we return using the URL's host.
"""

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import BinaryIO
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.poolmanager import PoolManager

CHUNK_SIZE = 64 * 1024
MAX_REDIRECTS = 5
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
DEFAULT_PORTS = {"http": 80, "https": 443}
NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")

Origin = tuple[str, str, int]  # (scheme, host in lower case and without IPv6 brackets, port)
Resolver = Callable[..., list]  # socket.getaddrinfo's signature and answer


class FetchError(Exception):
    """A download that failed; `message` is a sentence for the person who gave the URL."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AddressNotAllowed(FetchError):
    pass


class TooLarge(FetchError):
    def __init__(self, max_bytes: int):
        super().__init__(
            f"The file is larger than {max_bytes / 1_000_000:g} MB; send a shorter or more compressed file."
        )


class DeadlinePassed(FetchError):
    def __init__(self, timeout_seconds: float):
        super().__init__(
            f"The download did not finish within {timeout_seconds:g} seconds; try again later or put the file "
            "somewhere faster."
        )


class CutShort(FetchError):
    def __init__(self):
        super().__init__("The download was cut off before the whole file arrived; try again.")


class BadEncoding(FetchError):
    def __init__(self):
        super().__init__(
            "The server sent the file compressed in a way that could not be read (broken gzip or deflate); "
            "serve it uncompressed or fix the server."
        )


class HttpStatus(FetchError):
    def __init__(self, status: int):
        super().__init__(f"The URL answered HTTP {status}; check that it is public and has not expired.")
        self.status = status


class TooManyRedirects(FetchError):
    def __init__(self):
        super().__init__(f"The URL redirected more than {MAX_REDIRECTS} times; use the file's final URL.")


class CouldNotDownload(FetchError):
    """Refused, reset, unresolvable or not HTTP at all: one sentence for every way a connection fails."""

    def __init__(self):
        super().__init__(
            "The file could not be downloaded: its server could not be reached or did not answer with HTTP. "
            "Check the URL."
        )


NOT_HTTP = "Only http and https URLs can be fetched."
BAD_PORT = "The URL's port is not a valid port number; check the URL."
HAS_CREDENTIALS = "URLs with a user name or password are not accepted; use a URL without them."
INTERNAL_ADDRESS = (
    "The URL's address is not allowed because it is private or internal (this machine, a private "
    "network, or a link-local address such as a cloud metadata service). Use a public http or https URL."
)


# --- origins ------------------------------------------------------------------------------------


def origin_of(url: str) -> Origin:
    """The (scheme, host, port) of an http or https URL; ValueError when it has none."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"{url!r} is not an http or https URL")
    return scheme, parts.hostname, parts.port or DEFAULT_PORTS[scheme]


def parse_origins(text: str) -> list[Origin]:
    """Comma-separated origins such as "http://127.0.0.1:8765, https://files.example"; ValueError otherwise."""
    origins = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        parts = urlsplit(item)
        if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username is not None:
            raise ValueError(f"{item!r} is not an origin: write scheme://host[:port] and nothing more")
        origins.append(origin_of(item))
    return origins


# --- the address policy -------------------------------------------------------------------------


class AddressPolicy:
    """Which addresses a fetch may connect to: public ones only, plus a few origins trusted by name.

    Refused: loopback, private, link-local, multicast, unspecified and reserved addresses, IPv6 forms
    that carry one of those (IPv4-mapped, 6to4, NAT64...), URLs with credentials and other schemes.
    An allowed origin matches exactly by scheme, host and port, and skips the address checks.
    """

    def __init__(self, *, allowed_origins: Iterable[Origin] = (), resolve: Resolver = socket.getaddrinfo):
        self.allowed_origins = frozenset(allowed_origins)
        self.resolve = resolve

    def check_url(self, url: str) -> None:
        """Raise AddressNotAllowed for a URL this policy refuses (CouldNotDownload when its host does not resolve)."""
        self.check_form(url)
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        self.addresses(scheme, parts.hostname or "", parts.port or DEFAULT_PORTS[scheme])

    def check_form(self, url: str) -> None:
        """The checks that need no DNS: the scheme, credentials and port."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in DEFAULT_PORTS:
            raise AddressNotAllowed(NOT_HTTP)
        if parts.username is not None or parts.password is not None:
            raise AddressNotAllowed(HAS_CREDENTIALS)
        try:
            parts.port  # noqa: B018 - urlsplit checks the port only when asked for it
        except ValueError:
            raise AddressNotAllowed(BAD_PORT) from None

    def addresses(self, scheme: str, host: str, port: int) -> list[tuple[int, tuple]]:
        """Where a connection to this origin may go: every address the host resolves to, all of them allowed."""
        found = resolved(host, port, self.resolve)
        if (scheme, host.lower(), port) in self.allowed_origins:
            return found
        if any(is_internal(sockaddr[0]) for _, sockaddr in found):
            raise AddressNotAllowed(INTERNAL_ADDRESS)
        return found


def resolved(host: str, port: int, resolve: Resolver = socket.getaddrinfo) -> list[tuple[int, tuple]]:
    """(family, sockaddr) for every address `host` resolves to; CouldNotDownload when it resolves to none."""
    if not host:
        raise CouldNotDownload()
    try:
        answers = resolve(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise CouldNotDownload() from None
    found = list(dict.fromkeys((family, sockaddr) for family, _, _, _, sockaddr in answers))
    if not found:
        raise CouldNotDownload()
    return found


def is_internal(address: str) -> bool:
    """Whether an IP address belongs to this machine, a private network, or no one (not a public host)."""
    ip = ipaddress.ip_address(address)
    if ip.is_multicast or not ip.is_global:
        return True
    if ip.version == 6:
        return ip.is_site_local or any(is_internal(str(v4)) for v4 in _embedded_ipv4(ip))
    return False


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries and that a gateway may route it to."""
    embedded = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
    if ip in NAT64_PREFIX or int(ip) >> 32 == 0:  # NAT64, and the deprecated IPv4-compatible ::a.b.c.d
        embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [v4 for v4 in embedded if v4 is not None]


# --- the fetch ----------------------------------------------------------------------------------


def fetch_to_file(
    url: str,
    destination: BinaryIO,
    *,
    max_bytes: int,
    timeout_seconds: float,
    address_policy: AddressPolicy | None = None,
) -> int:
    """Stream `url` into the open binary file `destination`; return the number of bytes written.

    `timeout_seconds` bounds the whole fetch: resolving, connecting, every redirect and every read.
    Raises a FetchError subclass (see above) on any failure.
    """
    connector = _Connector(address_policy, timeout_seconds)
    session = requests.Session()
    session.trust_env = False  # a proxy from the environment would be connected to instead of the checked address
    adapter = _ConnectorAdapter(connector)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    try:
        with session, _open_following_redirects(session, url, connector) as response:
            return _write_body(response, destination, max_bytes, connector)
    except (requests.RequestException, OSError) as exc:
        raise connector.failure(exc) from None
    finally:
        connector.close()


def _open_following_redirects(session: requests.Session, url: str, connector: "_Connector") -> requests.Response:
    """The final 200 response, redirects followed here so that each hop's URL is checked."""
    for _ in range(MAX_REDIRECTS + 1):
        if connector.policy is not None:
            connector.policy.check_form(url)  # the addresses are checked when the connection opens
        timeout = connector.remaining()
        response = session.get(url, stream=True, allow_redirects=False, timeout=(timeout, timeout))
        location = response.headers.get("Location")
        if response.status_code in REDIRECT_STATUSES and location:
            response.close()
            # Each hop on a new connection: the server may have closed a kept-alive one, and a
            # request is never retried here.
            session.close()
            url = urljoin(url, location)
            continue
        if response.status_code != 200:
            response.close()
            raise HttpStatus(response.status_code)
        return response
    raise TooManyRedirects()


def _write_body(response: requests.Response, destination: BinaryIO, max_bytes: int, connector: "_Connector") -> int:
    announced = response.headers.get("Content-Length", "")
    if announced.isdigit() and int(announced) > max_bytes:
        raise TooLarge(max_bytes)
    written = 0
    for chunk in response.iter_content(chunk_size=CHUNK_SIZE):
        written += len(chunk)
        if written > max_bytes:  # counted after decoding, so a small gzip bomb stops here too
            raise TooLarge(max_bytes)
        destination.write(chunk)
    if connector.expired:  # a body without a length ends quietly when the deadline closes its socket
        raise DeadlinePassed(connector.timeout_seconds)
    return written


class _Connector:
    """One fetch's connections: where each may go, and the one deadline that cuts them all.

    A per-read timeout cannot bound a download (a server can send a byte just before each read
    times out), so a timer shuts every socket of the fetch down when the deadline passes.
    """

    def __init__(self, policy: AddressPolicy | None, timeout_seconds: float):
        self.policy = policy
        self.timeout_seconds = timeout_seconds
        self.expires_at = time.monotonic() + timeout_seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(timeout_seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        left = self.expires_at - time.monotonic()
        if left <= 0:
            raise DeadlinePassed(self.timeout_seconds)
        return left

    def connect(self, scheme: str, host: str, port: int) -> socket.socket:
        """A socket connected to a checked address of `host`: resolved once, so DNS cannot answer twice."""
        if self.policy is not None:
            addresses = self.policy.addresses(scheme, host, port)
        else:
            addresses = resolved(host, port)
        for family, sockaddr in addresses:
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                self._watch(sock)
                sock.settimeout(self.remaining())
                sock.connect(sockaddr)
                return sock
            except OSError:
                sock.close()  # refused or unreachable: try the host's next address
            except DeadlinePassed:
                sock.close()
                raise
        raise CouldNotDownload()

    def failure(self, exc: Exception) -> FetchError:
        """The named error for what requests or a socket raised."""
        if self.expired or time.monotonic() >= self.expires_at:
            return DeadlinePassed(self.timeout_seconds)
        if isinstance(exc, requests.exceptions.ContentDecodingError):
            return BadEncoding()
        if isinstance(exc, requests.exceptions.ChunkedEncodingError):
            return CutShort()
        return CouldNotDownload()

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()

    def _watch(self, sock: socket.socket) -> None:
        # A duplicate, because wrapping for TLS detaches the original; shutting the duplicate down
        # ends the connection all the same.
        with self._lock:
            if self.expired:
                raise DeadlinePassed(self.timeout_seconds)
            self._sockets.append(sock.dup())

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass  # never connected, or already closed by the peer


class _ConnectsThroughConnector:
    """urllib3 connections whose socket comes from the fetch's _Connector instead of a DNS lookup of their own."""

    url_scheme = ""

    def __init__(self, *args, connector: _Connector, **kwargs):
        super().__init__(*args, **kwargs)
        self._connector = connector

    def _new_conn(self) -> socket.socket:
        return self._connector.connect(self.url_scheme, self.host, self.port)


class _Connection(_ConnectsThroughConnector, HTTPConnection):
    url_scheme = "http"


class _SecureConnection(_ConnectsThroughConnector, HTTPSConnection):
    url_scheme = "https"


class _ConnectorPoolManager(PoolManager):
    def __init__(self, connector: _Connector, **kwargs):
        super().__init__(**kwargs)
        self._connector = connector

    def _new_pool(self, scheme, host, port, request_context=None):
        pool = super()._new_pool(scheme, host, port, request_context)
        pool.ConnectionCls = _SecureConnection if scheme == "https" else _Connection
        pool.conn_kw["connector"] = self._connector
        return pool


class _ConnectorAdapter(HTTPAdapter):
    def __init__(self, connector: _Connector):
        self._connector = connector  # before super().__init__, which builds the pool manager
        super().__init__(max_retries=0)

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):
        self.poolmanager = _ConnectorPoolManager(
            self._connector, num_pools=connections, maxsize=maxsize, block=block, **pool_kwargs
        )
