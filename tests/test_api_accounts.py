"""Accounts: register, sign in and out, tokens that expire, cookies with CSRF, throttling."""

from __future__ import annotations

from aiohttp import ClientSession, CookieJar

from tests.support import peek
from tests.support.api_client import PASSWORD, Api


async def test_register_normalises_the_email_and_signs_in(api: Api) -> None:
    reply = await api.call(
        "POST",
        "/api/accounts",
        json={"email": "  Ada.Lovelace@Example.ORG ", "password": PASSWORD, "display_name": "Ada"},
    )
    assert reply.status == 201
    assert reply.body["email"] == "ada.lovelace@example.org"
    assert reply.body["role"] == "participant"

    signed = await api.call(
        "POST",
        "/api/auth/sign-in",
        json={"email": "ADA.LOVELACE@example.org", "password": PASSWORD},
    )
    assert signed.status == 200
    assert signed.body["token_type"] == "Bearer"
    me = await api.call(
        "GET", "/api/auth/me", headers={"Authorization": f"Bearer {signed.body['token']}"}
    )
    assert me.status == 200 and me.body["display_name"] == "Ada"


async def test_an_email_is_registered_once_whatever_its_case(api: Api) -> None:
    first = {"email": "bo@example.org", "password": PASSWORD, "display_name": "Bo"}
    assert (await api.call("POST", "/api/accounts", json=first)).status == 201
    again = await api.call("POST", "/api/accounts", json={**first, "email": "BO@example.org"})
    assert again.status == 409 and again.error_code == "email_taken"


