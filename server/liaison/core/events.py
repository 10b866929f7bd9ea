"""Named hooks between packages: a lower package announces, a higher one acts.

A package never imports one above it in the layer order (README "Where things live",
``tests/core/test_layering.py``). Where a lower package must still have something done
up there (an opinion's decision goes into the notifications outbox, recorded attendance
refreshes the report figures, new stations get their codes), it declares an ``Event``
and sends it; the higher package's receiver is connected by ``create_app`` (the
composition root), so the lower package never names the higher one.
"""
from __future__ import annotations

from collections.abc import Callable


class Event:
    """Receivers are called in the order connected, with the sender's keyword arguments."""

    def __init__(self, name: str):
        self.name = name
        self._receivers: list[Callable] = []

    def connect(self, receiver: Callable) -> Callable:
        """Add ``receiver`` once (connecting it again, as every new app does, changes nothing)."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    def send(self, **kwargs) -> list:
        """Call every receiver; their answers, in order (an exception stops the sending)."""
        return [receiver(**kwargs) for receiver in self._receivers]

    def __repr__(self) -> str:
        return f"Event({self.name!r})"
