"""The fake BigQuery Storage server in its own process, for the Python tests
(the Python side of fakes/fake_server_process.h)."""

import json
import os
import select
import signal
import subprocess
import tempfile
import time
import unittest

from testees.python_grpcio.testing import runfiles

_BINARY = "fakes/fake_bigquery_storage_server"


class FakeServer:
    """Starts the server (with an optional fault script, a dict) and waits,
    bounded, for the address it prints first. Use as a context manager."""

    def __init__(self, faults=None, flags=(), startup_timeout=15.0):
        self._faults_file = None
        self._log = None
        args = [runfiles.path(_BINARY)] + list(flags)
        if faults is not None:
            self._faults_file = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
            json.dump(faults, self._faults_file)
            self._faults_file.close()
            args.append("--faults=" + self._faults_file.name)
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.address = self._read_address(startup_timeout)

    def _read_address(self, timeout):
        deadline = time.monotonic() + timeout
        line = b""
        fd = self.process.stdout.fileno()
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            ready, _, _ = select.select([fd], [], [], max(left, 0))
            if not ready:
                self.stop()
                raise TimeoutError(f"the fake server printed no address within {timeout}s")
            chunk = os.read(fd, 1)
            if not chunk:
                raise RuntimeError("the fake server exited before printing its address: " + self.stop())
            line += chunk
        return line.decode().strip()

    def stop(self) -> str:
        """SIGTERM and a bounded wait; returns what the server wrote on
        stderr. Idempotent."""
        if self._log is not None:
            return self._log
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        text = self.process.stderr.read().decode(errors="replace")
        self._log = text
        self.process.stdout.close()
        self.process.stderr.close()
        if self._faults_file is not None:
            os.unlink(self._faults_file.name)
            self._faults_file = None
        return text

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class FakeServerTestCase(unittest.TestCase):
    """Tests that share one fake server, `self.server`, started once for the class."""

    @classmethod
    def setUpClass(cls):
        cls.server = FakeServer()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
