"""A stand-in for the Stripe API calls we make: a threaded HTTP server on 127.0.0.1.

It accepts POST /v1/checkout/sessions and /v1/billing_portal/sessions with the form-encoded
bodies the `stripe` SDK sends, and DELETE /v1/subscriptions/<id>, records each request
(headers and body, flat and nested), and answers JSON objects shaped like Stripe's. A test can
queue other answers first: `answer_next(500, should_retry=False)`,
`answer_next(402, card_error("Your card was declined."))`. A key seen before with a successful
answer gets that answer again, as Stripe replays requests that carry the same Idempotency-Key.
"""

import itertools
import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

CHECKOUT_SESSIONS = "/v1/checkout/sessions"
PORTAL_SESSIONS = "/v1/billing_portal/sessions"
SUBSCRIPTIONS = "/v1/subscriptions/"


def nested(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding back into objects: `a[b][0][c]=1` -> {"a": {"b": [{"c": "1"}]}}.

    Values stay strings, as on the wire; objects whose keys are all 0..n-1 become lists.
    """
    root: dict[str, Any] = {}
    for key, value in pairs:
        head, _, rest = key.partition("[")
        parts = [head] + (rest[:-1].split("][") if rest else [])
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {key: _lists(value) for key, value in node.items()}
    if converted and sorted(converted) == [str(n) for n in range(len(converted))]:
        return [converted[str(n)] for n in range(len(converted))]
    return converted


def card_error(message: str, code: str = "card_declined") -> dict:
    """The body of a 402 as Stripe sends it."""
    return {"error": {"type": "card_error", "code": code, "message": message}}


def api_error(message: str = "An unknown error occurred") -> dict:
    """The body of a 500 as Stripe sends it."""
    return {"error": {"type": "api_error", "message": message}}


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    pairs: list[tuple[str, str]]  # the form body, flat and in order, as sent
    params: dict[str, Any]  # the same, nested

    def header(self, name: str) -> str | None:
        """A header by name, whatever its case on the wire."""
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)


@dataclass
class Answer:
    status: int = 200
    body: dict | None = None  # None: the object Stripe would create
    headers: dict[str, str] = field(default_factory=dict)


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def do_POST(self) -> None:
        self._answer("POST")

    def do_DELETE(self) -> None:
        self._answer("DELETE")

    def _answer(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8")
        pairs = parse_qsl(raw, keep_blank_values=True)
        request = RecordedRequest(method, self.path, dict(self.headers.items()), pairs, {})
        request.params = nested(pairs)
        status, body, headers = self.server.standin.answer(request)
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Request-Id", f"req_standin_{id(request):x}")
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        # We never read from Stripe; a GET means code we did not expect is calling it.
        request = RecordedRequest("GET", self.path, dict(self.headers.items()), [], {})
        self.server.standin.record(request)
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args) -> None:
        pass  # keep test output quiet


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() waits for handlers, so nothing outlives a test
    standin: "StripeStandIn"


class StripeStandIn:
    """Start with `start()`, point STRIPE_API_BASE at `url`, read `requests` afterwards."""

    def __init__(self, port: int = 0, echo: bool = False) -> None:
        self.echo = echo
        self.requests: list[RecordedRequest] = []
        self.answers: deque[Answer] = deque()
        self.replays: dict[str, tuple[int, dict]] = {}  # Idempotency-Key -> first success
        self.lock = threading.Lock()
        self.numbers = itertools.count(1)
        self.server = _Server(("127.0.0.1", port), _Handler)
        self.server.standin = self
        self.thread = threading.Thread(target=self.server.serve_forever, name="stripe-standin")

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def answer_next(
        self,
        status: int,
        body: dict | None = None,
        should_retry: bool | None = None,
        **headers: str,
    ) -> None:
        """Queue one answer; later requests get Stripe's usual objects again.

        `should_retry` sends Stripe-Should-Retry, which the SDK obeys over its own rules (it
        retries any 5xx otherwise, with pauses of half a second and more).
        """
        if should_retry is not None:
            headers["Stripe-Should-Retry"] = "true" if should_retry else "false"
        if body is None and status >= 400:
            body = api_error() if status >= 500 else {"error": {"type": "invalid_request_error"}}
        self.answers.append(Answer(status, body, headers))

    def record(self, request: RecordedRequest) -> None:
        if self.echo:
            print(request.method, request.path, json.dumps(request.params)[:2000], flush=True)
        with self.lock:
            self.requests.append(request)

    def answer(self, request: RecordedRequest) -> tuple[int, dict, dict[str, str]]:
        self.record(request)
        key = request.header("Idempotency-Key")
        with self.lock:
            if self.answers:
                queued = self.answers.popleft()
                return queued.status, queued.body or self._create(request), queued.headers
            if key and key in self.replays:
                status, body = self.replays[key]
                return status, body, {"Idempotent-Replayed": "true"}
            body = self._create(request)
            status = 404 if "error" in body else 200
            if key and status == 200:
                self.replays[key] = (status, body)
            return status, body, {}

    def _create(self, request: RecordedRequest) -> dict:
        number = next(self.numbers)
        params = request.params
        if request.path == CHECKOUT_SESSIONS:
            session_id = f"cs_test_standin{number:04d}"
            items = params.get("line_items") or [{}]
            price = items[0].get("price_data") or {}
            quantity = int(items[0].get("quantity") or 1)
            return {
                "id": session_id,
                "object": "checkout.session",
                "url": f"https://checkout.stripe.com/c/pay/{session_id}",
                "mode": params.get("mode"),
                "status": "open",
                "payment_status": "unpaid",
                "client_reference_id": params.get("client_reference_id"),
                "metadata": params.get("metadata") or {},
                "currency": price.get("currency"),
                "amount_total": int(price.get("unit_amount") or 0) * quantity,
                "success_url": params.get("success_url"),
                "cancel_url": params.get("cancel_url"),
                "livemode": False,
            }
        if request.path == PORTAL_SESSIONS:
            return {
                "id": f"bps_standin{number:04d}",
                "object": "billing_portal.session",
                "url": f"https://billing.stripe.com/p/session/test_standin{number:04d}",
                "customer": params.get("customer"),
                "return_url": params.get("return_url"),
                "livemode": False,
            }
        if request.method == "DELETE" and request.path.startswith(SUBSCRIPTIONS):
            return {
                "id": request.path.removeprefix(SUBSCRIPTIONS),
                "object": "subscription",
                "status": "canceled",
                "livemode": False,
            }
        return {
            "error": {
                "type": "invalid_request_error",
                "message": f"Unrecognized request URL ({request.method}: {request.path}).",
            }
        }

    def created(self, path: str = CHECKOUT_SESSIONS) -> list[RecordedRequest]:
        """The requests made to one endpoint, in order."""
        with self.lock:
            return [request for request in self.requests if request.path == path]

    def start(self) -> "StripeStandIn":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


if __name__ == "__main__":
    # By hand: `python -m tests.standins.stripe 12111`, then run the site with
    # STRIPE_SECRET_KEY=sk_test_standin STRIPE_API_BASE=http://127.0.0.1:12111
    import sys

    standin = StripeStandIn(port=int(sys.argv[1]) if len(sys.argv) > 1 else 12111, echo=True)
    print(f"Stripe stand-in listening on {standin.url}", flush=True)
    standin.server.serve_forever()
