-- Sessions of an account started before this time (Unix ms) are no longer valid (reset, disable).
ALTER TABLE users ADD COLUMN sessions_after INTEGER NOT NULL DEFAULT 0;
