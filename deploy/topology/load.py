#!/usr/bin/env python3
"""Load and checks for the scale-out topology test (deploy/topology/run).

Standard library only. Every request goes over loopback; the load comes from 127.0.0.2 and the
sign-in burst from 127.0.0.3, so that behind nginx (127.0.0.1, a trusted proxy) prm sees them as
two clients.

  load.py setup  --base H:P                       -> fixture JSON on stdout
  load.py orders --base H:P --seconds S --workers W -> orders/s
  load.py load   --base H:P --seconds S --workers W --out F   (orders with retries, reports,
                                     heavy reads by an analyst, and a tail of the event feed)
  load.py check  --base H:P --direct H:P,H:P,H:P --results F --psql CMD
"""

import argparse
import http.client
import json
import random
import subprocess
import sys
import threading
import time
import uuid

ADMIN_EMAIL = "topology@example.com"
ADMIN_PASSWORD = "topology admin password"
ANALYST_EMAIL = "analyst@example.com"
ANALYST_PASSWORD = "topology analyst password"
LOAD_FROM = "127.0.0.2"
BURST_FROM = "127.0.0.3"
RETRYABLE = {409, 502, 503, 504}


class Client:
    """One keep-alive connection from `source`, reopened after any failure."""

    def __init__(self, base, source=LOAD_FROM, token=None):
        host, port = base.split(":")
        self.host, self.port, self.source, self.token = host, int(port), source, token
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        """(status, headers, parsed body); raises OSError/HTTPException on a network failure."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(
                self.host, self.port, timeout=60, source_address=(self.source, 0)
            )
        h = {"Accept": "application/json"}
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        try:
            self.conn.request(method, path, body=data, headers=h)
            r = self.conn.getresponse()
            raw = r.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        if r.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode(errors="replace")
        return r.status, {k.lower(): v for k, v in r.getheaders()}, parsed

    def ok(self, method, path, body=None, headers=None, expect=(200, 201)):
        status, _, parsed = self.request(method, path, body, headers)
        if status not in expect:
            raise SystemExit(f"{method} {path}: {status} {parsed}")
        return parsed


def sign_in(base, source=LOAD_FROM, email=ADMIN_EMAIL, password=ADMIN_PASSWORD):
    c = Client(base, source)
    body = c.ok("POST", "/api/v1/auth/login", {"email": email, "password": password})
    return body["access_token"]


def setup(args):
    c = Client(args.base, token=sign_in(args.base))
    supplier = c.ok(
        "POST",
        "/api/v1/partners",
        {"name": "Topology supplier", "roles": ["manufacturer"], "status": "active"},
    )["id"]
    reporter = c.ok(
        "POST",
        "/api/v1/partners",
        {"name": "Topology reporter", "roles": ["distributor"], "status": "active"},
    )["id"]
    products = [
        c.ok(
            "POST",
            "/api/v1/products",
            {"sku": f"TOPO-{p:03}", "name": f"Topology product {p}", "category": "topology",
             "brand_type": "national", "base_unit": "EA"},
        )["id"]
        for p in range(20)
    ]
    # Reads everything, writes nothing: its heavy reads may come from the replica at once.
    c.ok("POST", "/api/v1/users", {"email": ANALYST_EMAIL, "name": "Topology analyst",
                                   "role": "analyst", "password": ANALYST_PASSWORD})
    json.dump({"supplier": supplier, "reporter": reporter, "products": products}, sys.stdout)


def order_body(fixture, reference):
    lines = [
        {"product_id": p, "quantity": str(i + 1), "unit_price_minor": 1000 + i * 25}
        for i, p in enumerate(fixture["products"])
    ]
    return {"direction": "purchase", "counterparty_id": fixture["supplier"], "currency": "CNY",
            "submit": True, "buyer_reference": reference, "lines": lines}


def place(client, fixture, reference, stats, give_up_at):
    """Places one order under Idempotency-Key `reference`, retrying what a client would retry
    (a connection lost, 502/503/504, the key in flight) with the same key and body. Answers the
    order's id once acknowledged, None if it never was before `give_up_at`."""
    body = order_body(fixture, reference)
    attempt = 0
    while time.time() < give_up_at:
        attempt += 1
        try:
            status, headers, parsed = client.request(
                "POST", "/api/v1/orders", body, {"Idempotency-Key": reference}
            )
        except (OSError, http.client.HTTPException):
            stats["network_retries"] += 1
            time.sleep(min(0.05 * attempt, 1.0))
            continue
        if status in (200, 201):
            if headers.get("idempotent-replayed") == "true":
                stats["replayed"] += 1
            return parsed["id"]
        if status in RETRYABLE:
            stats[f"retried_{status}"] += 1
            time.sleep(min(0.05 * attempt, 1.0))
            continue
        raise SystemExit(f"order {reference}: {status} {parsed}")
    return None


