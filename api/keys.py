"""Typed keys for what the application holds."""

from __future__ import annotations

import aiohttp
from aiohttp import web

from api.config import ApiConfig
from api.event_hub import EventHub
from db import Database

CONFIG = web.AppKey("config", ApiConfig)
DB = web.AppKey("db", Database)
HTTP = web.AppKey("http", aiohttp.ClientSession)
EVENTS = web.AppKey("events", EventHub)
