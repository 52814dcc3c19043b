"""Helpers for the integration tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from homeassistant.core import HomeAssistant

SERIAL = "0019B2E7C4"  # the outlet serial of protocol.md's examples
SLUG = "invisoutlet_e7c4"  # entity ids derive from the title "InvisOutlet E7C4"


async def wait_until(
    hass: HomeAssistant, condition: Callable[[], bool], timeout: float = 3.0
) -> None:
    """Let pushes travel the loopback socket until ``condition`` holds."""
    async with asyncio.timeout(timeout):
        while True:
            await hass.async_block_till_done()
            if condition():
                return
            await asyncio.sleep(0.002)


async def wait_for_state(hass: HomeAssistant, entity_id: str, state: str) -> None:
    """Wait until an entity shows ``state``."""
    await wait_until(
        hass, lambda: (s := hass.states.get(entity_id)) is not None and s.state == state
    )
