"""Real processes on 127.0.0.1 for the fault tests (and the load test): gunicorn serving the app
with N web workers, ``grantflow worker`` processes, and a restart of the PostgreSQL cluster the
tests run on. Every process is started here, by its own pid, and stopped or killed by that pid.

The processes may run the app with the test-only pauses of ``tests.faults.hooked`` (a process
stops at a chosen point and says so in a file, so a test kills it exactly there)."""
from __future__ import annotations

import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
TEST_SECRET_KEY = "faults-test-secret-key-shared-by-every-worker"
ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
needs_postgres = pytest.mark.skipif(
    not ON_POSTGRES, reason="real processes share the database: needs TEST_DATABASE_URL "
                            "pointing at PostgreSQL (the PostgreSQL pass of scripts/test.sh)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a served app or worker: the database, one SECRET_KEY for every process
    (a session made by one web worker is read by another), no font thread, the repo importable."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("GRANTFLOW_", "TEST_DATABASE_URL"))}
    env.update({"DATABASE_URL": database_url, "SECRET_KEY": TEST_SECRET_KEY,
                "GRANTFLOW_PREPARE_FONTS": "0", "GRANTFLOW_WORKER_PROCESSES": "1",
                "PYTHONPATH": str(ROOT),
                "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


def wait_for(condition, timeout: float, what: str, interval: float = 0.05):
    """Poll ``condition()`` until it returns something true; that value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def children_of(pid: int) -> set[int]:
    """The live child processes of ``pid`` (read from /proc)."""
    children = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            children.add(int(entry.name))
    return children


class Process:
    """A child process with its output in a log file (shown when a test fails)."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path):
        self.args, self.env, self.log_path = args, env, log
        self.popen: subprocess.Popen | None = None

    def start(self) -> Process:
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - open as long as the process runs
        self.popen = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=self._log,
                                      stderr=subprocess.STDOUT)
        return self

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL: no cleanup, no rollback by the process itself."""
        os.kill(self.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self, timeout: float = 10) -> None:
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)
        if self.popen is not None:
            self._log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class Gunicorn(Process):
    """``gunicorn -w N`` serving ``app`` (default: the real factory) on a free port: sync
    workers, or with ``threads`` > 1 gthread workers of that many threads (docs/deploy.md)."""

    def __init__(self, database_url: str, log_dir: Path, workers: int = 2,
                 app: str = "app:create_app()", timeout: int = 30, threads: int = 1, **env: str):
        self.port = free_port()
        self.workers = workers
        threaded = ["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []
        args = [PYTHON, "-m", "gunicorn", "--workers", str(workers), *threaded, "--bind",
                f"127.0.0.1:{self.port}", "--timeout", str(timeout), "--graceful-timeout", "3",
                "--access-logfile", "-", app]
        super().__init__(args, app_env(database_url, **env), log_dir / f"gunicorn-{self.port}.log")

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> Gunicorn:
        super().start()
        self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 30) -> None:
        """Until every worker is up and the login page answers."""
        def ready():
            if not self.alive():
                raise AssertionError(f"gunicorn exited:\n{self.output()[-3000:]}")
            if len(self.worker_pids()) < self.workers:
                return False
            try:
                return requests.get(self.url("/login"), timeout=2).status_code == 200
            except requests.RequestException:
                return False
        wait_for(ready, timeout, "gunicorn to serve", interval=0.1)

    def worker_pids(self) -> set[int]:
        return children_of(self.pid)

    def wait_respawned(self, killed: int, timeout: float = 20) -> float:
        """Seconds until the master has replaced a killed worker and serves again."""
        started = time.monotonic()
        wait_for(lambda: killed not in self.worker_pids()
                 and len(self.worker_pids()) >= self.workers, timeout, "a new web worker")
        self.wait_ready(timeout)
        return time.monotonic() - started


class Worker(Process):
    """``grantflow worker`` (timers and background jobs), through ``tests.faults.hooked`` so
    that the test-only pauses can be armed; every sweep/poll interval in ``poll`` seconds."""

    def __init__(self, database_url: str, log_dir: Path, name: str, poll: float = 0.5, **env):
        args = [PYTHON, "-m", "tests.faults.hooked", "worker"]
        env = app_env(database_url, GRANTFLOW_TIMER_SWEEP_SECONDS=str(poll),
                      GRANTFLOW_JOB_POLL_SECONDS=str(poll), **env)
        super().__init__(args, env, log_dir / f"worker-{name}.log")


# The test-only pauses (tests.faults.hooked) ---------------------------------------------------

class Pauses:
    """Arm a pause point for the processes sharing ``directory``: the first process that reaches
    it writes ``paused-<point>`` (its pid) and sleeps there until killed."""

    def __init__(self, directory: Path):
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    @property
    def env(self) -> dict[str, str]:
        return {"GRANTFLOW_TEST_PAUSE_DIR": str(self.directory)}

    def arm(self, point: str) -> None:
        (self.directory / f"paused-{point}").unlink(missing_ok=True)
        (self.directory / f"armed-{point}").write_text("")

    def wait_paused(self, point: str, timeout: float = 20) -> int:
        """The pid of the process that stopped at ``point``."""
        marker = self.directory / f"paused-{point}"
        return int(wait_for(lambda: marker.exists() and marker.read_text().strip(), timeout,
                            f"a process to reach {point}"))


# PostgreSQL ----------------------------------------------------------------------------------

class Postgres:
    """The cluster behind ``url``, restarted with ``pg_ctl restart -m fast`` (its data directory
    and binaries are asked of the server itself; run as the postgres user when we are root)."""

    def __init__(self, url: str):
        engine = sa.create_engine(url)
        try:
            with engine.connect() as conn:
                self.data_dir = conn.scalar(sa.text("SHOW data_directory"))
                self.bin_dir = conn.scalar(sa.text(
                    "SELECT setting FROM pg_config WHERE name = 'BINDIR'"))
        except sa.exc.DBAPIError as error:  # not a superuser: not a cluster of our own
            pytest.skip(f"cannot restart this PostgreSQL (scripts/postgres.sh starts one that "
                        f"can be): {error.orig}")
        finally:
            engine.dispose()

    def pg_ctl(self, *args: str) -> None:
        command = [f"{self.bin_dir}/pg_ctl", "-D", self.data_dir, *args]
        if os.geteuid() == 0:
            command = ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(command)]
        # no pipes: the server it starts would hold them open (its output goes to the -l log)
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=60)

    def restart(self) -> float:
        """Restart (fast shutdown: every session is cut); the seconds it took."""
        started = time.monotonic()
        self.pg_ctl("-m", "fast", "-w", "-l", self._log, "restart")
        return time.monotonic() - started

    def stop(self) -> None:
        """Fast shutdown; ``start`` brings it back with the options it ran with."""
        opts = (Path(self.data_dir) / "postmaster.opts").read_text().split()
        at = opts.index('"-D"')  # the options after the binary and its data directory
        self._options = " ".join(opts[1:at] + opts[at + 2:])
        self.pg_ctl("-m", "fast", "-w", "stop")

    def start(self) -> None:
        self.pg_ctl("-w", "-l", self._log, "-o", self._options, "start")

    @property
    def _log(self) -> str:
        return str(Path(self.data_dir).parent / "restart.log")


def have_gunicorn() -> bool:
    return shutil.which("gunicorn", path=str(Path(PYTHON).parent)) is not None
