"""Hooks through which a process watches its database use, without db/ knowing how.

``db.observe.timings`` is a list of ``fn(kind, seconds)`` called after every
``Database.read`` (kind ``"read"``) and ``Database.write`` (``"write"``), successful or not:
the API's and the agent's metrics modules add one. With the list empty, nothing is timed.
``Database.stats()`` tells the engine's connection use (see the engines' ``stats``).
"""

from __future__ import annotations

from collections.abc import Callable

Timing = Callable[[str, float], None]

timings: list[Timing] = []
