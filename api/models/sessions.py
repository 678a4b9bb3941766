"""sessions"""

from __future__ import annotations

REQUESTS: tuple[type, ...] = ()
ANSWERS: tuple[type, ...] = ()
