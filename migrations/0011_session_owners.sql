-- Which account a back-office session belongs to (logged in or half-way a login), so that a reset
-- or disable can delete that account's sessions. Kept by the session store on every save.
CREATE TABLE session_owners (
    session_id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL
);
CREATE INDEX session_owners_user ON session_owners (user_id);
