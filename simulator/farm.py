"""Several simulated outlets in one process."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import Any, Self

from .identity import Identity
from .options import Variant
from .outlet import SimulatedOutlet


class SimulatorFarm:
    """``count`` outlets with distinct serials.

    With ``base_port`` 0 every outlet gets its own ephemeral port; otherwise they
    take consecutive ports from ``base_port``. With a ``seed`` outlet *i* is seeded
    ``seed + i``, so serials and sensor values are reproducible; ``serials`` fixes
    the serials of the first outlets. Other keyword arguments go to every
    ``SimulatedOutlet``.
    """

    def __init__(
        self,
        count: int,
        base_port: int = 0,
        variant: Variant | str = Variant.PRO,
        *,
        host: str = "127.0.0.1",
        seed: int | None = None,
        serials: Sequence[str] = (),
        **options: Any,
    ) -> None:
        """Describe the outlets; ``start()`` makes them listen."""
        if count < 1:
            raise ValueError("a farm needs at least one outlet")
        if len(set(serials)) != len(serials) or len(serials) > count:
            raise ValueError("serials must be distinct, at most one per outlet")
        taken: set[str] = set(serials)
        self.outlets: list[SimulatedOutlet] = []
        for index in range(count):
            outlet_seed = None if seed is None else seed + index
            if index < len(serials):
                serial = serials[index]
            else:
                serial = Identity.generate(outlet_seed).serial
                while serial in taken:  # a clash is possible only without a seed
                    serial = Identity.generate().serial
            taken.add(serial)
            self.outlets.append(
                SimulatedOutlet(
                    variant,
                    serial,
                    host,
                    base_port + index if base_port else 0,
                    seed=outlet_seed,
                    **options,
                )
            )

    def __iter__(self) -> Iterator[SimulatedOutlet]:
        """The outlets, in port order."""
        return iter(self.outlets)

    def __len__(self) -> int:
        """The number of outlets."""
        return len(self.outlets)

    def __getitem__(self, index: int) -> SimulatedOutlet:
        """One outlet."""
        return self.outlets[index]

    async def start(self) -> None:
        """Start every outlet (stopping those started if one fails)."""
        try:
            for outlet in self.outlets:
                await outlet.start()
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        """Stop every outlet."""
        await asyncio.gather(*(outlet.stop() for outlet in self.outlets))

    async def __aenter__(self) -> Self:
        """Start on entering the ``async with`` block."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop on leaving it."""
        await self.stop()
