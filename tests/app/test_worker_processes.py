"""``grantflow worker`` runs one process per core by default (申报书 renders are CPU-bound)."""
from __future__ import annotations

import os
import signal

import pytest

from app import scheduler


def test_worker_processes_setting():
    assert scheduler.worker_processes("auto") == (os.cpu_count() or 1)
    assert scheduler.worker_processes(None) == (os.cpu_count() or 1)
    assert scheduler.worker_processes(" 3 ") == 3
    for wrong in ("0", "-1", "many"):
        with pytest.raises(ValueError):
            scheduler.worker_processes(wrong)


class FakeProcess:
    started: list[FakeProcess] = []

    def __init__(self, target, args, daemon, name):
        self.target, self.args, self.daemon, self.name = target, args, daemon, name
        self.pid, self.terminated, self.joined = 1000 + len(self.started), False, False

    def start(self):
        self.started.append(self)

    def terminate(self):
        self.terminated = True

    def join(self, timeout=None):
        self.joined = True


class FakeContext:
    Process = FakeProcess


def test_the_worker_starts_the_other_processes_and_stops_them_with_it(monkeypatch):
    ran = []
    monkeypatch.setattr(scheduler, "run_blocking", lambda app: ran.append(app))
    saved = signal.getsignal(signal.SIGTERM)
    FakeProcess.started = []
    try:
        scheduler.run_workers("the app", 3, context=FakeContext())
    finally:
        signal.signal(signal.SIGTERM, saved)
    assert ran == ["the app"]
    children = FakeProcess.started
    assert len(children) == 2 and all(child.daemon for child in children)
    assert all(child.target is scheduler._child_worker and child.args == (os.getpid(),)
               for child in children)
    assert all(child.terminated and child.joined for child in children)


def test_one_process_is_the_plain_worker(monkeypatch):
    ran = []
    monkeypatch.setattr(scheduler, "run_blocking", lambda app: ran.append(app))
    scheduler.run_workers("the app", 1, context=FakeContext())
    assert ran == ["the app"]


def test_a_child_whose_parent_is_gone_does_not_start(monkeypatch):
    monkeypatch.setattr(scheduler, "run_blocking", lambda app: pytest.fail("started"))
    monkeypatch.setattr(scheduler, "_die_with_parent", lambda: None)
    scheduler._child_worker(parent_pid=-1)
