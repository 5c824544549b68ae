"""Load on `srcfn serve` over loopback: concurrent clients, each request's result checked to be its own.

    python benchmarks/serve_load.py [--clients 8] [--requests 2000] [--poison]

With --poison, poison requests are mixed in (a 70 KB log line, a runaway busy loop, a body over Segment's 512 KiB
limit), the server runs with `--timeout 0.5`, and each poison request must get its documented status (200, 504,
413) while no other request is lost or given another's result.

Bounded: a fixed number of requests to 127.0.0.1 only, then it stops. The server is the real command
(`python -m srcfn serve HANDLER --port 0`) in its own process, with a handler that echoes each request's id as the
messageId, so a result given to the wrong request shows.
"""
from __future__ import annotations

import argparse
import http.client
import json
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ECHO = """
async function onRequest(request) {
  const body = request.json();
  if (body.poison === "log") console.log("x".repeat(70000));
  if (body.poison === "spin") for (;;) {}
  Segment.track({event: "Load Tested", userId: body.client, messageId: body.id, properties: {n: body.n}});
}
"""
# kind → (every how many requests, the status the request must get)
POISON = {"spin": (500, 504), "oversized": (97, 413), "log": (31, 200)}


def kind_of(n: int, poison: bool) -> str:
    return next((kind for kind, (every, _) in POISON.items() if poison and n % every == every - 1), "normal")


def body_of(ident: str, c: int, n: int, kind: str) -> str:
    body = {"client": f"client-{c}", "id": ident, "n": n}
    if kind == "oversized":
        body["pad"] = "x" * (600 * 1024)
    elif kind != "normal":
        body["poison"] = kind
    return json.dumps(body)


class Serve:
    """`srcfn serve` in a subprocess on a free loopback port; stops on exit (SIGINT, as Ctrl-C would)."""

    def __init__(self, target: str, *args: str, cwd: Path = ROOT):
        self.process = subprocess.Popen([sys.executable, "-m", "srcfn", "serve", target, "--port", "0", *args],
                                        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = self.process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        if not match:
            self.process.kill()
            raise RuntimeError(f"srcfn serve did not start: {first}{self.process.stderr.read()}")
        self.port = int(match.group(1))
        self.url = f"http://127.0.0.1:{self.port}"
        # The server reports every request on stdout: keep reading it, or a full pipe would stall the server.
        self.output: list[str] = []
        self.errors: list[str] = []
        for stream, sink in ((self.process.stdout, self.output), (self.process.stderr, self.errors)):
            threading.Thread(target=lambda st=stream, out=sink: out.extend(st), daemon=True).start()

    def __enter__(self) -> Serve:
        return self

    def __exit__(self, *exc) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def load(port: int, clients: int, total: int, poison: bool = False) -> tuple[list[tuple[str, int, str | None, str]], float]:
    """(sent id, status, messageId the response carried, kind) per request, and the elapsed seconds."""
    outcomes: list[tuple[str, int, str | None, str]] = []
    lock = threading.Lock()

    def client(c: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for n in range(total // clients):
            ident, kind = f"c{c}-r{n}", kind_of(c * (total // clients) + n, poison)
            conn.request("POST", f"/?b=load&c={c}", body=body_of(ident, c, n, kind),
                         headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            reply = json.loads(response.read())
            got = reply["calls"][0]["messageId"] if reply.get("calls") else None
            with lock:
                outcomes.append((ident, response.status, got, kind))
            if response.getheader("Connection", "").lower() == "close":  # a refused body closes the connection
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.close()

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--poison", action="store_true", help="mix in poison requests (see the module docstring)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        handler = Path(tmp) / "echo.js"
        handler.write_text(ECHO)
        with Serve(str(handler), *(["--timeout", "0.5"] if args.poison else [])) as server:
            outcomes, elapsed = load(server.port, args.clients, args.requests, args.poison)
            with urllib.request.urlopen(f"{server.url}/_srcfn/calls") as response:
                recorded = json.loads(response.read())["calls"]
    print(f"{len(outcomes)} requests from {args.clients} clients in {elapsed:.2f} s: {len(outcomes) / elapsed:,.0f} requests/s")
    print(f"lost: {lost(outcomes)}, misattributed: {misattributed(outcomes)}, recorded calls: {len(recorded)} "
          f"({len({c['messageId'] for c in recorded})} distinct)")
    for kind, (_, status) in POISON.items():
        got = [s for _, s, _, k in outcomes if k == kind]
        if got:
            print(f"poison {kind}: {len(got)} requests, statuses {sorted(set(got))} (documented: {status})")


def lost(outcomes) -> int:
    """Requests that should have emitted their call and did not (poison ones excepted: they have their status)."""
    return sum(1 for _, status, got, kind in outcomes if kind in ("normal", "log") and (status != 200 or got is None))


def misattributed(outcomes) -> int:
    return sum(1 for ident, _, got, _ in outcomes if got is not None and got != ident)


if __name__ == "__main__":
    main()
