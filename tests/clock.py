"""The device client's clock, moved on by a test: a minute passes when the test says so."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from custom_components.intecular.api import connection as dispatch_module


class Clock:
    """A stand-in for ``time`` in the connection module (the bad-frame warning pace)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The connection module's clock, standing still until the test moves it."""
    fake = Clock()
    monkeypatch.setattr(dispatch_module, "time", SimpleNamespace(monotonic=fake.monotonic))
    return fake
