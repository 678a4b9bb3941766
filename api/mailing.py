"""Mail in the API process: the mail worker in the background, and ``/dev/outbox``.

``/dev/outbox`` lets a developer read the mails that wait in the outbox when no SMTP
server is configured (the default for ``make run``), guest links included. It answers only
then, and only to requests from this machine; otherwise it is a 404.
"""

from __future__ import annotations

import html
import ipaddress
import re
from collections.abc import AsyncIterator

from aiohttp import web

from api.errors import ApiError
from api.keys import CONFIG, DB
from api.lookup import path_id
from db import outbox
from mail.preview import plain_body, rendered, subject
from mail.worker import MailWorker

WORKER = web.AppKey("mail_worker", MailWorker)

_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title><style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}}
td,th{{padding:.25rem .75rem;text-align:left;vertical-align:top}}pre{{white-space:pre-wrap}}</style>
</head><body><h1>{title}</h1>{body}</body></html>"""


async def background(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    app[WORKER] = MailWorker(app[DB], config.mail, config.clock)
    await app[WORKER].start()
    yield
    await app[WORKER].aclose()


def _local_only(request: web.Request) -> None:
    remote = request.remote or ""
    try:
        loopback = ipaddress.ip_address(remote).is_loopback
    except ValueError:
        loopback = False
    if request.app[CONFIG].mail.configured or not loopback:
        raise ApiError(404, "not_found", "There is nothing at this address.")


def _page(title: str, body: str) -> web.Response:
    return web.Response(
        text=_PAGE.format(title=html.escape(title), body=body), content_type="text/html"
    )


async def outbox_list(request: web.Request) -> web.Response:
    _local_only(request)
    db, config = request.app[DB], request.app[CONFIG]
    rows = []
    for mail in reversed(await outbox.mails(db, limit=10_000)):
        text = await rendered(db, mail, config.mail, config.clock())
        rows.append(
            f"<tr><td><a href='/dev/outbox/{mail.id}'>{mail.id}</a></td><td>{mail.status}</td>"
            f"<td>{html.escape(mail.recipient)}</td><td>{html.escape(subject(text))}</td>"
            f"<td>{mail.created_at:%Y-%m-%d %H:%M:%S}</td></tr>"
        )
    table = "<tr><th>#</th><th>status</th><th>to</th><th>subject</th><th>written (UTC)</th></tr>"
    note = "<p>No SMTP server is configured (COLEARN_SMTP_HOST): mails wait here.</p>"
    return _page("Outbox", f"{note}<table>{table}{''.join(rows)}</table>")


def _linked(text: str) -> str:
    escaped = html.escape(text)
    return re.sub(r"(https?://[^\s<&]+(?:&amp;[^\s<&]+)*)", r"<a href='\1'>\1</a>", escaped)


async def outbox_mail(request: web.Request) -> web.Response:
    _local_only(request)
    db, config = request.app[DB], request.app[CONFIG]
    mail_id = path_id(request)
    found = await outbox.mail(db, mail_id)
    if found is None:
        raise ApiError(404, "not_found", f"There is no mail {mail_id} in the outbox.")
    text = await rendered(db, found, config.mail, config.clock())
    body = (
        f"<p>To {html.escape(found.recipient)} · {found.kind} · {found.status}</p>"
        f"<pre>{_linked(plain_body(text))}</pre><h2>As sent</h2><pre>{html.escape(text)}</pre>"
    )
    return _page(subject(text) or f"Mail {mail_id}", body)


def setup(app: web.Application) -> None:
    app.router.add_get("/dev/outbox", outbox_list)
    app.router.add_get(r"/dev/outbox/{id:\d+}", outbox_mail)
