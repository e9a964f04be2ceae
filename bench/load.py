"""Load figures: a mixed workload against real servers, on loopback, bounded in time.

For each profile it builds a fresh site (demo members, `forum generate`, a
live workshop), starts gunicorn with deploy/gunicorn.conf.py (gevent
workers), drives it with locust (as a library, FastHttpUser) and prints, per
request type: requests per second, median and p99 latency (ms) and errors.

Profiles:
  embedded  SQLite + Whoosh, one gevent worker
  scaled    PostgreSQL + Redis + PostgreSQL search, two gevent workers
            (a fresh database, dropped afterwards)

Runs per profile (see RUNS):
  mixed   visitors browse, read and search, members read and reply, a few
          Socket.IO clients chat; `--users` users at a fast pace (a stress test)
  thread  visitors reading threads only, as fast as 50 connections can ask:
          the 300 requests/s target; driven by wrk when it is installed
          (`apt-get install wrk`), much lighter than locust on the same cores
  crowd   the mixed workload, 100 users at a human pace (1 to 5 s a page):
          the p99 under 250 ms target
  stress  the mixed workload, 100 users at the fast pace: past saturation

Run: .venv/bin/python bench/load.py [--profile embedded|scaled|both]
     [--seconds 30] [--users 50] [--threads 1000 --posts 20000]
     [--runs all|mixed|thread|crowd|stress]
Needs the `bench` and `production` extras (locust, gunicorn, gevent).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from uuid import uuid4

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.databases import postgres_database  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/13"
CHAT_CLIENTS = 3
SEARCH_WORDS = [
    "cooperative",
    "coopérative",
    "microfinance",
    "tourism",
    "olive",
    "women",
    "recycling",
    "تعاونية",
    "formación",
    "energia",
]
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


# --- building a site -------------------------------------------------------


def site_environment(folder: Path, profile: str, database: str | None) -> dict:
    """Return the environment of the CLI and the server for one profile."""
    env = {
        **os.environ,
        "FORUM_CONFIG": "production",
        "FORUM_SECRET_KEY": "bench-" + os.urandom(8).hex(),
        "FORUM_INSTANCE_PATH": str(folder),
        "FORUM_SESSION_COOKIE_SECURE": "false",
        "FORUM_REMEMBER_COOKIE_SECURE": "false",
        "FORUM_PREFERRED_URL_SCHEME": "http",
        "FORUM_RATELIMIT_ENABLED": "false",
        "FORUM_LOG_LEVEL": "WARNING",
        "FLASK_APP": "wsgi",
    }
    if profile == "scaled":
        env.update(
            FORUM_SQLALCHEMY_DATABASE_URI=database,
            FORUM_REDIS_URL=REDIS_URL,
            FORUM_SEARCH_BACKEND="postgres",
            FORUM_PAGE_CACHE_PREFIX=f"agora-bench-{os.getpid()}:",
        )
    return env


def flask(env: dict, *args: str) -> str:
    """Run one `flask forum` command (or `flask db`); return its output."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def build_site(env: dict, args) -> dict:
    """Migrate, seed, generate and index; return what the load needs (targets)."""
    started = time.perf_counter()
    flask(env, "db", "upgrade")
    flask(env, "forum", "seed-demo")
    flask(
        env,
        "forum",
        "generate",
        f"--threads={args.threads}",
        f"--posts={args.posts}",
        f"--practices={args.practices}",
        "--big-thread=50",
    )
    flask(env, "forum", "reindex", "--procs=1")
    done = subprocess.run(
        [sys.executable, __file__, "--targets"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    targets = json.loads(done.stdout.splitlines()[-1])
    print(f"  site built in {time.perf_counter() - started:.0f} s", flush=True)
    return targets


def write_targets() -> None:
    """Print, as JSON, the pages and accounts to use (run inside the site's env)."""
    sys.path.insert(0, str(ROOT))
    from datetime import timedelta

    from sqlalchemy import select

    from forum import create_app
    from forum.columns import utcnow
    from forum.extensions import db
    from forum.models import Practice, Thread, User
    from forum.services import demo, reference, workshops

    app = create_app()
    with app.app_context(), app.test_request_context():
        thread_ids = db.session.scalars(
            select(Thread.id).where(Thread.deleted_at.is_(None), Thread.approved)
        ).all()
        practice_ids = db.session.scalars(
            select(Practice.id).where(Practice.published_at.is_not(None)).limit(500)
        ).all()
        members = db.session.scalars(
            select(User).where(User.email.like("%.example")).order_by(User.id)
        ).all()
        organiser = next(m for m in members if m.is_admin)
        start = utcnow() + timedelta(minutes=5)
        workshop = workshops.create_workshop(
            organiser,
            {
                "title": "Load test room",
                "country": "TN",
                "themes": [reference.list_themes()[0].slug],
                "language": ["en"],
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=3)).isoformat(),
                "access": "open",
            },
        )
        targets = {
            "threads": thread_ids,
            "big_thread": min(thread_ids),
            "practices": practice_ids,
            "countries": [c.code for c in reference.list_countries()],
            "themes": [t.slug for t in reference.list_themes()],
            "members": [m.email for m in members if not m.is_admin],
            "password": demo.demo_password(),
            "workshop": workshop.id,
        }
    print(json.dumps(targets))


