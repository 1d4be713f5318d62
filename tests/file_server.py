"""Servers on loopback for the download tests: a file server whose answers each test scripts, and a
port that speaks something other than HTTP.

Everything listens on 127.0.0.1 only; the tests that use them never connect anywhere else.
"""

import gzip
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from plumbing.fetching import origin_of


class FileServer:
    """Answers GET `path` with the function routed to it, which writes to the handler as it likes."""

    def __init__(self):
        self.routes = {}
        self.requests = []  # (path, Host header) in arrival order
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.origin = origin_of(self.url)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def route(self, path, answer):
        self.routes[path] = answer
        return self.url + path

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def _handler_class(self):
        files = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                files.requests.append((self.path, self.headers.get("Host")))
                answer = files.routes.get(self.path, send(b"not found", status=404))
                try:
                    answer(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it is meant to in several tests
                self.close_connection = True

        return Handler


def send(body, *, status=200, headers=None):
    """A plain answer with a true Content-Length."""

    def answer(handler):
        handler.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **(headers or {})}.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    return answer


def redirect(location, status=302):
    return send(b"", status=status, headers={"Location": location})


def announced(length, body):
    """A Content-Length that is not the body's: a lie, in either direction."""

    def answer(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(length))
        handler.end_headers()
        handler.wfile.write(body)

    return answer


def until_close(body):
    """No Content-Length, not chunked: the body ends when the server closes the connection."""

    def answer(handler):
        handler.send_response(200)
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(body)

    return answer


def chunked(chunks, *, finished=True):
    """A chunked body; `finished=False` stops before the terminating chunk, as a dropped connection would."""

    def answer(handler):
        handler.send_response(200)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        for chunk in chunks:
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        if finished:
            handler.wfile.write(b"0\r\n\r\n")

    return answer


def gzipped(body):
    return send(gzip.compress(body), headers={"Content-Encoding": "gzip"})


def trickle(length, every_seconds):
    """Announces `length` bytes, then sends one every `every_seconds`: each read succeeds, the whole never ends."""

    def answer(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(length))
        handler.end_headers()
        for _ in range(length):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(every_seconds)

    return answer


class RawServer:
    """A TCP port on loopback that hands each connection to `answer(connection)`, HTTP or not."""

    def __init__(self, answer):
        self.answer = answer
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return  # closed
            with connection:
                try:
                    self.answer(connection)
                except OSError:
                    pass  # the client hung up, or refused a TLS handshake, as some tests mean it to

    def close(self):
        self.listener.close()


def not_http_server():
    """A port that is open but speaks another protocol: it greets like an SSH server, then hangs up."""
    return RawServer(lambda connection: connection.sendall(b"SSH-2.0-OpenSSH_9.6\r\n"))


def closed_port():
    """A loopback port nothing listens on (bound, then released)."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]
