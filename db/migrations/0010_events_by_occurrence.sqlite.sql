-- An occurrence's history, read from its first event: the room page and the dashboard
-- replay a meeting's chat and presence from the start (?after=0), and migration 0006 left
-- that to a scan of the whole events table in id order. This index holds occurrence topics
-- only. A person's own events (user:{id}, one per booking, each landing on a different
-- index page) stay out of it, so a booking writes no more than before; their replay
-- reaches back a bounded number of events instead (api/realtime.py).
CREATE INDEX events_by_occurrence ON events (topic, id) WHERE topic GLOB 'occurrence:*';
