"""plumbing/fetching.py: a download's size cap, total deadline, redirects and named errors, and the
address policy that keeps a stranger's URL off this machine and its networks.

Every server here listens on 127.0.0.1; refused addresses must be refused before any connection,
so no test ever connects anywhere else.
"""

import io
import os
import socket
import ssl
import subprocess
import sys
from pathlib import Path

import pytest

from plumbing.fetching import (
    AddressNotAllowed,
    AddressPolicy,
    BadEncoding,
    CouldNotDownload,
    CutShort,
    DeadlinePassed,
    HttpStatus,
    TooLarge,
    TooManyRedirects,
    fetch_to_file,
    is_internal,
    origin_of,
    parse_origins,
)
from tests.file_server import (
    RawServer,
    announced,
    chunked,
    closed_port,
    gzipped,
    not_http_server,
    redirect,
    send,
    trickle,
    until_close,
)

MB = 1_000_000
PROJECT_DIR = Path(__file__).resolve().parent.parent


def fetch(url, *, max_bytes=MB, timeout_seconds=10, address_policy=None):
    destination = io.BytesIO()
    written = fetch_to_file(
        url, destination, max_bytes=max_bytes, timeout_seconds=timeout_seconds, address_policy=address_policy
    )
    return written, destination.getvalue()


def resolving(answers):
    """A resolver hook: host name -> IP addresses, answering each name once only (a second lookup fails the test)."""
    asked = []

    def resolve(host, port, **kwargs):
        assert host not in asked, f"{host} was resolved twice"
        asked.append(host)
        family = {4: socket.AF_INET, 6: socket.AF_INET6}
        return [(family[6 if ":" in ip else 4], socket.SOCK_STREAM, 6, "", (ip, port)) for ip in answers[host]]

    resolve.asked = asked
    return resolve


# --- the download -------------------------------------------------------------------------------


def test_a_file_is_written_whole_and_its_size_returned(file_server):
    url = file_server.route("/song.mp3", send(b"ID3 song bytes"))

    assert fetch(url) == (14, b"ID3 song bytes")


def test_redirects_are_followed_to_the_file(file_server):
    file_server.route("/song.mp3", send(b"song"))
    file_server.route("/moved", redirect("/song.mp3", status=301))
    url = file_server.route("/old", redirect(file_server.url + "/moved", status=307))

    assert fetch(url) == (4, b"song")


def test_five_redirects_are_followed_and_a_sixth_is_refused(file_server):
    file_server.route("/hop5", send(b"song"))
    for hop in range(5):
        file_server.route(f"/hop{hop}", redirect(f"/hop{hop + 1}"))
    assert fetch(file_server.url + "/hop0")[1] == b"song"

    file_server.route("/hop-1", redirect("/hop0"))
    with pytest.raises(TooManyRedirects):
        fetch(file_server.url + "/hop-1")


def test_an_http_error_status_is_reported_with_its_code(file_server):
    url = file_server.route("/gone.mp3", send(b"gone", status=410))

    with pytest.raises(HttpStatus, match="HTTP 410") as raised:
        fetch(url)
    assert raised.value.status == 410


def test_a_server_sending_one_byte_every_half_second_is_cut_off_at_the_total_deadline(file_server):
    # Every single read succeeds well within any per-read timeout; only a deadline for the whole
    # fetch ends this (100 bytes would take 50 s).
    url = file_server.route("/slow.mp3", trickle(100, every_seconds=0.5))

    with pytest.raises(DeadlinePassed, match="within 1.5 seconds"):
        fetch(url, timeout_seconds=1.5)


def test_a_server_that_never_answers_is_cut_off_at_the_deadline():
    silent = socket.create_server(("127.0.0.1", 0))  # accepts connections (backlog), never answers
    try:
        with pytest.raises(DeadlinePassed):
            fetch(f"http://127.0.0.1:{silent.getsockname()[1]}/song.mp3", timeout_seconds=1)
    finally:
        silent.close()


def test_an_announced_length_over_the_cap_is_refused_before_the_body_is_read(file_server):
    url = file_server.route("/huge.mp3", announced(5 * MB, b"x" * 1000))
    destination = io.BytesIO()

    with pytest.raises(TooLarge, match="larger than 1 MB"):
        fetch_to_file(url, destination, max_bytes=MB, timeout_seconds=10)
    assert destination.getvalue() == b""


def test_a_body_without_a_length_is_stopped_at_the_cap(file_server):
    url = file_server.route("/endless.mp3", until_close(b"x" * (MB + 1)))

    with pytest.raises(TooLarge):
        fetch(url)


def test_a_chunked_body_is_stopped_at_the_cap(file_server):
    url = file_server.route("/chunks.mp3", chunked([b"x" * 300_000] * 4))

    with pytest.raises(TooLarge):
        fetch(url)


