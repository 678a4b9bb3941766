"""LiveKit access tokens for one room, with only the rights a role needs."""

from __future__ import annotations

from datetime import timedelta

from livekit import api

from colearn.config import LiveKitConfig
from colearn.wire import ATTR_ROLE

FACILITATOR = "facilitator"
PARTICIPANT = "participant"
GUEST = "guest"
ROLES = (FACILITATOR, PARTICIPANT, GUEST)


def room_token(
    livekit: LiveKitConfig,
    *,
    room: str,
    identity: str,
    name: str,
    role: str,
    ttl: timedelta,
) -> str:
    """A token that joins ``room`` only, valid for ``ttl``.

    LiveKit's SDK grants publish, subscribe and data rights for six hours unless told
    otherwise, so every right is set here; only the facilitator may administer the room.
    """
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    if ttl <= timedelta(0):
        raise ValueError("ttl must be positive")
    grants = api.VideoGrants(
        room_join=True,
        room=room,
        room_admin=role == FACILITATOR,
        room_create=False,
        room_list=False,
        room_record=False,
        can_publish=True,
        can_subscribe=True,
        can_publish_data=True,
        can_update_own_metadata=False,
    )
    return (
        api.AccessToken(livekit.api_key, livekit.api_secret)
        .with_identity(identity)
        .with_name(name)
        .with_attributes({ATTR_ROLE: role})
        .with_grants(grants)
        .with_ttl(ttl)
        .to_jwt()
    )
