"""Serve Abonent with several processes: ``python -m abonent.serve --workers 4`` (``make
serve``).

Each worker process runs uvicorn on a listening socket of its own, bound to the same
address with ``SO_REUSEPORT``, so that the kernel spreads new connections over the workers
evenly. With one shared socket (``uvicorn --workers``) the worker that wakes first accepts
every connection waiting at that moment: twenty operators' consoles, or the boards
reconnecting after a network drop, could all land on one process and leave the others idle
(#5: twenty windows pressing "call next" at once waited up to half as long again when their
connections shared one of two workers). The connections are long-lived (keep-alive, live
streams), so where they land is where their load stays.

This process supervises the workers: a worker that dies is started again after a pause;
SIGTERM or SIGINT stops them all. Where the system has no ``SO_REUSEPORT``, uvicorn's own
workers serve on one shared socket.
"""

from __future__ import annotations

import argparse
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
    """A socket bound to ``host:port`` that other processes may bind too (SO_REUSEPORT)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host.strip("[]"), port))
    return sock


def worker(args: argparse.Namespace) -> None:
    """One worker process: uvicorn on a socket of its own."""
    sock = listening_socket(args.host, args.port)
    options = uvicorn.Config(
        APP, host=args.host, port=args.port, log_level=args.log_level, access_log=args.access_log
    )
    uvicorn.Server(options).run(sockets=[sock])


class Supervisor:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.context = multiprocessing.get_context("spawn")
        self.workers: list[Any] = []
        self.stopping = False

    def start_one(self) -> None:
        process = self.context.Process(target=worker, args=(self.args,), daemon=False)
        process.start()
        self.workers.append(process)

    def stop(self, *_signal: Any) -> None:
        self.stopping = True

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        # The address must be free (or ours): fail here, not once in every worker.
        listening_socket(self.args.host, self.args.port).close()
        for _ in range(self.args.workers):
            self.start_one()
        log.warning("Abonent: %s worker processes on %s:%s", self.args.workers,
                    self.args.host, self.args.port)  # fmt: skip
        while not self.stopping:
            wait([p.sentinel for p in self.workers], timeout=0.5)
            for process in [p for p in self.workers if not p.is_alive()]:
                self.workers.remove(process)
                if not self.stopping:
                    log.error("Worker %s ended (code %s); starting another",
                              process.pid, process.exitcode)  # fmt: skip
                    time.sleep(RESTART_PAUSE_SECONDS)
                    self.start_one()
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
    if args.workers == 1 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(APP, host=args.host, port=args.port, workers=args.workers,
                    log_level=args.log_level, access_log=args.access_log)  # fmt: skip
        return 0
    return Supervisor(args).run()


if __name__ == "__main__":
    sys.exit(main())
