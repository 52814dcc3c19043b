"""Fixtures shared by every test."""

from __future__ import annotations

from collections.abc import Iterator
import logging
from pathlib import Path

from homeassistant.const import MAJOR_VERSION, MINOR_VERSION
import pytest
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion
from syrupy.location import PyTestLocation


class VersionedSnapshotExtension(HomeAssistantSnapshotExtension):
    """Snapshots per Home Assistant release: registry entries gain fields over time."""

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        """tests/<area>/snapshots/ha<major>.<minor>/."""
        folder = Path(test_location.filepath).parent / "snapshots"
        return str(folder / f"ha{MAJOR_VERSION}.{MINOR_VERSION}")


@pytest.fixture
def snapshot(request: pytest.FixtureRequest) -> SnapshotAssertion:
    """Syrupy's snapshot, stored per Home Assistant release.

    Built here rather than on top of the harness's own ``snapshot`` fixture: every
    assertion object registers its extension's folder with syrupy, and the harness's
    would make one release's snapshots look unused to the other.
    """
    return SnapshotAssertion(
        update_snapshots=request.config.option.update_snapshots,
        extension_class=VersionedSnapshotExtension,
        test_location=PyTestLocation(request.node),
        session=request.config._syrupy,  # as syrupy's own fixture does
    )


class _DeprecationRecorder(logging.Handler):
    """Keeps what Home Assistant logs about this integration using deprecated API."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if "intecular" in text and (
            "will stop working" in text or "deprecated constant" in text.lower()
        ):
            self.lines.append(text)


@pytest.fixture(autouse=True)
def no_deprecated_use() -> Iterator[None]:
    """Fail a test during which Home Assistant reports that the integration uses API that
    "will stop working" in a later release, or a deprecated constant.

    Defined before the other autouse fixtures, so it is set up before Home Assistant and
    torn down after it: unloading the integration is checked too.
    """
    recorder = _DeprecationRecorder()
    root = logging.getLogger()
    root.addHandler(recorder)
    try:
        yield
    finally:
        root.removeHandler(recorder)
    if recorder.lines:
        pytest.fail("deprecated use reported:\n" + "\n".join(recorder.lines), pytrace=False)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/intecular."""


@pytest.fixture(autouse=True)
def auto_socket_enabled(socket_enabled: None) -> None:
    """Allow loopback sockets: the simulator listens on 127.0.0.1.

    The test harness still limits connections to 127.0.0.1, so nothing leaves the
    machine.
    """
