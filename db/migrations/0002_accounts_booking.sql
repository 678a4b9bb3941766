-- Accounts, auth tokens, recurrence exceptions, waitlist, webhooks: filled in by the API work (issue 4).
SELECT 1;
