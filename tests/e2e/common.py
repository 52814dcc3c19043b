"""Helpers of the browser test: the frontend's WebSocket, the simulator's control API."""

from __future__ import annotations

from collections.abc import Callable
import json
import time
from typing import TYPE_CHECKING, Any
import urllib.request

import pytest

if TYPE_CHECKING:
    from ha_stack import SimulatedOutlet
    from playwright.sync_api import Page


def call_ws(page: Page, message: dict[str, Any]) -> Any:
    """A WebSocket command through the frontend's own connection."""
    return page.evaluate(
        "msg => document.querySelector('home-assistant').hass.callWS(msg)", message
    )


def control(outlet: SimulatedOutlet, path: str, body: dict[str, Any] | None = None) -> Any:
    """The simulator's HTTP control API: GET without a body, POST with one."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 - always http://127.0.0.1
        f"{outlet.control}/{path}", data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.load(response)


def wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    """Poll ``condition`` until it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout} s")
        time.sleep(0.1)
