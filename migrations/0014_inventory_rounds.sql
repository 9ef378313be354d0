-- Inventarisatierondes: a named period in which demand and supply are collected. When a round
-- closes, what came in during it gets its label, and the peiling of that day is its snapshot.
CREATE TABLE inventory_rounds (
    id INTEGER PRIMARY KEY,
    label TEXT NOT NULL UNIQUE,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    closed_on TEXT,
    created_at TEXT NOT NULL
);

ALTER TABLE learning_questions ADD COLUMN ronde TEXT;
ALTER TABLE offering_submissions ADD COLUMN ronde TEXT;
