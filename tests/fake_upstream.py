"""A scripted music API on loopback, for the faults the real local service cannot be made to show.

It speaks real HTTP: each test lists the answers the POST and the GETs give, in order (the last one
repeats), and reads back the requests it received and when. A GET's answer may also be a function of
the seconds since the first POST, for an upstream that finishes after a while.
"""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


@dataclass
class Answer:
    status: int = 200
    body: object = None  # dict/list -> JSON; str/bytes -> sent as is
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    hang_up: bool = False  # close the connection after reading the request, answering nothing
    content_length: int | None = None  # declare more bytes than are sent: a truncated body

    def encoded(self):
        if isinstance(self.body, (dict, list)):
            return json.dumps(self.body).encode(), "application/json"
        if isinstance(self.body, str):
            return self.body.encode(), "text/plain"
        return self.body or b"", "application/octet-stream"


def accepted(generation_id="gen-1"):
    return Answer(201, {"id": generation_id, "status": "queued"})


def analysis(state, *, analysis_id="analysis-1", heard=None, error=None):
    return Answer(200, {"id": analysis_id, "status": state, "analysis": heard, "error": error})


def status(state, *, generation_id="gen-1", audio_url=None, error=None):
    audio_file = {"url": audio_url} if audio_url else None
    return Answer(200, {"id": generation_id, "status": state, "audio_file": audio_file, "error": error})


class FakeUpstream:
    def __init__(self):
        self.post_answers = [accepted()]
        self.get_answers = [status("generating")]
        self.song_bytes = b""
        self.song_answer = None  # an Answer for the song's URL instead of song_bytes
        self.requests = []  # (method, path, headers, body)
        self.received_at = []  # time.monotonic() of each request, beside self.requests
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def song_url(self):
        return self.url + "/files/song.mp3"

    def posts(self):
        return [r for r in self.requests if r[0] == "POST"]

    def status_requests_at(self):
        """Seconds after the first POST at which each status GET arrived."""
        first_post = self.received_at[self.requests.index(self.posts()[0])]
        return [
            at - first_post
            for (method, path, *_), at in zip(self.requests, self.received_at, strict=True)
            if method == "GET" and urlparse(path).path != "/files/song.mp3"
        ]

    def _record(self, request):
        with self._lock:
            self.requests.append(request)
            self.received_at.append(time.monotonic())

    def _seconds_since_first_post(self):
        return time.monotonic() - self.received_at[self.requests.index(self.posts()[0])]

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def _next(self, answers):
        with self._lock:
            return answers.pop(0) if len(answers) > 1 else answers[0]

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fake._record(("POST", self.path, dict(self.headers), body))
                self._send(fake._next(fake.post_answers))

            def do_GET(self):
                fake._record(("GET", self.path, dict(self.headers), b""))
                if urlparse(self.path).path == "/files/song.mp3":
                    self._send(fake.song_answer or Answer(200, fake.song_bytes, {"Content-Type": "audio/mpeg"}))
                    return
                query = parse_qs(urlparse(self.path).query)
                assert query.get("generation_id") or query.get("analysis_id")
                answer = fake._next(fake.get_answers)
                self._send(answer(fake._seconds_since_first_post()) if callable(answer) else answer)

            def _send(self, answer):
                time.sleep(answer.delay)
                if answer.hang_up:
                    self.close_connection = True
                    return
                payload, content_type = answer.encoded()
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", answer.headers.get("Content-Type", content_type))
                    self.send_header("Content-Length", str(answer.content_length or len(payload)))
                    for name, value in answer.headers.items():
                        if name != "Content-Type":
                            self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                    if answer.content_length:
                        self.close_connection = True
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a read timeout under test)

        return Handler
