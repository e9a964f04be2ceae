"""Hold many live chat sockets on one gunicorn gevent worker, then broadcast to them.

Builds a temporary SQLite instance with a workshop and N members, starts
gunicorn (deploy/gunicorn.conf.py, one worker) on a free loopback port, opens
N Socket.IO websocket connections that each join the workshop room, sends one
message and counts how many clients receive it. The clients are greenlets in
this one process, so the client side stays cheap.

Run: .venv/bin/python bench/sockets.py [--clients 1000] [--json]
"""

from __future__ import annotations

from gevent import monkey

# The clients are greenlets: patch before anything imports socket or threading.
monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
import uuid  # noqa: E402
from contextlib import contextmanager, suppress  # noqa: E402
from datetime import timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
import websocket  # noqa: E402
from gevent.pool import Pool  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CONNECT_CONCURRENCY = 50
WAIT_SECONDS = 120


def raise_file_limit(needed: int) -> int:
    """Raise this process's open-file limit towards `needed`; return the new limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        soft = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return soft


def prepare_instance(
    instance: Path, members: int, room_size: int
) -> tuple[list[str], str, list[str]]:
    """Migrate a fresh instance; return the rooms, organiser's and members' tokens."""
    from flask_migrate import upgrade

    from forum import create_app
    from forum.columns import utcnow
    from forum.extensions import db
    from forum.models import AccountStatus, Role, User
    from forum.services import workshops
    from forum.services.api_tokens import create_api_token
    from forum.services.reference import seed_reference_data

    app = create_app({"INSTANCE_PATH": str(instance)})
    with app.app_context():
        upgrade()
        seed_reference_data()
        users = [
            User(
                username=f"bench{number}",
                email=f"bench{number}@example.org",
                display_name=f"Bench {number}",
                password_hash="!",  # nobody logs in with a password here
                email_confirmed_at=utcnow(),
                status=AccountStatus.ACTIVE,
                role=Role.MEMBER,
                can_organise=number == 0,
            )
            for number in range(members + 1)
        ]
        db.session.add_all(users)
        db.session.commit()
        rooms = [
            workshops.create_workshop(users[0], _workshop_data(number)).room
            for number in range(-(-members // room_size))
        ]
        tokens = [create_api_token(user, name="bench")[1] for user in users]
        db.session.remove()
        db.engine.dispose()
    return rooms, tokens[0], tokens[1:]


def _workshop_data(number: int) -> dict:
    from forum.columns import utcnow

    start = utcnow() + timedelta(minutes=5)
    return {
        "title": f"Bench workshop {number}: many voices",
        "description": "Many members in one room.",
        "country": "TN",
        "themes": ["public-procurement-partnerships"],
        "language": ["fr"],
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "access": "open",
    }


def free_port() -> int:
    """Return a TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(instance: Path, log_path: Path):
    """Run gunicorn with one gevent worker on a free port; yield (url, process)."""
    port = free_port()
    environment = {
        **os.environ,
        "FORUM_INSTANCE_PATH": str(instance),
        "FORUM_BIND": f"127.0.0.1:{port}",
        "FORUM_WORKERS": "1",
        "FORUM_LOG_LEVEL": "WARNING",
    }
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process)
        yield url, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_healthy(url: str, process: subprocess.Popen, timeout=60) -> None:
    """Poll /healthz until it answers 200; fail if the server dies first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def worker_rss_mb(master_pid: int) -> float:
    """Return the resident memory of the master's worker processes, in MB."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text()
    total_kb = 0
    for pid in children.split():
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total_kb += int(line.split()[1])
    return round(total_kb / 1024, 1)


