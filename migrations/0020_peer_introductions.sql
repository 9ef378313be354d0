-- Introductions between askers with the same question: one asks, the other accepts or declines
-- through a signed mail link; only once both have said yes are the details they consented to
-- and their addresses exchanged, by mail. Status: gevraagd, aangenomen, afgewezen, gestopt.
CREATE TABLE peer_introductions (
    token_hash TEXT PRIMARY KEY,
    from_question TEXT NOT NULL REFERENCES learning_questions (id) ON DELETE CASCADE,
    to_question TEXT NOT NULL REFERENCES learning_questions (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    decided_at TEXT
);
CREATE INDEX peer_introductions_from ON peer_introductions (from_question);
CREATE INDEX peer_introductions_to ON peer_introductions (to_question);
