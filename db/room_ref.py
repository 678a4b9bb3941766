"""How agent-written rows name their room: by room name, and by occurrence when it has one."""

from __future__ import annotations

from dataclasses import dataclass

from db.events import topic_for


@dataclass(frozen=True, slots=True)
class RoomRef:
    """A room and the occurrence it belongs to (None for a room the API did not create)."""

    name: str
    occurrence_id: int | None

    @property
    def topic(self) -> str:
        return topic_for(self.occurrence_id, self.name)


def scope(room_name: str | None, occurrence_id: int | None) -> tuple[str, str | int]:
    """The column and value that select one room's or one occurrence's rows."""
    if room_name is not None and occurrence_id is None:
        return "room_name", room_name
    if occurrence_id is not None and room_name is None:
        return "occurrence_id", occurrence_id
    raise ValueError("pass exactly one of room_name and occurrence_id")