class Member:
    """One chat connection speaking the Engine.IO/Socket.IO wire protocol directly.

    A hand-rolled client keeps each connection to one greenlet, so a thousand
    of them cost the measuring side little; the server sees ordinary clients.
    """

    def __init__(self, url: str, token: str, rooms: list[str]):
        self.received_at: float | None = None
        self.socket = websocket.create_connection(
            url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket",
            timeout=WAIT_SECONDS,
        )
        self._expect("0")  # Engine.IO open
        self.socket.send(f"40/chat,{json.dumps({'token': token})}")
        self._expect("40/chat,")
        for room in rooms:
            self.call("join", {"room": room})
        self.reader = gevent.spawn(self._read)

    def _expect(self, prefix: str) -> str:
        while True:
            packet = self.socket.recv()
            if packet == "2":  # Engine.IO ping
                self.socket.send("3")
            elif packet.startswith(prefix):
                return packet
            elif packet.startswith("44/chat,"):
                raise RuntimeError(f"connection refused: {packet}")

    def call(self, event: str, data: dict) -> dict:
        """Send an event with an acknowledgement id and return the answer."""
        self.socket.send(f"42/chat,1{json.dumps([event, data])}")
        answer = json.loads(self._expect("43/chat,1")[len("43/chat,1") :])[0]
        if not answer.get("ok"):
            raise RuntimeError(f"{event} refused: {answer}")
        return answer

    def _read(self) -> None:
        try:
            while True:
                self._expect('42/chat,["message_created"')
                if self.received_at is None:
                    self.received_at = time.perf_counter()
        except (websocket.WebSocketException, OSError):
            pass

    def close(self) -> None:
        """Disconnect, ignoring a server that has already gone."""
        gevent.kill(self.reader)
        with suppress(websocket.WebSocketException, OSError):
            self.socket.close()


def connect_all(url: str, tokens: list[str], rooms: list[str], room_size: int):
    """Open one Member per token, room_size to a room; return members, errors."""
    members, errors = [], []

    def open_one(token: str, room: str) -> None:
        try:
            members.append(Member(url, token, [room]))
        except Exception as error:  # noqa: BLE001 (count failures, keep going)
            errors.append(repr(error))

    pool = Pool(CONNECT_CONCURRENCY)
    for number, token in enumerate(tokens):
        pool.spawn(open_one, token, rooms[number // room_size])
    pool.join()
    return members, errors


def broadcast(url: str, token: str, rooms: list[str], members: list) -> float:
    """Post one message in every room as the organiser; return seconds to the last."""
    organiser = Member(url, token, rooms)
    gevent.kill(organiser.reader)  # its socket answers the calls below
    sent = time.perf_counter()
    for room in rooms:
        organiser.call(
            "send_message",
            {"room": room, "body": "Welcome!", "client_id": uuid.uuid4().hex},
        )
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if all(member.received_at is not None for member in members):
            break
        gevent.sleep(0.05)
    organiser.close()
    arrivals = [m.received_at for m in members if m.received_at is not None]
    return max(arrivals) - sent if arrivals else float("nan")


def run(clients: int, room_size: int) -> dict:
    """Run the whole measurement and return its figures."""
    file_limit = raise_file_limit(clients * 3 + 512)
    with tempfile.TemporaryDirectory(prefix="agora-sockets-") as folder:
        instance = Path(folder) / "instance"
        rooms, organiser_token, tokens = prepare_instance(instance, clients, room_size)
        with gunicorn(instance, Path(folder) / "gunicorn.log") as (url, process):
            started = time.perf_counter()
            members, errors = connect_all(url, tokens, rooms, room_size)
            connect_seconds = time.perf_counter() - started
            rss_held = worker_rss_mb(process.pid)
            fan_out = broadcast(url, organiser_token, rooms, members)
            received = sum(1 for m in members if m.received_at is not None)
            closing = Pool(CONNECT_CONCURRENCY)
            for member in members:
                closing.spawn(member.close)
            closing.join()
    return {
        "clients": clients,
        "rooms": len(rooms),
        "connected": len(members),
        "connect_errors": errors[:5],
        "connect_seconds": round(connect_seconds, 2),
        "received": received,
        "fan_out_ms": round(fan_out * 1000, 1),
        "worker_rss_mb": rss_held,
        "file_limit": file_limit,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument(
        "--room-size", type=int, default=50, help="members per workshop room"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    arguments = parser.parse_args()
    figures = run(arguments.clients, arguments.room_size)
    if arguments.json:
        print(json.dumps(figures))
        return
    print(f"connections held:   {figures['connected']} of {figures['clients']}")
    print(
        f"time to connect:    {figures['connect_seconds']} s "
        f"(and join {figures['rooms']} rooms)"
    )
    print(f"broadcast received: {figures['received']} of {figures['connected']}")
    print(
        f"broadcast fan-out:  {figures['fan_out_ms']} ms (first send to last arrival)"
    )
    print(f"worker RSS:         {figures['worker_rss_mb']} MB with sockets open")
    for error in figures["connect_errors"]:
        print(f"connect error:      {error}")


if __name__ == "__main__":
    main()
