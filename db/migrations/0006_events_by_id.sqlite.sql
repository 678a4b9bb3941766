-- Events are read by id: the API's one reader follows everything past the last id it
-- saw, and a reconnecting client replays from its own last id (a short range, scanned
-- in id order with its topics filtered). The (topic, id) index helped only a replay from
-- far back, and every event paid for it on write: the index entries land on a different
-- page per topic, so each commit wrote several more pages. Booking writes two events.
DROP INDEX IF EXISTS events_topic;
