"""The config folder of the demo Home Assistant (scripts/develop, the browser test).

A minimal ``configuration.yaml`` (no ``default_config:``, no discovery, HTTP on
127.0.0.1), onboarding marked done, the network integration limited to loopback, a
local user, and this integration linked into ``custom_components/``. Existing files are
kept: a re-run reuses the user, its token and the outlets already added.
"""

from __future__ import annotations

from datetime import UTC, datetime
import json
import os
from pathlib import Path
import re
import secrets
import subprocess
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Which Home Assistant runs: the current release (scripts/setup-current's environment,
# entered through scripts/current) unless INTECULAR_HA=minimum picks .venv-ha (2025.4.4).
MINIMUM_HASS = ROOT / ".venv-ha" / "bin" / "hass"
CURRENT_HASS = [str(ROOT / "scripts" / "current"), "ha", "hass"]


def is_minimum() -> bool:
    """This run uses 2025.4.4 (.venv-ha), not the current release."""
    return os.environ.get("INTECULAR_HA", "current") == "minimum"


def hass_command() -> list[str]:
    """The command that starts the Home Assistant of this run."""
    return [str(MINIMUM_HASS)] if is_minimum() else list(CURRENT_HASS)


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


def _http_store(port: int) -> dict[str, Any]:
    """The web server's settings as Home Assistant 2026.11 stores them (.storage/http).

    From 2026 on it reads them from there, not from configuration.yaml: YAML is imported
    once as a *pending* change that reverts to the stored (default: every address, port
    8123) settings unless confirmed in the UI within 5 minutes, and is ignored after.
    So the current release gets them here, confirmed, with this run's port.
    """
    stable = {
        "server_host": ["127.0.0.1"],
        "server_port": port,
        "cors_allowed_origins": ["https://cast.home-assistant.io"],
        "login_attempts_threshold": -1,
        "ip_ban_enabled": True,
        "ssl_profile": "intermediate_v6",
        "use_x_frame_options": True,
        "created_at": datetime.now(UTC).isoformat(),
        "error": None,
        "error_message": None,
    }
    data = {"stable": stable, "pending": None, "yaml_migration_done": True}
    return {"version": 3, "minor_version": 1, "key": "http", "data": data}


def prepare_config(config_dir: Path, port: int) -> str:
    """Create what is missing in ``config_dir``; the password of the local user."""
    (config_dir / ".storage").mkdir(parents=True, exist_ok=True)
    (config_dir / "custom_components").mkdir(exist_ok=True)
    yaml = config_dir / "configuration.yaml"
    if not yaml.exists():
        yaml.write_text(CONFIGURATION_YAML.format(port=port), encoding="utf-8")
    # kept as the user left it, except for the web server's settings of this run
    text = yaml.read_text(encoding="utf-8")
    if is_minimum():
        if not re.search(r"(?m)^http:", text):  # a folder the current release used
            text += f"http:\n  server_host: 127.0.0.1\n  server_port: {port}\n"
        text = re.sub(r"(?m)^(  server_port:) *\d+", rf"\g<1> {port}", text)
    else:
        text = re.sub(r"(?m)^http:\n(?:  .*\n)*", "", text)
        store = config_dir / ".storage" / "http"
        store.write_text(json.dumps(_http_store(port), indent=2), encoding="utf-8")
    yaml.write_text(text, encoding="utf-8")
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
    while password.startswith("-"):  # the auth script would take it for an option
        password = secrets.token_urlsafe(9)
    subprocess.run(
        [*hass_command(), "--script", "auth", "-c", str(config_dir), "add", USERNAME, password],
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
