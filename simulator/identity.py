"""Serial numbers and MAC addresses that look like the real ones."""

from __future__ import annotations

from dataclasses import dataclass
import random

_HEX = "0123456789ABCDEF"
# Serials are digits and upper-case letters (protocol.md §2.2), not only hex ones.
_SERIAL_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True, slots=True)
class Identity:
    """The fixed identity of one simulated outlet and its faceplate."""

    serial: str
    """Outlet serial: 10 characters of digits and upper-case letters."""

    mac: str
    faceplate_serial: str
    """Faceplate serial: 11 characters."""

    faceplate_mac: str
    radar_mac: str

    @classmethod
    def generate(cls, seed: int | None = None, serial: str | None = None) -> Identity:
        """A new identity, deterministic when ``seed`` is given."""
        rng = random.Random(None if seed is None else f"identity:{seed}")

        def chars(count: int, alphabet: str = _SERIAL_CHARS) -> str:
            return "".join(rng.choice(alphabet) for _ in range(count))

        def mac(prefix: str) -> str:
            return prefix + ":" + ":".join(chars(2, _HEX) for _ in range(3))

        return cls(
            serial=serial or "00" + chars(8),
            mac=mac("7C:DF:A1"),
            faceplate_serial="1" + chars(10),
            faceplate_mac=mac("7C:DF:A1"),
            radar_mac=mac("C4:5B:11"),
        )
