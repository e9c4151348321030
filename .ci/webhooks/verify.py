"""Webhooks from the release binary, verified by an independent implementation: the Standard
Webhooks reference library from PyPI (`standardwebhooks`). A receiver on loopback takes the
deliveries; the check subscribes, makes a change, verifies the signature and compares the body
with the event as `GET /api/v1/events` answers it, then rotates the secret with an overlap and
verifies one delivery under the old secret and under the new one.

Environment: PRM_URL, PRM_EMAIL, PRM_PASSWORD (an admin); the service runs with
PRM_WEBHOOK_ALLOWED_HOSTS=127.0.0.1 and PRM_WEBHOOK_ALLOW_HTTP=true.
"""

import json
import os
import queue
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

BASE = os.environ["PRM_URL"]
received: "queue.Queue[tuple[dict[str, str], bytes]]" = queue.Queue()


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        received.put(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def call(method: str, path: str, token: str | None = None, body: object = None) -> dict:
    req = urllib.request.Request(BASE + path, method=method)
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, data=data, timeout=30) as r:
        text = r.read()
        return json.loads(text) if text else {}


def next_delivery() -> tuple[dict[str, str], bytes]:
    return received.get(timeout=30)


def main() -> None:
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/hooks"
    token = call("POST", "/api/v1/auth/login", body={
        "email": os.environ["PRM_EMAIL"], "password": os.environ["PRM_PASSWORD"]})["access_token"]
    sub = call("POST", "/api/v1/webhook-subscriptions", token,
               {"url": url, "event_types": ["partner.*"], "description": "CI receiver"})
    old_secret = sub["secret"]

    partner = call("POST", "/api/v1/partners", token,
                   {"name": "Webhook check Co", "roles": ["distributor"]})
    headers, body = next_delivery()
    event = Webhook(old_secret).verify(body, headers)
    assert event["type"] == "partner.created" and event["entity_id"] == partner["id"], event
    feed = call("GET", f"/api/v1/events?after={event['seq'] - 1}&limit=1", token)
    assert feed["items"][0] == json.loads(body), "the body is the event as /events answers it"
    try:
        Webhook(old_secret).verify(body.replace(b"Webhook check", b"Webhook CHECK"), headers)
        raise SystemExit("a tampered body verified")
    except WebhookVerificationError:
        pass

    rotated = call("POST", f"/api/v1/webhook-subscriptions/{sub['id']}/rotate-secret", token,
                   {"overlap_seconds": 3600})
    new_secret = rotated["secret"]
    call("PATCH", f"/api/v1/partners/{partner['id']}", token, {"notes": "checked"})
    headers, body = next_delivery()
    for secret in (old_secret, new_secret):
        assert Webhook(secret).verify(body, headers)["type"] == "partner.updated"

    deliveries = call("GET", f"/api/v1/webhook-subscriptions/{sub['id']}/deliveries", token)
    assert all(d["status"] == "delivered" for d in deliveries["items"]), deliveries
    print(f"standardwebhooks verified {len(deliveries['items'])} deliveries, "
          "before and during a secret rotation")


if __name__ == "__main__":
    started = time.time()
    main()
    print(f"in {time.time() - started:.1f} s")