def free_port() -> int:
    """Return a TCP port free on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_server(env: dict, workers: int, log: Path):
    """Start gunicorn (gevent workers) on loopback; yield its base URL; stop it."""
    port = free_port()
    server_env = {**env, "FORUM_PORT": str(port), "FORUM_WORKERS": str(workers)}
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=server_env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base, process, log)
        yield base, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_ready(base: str, process: subprocess.Popen, log: Path) -> None:
    """Wait for /healthz to answer, for up to 60 s."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer:\n{log.read_text()[-3000:]}")


# --- the workload ----------------------------------------------------------


# Seconds a user waits between two requests: "fast" is a stress test (a
# click every 0.2 to 2 s, far above what people do), "human" gives each page
# 1 to 5 s (locust's documented example), still brisk for reading a forum.
PACES = {
    "fast": {"visitor": (0.2, 1.0), "member": (0.5, 2.0)},
    "human": {"visitor": (1.0, 5.0), "member": (1.0, 5.0)},
}


def user_classes(targets: dict, only_threads: bool, pace: str = "fast") -> list:
    """Define the locust users (importing locust patches the process for gevent)."""
    import socketio
    from locust import User, between, task
    from locust.contrib.fasthttp import FastHttpUser

    members = list(targets["members"])
    headers = {"Accept-Encoding": "gzip", "Accept-Language": "en"}

    def thread_path() -> str:
        return f"/threads/{random.choice(targets['threads'])}"

    class Reader(FastHttpUser):
        """A visitor reading threads only (the thread-page target)."""

        wait_time = between(0.05, 0.15)

        @task
        def read_thread(self):
            self.client.get(thread_path(), headers=headers, name="thread")

    class Visitor(FastHttpUser):
        """A visitor: home, listings, threads, search, practices, workshops."""

        weight = 8
        wait_time = between(*PACES[pace]["visitor"])

        @task(2)
        def home(self):
            self.client.get("/", headers=headers, name="home")

        @task(3)
        def listing(self):
            path = random.choice(
                [
                    f"/c/{random.choice(targets['countries'])}",
                    f"/t/{random.choice(targets['themes'])}",
                ]
            )
            self.client.get(path, headers=headers, name="listing")

        @task(6)
        def read_thread(self):
            self.client.get(thread_path(), headers=headers, name="thread")

        @task(1)
        def big_thread(self):
            path = f"/threads/{targets['big_thread']}"
            self.client.get(path, headers=headers, name="thread (50 posts)")

        @task(2)
        def search(self):
            query = random.choice(SEARCH_WORDS)
            self.client.get(
                "/search", params={"q": query}, headers=headers, name="search"
            )

        @task(1)
        def practice(self):
            if targets["practices"]:
                path = f"/practices/{random.choice(targets['practices'])}"
                self.client.get(path, headers=headers, name="practice")

        @task(1)
        def workshop(self):
            path = f"/workshops/{targets['workshop']}"
            self.client.get(path, headers=headers, name="workshop")

    class Member(FastHttpUser):
        """A logged-in member: reads threads and listings, and replies."""

        weight = 2
        wait_time = between(*PACES[pace]["member"])

        def on_start(self):
            self.token = log_in(self.client, members)

        @task(5)
        def read_thread(self):
            self.client.get(thread_path(), headers=headers, name="thread (member)")

        @task(2)
        def listing(self):
            path = f"/c/{random.choice(targets['countries'])}"
            self.client.get(path, headers=headers, name="listing (member)")

        @task(1)
        def reply(self):
            thread = random.choice(targets["threads"])
            with self.client.post(
                f"/threads/{thread}/reply",
                data={
                    "csrf_token": self.token,
                    "body": f"Load test reply {random.random():.6f}: thank you.",
                    "submit": "Reply",
                },
                headers=headers,
                name="reply",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 302:
                    response.failure(f"reply answered {response.status_code}")

    class Chatter(User):
        """A member in the live workshop room, sending a message every 2 s."""

        fixed_count = CHAT_CLIENTS
        wait_time = between(1.5, 2.5)

        def on_start(self):
            from locust.contrib.fasthttp import FastHttpSession

            session = FastHttpSession(
                base_url=self.host,
                request_event=self.environment.events.request,
                user=self,
            )
            log_in(session, members)
            cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookiejar)
            self.sio = socketio.Client(reconnection=False)
            self.sio.connect(
                self.host,
                namespaces=["/chat"],
                headers={"Cookie": cookie},
                transports=["websocket"],
                wait_timeout=10,
            )
            self.room = f"workshop:{targets['workshop']}"
            self.timed("join", {"room": self.room})

        def on_stop(self):
            if getattr(self, "sio", None):
                self.sio.disconnect()

        def timed(self, event: str, data: dict) -> None:
            started = time.perf_counter()
            error = None
            try:
                answer = self.sio.call(event, data, namespace="/chat", timeout=10)
                if not answer.get("ok"):
                    error = RuntimeError(f"{answer['error']}: {answer['message']}")
            except Exception as failure:  # reported to locust as an error
                error = failure
            self.environment.events.request.fire(
                request_type="WS",
                name=f"chat {event}",
                response_time=(time.perf_counter() - started) * 1000,
                response_length=0,
                exception=error,
                context={},
            )

        @task
        def send(self):
            body = f"Load test message {random.random():.6f}"
            message = {"room": self.room, "body": body, "client_id": uuid4().hex}
            self.timed("send_message", message)

    return [Reader] if only_threads else [Visitor, Member, Chatter]


