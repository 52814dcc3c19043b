"""Exceptions raised by the InvisOutlet client."""

from __future__ import annotations


class IntecularError(Exception):
    """Base class of every error the client raises."""


class IntecularConnectionError(IntecularError):
    """The outlet could not be reached, or the connection was lost."""


class IntecularTimeoutError(IntecularError):
    """The outlet did not answer a request in time."""


class IntecularProtocolError(IntecularError):
    """Something answered, but not with the InvisOutlet protocol."""


class IntecularCommandRefusedError(IntecularError):
    """The outlet answered a request with ``PUBACK: 0``."""

    def __init__(self, callback: int) -> None:
        """Remember which callback was refused."""
        super().__init__(f"the outlet refused callback {callback}")
        self.callback = callback


class FrameError(ValueError):
    """A frame, or the arguments inside it, does not match the protocol."""
