"""``/api/me/mail``: a person's mail settings. Reminders can be turned off; invitations,
confirmations and cancellations cannot, as they are the record of a booking."""

from __future__ import annotations

from aiohttp import web

from api.authorization import require
from api.keys import CONFIG, DB
from api.models.invitations import MailSettings, MailSettingsChange
from api.responses import json_response
from api.validation import read_body
from db import mail_settings, outbox

ALWAYS_SENT = [k for k in outbox.KINDS if k != outbox.REMINDER]


async def _answer(request: web.Request, user_id: int) -> web.Response:
    lead = request.app[CONFIG].mail.reminder_lead
    answer: MailSettings = {
        "reminders": await mail_settings.reminders_on(request.app[DB], user_id),
        "reminder_lead_minutes": int(lead.total_seconds() // 60),
        "always_sent": ALWAYS_SENT,
    }
    return json_response(answer)


async def get_settings(request: web.Request) -> web.Response:
    user = await require(request, "me.mail")
    return await _answer(request, user.id)


async def put_settings(request: web.Request) -> web.Response:
    user = await require(request, "me.mail")
    body = await read_body(request, MailSettingsChange)
    await request.app[DB].write(mail_settings.set_reminders, user.id, body.reminders)
    return await _answer(request, user.id)


def setup(app: web.Application) -> None:
    app.router.add_get("/api/me/mail", get_settings)
    app.router.add_put("/api/me/mail", put_settings)