def log_in(client, members: list[str]) -> str:
    """Log a demo member in on `client`; return the session's CSRF token."""
    page = client.get("/auth/login", name="login").text
    token = CSRF_FIELD.search(page).group(1)
    email = members.pop(0) if len(members) > 1 else members[0]
    client.post(
        "/auth/login",
        data={"csrf_token": token, "email": email, "password": PASSWORD[0]},
        name="login",
    )
    return token


PASSWORD: list[str] = []
SERVER: list[int] = [0]


def cpu_seconds(pid: int, *, children: bool = True) -> float:
    """Return the CPU time used so far by a process (and its children)."""
    import psutil

    root = psutil.Process(pid)
    total = 0.0
    family = root.children(recursive=True) if children else []
    for process in [root, *family]:
        times = process.cpu_times()
        total += times.user + times.system
    return total


def machine_note(server_cpu: float, driver_cpu: float, elapsed: float, total: int):
    """Say what the server and the load driver cost, and how busy the machine was."""
    return (
        f"server CPU {server_cpu / max(1, total) * 1000:.1f} ms a request"
        f" ({server_cpu / elapsed:.0%} of one core), load driver "
        f"{driver_cpu / elapsed:.0%} of one core, machine load "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


def drive(
    base: str, targets: dict, *, users: int, seconds: int, threads: bool, pace: str
):
    """Run locust in this process against `base`; return its stats."""
    import gevent
    from locust.env import Environment

    PASSWORD[:] = [targets["password"]]
    members = list(targets["members"])
    classes = user_classes({**targets, "members": members}, threads, pace)
    env = Environment(user_classes=classes, host=base)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=max(10, users))
    gevent.sleep(min(5, seconds / 4))  # ramp up, then count from zero
    env.stats.reset_all()
    started = time.perf_counter()
    # The server is a child of this process: the driver counts itself only.
    server_before = cpu_seconds(SERVER[0])
    driver_before = cpu_seconds(os.getpid(), children=False)
    gevent.sleep(seconds)
    elapsed = time.perf_counter() - started
    server_cpu = cpu_seconds(SERVER[0]) - server_before
    driver_cpu = cpu_seconds(os.getpid(), children=False) - driver_before
    stats = env.stats
    rows = [
        (
            entry.name,
            entry.num_requests / elapsed,
            entry.get_response_time_percentile(0.5),
            entry.get_response_time_percentile(0.99),
            entry.num_failures,
        )
        for entry in sorted(stats.entries.values(), key=lambda e: e.name)
        if entry.name != "login"
    ]
    total = stats.total
    rows.append(
        (
            "all",
            total.num_requests / elapsed,
            total.get_response_time_percentile(0.5),
            total.get_response_time_percentile(0.99),
            total.num_failures,
        )
    )
    errors = [f"{e.name}: {e.error} x{e.occurrences}" for e in stats.errors.values()]
    errors.insert(0, machine_note(server_cpu, driver_cpu, elapsed, total.num_requests))
    runner.quit()
    return rows, errors


