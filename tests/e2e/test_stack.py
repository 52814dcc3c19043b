"""scripts/develop's stack started twice in one config folder: the second start reuses it."""

from __future__ import annotations

from pathlib import Path
import shutil
from typing import Any

from ha_bootstrap import HomeAssistantSession
from ha_stack import Running, Stack, free_port, run_async
import pytest

pytestmark = pytest.mark.e2e


async def _entries(running: Running) -> list[dict[str, Any]]:
    async with HomeAssistantSession(running.base) as ha:
        await ha.login(running.username, running.password)
        return await ha.entries()


# Inside the project: the current release runs in a root filesystem that sees this folder.
CONFIG = Path(__file__).resolve().parents[2] / ".e2e" / "ha-config-reuse"


def test_a_second_start_reuses_user_token_and_outlets() -> None:
    config = CONFIG
    shutil.rmtree(config, ignore_errors=True)
    first = Stack(config, ha_port=free_port(), variants=("pro", "aura"), sim_port=0)
    running = first.start()
    try:
        token = running.token_file.read_text()
        pro = next(o for o in running.outlets if o.variant == "pro")
        pro_entry = running.entries[pro.serial]["entry_id"]
        pro_entities = running.entity_counts[pro.serial]
        assert pro_entities > 0
        assert {e["title"] for e in run_async(_entries(running))} == {
            e["title"] for e in running.entries.values()
        }
    finally:
        first.stop()

    # Again, with the Pro outlet only (on another port: the simulator picks one).
    second = Stack(config, ha_port=free_port(), variants=("pro",), sim_port=0)
    again = second.start()
    try:
        assert again.password == running.password
        assert again.token_file.read_text() == token  # still valid, so kept
        (outlet,) = again.outlets
        assert outlet.serial == pro.serial
        assert outlet.address != pro.address
        # The same entry, moved to the new address by the config flow, fully set up.
        assert again.entries[pro.serial]["entry_id"] == pro_entry
        assert again.entries[pro.serial]["state"] == "loaded"
        assert again.entity_counts[pro.serial] == pro_entities
        # The Aura outlet is no longer simulated: its entry is gone.
        assert [e["entry_id"] for e in run_async(_entries(again))] == [pro_entry]
    finally:
        second.stop()
