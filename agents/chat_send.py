"""The agent's side of the chat: private replies that show up in any LiveKit chat window.

Sent as LiveKit's React components send a message: a text stream on ``lk.chat``, then the
same message as a legacy ``lk-chat-topic`` packet with the same id and ``ignoreLegacy``, so
clients that predate text streams show it and newer ones show it once.
"""

from __future__ import annotations

import json
import logging

from livekit import rtc

from colearn.wire import CHAT_TOPIC, LEGACY_CHAT_TOPIC

log = logging.getLogger("colearn.agent.chat")


async def send_chat(
    room: rtc.Room, text: str, *, to: str, reply_to: str | None = None
) -> str | None:
    """Send ``text`` to the participant ``to`` only; returns the message id, None if it
    could not be sent (the participant left, the room is closing): that is logged."""
    participant = room.local_participant
    try:
        info = await participant.send_text(
            text, topic=CHAT_TOPIC, destination_identities=[to], reply_to_id=reply_to
        )
        legacy = {
            "id": info.stream_id,
            "timestamp": info.timestamp,
            "message": text,
            "ignoreLegacy": True,
        }
        await participant.publish_data(
            json.dumps(legacy), reliable=True, destination_identities=[to], topic=LEGACY_CHAT_TOPIC
        )
    except Exception as exc:  # the SDK raises several kinds; none may end the room's job
        log.warning("could not send a chat reply to %s in %s: %s", to, room.name, exc)
        return None
    return info.stream_id
