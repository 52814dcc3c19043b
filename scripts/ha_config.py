"""The config folder of the demo Home Assistant (scripts/develop, the browser test).

A minimal ``configuration.yaml`` (no ``default_config:``, no discovery, HTTP on
127.0.0.1), onboarding marked done, the network integration limited to loopback, a
local user, and this integration linked into ``custom_components/``. Existing files are
kept: a re-run reuses the user, its token and the outlets already added.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
import re
import secrets
import subprocess
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HASS = ROOT / ".venv-ha" / "bin" / "hass"
USERNAME = "dev"

CONFIGURATION_YAML = """\
# Written by scripts/develop (delete the folder to start over). Deliberately minimal:
# no default_config, no discovery (zeroconf/ssdp/dhcp), no cloud; the web server
# listens on 127.0.0.1 only.
homeassistant:
  name: InvisOutlet demo
  latitude: 52.37
  longitude: 4.89
  elevation: 0
  unit_system: metric
  time_zone: Europe/Amsterdam
  currency: EUR
  country: NL
  language: en
http:
  server_host: 127.0.0.1
  server_port: {port}
frontend:
config:
history:
logger:
  default: warning
  logs:
    custom_components.intecular: info
"""

# The network integration (always loaded) with only the loopback adapter enabled: the
# shared web client's mDNS resolver then joins no multicast group on any real interface.
NETWORK = {
    "version": 1,
    "minor_version": 1,
    "key": "core.network",
    "data": {"configured_adapters": ["lo"]},
}

ONBOARDING = {
    "version": 4,
    "minor_version": 1,
    "key": "onboarding",
    "data": {"done": ["user", "core_config", "analytics", "integration"]},
}


def prepare_config(config_dir: Path, port: int) -> str:
    """Create what is missing in ``config_dir``; the password of the local user."""
    (config_dir / ".storage").mkdir(parents=True, exist_ok=True)
    (config_dir / "custom_components").mkdir(exist_ok=True)
    yaml = config_dir / "configuration.yaml"
    if not yaml.exists():
        yaml.write_text(CONFIGURATION_YAML.format(port=port), encoding="utf-8")
    else:  # kept as the user left it, except for the port of this run
        text = yaml.read_text(encoding="utf-8")
        yaml.write_text(re.sub(r"(?m)^(  server_port:) *\d+", rf"\g<1> {port}", text), "utf-8")
    link = config_dir / "custom_components" / "intecular"
    target = Path(os.path.relpath(ROOT / "custom_components" / "intecular", link.parent))
    if link.is_symlink() and Path(os.readlink(link)) != target:
        link.unlink()
    if not link.is_symlink():
        link.symlink_to(target, target_is_directory=True)
    for name, content in (("onboarding", ONBOARDING), ("core.network", NETWORK)):
        path = config_dir / ".storage" / name
        if not path.exists():
            path.write_text(json.dumps(content), encoding="utf-8")
    return _ensure_user(config_dir)


def _ensure_user(config_dir: Path) -> str:
    """A local user (Home Assistant's own auth script, while it is not running)."""
    login = config_dir / "login.json"
    if login.exists():
        return str(json.loads(login.read_text(encoding="utf-8"))["password"])
    password = secrets.token_urlsafe(9)
    subprocess.run(
        [str(HASS), "--script", "auth", "-c", str(config_dir), "add", USERNAME, password],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    login.write_text(json.dumps({"username": USERNAME, "password": password}), "utf-8")
    login.chmod(0o600)
    return password


def stored_entries(config_dir: Path) -> list[dict[str, Any]]:
    """This integration's config entries as Home Assistant stored them (read while down)."""
    path = config_dir / ".storage" / "core.config_entries"
    if not path.exists():
        return []
    entries = json.loads(path.read_text(encoding="utf-8"))["data"]["entries"]
    return [e for e in entries if e.get("domain") == "intecular"]