def test_a_small_gzip_that_unpacks_past_the_cap_is_stopped_at_the_cap(file_server):
    url = file_server.route("/bomb.mp3", gzipped(b"\0" * (20 * MB)))

    with pytest.raises(TooLarge):
        fetch(url)


def test_a_body_is_never_read_past_its_announced_length(file_server):
    url = file_server.route("/lying.mp3", announced(10, b"y" * (2 * MB)))

    assert fetch(url) == (10, b"y" * 10)


def test_a_body_shorter_than_its_content_length_is_cut_short(file_server):
    url = file_server.route("/short.mp3", announced(1000, b"only a little"))

    with pytest.raises(CutShort):
        fetch(url)


def test_a_chunked_body_without_its_last_chunk_is_cut_short(file_server):
    url = file_server.route("/dropped.mp3", chunked([b"first", b"second"], finished=False))

    with pytest.raises(CutShort):
        fetch(url)


def test_a_gzip_body_is_unpacked(file_server):
    url = file_server.route("/packed.mp3", gzipped(b"song " * 100))

    assert fetch(url)[1] == b"song " * 100


def test_a_broken_gzip_body_is_an_unreadable_encoding(file_server):
    url = file_server.route("/broken.mp3", send(b"this is not gzip at all", headers={"Content-Encoding": "gzip"}))

    with pytest.raises(BadEncoding):
        fetch(url)


def test_a_closed_port_and_an_open_non_http_port_give_the_same_sentence():
    not_http = not_http_server()
    try:
        with pytest.raises(CouldNotDownload) as closed:
            fetch(f"http://127.0.0.1:{closed_port()}/song.mp3")
        with pytest.raises(CouldNotDownload) as open_port:
            fetch(f"http://127.0.0.1:{not_http.port}/song.mp3")
    finally:
        not_http.close()

    assert closed.value.message == open_port.value.message


def test_a_host_name_that_does_not_resolve_gives_the_same_sentence_as_a_closed_port():
    with pytest.raises(CouldNotDownload) as unresolved:
        fetch("http://no-such-host.invalid/song.mp3")
    with pytest.raises(CouldNotDownload) as closed:
        fetch(f"http://127.0.0.1:{closed_port()}/song.mp3")

    assert unresolved.value.message == closed.value.message


# --- the address policy -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "127.8.9.10", "::1", "0.0.0.0", "::", "169.254.169.254", "fe80::1", "10.0.0.1",
        "172.16.0.1", "192.168.1.1", "100.64.0.1", "fc00::1", "fec0::1", "224.0.0.1", "ff02::1", "240.0.0.1",
        "255.255.255.255", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "2002:7f00:1::", "64:ff9b::a00:1",
        "::10.0.0.1",
    ],
)  # fmt: skip
def test_internal_addresses_are_recognised(address):
    assert is_internal(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_are_not_internal(address):
    assert not is_internal(address)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:5432/", "http://[::1]/", "http://0.0.0.0/", "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/", "http://192.168.1.1/", "http://172.16.0.1/", "http://224.0.0.1/",
        "http://[::ffff:127.0.0.1]/", "http://[fe80::1]/", "http://localhost/", "http://2130706433/",
    ],
)  # fmt: skip
def test_a_url_whose_host_is_or_resolves_to_an_internal_address_is_refused(url):
    with pytest.raises(AddressNotAllowed, match="private or internal"):
        AddressPolicy().check_url(url)


@pytest.mark.parametrize("url", ["ftp://files.example/r.mp3", "file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO"])
def test_a_url_that_is_not_http_is_refused(url):
    with pytest.raises(AddressNotAllowed, match="http and https"):
        AddressPolicy().check_url(url)


@pytest.mark.parametrize("url", ["http://user:secret@files.example/r.mp3", "http://user@files.example/r.mp3"])
def test_a_url_with_credentials_is_refused(url):
    with pytest.raises(AddressNotAllowed, match="user name or password"):
        AddressPolicy().check_url(url)


def test_a_url_with_an_impossible_port_is_refused():
    with pytest.raises(AddressNotAllowed, match="port"):
        AddressPolicy().check_url("http://files.example:99999/r.mp3")


def test_a_name_resolving_to_a_public_and_an_internal_address_is_refused():
    policy = AddressPolicy(resolve=resolving({"files.example": ["93.184.216.34", "10.0.0.7"]}))

    with pytest.raises(AddressNotAllowed):
        policy.check_url("https://files.example/r.mp3")


def test_a_name_resolving_to_public_addresses_only_is_allowed():
    policy = AddressPolicy(resolve=resolving({"files.example": ["93.184.216.34", "2606:2800:220:1::1"]}))

    policy.check_url("https://files.example/r.mp3")


def test_an_allowed_origin_is_fetched_although_it_is_on_loopback(file_server):
    url = file_server.route("/r.mp3", send(b"reference"))

    assert fetch(url, address_policy=AddressPolicy(allowed_origins=[file_server.origin]))[1] == b"reference"


