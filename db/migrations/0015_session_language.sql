-- The language a session is held in (a Whisper language code, 'en' by default): its room's
-- captions are transcribed in it. The API checks the code (colearn/languages.py).
ALTER TABLE sessions ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
