"""A stand-in for SendGrid's v3 API: a threaded HTTP server on 127.0.0.1 that records requests.

It answers 202 with an X-Message-Id, as SendGrid does, unless a test queues other answers
(`answer_next(429)`, `answer_next(400, {"errors": [...]})`, `answer_next(202, delay=2)`).
"""

import itertools
import json
import threading
from collections import Counter, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    json: object


@dataclass
class Answer:
    status: int = 202
    body: dict | None = None
    delay: float = 0.0  # seconds to wait before answering (a slow or hung API)
    headers: dict[str, str] = field(default_factory=dict)


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        standin = self.server.standin
        answer = standin.record(
            RecordedRequest("POST", self.path, dict(self.headers.items()), body)
        )
        # Interruptible, so stopping the stand-in never waits out a long delay.
        if answer.delay and standin.stopping.wait(answer.delay):
            return
        payload = json.dumps(answer.body).encode() if answer.body is not None else b""
        self.send_response(answer.status)
        if answer.status == 202:
            self.send_header("X-Message-Id", f"standin-{next(standin.message_ids)}")
        for name, value in answer.headers.items():
            self.send_header(name, value)
        if payload:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args) -> None:
        pass  # keep test output quiet


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() waits for handlers, so nothing outlives a test
    standin: "SendGridStandIn"

    def handle_error(self, request, client_address) -> None:
        pass  # a client that timed out and hung up is part of the tests, not an error


class SendGridStandIn:
    """Start with `start()`, point SENDGRID_API_HOST at `url`, read `requests` afterwards."""

    def __init__(self, port: int = 0, echo: bool = False) -> None:
        self.echo = echo
        self.requests: list[RecordedRequest] = []
        self.answers: deque[Answer] = deque()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.message_ids = itertools.count(1)
        self.server = _Server(("127.0.0.1", port), _Handler)
        self.server.standin = self
        self.thread = threading.Thread(target=self.server.serve_forever, name="sendgrid-standin")

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def answer_next(
        self, status: int, body: dict | None = None, delay: float = 0.0, **headers: str
    ) -> None:
        """Queue one answer; requests beyond the queue get 202 again."""
        self.answers.append(Answer(status, body, delay, headers))

    def record(self, request: RecordedRequest) -> Answer:
        if self.echo:
            print(request.method, request.path, json.dumps(request.json)[:2000], flush=True)
        with self.lock:
            self.requests.append(request)
            return self.answers.popleft() if self.answers else Answer()

    def start(self) -> "SendGridStandIn":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


if __name__ == "__main__":
    # By hand: `python -m tests.standins.sendgrid 8025`, then run the site with
    # MAIL_TRANSPORT=sendgrid SENDGRID_API_KEY=test SENDGRID_API_HOST=http://127.0.0.1:8025
    import sys

    standin = SendGridStandIn(port=int(sys.argv[1]) if len(sys.argv) > 1 else 8025, echo=True)
    print(f"SendGrid stand-in listening on {standin.url}", flush=True)
    standin.server.serve_forever()


class RecordingStandIn(SendGridStandIn):
    """The stand-in, slow by default, remembering which status each request was answered."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay
        self.answered: list[tuple[RecordedRequest, int]] = []

    def record(self, request: RecordedRequest) -> Answer:
        with self.lock:
            self.requests.append(request)
            answer = self.answers.popleft() if self.answers else Answer(delay=self.delay)
            self.answered.append((request, answer.status))
            return answer

    def accepted(self) -> Counter[str]:
        """How often each address was in a request SendGrid would have sent (answered 2xx)."""
        counts: Counter[str] = Counter()
        with self.lock:
            answered = list(self.answered)
        for request, status in answered:
            if 200 <= status < 300:
                for personalization in request.json["personalizations"]:
                    counts.update(to["email"] for to in personalization["to"])
        return counts

    def accepted_requests(self) -> int:
        with self.lock:
            return sum(1 for _request, status in self.answered if 200 <= status < 300)

    def refused_requests(self) -> int:
        with self.lock:
            return sum(1 for _request, status in self.answered if status >= 400)

    def delivery_ids(self) -> dict[str, str]:
        """Address -> the delivery id we sent along in custom_args (last accepted request)."""
        ids: dict[str, str] = {}
        with self.lock:
            answered = list(self.answered)
        for request, status in answered:
            if 200 <= status < 300:
                for personalization in request.json["personalizations"]:
                    for to in personalization["to"]:
                        ids[to["email"]] = personalization["custom_args"]["delivery_id"]
        return ids
