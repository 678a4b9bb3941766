"""Earlier chat for whoever joins late: an RPC method on the agent, paged by message id.

Request payload (JSON, every field optional; an empty payload is fine):
    {"before": <message id>, "limit": <1..100, default 50>}
Response payload (JSON): the latest ``limit`` messages older than ``before``, oldest first,
and the ``before`` to ask with for the page before those (null when there is none):
    {"messages": [{"id", "message_id", "sender_identity", "sender_name", "text",
                   "sent_at"}, ...], "before": <id> | null}
A response stays under LiveKit's RPC payload limit (15 KiB): a page holds fewer messages
when they are long, and a single message too long for a response comes with its text cut
and ``"truncated": true``.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from livekit import rtc

from agents.store import WorkerStore
from colearn.wire import HISTORY_RPC_METHOD
from db.chat import StoredMessage, room_messages_before
from db.room_ref import RoomRef

log = logging.getLogger("colearn.agent.history")

DEFAULT_PAGE = 50
MAX_PAGE = 100
RESPONSE_BUDGET_BYTES = 14_000  # LiveKit refuses RPC payloads over 15 KiB
BAD_REQUEST = 400


def attach(room: rtc.Room, store: WorkerStore, ref: RoomRef) -> None:
    """Answer history requests in this room (call once connected)."""

    async def history(call: rtc.RpcInvocationData) -> str:
        before, limit = _request(call.payload)
        messages = await store.read(room_messages_before, ref.name, before, limit + 1)
        log.debug(
            "history for %s in %s: %d messages", call.caller_identity, ref.name, len(messages)
        )
        return page(messages, limit)

    room.local_participant.register_rpc_method(HISTORY_RPC_METHOD, history)


def _request(payload: str) -> tuple[int | None, int]:
    try:
        request = json.loads(payload) if payload.strip() else {}
    except json.JSONDecodeError:
        raise rtc.RpcError(BAD_REQUEST, "payload must be JSON") from None
    if not isinstance(request, dict):
        raise rtc.RpcError(BAD_REQUEST, "payload must be a JSON object")
    before, limit = request.get("before"), request.get("limit", DEFAULT_PAGE)
    if before is not None and (type(before) is not int or before < 1):
        raise rtc.RpcError(BAD_REQUEST, "'before' must be a message id (a positive integer)")
    if type(limit) is not int or not 1 <= limit <= MAX_PAGE:
        raise rtc.RpcError(BAD_REQUEST, f"'limit' must be an integer from 1 to {MAX_PAGE}")
    return before, limit


def page(messages: list[StoredMessage], limit: int) -> str:
    """The response for ``messages`` (oldest first; one more than ``limit`` if older ones
    exist): as many of the latest as fit the budget."""
    older = len(messages) > limit
    entries = [m.as_json() for m in messages[-limit:]]
    room = RESPONSE_BUDGET_BYTES - len(_encode({"messages": [], "before": 2**63}))
    kept: list[dict[str, Any]] = []
    for entry in reversed(entries):
        size = len(_encode(entry)) + 1  # and its comma
        if size > room:
            break
        kept.append(entry)
        room -= size
    if not kept and entries:
        kept.append(_cut_to_fit(entries[-1], room))
    older = older or len(kept) < len(entries)
    kept.reverse()
    return _json({"messages": kept, "before": kept[0]["id"] if older and kept else None})


def _cut_to_fit(entry: dict[str, Any], room: int) -> dict[str, Any]:
    cut = {**entry, "text": "", "truncated": True}
    spare = room - len(_encode(cut)) - 1
    text: str = entry["text"]
    # Escapes can make a character cost up to 6 bytes: shrink until it fits.
    while text and len(_encode(text)) - 2 > spare:
        text = text[: len(text) * 3 // 4]
    return {**cut, "text": text}


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _encode(value: object) -> bytes:
    return _json(value).encode()
