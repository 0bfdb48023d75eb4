"""Serve Abonent with several processes: ``python -m abonent.serve --workers 4`` (``make
serve``).

This process listens and accepts; each connection goes to the worker process that holds
the fewest open connections (``socket.send_fds`` over a pipe of its own), where uvicorn
serves it. The connections are long-lived (keep-alive consoles, live streams of boards),
so where one lands is where its load stays, and they often come together: twenty operators'
consoles opened in the morning, or every board reconnecting after a network drop. With one
shared listening socket (``uvicorn --workers``) the worker that wakes first accepts all of
those waiting at that moment and leaves the others idle; with a socket per worker
(``SO_REUSEPORT``) the kernel spreads them by a hash of their addresses, which left 13 of
twenty consoles on one of two workers about one time in four (#5: the last of twenty presses
of "call next" waited about a third longer than with ten and ten).

Each worker counts the connections it has closed (a shared array); open = handed over −
closed. This process also supervises the workers: a worker that dies is started again after
a pause; SIGTERM or SIGINT stops them all. Where the system cannot pass a socket to another
process, uvicorn's own workers serve on one shared socket.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import signal
import socket
import sys
import time
from multiprocessing.connection import wait
from typing import Any

import uvicorn

APP = "abonent.asgi:application"
RESTART_PAUSE_SECONDS = 1.0
STOP_SECONDS = 30.0
BACKLOG = 2048  # uvicorn's default
log = logging.getLogger("abonent.serve")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m abonent.serve", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--no-access-log", dest="access_log", action="store_false")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be 1 or more")
    return args


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host.strip("[]"), port))
    sock.listen(BACKLOG)
    sock.setblocking(False)
    return sock


class HandedServer(uvicorn.Server):
    """uvicorn without a listening socket of its own: it serves the connections that the
    supervisor hands over on ``channel``, and counts in ``closed[slot]`` those it closed."""

    def __init__(self, config: uvicorn.Config, channel: socket.socket, closed: Any, slot: int):
        super().__init__(config)
        self.channel, self.closed, self.slot = channel, closed, slot
        self.loop: asyncio.AbstractEventLoop | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[])  # the application's startup; no listener
        if self.should_exit:
            return
        self.loop = asyncio.get_running_loop()
        self.channel.setblocking(False)
        self.loop.add_reader(self.channel.fileno(), self._receive)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self.loop is not None:
            self.loop.remove_reader(self.channel.fileno())  # takes no more connections
        await super().shutdown(sockets=sockets)

    def _receive(self) -> None:
        assert self.loop is not None
        while True:
            try:
                data, fds, _flags, _address = socket.recv_fds(self.channel, 64, 64)
            except (BlockingIOError, InterruptedError):
                return
            if not data:  # the supervisor is gone: finish what is under way and stop
                self.loop.remove_reader(self.channel.fileno())
                self.should_exit = True
                return
            for fd in fds:
                conn = socket.socket(fileno=fd)
                self.loop.create_task(self._serve_connection(conn))

    async def _serve_connection(self, conn: socket.socket) -> None:
        assert self.loop is not None
        try:
            await self.loop.connect_accepted_socket(self._protocol, conn)
        except OSError:  # closed by the client meanwhile
            conn.close()
            self.closed[self.slot] += 1

    def _protocol(self) -> asyncio.Protocol:
        """uvicorn's protocol for a connection (as its ``startup`` makes it), which counts
        its end."""
        protocol = self.config.http_protocol_class(  # type: ignore[call-arg]
            config=self.config,
            server_state=self.server_state,
            app_state=self.lifespan.state,
            _loop=self.loop,
        )
        ended = protocol.connection_lost

        def connection_lost(exc: Exception | None) -> None:
            self.closed[self.slot] += 1
            ended(exc)

        protocol.connection_lost = connection_lost  # type: ignore[method-assign]
        return protocol


def worker(args: argparse.Namespace, channel: socket.socket, closed: Any, slot: int) -> None:
    """One worker process: uvicorn serving the connections handed over on ``channel``."""
    options = uvicorn.Config(
        APP, host=args.host, port=args.port, log_level=args.log_level, access_log=args.access_log
    )
    HandedServer(options, channel, closed, slot).run()


class Supervisor:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.context = multiprocessing.get_context("spawn")
        self.workers: list[Any] = [None] * args.workers
        self.channels: list[socket.socket | None] = [None] * args.workers
        self.handed = [0] * args.workers  # connections handed to each worker
        self.closed = self.context.Array("q", args.workers, lock=False)  # ... and closed by it
        self.stopping = False

    def start_one(self, slot: int) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.handed[slot], self.closed[slot] = 0, 0
        process = self.context.Process(
            target=worker, args=(self.args, theirs, self.closed, slot), daemon=False
        )
        process.start()
        theirs.close()
        self.workers[slot], self.channels[slot] = process, ours

    def stop(self, *_signal: Any) -> None:
        self.stopping = True

    def least_busy(self) -> int:
        """The worker with the fewest open connections (the first of equals)."""
        slots = range(len(self.workers))
        return min(slots, key=lambda i: self.handed[i] - self.closed[i])

    def hand_over(self, listener: socket.socket) -> None:
        """Every connection waiting on ``listener`` to the least busy worker."""
        while True:
            try:
                conn, _address = listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as error:  # out of descriptors, say: the connection waits
                log.error("Accepting a connection: %s", error)
                return
            with conn:
                slot = self.least_busy()
                channel = self.channels[slot]
                try:
                    assert channel is not None
                    socket.send_fds(channel, [b"c"], [conn.fileno()])
                    self.handed[slot] += 1
                except OSError as error:  # the worker has just died; it is restarted
                    log.error("Handing a connection to worker %s: %s", slot, error)

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        listener = listening_socket(self.args.host, self.args.port)
        for slot in range(len(self.workers)):
            self.start_one(slot)
        log.warning("Abonent: %s worker processes on %s:%s", self.args.workers,
                    self.args.host, self.args.port)  # fmt: skip
        while not self.stopping:
            ready = wait([listener, *(p.sentinel for p in self.workers)], timeout=0.5)
            if listener in ready:
                self.hand_over(listener)
            for slot, process in enumerate(self.workers):
                if process.is_alive() or self.stopping:
                    continue
                log.error("Worker %s ended (code %s); starting another",
                          process.pid, process.exitcode)  # fmt: skip
                channel = self.channels[slot]
                if channel is not None:
                    channel.close()
                time.sleep(RESTART_PAUSE_SECONDS)
                self.start_one(slot)
        listener.close()
        for process in self.workers:
            process.terminate()  # SIGTERM: uvicorn finishes the requests under way
        deadline = time.monotonic() + STOP_SECONDS
        for process in self.workers:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
        return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(format="%(levelname)s: %(message)s")
    args = parse(argv)
    if args.workers == 1 or not hasattr(socket, "send_fds"):
        uvicorn.run(APP, host=args.host, port=args.port, workers=args.workers,
                    log_level=args.log_level, access_log=args.access_log)  # fmt: skip
        return 0
    return Supervisor(args).run()


if __name__ == "__main__":
    sys.exit(main())