def test_the_same_host_on_another_port_than_the_allowed_origin_is_refused_before_connecting(file_server):
    scheme, host, port = file_server.origin
    other = AddressPolicy(allowed_origins=[(scheme, host, port + 1)])
    url = file_server.route("/r.mp3", send(b"reference"))

    with pytest.raises(AddressNotAllowed):
        fetch(url, address_policy=other)
    assert file_server.requests == []


def test_https_on_an_allowed_http_origins_host_and_port_is_refused(file_server):
    _, host, port = file_server.origin

    with pytest.raises(AddressNotAllowed):
        AddressPolicy(allowed_origins=[file_server.origin]).check_url(f"https://{host}:{port}/r.mp3")


def test_a_redirect_from_an_allowed_origin_to_an_internal_address_is_refused_before_connecting(file_server):
    internal = type(file_server)()  # another loopback server, not allowed
    try:
        secret = internal.route("/secret", send(b"internal data"))
        url = file_server.route("/r.mp3", redirect(secret))

        with pytest.raises(AddressNotAllowed, match="private or internal"):
            fetch(url, address_policy=AddressPolicy(allowed_origins=[file_server.origin]))
        assert internal.requests == []
    finally:
        internal.close()


def test_a_redirect_to_a_url_with_credentials_is_refused(file_server):
    url = file_server.route("/r.mp3", redirect("http://admin:admin@files.example/r.mp3"))

    with pytest.raises(AddressNotAllowed, match="user name or password"):
        fetch(url, address_policy=AddressPolicy(allowed_origins=[file_server.origin]))


def test_the_connection_goes_to_the_address_that_was_checked_without_a_second_lookup(file_server):
    # DNS rebinding: a name that answers a checked address, then another one, must not be looked up
    # again between the check and the connection (the resolver fails the test on a second lookup).
    scheme, _, port = file_server.origin
    resolve = resolving({"files.test": ["127.0.0.1"]})
    policy = AddressPolicy(allowed_origins=[(scheme, "files.test", port)], resolve=resolve)
    file_server.route("/r.mp3", send(b"reference"))

    assert fetch(f"http://files.test:{port}/r.mp3", address_policy=policy)[1] == b"reference"
    assert resolve.asked == ["files.test"]
    assert file_server.requests == [("/r.mp3", f"files.test:{port}")]


def test_https_verifies_the_certificate_and_sends_the_host_name_not_the_address(tmp_path):
    tls = tls_server(tmp_path, "files.test")
    try:
        policy = AddressPolicy(
            allowed_origins=[("https", "files.test", tls.port)], resolve=resolving({"files.test": ["127.0.0.1"]})
        )
        with pytest.raises(CouldNotDownload):  # a self-signed certificate is not trusted
            fetch(f"https://files.test:{tls.port}/r.mp3", address_policy=policy)
    finally:
        tls.close()

    assert tls.server_names == ["files.test"]


# --- origins ------------------------------------------------------------------------------------


def test_origins_are_parsed_with_default_ports_and_lower_case_hosts():
    assert parse_origins("http://127.0.0.1:8765, https://Files.Example ,http://[::1]:80/") == [
        ("http", "127.0.0.1", 8765),
        ("https", "files.example", 443),
        ("http", "::1", 80),
    ]


@pytest.mark.parametrize(
    "text",
    ["127.0.0.1:8765", "ftp://files.example", "http://files.example/path", "http://u:p@files.example", "http://"],
)
def test_a_malformed_origin_is_refused(text):
    with pytest.raises(ValueError):
        parse_origins(text)


def test_a_malformed_allowed_origins_setting_stops_the_settings_from_loading():
    env = {**os.environ, "LOCALGEN_ALLOWED_REFERENCE_ORIGINS": "http://127.0.0.1:8765, files.example:443"}

    loaded = subprocess.run(
        [sys.executable, "-c", "import musicgen.settings"],
        check=False,
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )

    assert loaded.returncode != 0
    assert "ImproperlyConfigured: LOCALGEN_ALLOWED_REFERENCE_ORIGINS: 'files.example:443'" in loaded.stderr


def test_the_origin_of_a_url_ignores_its_path():
    assert origin_of("https://musicgen.example/base/") == ("https", "musicgen.example", 443)


def tls_server(directory, host_name):
    """A TLS port on loopback with a self-signed certificate; `server_names` records the SNI each client sent."""
    key, certificate = directory / "key.pem", directory / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={host_name}",
         "-addext", f"subjectAltName=DNS:{host_name}", "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    server_names = []
    context.sni_callback = lambda _socket, name, _context: server_names.append(name)

    def answer(connection):
        with context.wrap_socket(connection, server_side=True) as tls:
            tls.recv(65536)
            tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\nConnection: close\r\n\r\nreference")

    server = RawServer(answer)
    server.server_names = server_names
    return server
