"""Captions after the fact: an occurrence's transcript (JSON or WebVTT), and the captions switch.

``GET /api/occurrences/{id}/transcript`` and ``.../transcript.vtt`` are for the occurrence's
facilitator and the people booked into it; ``PUT /api/sessions/{id}/captions`` lets the
session's facilitator switch live captions off (no audio is processed) or on again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import webvtt
from aiohttp import web

from api.authorization import require, require_occurrence
from api.errors import ApiError
from api.keys import DB
from api.lookup import path_id, session_or_404
from api.models.learning import CaptionsState, CaptionsSwitch, Transcript
from api.responses import json_response
from api.validation import read_body
from db import transcripts


def _parse(stamp: object) -> datetime:
    return datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))


async def transcript(request: web.Request) -> web.Response:
    _user, occurrence = await require_occurrence(request, "occurrence.transcript")
    segments = await transcripts.occurrence_segments(request.app[DB], occurrence.id)
    answer: Transcript = {
        "occurrence_id": occurrence.id,
        "segments": [
            {
                "id": str(s["segment_id"]),
                "speaker": {
                    "identity": str(s["speaker_identity"]),
                    "name": str(s["speaker_name"]),
                },
                "text": str(s["text"]),
                "started_at": str(s["started_at"]),
                "ended_at": str(s["ended_at"]),
            }
            for s in segments
        ],
    }
    return json_response(answer)


def _vtt_time(offset: timedelta) -> str:
    millis = max(0, round(offset.total_seconds() * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


async def transcript_vtt(request: web.Request) -> web.Response:
    _user, occurrence = await require_occurrence(request, "occurrence.transcript")
    segments = await transcripts.occurrence_segments(request.app[DB], occurrence.id)
    # Cue times count from the start of the session (or from the first words, if earlier).
    origin = min([occurrence.starts_at, *(_parse(s["started_at"]) for s in segments)])
    document = webvtt.WebVTT()
    for s in segments:
        name = str(s["speaker_name"] or s["speaker_identity"])
        document.captions.append(
            webvtt.Caption(
                _vtt_time(_parse(s["started_at"]) - origin),
                _vtt_time(_parse(s["ended_at"]) - origin),
                f"<v {name}>{s['text']}",
            )
        )
    return web.Response(
        text=document.content,
        content_type="text/vtt",
        headers={"Content-Disposition": f'attachment; filename="colearn-{occurrence.id}.vtt"'},
    )


async def set_captions(request: web.Request) -> web.Response:
    session = await session_or_404(request, path_id(request))
    await require(request, "session.captions", session)
    enabled = (await read_body(request, CaptionsSwitch)).enabled
    if not await request.app[DB].write(transcripts.set_captions_enabled, session.id, enabled):
        raise ApiError(404, "not_found", f"There is no session {session.id}.")
    answer: CaptionsState = {"session_id": session.id, "captions_enabled": enabled}
    return json_response(answer)


def setup(app: web.Application) -> None:
    app.router.add_get(r"/api/occurrences/{id:\d+}/transcript", transcript)
    app.router.add_get(r"/api/occurrences/{id:\d+}/transcript.vtt", transcript_vtt)
    app.router.add_put(r"/api/sessions/{id:\d+}/captions", set_captions)
