-- Questions and suggestions sent with the "Vraag of suggestie" form.
CREATE TABLE contact_messages (
    id INTEGER PRIMARY KEY,
    soort TEXT NOT NULL,
    bericht TEXT NOT NULL,
    email TEXT,
    status TEXT NOT NULL DEFAULT 'nieuw',
    created_at TEXT NOT NULL
);
