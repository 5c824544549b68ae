"""Load on `srcfn serve` over loopback: concurrent clients, each request's result checked to be its own.

    python benchmarks/serve_load.py [--clients 8] [--requests 2000]

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
  Segment.track({event: "Load Tested", userId: body.client, messageId: body.id, properties: {n: body.n}});
}
"""


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


def load(port: int, clients: int, total: int) -> tuple[list[tuple[str, int, str | None]], float]:
    """(sent id, status, messageId the response carried) per request, and the elapsed seconds."""
    outcomes: list[tuple[str, int, str | None]] = []
    lock = threading.Lock()

    def client(c: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for n in range(total // clients):
            ident = f"c{c}-r{n}"
            body = json.dumps({"client": f"client-{c}", "id": ident, "n": n})
            conn.request("POST", f"/?b=load&c={c}", body=body, headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            reply = json.loads(response.read())
            got = reply["calls"][0]["messageId"] if reply.get("calls") else None
            with lock:
                outcomes.append((ident, response.status, got))
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        handler = Path(tmp) / "echo.js"
        handler.write_text(ECHO)
        with Serve(str(handler)) as server:
            outcomes, elapsed = load(server.port, args.clients, args.requests)
            with urllib.request.urlopen(f"{server.url}/_srcfn/calls") as response:
                recorded = json.loads(response.read())["calls"]
    lost = sum(1 for _, status, got in outcomes if status != 200 or got is None)
    misattributed = sum(1 for ident, _, got in outcomes if got is not None and got != ident)
    print(f"{len(outcomes)} requests from {args.clients} clients in {elapsed:.2f} s: {len(outcomes) / elapsed:,.0f} requests/s")
    print(f"lost: {lost}, misattributed: {misattributed}, recorded calls: {len(recorded)} "
          f"({len({c['messageId'] for c in recorded})} distinct)")


if __name__ == "__main__":
    main()
