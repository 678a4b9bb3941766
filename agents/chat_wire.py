"""What counts as a chat message on the wire, and what is turned away before it is stored.

Current LiveKit clients send a text stream on ``lk.chat``; older ones (and the React
components, alongside the stream) a reliable data packet on ``lk-chat-topic`` holding JSON
``{"id", "timestamp", "message"}``. Anything can arrive on those topics, so both forms are
checked here; a rejection carries a reason fit for the log, never the text itself.

Acknowledgements (docs/livekit-clients.md, "Chat acknowledgements"): once a message is in
the store (or was already), the agent sends its sender alone a reliable data packet on
``colearn.chat.ack`` holding ``{"id": <message id>, "status": "stored"}``; a message it
will never store (too long, empty) gets ``"status": "refused"``. A client keeps what it
sent until then and sends it again, same id, once an agent is back: the store keeps one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from livekit import rtc

# A long paragraph fits; a pasted document does not. It also keeps one message within a
# history RPC response (15 KiB) for all but the most exotic scripts.
MAX_MESSAGE_CHARS = 4000
# UTF-8 needs at most 4 bytes a character: a stream announcing more cannot be within limit.
MAX_MESSAGE_BYTES = 4 * MAX_MESSAGE_CHARS
MAX_ID_CHARS = 128
CHAT_ACK_TOPIC = "colearn.chat.ack"
# Senders' clocks are trusted for the time a message was sent, within reason.
CLOCK_TOLERANCE = timedelta(minutes=5)

RejectCode = Literal["too_long", "empty", "malformed"]
AckStatus = Literal["stored", "refused"]


class Rejected(Exception):
    def __init__(self, code: RejectCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True, slots=True)
class LegacyChat:
    id: str
    timestamp_ms: int | None
    message: str


def parse_legacy(data: bytes) -> LegacyChat:
    """The chat message in a legacy ``lk-chat-topic`` packet; raises ``Rejected``."""
    try:
        packet = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Rejected("malformed", f"not UTF-8 JSON ({type(exc).__name__})") from None
    if not isinstance(packet, dict):
        raise Rejected("malformed", f"JSON {type(packet).__name__}, not an object")
    message_id, message = packet.get("id"), packet.get("message")
    if not isinstance(message_id, str) or not message_id or len(message_id) > MAX_ID_CHARS:
        raise Rejected("malformed", f"no usable 'id' (1 to {MAX_ID_CHARS} characters)")
    if not isinstance(message, str):
        raise Rejected("malformed", "'message' is not a string")
    timestamp = packet.get("timestamp")
    if isinstance(timestamp, bool) or not isinstance(timestamp, int | float):
        timestamp = None
    return LegacyChat(message_id, None if timestamp is None else int(timestamp), checked(message))


def ack(message_id: str, status: AckStatus) -> bytes:
    """The acknowledgement packet's payload for one message."""
    return json.dumps({"id": message_id, "status": status}, ensure_ascii=False).encode()


def checked(text: str) -> str:
    """The text of a message worth storing; raises ``Rejected``."""
    if len(text) > MAX_MESSAGE_CHARS:
        raise Rejected("too_long", f"{len(text)} characters, limit {MAX_MESSAGE_CHARS}")
    if not text.strip():
        raise Rejected("empty", "no text")
    return text


async def read_stream(reader: rtc.TextStreamReader) -> str:
    """The whole text of a chat stream, read no further than the limit; raises ``Rejected``
    (and ``rtc.StreamError`` when the sender aborts or leaves mid-stream)."""
    if reader.info.size and reader.info.size > MAX_MESSAGE_BYTES:
        reader.close()
        raise Rejected("too_long", f"stream of {reader.info.size} bytes")
    parts: list[str] = []
    length = 0
    async for chunk in reader:
        length += len(chunk)
        if length > MAX_MESSAGE_CHARS:
            reader.close()
            raise Rejected("too_long", f"over {MAX_MESSAGE_CHARS} characters")
        parts.append(chunk)
    return checked("".join(parts))


def sent_at(timestamp_ms: int | None, received: datetime) -> datetime:
    """When the sender says it sent the message, unless its clock is clearly off."""
    if timestamp_ms is None or timestamp_ms <= 0:
        return received
    try:
        claimed = datetime.fromtimestamp(timestamp_ms / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return received
    return claimed if abs(claimed - received) <= CLOCK_TOLERANCE else received