ERRORS = []


def guarded(work):
    """A thread's work; what stops it is kept, and fails the command at the end."""
    def run(*a):
        try:
            work(*a)
        except BaseException as e:  # SystemExit from a refused request included
            ERRORS.append(f"{work.__name__}: {e}")
    return run


def fail_on_errors():
    if ERRORS:
        for e in ERRORS[:10]:
            print("error:", e, file=sys.stderr)
        sys.exit(1)


class Stats(dict):
    def __missing__(self, key):
        return 0


def orders(args):
    """Orders placed per second by `workers` clients for `seconds` (no faults)."""
    fixture = json.load(open(args.fixture))
    token = sign_in(args.base)
    stop = time.time() + args.seconds
    counts = []

    def worker():
        c, n, stats = Client(args.base, token=token), 0, Stats()
        while time.time() < stop:
            if place(c, fixture, str(uuid.uuid4()), stats, stop + 30):
                n += 1
        counts.append(n)

    waits = Stats()

    def sample_waits():
        """What PostgreSQL's busy backends wait on, sampled every 100 ms."""
        sql = ("SELECT coalesce(wait_event_type || ':' || wait_event, 'on CPU') FROM pg_stat_activity "
               "WHERE datname = 'prm' AND state = 'active' AND pid <> pg_backend_pid()")
        while time.time() < stop:
            for (what,) in psql(args.psql.split(), sql):
                waits[what] += 1
            waits["samples"] += 1
            time.sleep(0.1)

    started = time.time()
    threads = [threading.Thread(target=guarded(worker)) for _ in range(args.workers)]
    if args.psql:
        threads.append(threading.Thread(target=guarded(sample_waits)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    samples = waits.pop("samples", 0) or 1
    busy = {k: round(v / samples, 2) for k, v in sorted(waits.items(), key=lambda kv: -kv[1])[:6]}
    fail_on_errors()
    print(json.dumps({"orders": sum(counts), "per_second": round(sum(counts) / (time.time() - started), 1),
                      "active_backends_by_wait": busy}))


def load(args):
    """The mixed load with faults expected: orders with retries, sell-out reports, reads, and
    a reader tailing the event feed. Writes what was acknowledged to `out`."""
    fixture = json.load(open(args.fixture))
    token = sign_in(args.base)
    stop = time.time() + args.seconds
    lock = threading.Lock()
    acked, unacked, stats = {}, [], Stats()
    reports = []
    tail = {"seen": [], "errors": 0}
    analyst = sign_in(args.base, email=ANALYST_EMAIL, password=ANALYST_PASSWORD)
    staleness = []

    def order_worker(i):
        c, local = Client(args.base, token=token), Stats()
        while time.time() < stop:
            reference = f"topo-{uuid.uuid4()}"
            order_id = place(c, fixture, reference, local, stop + 60)
            with lock:
                if order_id:
                    acked[reference] = order_id
                else:
                    unacked.append(reference)
            # Every tenth order is read back at once, through whichever instance answers.
            if order_id and random.random() < 0.1:
                try:
                    status, _, _ = c.request("GET", f"/api/v1/orders/{order_id}")
                    local["read_after_write" if status == 200 else f"read_after_write_{status}"] += 1
                except (OSError, http.client.HTTPException):
                    local["read_network_errors"] += 1
        with lock:
            for k, v in local.items():
                stats[k] += v

    def report_worker():
        c, month = Client(args.base, token=token), 0
        while time.time() < stop:
            month += 1
            year, m = 2000 + (month - 1) // 12, (month - 1) % 12 + 1
            end = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
            key = f"report-{uuid.uuid4()}"
            body = {"partner_id": fixture["reporter"], "period_start": f"{year}-{m:02}-01",
                    "period_end": f"{year}-{m:02}-{end}", "currency": "CNY",
                    "lines": [{"product_id": p, "location_gln": "5790000000012",
                               "units_sold": str(10 + i), "value_minor": 1250 * (10 + i),
                               "stock_on_hand": "5"} for i, p in enumerate(fixture["products"]) for _ in range(1)]}
            for attempt in range(200):
                try:
                    status, _, parsed = c.request("POST", "/api/v1/sell-out-reports", body,
                                                  {"Idempotency-Key": key})
                except (OSError, http.client.HTTPException):
                    time.sleep(0.1)
                    continue
                if status in (200, 201):
                    with lock:
                        reports.append(key)
                    break
                if status in RETRYABLE:
                    time.sleep(0.1)
                    continue
                raise SystemExit(f"sell-out report: {status} {parsed}")
            time.sleep(0.5)

    def read_worker(path):
        """Heavy reads by an analyst, who never writes: the replica may answer them, and says
        how current its answer is (X-Data-As-Of); staleness is measured against this clock."""
        c = Client(args.base, token=analyst)
        while time.time() < stop:
            try:
                status, headers, _ = c.request("GET", path)
                received = time.time()
            except (OSError, http.client.HTTPException):
                with lock:
                    stats["read_network_errors"] += 1
                continue
            with lock:
                stats["heavy_reads" if status == 200 else f"heavy_reads_{status}"] += 1
                as_of = headers.get("x-data-as-of")
                if status == 200 and as_of:
                    staleness.append(received - parse_time(as_of))
            time.sleep(0.02)

    def feed_tail():
        """Follows /events?after= as a consumer would. If an event ever became visible behind
        the cursor (a lower number committed later), the final full read would differ."""
        c, after = Client(args.base, token=token), 0
        while time.time() < stop + 5:
            try:
                status, _, page = c.request("GET", f"/api/v1/events?after={after}&limit=200")
            except (OSError, http.client.HTTPException):
                tail["errors"] += 1
                time.sleep(0.1)
                continue
            if status != 200:
                tail["errors"] += 1
                time.sleep(0.1)
                continue
            items = page["items"]
            for e in items:
                tail["seen"].append([e["seq"], e["id"]])
            if items:
                after = items[-1]["seq"]
            else:
                time.sleep(0.05)

    threads = [threading.Thread(target=guarded(order_worker), args=(i,)) for i in range(args.workers)]
    threads += [threading.Thread(target=guarded(w)) for w in (report_worker, feed_tail)]
    threads += [threading.Thread(target=guarded(read_worker), args=(path,)) for path in HEAVY_READS]
    started = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.time() - started
    fail_on_errors()
    stale = staleness_figures(staleness, stats["heavy_reads"])
    result = {"acked": acked, "unacked": unacked, "reports": reports, "stats": stats,
              "tail": tail, "seconds": round(took, 1), "replica": stale}
    json.dump(result, open(args.out, "w"))
    print(json.dumps({"orders_acknowledged": len(acked), "orders_unacknowledged": len(unacked),
                      "reports": len(reports), "stats": stats, "tail_events": len(tail["seen"]),
                      "tail_errors": tail["errors"], "replica": stale, "seconds": round(took, 1)}))


HEAVY_READS = ["/api/v1/orders?limit=20&view=summary", "/api/v1/analytics/supplier-share?from=2026-01-01&to=2026-12-31",
               "/api/v1/partners?limit=50"]


def parse_time(stamp):
    """RFC 3339 with a Z, as prm writes it, to seconds since the epoch."""
    import datetime
    return datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def staleness_figures(staleness, reads):
    ordered = sorted(staleness)

    def pct(p):
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1) if ordered else None
    return {"heavy_reads": reads, "from_replica": len(ordered), "staleness_ms_p50": pct(0.50),
            "staleness_ms_p99": pct(0.99), "staleness_ms_max": pct(1.0)}


def psql(cmd, sql):
    out = subprocess.run(cmd + ["-Atc", sql], check=True, capture_output=True, text=True).stdout
    return [line.split("|") for line in out.splitlines() if line]


def check(args):
    results = json.load(open(args.results))
    fixture = json.load(open(args.fixture))
    cmd = args.psql.split()
    failures = []

    def expect(ok, what):
        print(("ok    " if ok else "FAIL  ") + what)
        if not ok:
            failures.append(what)

    # 1. Every acknowledged order exists exactly once, under the id it was acknowledged with;
    #    no retried key made a second order; an unacknowledged one exists at most once.
    rows = psql(cmd, "SELECT buyer_reference, id FROM orders WHERE buyer_reference LIKE 'topo-%'")
    by_reference = {}
    for reference, order_id in rows:
        by_reference.setdefault(reference, []).append(order_id)
    acked = results["acked"]
    lost = [r for r in acked if r not in by_reference]
    wrong = [r for r in acked if r in by_reference and by_reference[r] != [acked[r]]]
    duplicated = [r for r, ids in by_reference.items() if len(ids) > 1]
    expect(not lost, f"every acknowledged order exists ({len(acked)} acknowledged, {len(lost)} lost)")
    expect(not wrong, f"each under the id it was acknowledged with ({len(wrong)} differ)")
    expect(not duplicated, f"no order written twice ({len(duplicated)} duplicated)")
    stray = [r for r in by_reference if r not in acked and r not in results["unacked"]]
    expect(not stray, f"no order nobody asked for ({len(stray)})")
    reports = psql(cmd, "SELECT count(*) FROM idempotency_keys WHERE key LIKE 'report-%'")[0][0]
    expect(int(reports) >= len(results["reports"]), f"every acknowledged sell-out report kept ({reports} keys for {len(results['reports'])})")

    # 2. The event feed: numbers 1..N without a gap, each event once, and what a consumer
    #    tailing it during the load saw is exactly its beginning (nothing appeared behind it).
    feed = psql(cmd, "SELECT seq, id FROM events ORDER BY seq")
    seqs = [int(s) for s, _ in feed]
    expect(seqs == list(range(1, len(seqs) + 1)), f"feed numbered 1..{len(seqs)} without a gap")
    seen = [[int(s), i] for s, i in results["tail"]["seen"]]
    prefix = [[int(s), i] for s, i in feed[: len(seen)]]
    expect(seen == prefix, f"a consumer tailing the feed saw it in commit order ({len(seen)} events, nothing behind its cursor)")
    waiting = psql(cmd, "SELECT count(*) FROM event_inbox")[0][0]
    expect(int(waiting) == 0, f"every event numbered: none left in the feed's inbox ({waiting}), the killed instance's included")
    created = psql(cmd, "SELECT count(*) FROM events WHERE event_type = 'order.created' AND entity_id IN (SELECT id FROM orders WHERE buyer_reference LIKE 'topo-%')")[0][0]
    expect(int(created) == len(by_reference), f"one order.created event per order ({created} for {len(by_reference)})")

    # 3. Sign-in throttling counted across instances: a burst of wrong passwords from one
    #    client, spread by nginx over every instance, is held back once the per-address
    #    allowance is spent; another client behind the same proxy still signs in.
    burst = Client(args.base, source=BURST_FROM)
    answers = []
    for i in range(args.address_limit + 3):
        status, _, _ = burst.request("POST", "/api/v1/auth/login",
                                     {"email": f"nobody{i}@example.com", "password": "wrong password here"},
                                     {"X-Forwarded-For": f"198.51.100.{i}"})
        answers.append(status)
    expect(answers[: args.address_limit] == [401] * args.address_limit and 429 in answers[args.address_limit:],
           f"a burst over three instances is limited per client ({answers})")
    expect(sign_in(args.base) is not None, "another client behind the proxy still signs in")

    # 4. A write through one instance is read through each of the others at once.
    token = sign_in(args.base)
    direct = [Client(d, token=token) for d in args.direct.split(",")]
    misses = 0
    for i in range(30):
        writer = direct[i % len(direct)]
        reference = f"rw-{uuid.uuid4()}"
        status, _, order = writer.request("POST", "/api/v1/orders", order_body(fixture, reference),
                                          {"Idempotency-Key": reference})
        if status != 201:
            raise SystemExit(f"write through {writer.port}: {status} {order}")
        for reader in direct:
            if reader is writer:
                continue
            status, _, got = reader.request("GET", f"/api/v1/orders/{order['id']}")
            if status != 200 or got.get("number") != order.get("number"):
                misses += 1
    expect(misses == 0, f"writes read back through the other instances ({misses} misses in 60 reads)")

    # 5. The read replica: it answered heavy reads during the load, each saying how current it
    #    was, within the allowed lag; and a writer's heavy read (a list page, which the replica
    #    may serve) through another instance at once finds what it just wrote.
    stale = results["replica"]
    expect(stale["from_replica"] > 0,
           f"the replica answered heavy reads with X-Data-As-Of ({stale['from_replica']} of {stale['heavy_reads']})")
    expect(stale["staleness_ms_p99"] is not None and stale["staleness_ms_p99"] < args.max_lag * 1000,
           f"replica answers no older than the allowed lag (p99 {stale['staleness_ms_p99']} ms, max {stale['staleness_ms_max']} ms)")
    unseen = 0
    for i in range(30):
        writer, reader = direct[i % len(direct)], direct[(i + 1) % len(direct)]
        reference = f"ryw-{uuid.uuid4()}"
        status, _, order = writer.request("POST", "/api/v1/orders", order_body(fixture, reference),
                                          {"Idempotency-Key": reference})
        if status != 201:
            raise SystemExit(f"write through {writer.port}: {status} {order}")
        status, _, page = reader.request("GET", f"/api/v1/orders?number={order['number']}")
        if status != 200 or [o["id"] for o in page["items"]] != [order["id"]]:
            unseen += 1
    expect(unseen == 0, f"a writer's list read through another instance finds its write ({unseen} of 30 missed)")

    if failures:
        raise SystemExit(f"{len(failures)} check(s) failed")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("command", choices=["setup", "orders", "load", "check"])
    p.add_argument("--base", required=True)
    p.add_argument("--fixture")
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--workers", type=int, default=8)
    p.add_argument("--out")
    p.add_argument("--results")
    p.add_argument("--direct")
    p.add_argument("--psql")
    p.add_argument("--address-limit", type=int, default=10)
    p.add_argument("--max-lag", type=float, default=5)
    args = p.parse_args()
    {"setup": setup, "orders": orders, "load": load, "check": check}[args.command](args)


if __name__ == "__main__":
    main()
