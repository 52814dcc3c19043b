"""The outlet's firmware update in the web UI: one card for the one install, whose
dialog says what changes (its firmware and its web interface).

Runs last of the browser tests (by name): the newer firmware it offers changes what
the other tests' pages show.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
import re
from typing import TYPE_CHECKING, Any

from playwright.sync_api import expect
import pytest

from .common import call_ws, control, wait_for

if TYPE_CHECKING:
    from ha_stack import Running, Stack
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e


def _state(page: Page, entity_id: str) -> dict[str, Any]:
    return next(s for s in call_ws(page, {"type": "get_states"}) if s["entity_id"] == entity_id)


def test_outlet_update_is_one_card_with_a_release_summary(
    stack: tuple[Stack, Running], page: Page, screenshot: Callable[[Page, str], Path]
) -> None:
    _, running = stack
    outlet = next(o for o in running.outlets if o.variant == "pro")
    entities = call_ws(page, {"type": "config/entity_registry/list"})
    updates = {e["unique_id"]: e["entity_id"] for e in entities if e["platform"] == "intecular"}
    assert f"{outlet.serial}_outlet_web_interface" not in updates
    entity_id = updates[f"{outlet.serial}_outlet_firmware"]
    installed = _state(page, entity_id)["attributes"]["installed_version"]
    firmware, web = installed.removesuffix(")").split(" (web ")

    # The maker offers new firmware and a new web interface; "Check for updates".
    control(outlet, "firmware", {"available_fw": "2.5.0", "available_www": "1.3.0"})
    call_ws(
        page,
        {
            "type": "call_service",
            "domain": "homeassistant",
            "service": "update_entity",
            "target": {"entity_id": entity_id},
        },
    )
    wait_for(lambda: _state(page, entity_id)["state"] == "on")
    attributes = _state(page, entity_id)["attributes"]
    summary = f"Firmware {firmware} → 2.5.0, web interface {web} → 1.3.0"
    assert attributes["latest_version"] == "2.5.0 (web 1.3.0)"
    assert attributes["release_summary"] == summary

    # Settings lists the update once; its dialog shows the versions and the summary.
    page.goto(f"{running.base}/config/dashboard")
    listed = page.get_by_role(
        "button", name=re.compile(r"InvisOutlet firmware .*2\.5\.0 \(web 1\.3\.0\)")
    )
    expect(listed).to_have_count(1)
    listed.click()
    expect(page.get_by_text(summary)).to_be_visible()
    screenshot(page, "outlet-update-dialog")
