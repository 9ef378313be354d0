-- Learning questions asked on the site and their suggested matches.
ALTER TABLE learning_questions ADD COLUMN passend INTEGER;
ALTER TABLE learning_questions ADD COLUMN consent_at TEXT;

CREATE TABLE question_matches (
    question_id TEXT NOT NULL REFERENCES learning_questions (id) ON DELETE CASCADE,
    offering_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    score REAL NOT NULL,
    waarom TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'voorgesteld',
    created_at TEXT NOT NULL,
    PRIMARY KEY (question_id, offering_id)
);
CREATE INDEX question_matches_offering ON question_matches (offering_id);
