"""TCP relays between the browser and the server: a line that can be cut, a slow one.

A cut line drops connections the way a broken network does (a reset, not a
browser that knows it is offline). Chromium's throttling delays HTTP requests
but not the frames of an open WebSocket, so a slow chat line is slowed here.
"""

from __future__ import annotations

import contextlib
import queue
import socket
import threading
import time

from tests.workshops.live import free_port


class FlakyLine:
    """Relay 127.0.0.1:<port> to the server; `cut()` drops every connection."""

    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.port = free_port()
        self.up = True
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream_port))
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(
                    target=self._pump, args=(source, target), daemon=True
                ).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        """Drop every open connection and refuse new ones."""
        self.up = False
        with self._lock:
            for end in self._sockets:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()
            self._sockets.clear()

    def restore(self) -> None:
        """Accept connections again."""
        self.up = True

    def close(self) -> None:
        self.cut()
        self._listener.close()


class SlowLine(FlakyLine):
    """A relay that adds latency and caps throughput, both ways.

    Each direction delivers a chunk half the round trip after the link has
    finished sending it at `bytes_per_second`.
    """

    def __init__(self, upstream_port: int, *, latency: float, bytes_per_second: float):
        self.latency = latency
        self.bytes_per_second = bytes_per_second
        super().__init__(upstream_port)

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        chunks: queue.Queue[tuple[float, bytes] | None] = queue.Queue()
        threading.Thread(target=_deliver, args=(chunks, target), daemon=True).start()
        link_free_at = 0.0
        try:
            while data := source.recv(16384):
                start = max(time.monotonic(), link_free_at)
                link_free_at = start + len(data) / self.bytes_per_second
                chunks.put((link_free_at + self.latency / 2, data))
        except OSError:
            pass
        chunks.put(None)


def _deliver(chunks: queue.Queue, target: socket.socket) -> None:
    """Send each chunk when it is due; pass the end of the stream on."""
    while (chunk := chunks.get()) is not None:
        due, data = chunk
        time.sleep(max(0.0, due - time.monotonic()))
        try:
            target.sendall(data)
        except OSError:
            return
    with contextlib.suppress(OSError):
        target.shutdown(socket.SHUT_WR)
