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

# What each role may publish. Everyone talks and shows their face; members of the session
# may share a screen (the web page captures it without audio, so no one gets
# screen_share_audio); a guest, there once on a link, may not. Data (chat, /define) is
# separate: everyone may send it.
CAMERA, MICROPHONE, SCREEN_SHARE = "camera", "microphone", "screen_share"
PUBLISH_SOURCES = {
    FACILITATOR: (CAMERA, MICROPHONE, SCREEN_SHARE),
    PARTICIPANT: (CAMERA, MICROPHONE, SCREEN_SHARE),
    GUEST: (CAMERA, MICROPHONE),
}


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
    otherwise, so every right is set here. No one administers the room with their token,
    the facilitator included: what needs it (ending the meeting for everyone, removing a
    guest) the API does through livekit-server's RoomService (``api/room_service.py``), after
    checking who asks, so a token copied out of a browser cannot mute, remove or end.
    """
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    if ttl <= timedelta(0):
        raise ValueError("ttl must be positive")
    grants = api.VideoGrants(
        room_join=True,
        room=room,
        room_admin=False,
        room_create=False,
        room_list=False,
        room_record=False,
        can_publish=True,
        can_publish_sources=list(PUBLISH_SOURCES[role]),
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
