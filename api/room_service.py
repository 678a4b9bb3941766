"""Talking to livekit-server's own API: removing someone from a live room."""

from __future__ import annotations

import logging

import aiohttp
from livekit import api

from colearn.config import LiveKitConfig

log = logging.getLogger("colearn.api.rooms")


async def remove_from_room(
    livekit: LiveKitConfig, http: aiohttp.ClientSession, room: str, identity: str
) -> bool:
    """Disconnect ``identity`` from ``room`` if they are in it; whether they were.

    A failure to reach livekit-server is logged, not raised: the change that asked for
    the removal is already stored, and the agent turns them away if they come back.
    """
    server = api.LiveKitAPI(livekit.http_url, livekit.api_key, livekit.api_secret, session=http)
    try:
        await server.room.remove_participant(
            api.RoomParticipantIdentity(room=room, identity=identity)
        )
    except api.ServerError as exc:
        if exc.code != api.ServerErrorCode.NOT_FOUND:
            log.warning("could not remove %s from %s: %s", identity, room, exc)
        return False
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("could not reach livekit-server to remove %s from %s: %s", identity, room, exc)
        return False
    log.info("removed %s from %s", identity, room)
    return True


class RoomServerUnavailable(Exception):
    """livekit-server did not answer (or refused) a request to close a room."""


async def close_room(livekit: LiveKitConfig, http: aiohttp.ClientSession, room: str) -> bool:
    """Delete ``room`` on livekit-server, disconnecting everyone in it (each client is told
    ``ROOM_DELETED``); whether it was open. ``RoomServerUnavailable`` if the server could
    not be asked: the caller says so, and asking again is safe."""
    server = api.LiveKitAPI(livekit.http_url, livekit.api_key, livekit.api_secret, session=http)
    try:
        await server.room.delete_room(api.DeleteRoomRequest(room=room))
    except api.ServerError as exc:
        if exc.code == api.ServerErrorCode.NOT_FOUND:
            return False
        log.warning("could not close %s: %s", room, exc)
        raise RoomServerUnavailable(str(exc)) from exc
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("could not reach livekit-server to close %s: %s", room, exc)
        raise RoomServerUnavailable(str(exc)) from exc
    log.info("closed %s", room)
    return True