async def test_bad_registrations_say_which_field_is_wrong(api: Api) -> None:
    base = {"email": "cy@example.org", "password": PASSWORD, "display_name": "Cy"}
    cases = [
        ({**base, "password": "short"}, "password must be at least 10 characters"),
        ({**base, "password": "aaaaaaaaaaaa"}, "password must use at least 4 different"),
        ({**base, "email": "not-an-address"}, "email must be an address"),
        ({k: v for k, v in base.items() if k != "display_name"}, "display_name is required"),
        ({**base, "role": "admin"}, "role must be one of"),
        ({**base, "nickname": "c"}, "unknown field 'nickname'"),
    ]
    for body, message in cases:
        reply = await api.call("POST", "/api/accounts", json=body)
        assert reply.status == 400, body
        assert message in reply.body["error"]["message"], reply.body
    # Well-formed (the document's schema holds) but refused by a rule no schema can state: 422.
    refusals = [
        ({**base, "password": "password123"}, "weak_password", "password is too common"),
        (
            {**base, "email": "cyrus@example.org", "password": "my-cyrus-pass"},
            "weak_password",
            "must not contain your email",
        ),
        ({**base, "email": "cy@example.org\u00a8"}, "email_not_usable", "NFKC"),
    ]
    for body, code, message in refusals:
        reply = await api.call("POST", "/api/accounts", json=body)
        assert (reply.status, reply.error_code) == (422, code), reply.body
        assert message in reply.body["error"]["message"], reply.body
    broken = await api.call(
        "POST", "/api/accounts", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert broken.status == 400 and broken.error_code == "invalid_json"
    form = await api.call("POST", "/api/accounts", data={"email": "cy@example.org"})
    assert form.status == 415


async def test_passwords_are_argon2id_with_at_least_owasp_parameters(api: Api, db_url: str) -> None:
    actor = await api.register()
    (user,) = await peek.rows(db_url, "SELECT password_hash FROM users WHERE id = :id", id=actor.id)
    stored = user["password_hash"]
    tokens = [
        row["token_hash"] for row in await peek.rows(db_url, "SELECT token_hash FROM auth_tokens")
    ]
    assert stored.startswith("$argon2id$")
    params = dict(p.split("=") for p in stored.split("$")[3].split(","))
    assert int(params["m"]) >= 19 * 1024 and int(params["t"]) >= 2
    assert PASSWORD not in stored
    assert actor.token not in tokens  # only a hash of the token is kept


async def test_wrong_password_and_unknown_email_look_the_same(api: Api) -> None:
    actor = await api.register()
    wrong = await api.call(
        "POST", "/api/auth/sign-in", json={"email": actor.email, "password": "not the password"}
    )
    unknown = await api.call(
        "POST", "/api/auth/sign-in", json={"email": "nobody@example.org", "password": PASSWORD}
    )
    assert wrong.status == unknown.status == 401
    assert wrong.body == unknown.body


async def test_sign_out_revokes_the_token(api: Api) -> None:
    actor = await api.register()
    assert (await api.call("POST", "/api/auth/sign-out", as_=actor)).status == 204
    me = await api.call("GET", "/api/auth/me", as_=actor)
    assert me.status == 401
    assert "signed out" in me.body["error"]["message"]
    assert me.headers["WWW-Authenticate"].startswith("Bearer")


async def test_tokens_expire(api: Api) -> None:
    actor = await api.register()
    api.clock.advance(hours=167)
    assert (await api.call("GET", "/api/auth/me", as_=actor)).status == 200
    api.clock.advance(hours=2)
    me = await api.call("GET", "/api/auth/me", as_=actor)
    assert me.status == 401 and "expired" in me.body["error"]["message"]


async def test_anonymous_and_garbage_tokens_are_401(api: Api) -> None:
    assert (await api.call("GET", "/api/auth/me")).status == 401
    garbage = await api.call("GET", "/api/auth/me", headers={"Authorization": "Bearer nope"})
    assert garbage.status == 401
    basic = await api.call("GET", "/api/auth/me", headers={"Authorization": "Basic eDp5"})
    assert basic.status == 401 and "Bearer" in basic.body["error"]["message"]


async def test_cookie_sign_in_needs_the_csrf_header_for_writes(api: Api) -> None:
    actor = await api.register()
    # unsafe=True: the test server is an IP address, where a cookie jar is strict by default
    async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as browser:
        async with browser.post(
            f"{api.url}/api/auth/sign-in", json={"email": actor.email, "password": PASSWORD}
        ) as response:
            signed = await response.json()
            set_cookie = response.headers.getall("Set-Cookie")
        auth_cookie = next(c for c in set_cookie if c.startswith("colearn_auth="))
        assert "HttpOnly" in auth_cookie and "SameSite=Lax" in auth_cookie
        # The cookie alone identifies the user for reads...
        async with browser.get(f"{api.url}/api/auth/me") as response:
            assert response.status == 200
        # ...but a write by cookie without the CSRF header is what a forged request looks like.
        async with browser.post(f"{api.url}/api/auth/sign-out") as response:
            assert response.status == 403
            assert (await response.json())["error"]["code"] == "csrf_failed"
        async with browser.post(
            f"{api.url}/api/auth/sign-out", headers={"X-CSRF-Token": signed["csrf_token"]}
        ) as response:
            assert response.status == 204
        async with browser.get(
            f"{api.url}/api/auth/me", headers={"Authorization": f"Bearer {signed['token']}"}
        ) as response:
            assert response.status == 401


async def test_failed_sign_ins_are_limited_per_account(api: Api) -> None:
    actor = await api.register()
    for _ in range(5):
        reply = await api.call(
            "POST", "/api/auth/sign-in", json={"email": actor.email, "password": "wrong guess!"}
        )
        assert reply.status == 401
    # Now even the right password waits: the account is being guessed at.
    blocked = await api.call(
        "POST", "/api/auth/sign-in", json={"email": actor.email, "password": PASSWORD}
    )
    assert blocked.status == 429 and blocked.error_code == "too_many_attempts"
    assert 0 < int(blocked.headers["Retry-After"]) <= 15 * 60
    api.clock.advance(minutes=15, seconds=1)
    again = await api.call(
        "POST", "/api/auth/sign-in", json={"email": actor.email, "password": PASSWORD}
    )
    assert again.status == 200


async def test_failed_sign_ins_are_limited_per_address(api: Api) -> None:
    for number in range(20):
        reply = await api.call(
            "POST",
            "/api/auth/sign-in",
            json={"email": f"guess-{number}@example.org", "password": "wrong guess!"},
        )
        assert reply.status == 401
    blocked = await api.call(
        "POST", "/api/auth/sign-in", json={"email": "someone@example.org", "password": PASSWORD}
    )
    assert blocked.status == 429
    assert "your address" in blocked.body["error"]["message"]
