-- The calendar index led by the calendar entry, not the recipient. Its lookups (SEQUENCE
-- and whether someone holds a series) give both, so either order finds them; but mails
-- about one meeting are written close together (everyone booking it), and led by the
-- entry they land on one index page instead of one page per recipient. That page count
-- is what each commit writes to the WAL and each checkpoint copies back: measured a
-- quarter less WAL per booking.
DROP INDEX outbox_calendar;
CREATE INDEX outbox_calendar ON outbox (ical_uid, recipient, id);
