"""What an operator's Prometheus sees: ``/metrics`` of the API and of an agent worker move
with real traffic, label requests by route pattern, and every metric is documented."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from colearn.wire import AGENT_IDENTITY
from tests.support.agent_room import join
from tests.support.api_client import Api
from tests.support.chat_client import send_chat
from tests.support.speech import speak
from tests.support.sse import SseStream
from tests.support.stack import RunningStack
from tests.support.waiting import eventually

DOC = Path(__file__).resolve().parents[1] / "docs" / "metrics.md"
BOOK = "/api/occurrences/{id}/bookings"

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def moved(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def names(text: str) -> set[str]:
    """The ``colearn_*`` metrics in ``text``, counters by their ``_total`` name."""
    return {
        f.name + "_total" if f.type == "counter" else f.name
        for f in text_string_to_metric_families(text)
        if f.name.startswith("colearn_")
    }


async def scrape_api(api: Api) -> str:
    async with api.client.get("/metrics") as response:
        assert response.status == 200
        assert response.content_type == "text/plain"
        return await response.text()


def agent_port(stack: RunningStack) -> int:
    assert stack.agent is not None
    found = re.search(r"HTTP server listening on 127\.0\.0\.1:(\d+)", stack.agent.output())
    assert found, "the agent worker's health port is in its log"
    return int(found[1])


async def scrape_agent(stack: RunningStack) -> str:
    url = f"http://127.0.0.1:{agent_port(stack)}/metrics"
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.status == 200
        return await response.text()


async def test_api_metrics_count_requests_bookings_lookups_streams_and_the_outbox(
    api: Api, engine: str
) -> None:
    ada = await api.register("facilitator")
    lee, kim = await api.register(), await api.register()
    session = await api.create_session(ada, capacity=1)
    occurrence = session["occurrences"][0]["id"]
    before = parse(await scrape_api(api))

    booked = await api.call("POST", f"/api/occurrences/{occurrence}/bookings", as_=lee)
    full = await api.call("POST", f"/api/occurrences/{occurrence}/bookings", as_=kim)
    waiting = await api.call("POST", f"/api/occurrences/{occurrence}/waitlist", as_=kim)
    found = await api.call("GET", "/api/dictionary/went")
    missing = await api.call("GET", "/api/dictionary/qzxqzxqzx")
    assert (booked.status, full.status, waiting.status) == (201, 409, 201)
    assert (found.status, missing.status) == (200, 200)
    async with api.client.get(f"/api/events?occurrences={occurrence}", headers=_bearer(lee)) as r:
        stream = SseStream(r)
        await stream.next()  # ready: the stream is open
        during = parse(await scrape_api(api))
        stream.close()
    after_text = await scrape_api(api)
    after = parse(after_text)

    counted = "colearn_http_requests_total"
    assert moved(before, after, counted, method="POST", route=BOOK, status="201") == 1
    assert moved(before, after, counted, method="POST", route=BOOK, status="409") == 1
    word = "/api/dictionary/{word}"
    assert moved(before, after, counted, method="GET", route=word, status="200") == 2
    timed = "colearn_http_request_duration_seconds_count"
    assert moved(before, after, timed, method="POST", route=BOOK) == 2
    routes = {dict(labels)["route"] for name, labels in after if name == counted}
    assert not any(re.search(r"/\d+(/|$)", route) for route in routes), "patterns, not paths"

    assert moved(before, after, "colearn_bookings_made_total", status="booked") == 1
    assert moved(before, after, "colearn_bookings_made_total", status="waitlisted") == 1
    assert moved(before, after, "colearn_bookings_refused_total", reason="occurrence_full") == 1
    lookups = "colearn_define_lookups_total"
    assert moved(before, after, lookups, via="api", result="found") == 1
    assert moved(before, after, lookups, via="api", result="not_found") == 1
    assert moved(before, after, "colearn_define_lookup_duration_seconds_count", via="api") == 2

    streams = "colearn_event_stream_subscribers"
    assert value(during, streams) == value(before, streams) + 1
    await eventually(
        lambda: _streams_back(api, value(before, streams)), within=5, what="the stream closed"
    )

    # the booking wrote a confirmation mail; without SMTP it waits in the outbox
    assert value(after, "colearn_mail_outbox_mails", state="pending") >= 1
    assert value(after, "colearn_mail_outbox_mails", state="failed") == 0
    assert moved(before, after, "colearn_db_write_duration_seconds_count") >= 3
    assert moved(before, after, "colearn_db_read_duration_seconds_count") >= 1
    if engine == "postgresql":
        in_use = value(after, "colearn_db_pool_connections", state="in_use")
        idle = value(after, "colearn_db_pool_connections", state="idle")
        assert in_use + idle >= 1 and value(after, "colearn_db_pool_max_connections") >= 1
    assert "colearn_db_waiting_requests" in names(after_text)


async def _streams_back(api: Api, expected: float) -> bool:
    return value(parse(await scrape_api(api)), "colearn_event_stream_subscribers") == expected


def _bearer(actor: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {actor.token}"}  # type: ignore[attr-defined]


async def test_agent_metrics_count_rooms_chat_define_and_captions(
    stack: RunningStack, room_name: str, tmp_path: Path
) -> None:
    speech = speak("Good morning, everybody. Shall we begin?", tmp_path)
    before = parse(await scrape_agent(stack))
    alice = await join(stack, room_name, "alice")
    try:
        await alice.rtc.publish_speech(speech)
        replies = len(alice.inbox.from_sender(AGENT_IDENTITY))
        await send_chat(alice.rtc.room, "good morning everyone")
        await send_chat(alice.rtc.room, "/define river")
        await alice.inbox.next_from(AGENT_IDENTITY, after=replies, within=10, what="a definition")
        stored = "colearn_chat_messages_stored_total"

        async def both_stored() -> bool:
            return moved(before, parse(await scrape_agent(stack)), stored) >= 2

        await eventually(both_stored, within=10, what="two chat messages counted")

        async def captioned() -> bool:
            after = parse(await scrape_agent(stack))
            return moved(before, after, "colearn_caption_lag_seconds_count") >= 1

        await eventually(captioned, within=30, what="a caption's lag measured")
        during = parse(await scrape_agent(stack))
    finally:
        await alice.aclose()
    assert value(during, "colearn_agent_rooms_held") >= 1
    lookups = "colearn_define_lookups_total"
    assert moved(before, during, lookups, via="chat", result="found") == 1
    assert moved(before, during, "colearn_define_lookup_duration_seconds_count", via="chat") == 1
    assert moved(before, during, "colearn_db_write_duration_seconds_count") >= 2
    published = moved(before, during, "colearn_captions_published_total")
    assert published == moved(before, during, "colearn_caption_lag_seconds_count") >= 1
    lag = moved(before, during, "colearn_caption_lag_seconds_sum") / published
    assert 0 < lag < 10, "from the end of speech to the caption, in seconds"
    assert moved(before, during, "colearn_caption_utterances_dropped_total") == 0
    # the livekit-agents figures come along on the same port
    assert "lk_agents_active_job_count" in await scrape_agent(stack)


def documented() -> set[str]:
    return set(re.findall(r"^#### `(colearn_\w+)`", DOC.read_text(encoding="utf-8"), re.M))


def _families(texts: Iterable[str]) -> set[str]:
    return set().union(*(names(text) for text in texts))


async def test_every_metric_is_documented_and_every_documented_one_exported(
    api: Api, stack: RunningStack
) -> None:
    exported = _families([await scrape_api(api), await scrape_agent(stack)])
    assert exported - documented() == set(), "exported but not in docs/metrics.md"
    assert documented() - exported == set(), "in docs/metrics.md but exported by no process"


def test_the_sample_dashboard_shows_only_documented_metrics() -> None:
    dashboard = json.loads((DOC.parent / "grafana-dashboard.json").read_text(encoding="utf-8"))
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    used = {
        re.sub(r"_(bucket|count|sum)$", "", m) for e in exprs for m in re.findall(r"colearn_\w+", e)
    }
    assert used and used <= documented()
