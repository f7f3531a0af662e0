"""Processes the outage tests start, stop, kill and cut themselves: daphne, a Redis of their own (restarting the
shared one would disturb other tests), and a TCP proxy between daphne and PostgreSQL (the server is shared and is
never stopped; cutting the proxy makes it unreachable)."""

import asyncio
import contextlib
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.integration.conftest import ROOT, free_port, wait_for


class Daphne:
    """One daphne process with the given environment, its output in a log file."""

    def __init__(self, env, logs: Path, name: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = logs / f"daphne-{name}-{self.port}.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), "config.asgi:application"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for(self.port, self.process, timeout=60)

    def log(self):
        return self.log_path.read_text(errors="replace")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self):
        self.process.send_signal(signal.SIGTERM)

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class Redis:
    """A redis-server of the test's own, without persistence: a restart forgets everything, groups included."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.port, self.process)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class TcpProxy:
    """Forwards a local port to PostgreSQL until it is cut: then every connection through it is dropped and new
    ones are refused, until it is restored."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.server = None
        self.connections: set[asyncio.StreamWriter] = set()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.restore()

    def call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)

    def restore(self):
        async def listen():
            self.server = await asyncio.start_server(self.pipe, "127.0.0.1", self.port)

        self.call(listen())

    def cut(self):
        async def close():
            self.server.close()
            for writer in list(self.connections):
                writer.transport.abort()
            self.connections.clear()
            await self.server.wait_closed()

        self.call(close())

    async def pipe(self, client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.transport.abort()
            return
        self.connections |= {client_writer, server_writer}

        async def forward(reader, writer):
            with contextlib.suppress(OSError, asyncio.CancelledError):
                while data := await reader.read(65536):
                    writer.write(data)
                    await writer.drain()
            writer.transport.abort()
            self.connections.discard(writer)

        await asyncio.gather(forward(client_reader, server_writer), forward(server_reader, client_writer))

    def close(self):
        with contextlib.suppress(Exception):
            self.cut()
        self.loop.call_soon_threadsafe(self.loop.stop)


def wait_until(condition, timeout, interval=0.2, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise TimeoutError(f"{what} did not hold within {timeout} s")
