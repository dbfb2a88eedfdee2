"""Throughput of the API under gunicorn: stateless planning against a trivial endpoint.

Starts ``gunicorn acuplan.web.wsgi --workers 2`` on a free loopback port against a
temporary data directory (migrated, with one clinic, one practitioner and one API token),
waits for /healthz, then drives each endpoint for a fixed time from a thread pool of
http.client connections in this process:

- ``GET /api/ping``: no auth, no database; the floor of Django + ninja + gunicorn.
- ``POST /api/plans``: the chronic-cold-damp example with the bearer token: token lookup,
  intake validation, the engine and the plan's JSON.

Prints requests/s and p50/p99 latency for each and the plan/ping throughput ratio.
Goal: plan/ping >= 50%. Loopback only; bounded by --seconds per endpoint.
Run: .venv/bin/python benchmarks/bench_web.py [--seconds 10] [--threads 4]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
EXAMPLE = REPO / "examples" / "chronic-cold-damp.json"
HOST = "127.0.0.1"

SETUP = """
import datetime as dt
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from acuplan.accounts.models import Clinic, PractitionerProfile, User
from acuplan.accounts.tokens import create_token
clinic = Clinic.objects.create(name="Bench clinic", slug="bench")
user = User.objects.create_user("bench", clinic=clinic, role="practitioner")
PractitionerProfile.objects.create(
    user=user, licence_number="B-1", licence_state="CA",
    licence_expiry=dt.date.today() + dt.timedelta(days=365),
)
print(create_token(user, "bench"))
"""


@dataclass
class Result:
    name: str
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    client_cpu_s: float = 0.0
    """CPU this process spent sending and reading: it shares the machine with the server."""
    server_cpu_s: float | None = None

    @property
    def rps(self) -> float:
        return len(self.latencies_ms) / self.seconds

    def percentile(self, p: int) -> float:
        if len(self.latencies_ms) < 2:
            return float("nan")
        return statistics.quantiles(self.latencies_ms, n=100)[p - 1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def server_env(data_dir: Path) -> dict[str, str]:
    # Production settings: DEBUG off (no query log, no debug pages), as a clinic would run it.
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "acuplan.web.settings",
        "ACUPLAN_DATA_DIR": str(data_dir),
        "ACUPLAN_ENV": "production",
        "ACUPLAN_SECRET_KEY": secrets.token_urlsafe(48),
        "ACUPLAN_ALLOWED_HOSTS": HOST,
        "ACUPLAN_EMAIL_URL": "smtp://localhost:25",  # required in production; nothing is sent
        "ACUPLAN_SSL_REDIRECT": "false",  # plain HTTP on loopback: no TLS proxy in front
    }


def prepare(env: dict[str, str]) -> str:
    """Migrate the temporary database and create the user; returns the plain API token."""
    out = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SETUP], env=env, check=True, capture_output=True, text=True
    )
    return out.stdout.strip().splitlines()[-1]


@contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int) -> Iterator[subprocess.Popen[bytes]]:
    cmd = [
        str(BIN / "gunicorn"),
        "acuplan.web.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(cmd, env=env, cwd=REPO)  # noqa: S603 - fixed argv
    try:
        wait_healthy(port, server)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_healthy(port: int, server: subprocess.Popen[bytes], timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer /healthz within {timeout_s:.0f} s")


def server_cpu_s(master_pid: int) -> float | None:
    """CPU seconds used so far by the gunicorn master and its workers (Linux /proc; None
    elsewhere). On a shared machine this is steadier than throughput."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    ticks = 0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(entry.name) == master_pid or int(fields[1]) == master_pid:
            ticks += int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / os.sysconf("SC_CLK_TCK")


def drive(
    name: str,
    port: int,
    method: str,
    path: str,
    body: bytes | None,
    headers: dict[str, str],
    seconds: float,
    threads: int,
) -> Result:
    """Send requests from ``threads`` connections until ``seconds`` have passed."""
    result = Result(name, seconds)
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        latencies: list[float] = []
        errors: dict[str, int] = {}
        while time.monotonic() < stop_at:
            start = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    latencies.append((time.perf_counter() - start) * 1000)
                else:
                    errors[f"HTTP {response.status}"] = errors.get(f"HTTP {response.status}", 0) + 1
            except (OSError, http.client.HTTPException) as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                conn.close()
        conn.close()
        with lock:
            result.latencies_ms.extend(latencies)
            for key, count in errors.items():
                result.errors[key] = result.errors.get(key, 0) + count

    cpu_start = time.process_time()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for future in [pool.submit(worker) for _ in range(threads)]:
            future.result()
    result.client_cpu_s = time.process_time() - cpu_start
    return result


def report(result: Result) -> None:
    errors = ", ".join(f"{k}: {v}" for k, v in result.errors.items()) or "none"
    n = max(len(result.latencies_ms), 1)
    server = "n/a" if result.server_cpu_s is None else f"{result.server_cpu_s * 1000 / n:4.2f}"
    print(
        f"{result.name:<16} {len(result.latencies_ms):>6} ok {result.rps:>6.0f} req/s  "
        f"p50 {result.percentile(50):5.2f} ms  p99 {result.percentile(99):6.2f} ms  "
        f"CPU/req server {server} ms, client {result.client_cpu_s * 1000 / n:4.2f} ms  "
        f"errors: {errors}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per endpoint (max 60)")
    parser.add_argument("--threads", type=int, default=4, help="client connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()
    seconds = min(args.seconds, 60.0)

    data_dir = Path(tempfile.mkdtemp(prefix="acuplan-bench-"))
    try:
        env = server_env(data_dir)
        token = prepare(env)
        port = free_port()
        intake = EXAMPLE.read_bytes()
        json.loads(intake)  # fail early on a broken example
        plan_headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        with gunicorn(env, port, args.workers) as server:
            print(
                f"gunicorn --workers {args.workers} on {HOST}:{port}; {args.threads} client "
                f"threads, {seconds:.0f} s per endpoint (after 1 s warm-up)"
            )
            runs: tuple[tuple[str, str, str, bytes | None, dict[str, str]], ...] = (
                ("GET /api/ping", "GET", "/api/ping", None, {}),
                ("POST /api/plans", "POST", "/api/plans", intake, plan_headers),
            )
            results: dict[str, Result] = {}
            for name, method, path, body, headers in runs:
                drive(name, port, method, path, body, headers, 1.0, args.threads)  # warm-up
                cpu_before = server_cpu_s(server.pid)
                result = drive(name, port, method, path, body, headers, seconds, args.threads)
                cpu_after = server_cpu_s(server.pid)
                if cpu_before is not None and cpu_after is not None:
                    result.server_cpu_s = cpu_after - cpu_before
                results[name] = result
                report(result)
        ping, plan = results["GET /api/ping"], results["POST /api/plans"]
        if not ping.latencies_ms or not plan.latencies_ms:
            print("no successful requests: see the errors above")
            return 1
        ratio = plan.rps / ping.rps
        verdict = "meets" if ratio >= 0.5 else "misses"
        print(f"plan/ping throughput: {ratio:.0%} ({verdict} the goal of >= 50%)")
        if ping.server_cpu_s and plan.server_cpu_s:
            per_ping = ping.server_cpu_s / len(ping.latencies_ms)
            per_plan = plan.server_cpu_s / len(plan.latencies_ms)
            print(f"ping/plan server CPU per request: {per_ping / per_plan:.0%}")
        return 0
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