WRK_SCRIPT = """
local ids = {%s}
request = function()
  local path = "/threads/" .. ids[math.random(#ids)]
  return wrk.format("GET", path, {["Accept-Encoding"] = "gzip",
                                  ["Accept-Language"] = "en"})
end
"""
WRK_FIGURE = (
    r"^\s*(Requests/sec|50%|99%|Non-2xx or 3xx responses|Socket errors):?\s+(.+)$"
)


def drive_wrk(base: str, targets: dict, *, users: int, seconds: int, folder: Path):
    """Read random threads with wrk over `users` connections; return like `drive`."""
    import resource

    script = folder / "threads.lua"
    script.write_text(WRK_SCRIPT % ",".join(map(str, targets["threads"][:5000])))
    # Slow answers count in the latency, not as errors (wrk's default is 2 s).
    command = ["wrk", "-t1", f"-c{users}", "--timeout", "10s", "--latency"]
    # Warm up as locust does (its first seconds are not counted either).
    warm_up = [*command, f"-d{min(5, max(1, seconds // 4))}s", "-s", str(script), base]
    subprocess.run(warm_up, capture_output=True, check=True)
    command.append(f"-d{seconds}s")
    server_before = cpu_seconds(SERVER[0])
    waited_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    output = subprocess.run(
        [*command, "-s", str(script), base], capture_output=True, text=True, check=True
    ).stdout
    elapsed = time.perf_counter() - started
    waited = resource.getrusage(resource.RUSAGE_CHILDREN)
    driver_cpu = (waited.ru_utime - waited_before.ru_utime) + (
        waited.ru_stime - waited_before.ru_stime
    )
    server_cpu = cpu_seconds(SERVER[0]) - server_before
    figures = dict(re.findall(WRK_FIGURE, output, flags=re.MULTILINE))
    rate = float(figures["Requests/sec"])
    failures = int(figures.get("Non-2xx or 3xx responses", "0"))
    failures += sum(map(int, re.findall(r"\d+", figures.get("Socket errors", ""))))
    row = (
        "thread (wrk)",
        rate,
        _milliseconds(figures["50%"]),
        _milliseconds(figures["99%"]),
        failures,
    )
    note = machine_note(server_cpu, driver_cpu, elapsed, int(rate * elapsed))
    return [row], [note]


def _milliseconds(figure: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", figure.strip()).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def print_rows(title: str, rows: list, errors: list[str]) -> None:
    """Print one run's table."""
    print(f"\n{title}")
    print(
        f"  {'request':<20} {'req/s':>8} {'median ms':>10} {'p99 ms':>8} {'errors':>7}"
    )
    for name, rate, median, p99, failures in rows:
        print(f"  {name:<20} {rate:8.1f} {median:10.0f} {p99:8.0f} {failures:7d}")
    print(f"  {errors[0]}")
    for error in errors[1:10]:
        print(f"  error: {error}")
    sys.stdout.flush()


# name: (title, users, threads only, pace)
RUNS = {
    "mixed": ("mixed, {users} users, fast pace", None, False, "fast"),
    "thread": ("thread page only, 50 connections", 50, True, "fast"),
    "crowd": ("mixed, 100 users, human pace", 100, False, "human"),
    "stress": ("mixed, 100 users, fast pace", 100, False, "fast"),
}


def one_run(name: str, base: str, targets: dict, args, folder: Path):
    """Drive one run; return its title, rows and notes."""
    title, users, threads, pace = RUNS[name]
    users = users or args.users
    if threads and shutil.which("wrk"):
        rows, notes = drive_wrk(
            base, targets, users=users, seconds=args.seconds, folder=folder
        )
    else:
        rows, notes = drive(
            base,
            targets,
            users=users,
            seconds=args.seconds,
            threads=threads,
            pace=pace,
        )
    return title.format(users=users), rows, notes


def run_profile(profile: str, args) -> None:
    """Build a site for the profile, start its server, and run the three loads."""
    workers = 1 if profile == "embedded" else 2
    folder = Path(tempfile.mkdtemp(prefix=f"agora-load-{profile}-"))
    print(f"\n=== profile {profile}: {workers} gevent worker(s), {folder}", flush=True)
    try:
        with contextmanager_for(profile) as database:
            env = site_environment(folder, profile, database)
            targets = build_site(env, args)
            with running_server(env, workers, folder / "server.log") as (base, pid):
                SERVER[0] = pid
                chosen = RUNS if args.runs == "all" else [args.runs]
                for name in chosen:
                    title, rows, errors = one_run(name, base, targets, args, folder)
                    print_rows(f"[{profile}] {title}, {args.seconds} s", rows, errors)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
        if profile == "scaled":
            forget_redis_keys()


def forget_redis_keys() -> None:
    """Delete the page-cache keys this run left in Redis (pages expire anyway)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"agora-bench-{os.getpid()}:*"):
        client.delete(key)


@contextmanager
def contextmanager_for(profile: str):
    """Yield the database URL of the profile (None: SQLite in the instance)."""
    if profile == "scaled":
        with postgres_database("load") as url:
            yield url
    else:
        yield None


def main() -> None:
    """Parse the options and run the chosen profiles."""
    if "--targets" in sys.argv:
        write_targets()
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--profile", choices=["embedded", "scaled", "both"], default="both"
    )
    parser.add_argument("--seconds", type=int, default=30, help="Per run.")
    parser.add_argument("--users", type=int, default=50, help="Mixed run.")
    parser.add_argument("--threads", type=int, default=1000)
    parser.add_argument("--posts", type=int, default=20000)
    parser.add_argument("--practices", type=int, default=200)
    parser.add_argument("--runs", choices=["all", *RUNS], default="all")
    parser.add_argument("--keep", action="store_true", help="Keep the instance.")
    args = parser.parse_args()
    profiles = ["embedded", "scaled"] if args.profile == "both" else [args.profile]
    for profile in profiles:
        run_profile(profile, args)


if __name__ == "__main__":
    main()
