-- Learning circles (leerkringen): started by participants (moderated) or proposed by the
-- coordination point; their members (listed in public only with consent), meetings, shared links,
-- announcements, invitations by signed link, and the offerings they produced (as submissions).
CREATE TABLE learning_circles (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    titel TEXT NOT NULL,
    omschrijving TEXT NOT NULL,
    leervragen TEXT NOT NULL,
    doelgroepen TEXT NOT NULL,
    sectoren TEXT NOT NULL,
    vorm TEXT NOT NULL,
    ritme TEXT NOT NULL,
    looptijd TEXT NOT NULL,
    begeleiding TEXT NOT NULL,
    toegang TEXT NOT NULL CHECK (toegang IN ('open', 'uitnodiging')),
    themas TEXT NOT NULL,
    vraagstuk TEXT,
    status TEXT NOT NULL CHECK (status IN ('ingediend', 'actief', 'afgewezen', 'gestopt')),
    reden TEXT,
    lacune TEXT,
    traject_id INTEGER REFERENCES development_tracks (id) ON DELETE SET NULL,
    voorgesteld INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX learning_circles_status ON learning_circles (status);

CREATE TABLE circle_members (
    circle_id INTEGER NOT NULL REFERENCES learning_circles (id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    rol TEXT NOT NULL CHECK (rol IN ('begeleider', 'lid', 'aanvraag')),
    naam TEXT NOT NULL,
    organisatie TEXT NOT NULL,
    zichtbaar INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    PRIMARY KEY (circle_id, participant_id)
);
CREATE INDEX circle_members_participant ON circle_members (participant_id);

CREATE TABLE circle_meetings (
    id INTEGER PRIMARY KEY,
    circle_id INTEGER NOT NULL REFERENCES learning_circles (id) ON DELETE CASCADE,
    datum TEXT NOT NULL,
    tijd TEXT,
    titel TEXT NOT NULL,
    plaats TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX circle_meetings_circle ON circle_meetings (circle_id, datum);

CREATE TABLE circle_links (
    id INTEGER PRIMARY KEY,
    circle_id INTEGER NOT NULL REFERENCES learning_circles (id) ON DELETE CASCADE,
    titel TEXT NOT NULL,
    url TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE circle_announcements (
    id INTEGER PRIMARY KEY,
    circle_id INTEGER NOT NULL REFERENCES learning_circles (id) ON DELETE CASCADE,
    onderwerp TEXT NOT NULL,
    tekst TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Only a hash of the invitation token is kept; the question it came from, for the coordinator.
CREATE TABLE circle_invitations (
    token_hash TEXT PRIMARY KEY,
    circle_id INTEGER NOT NULL REFERENCES learning_circles (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    question_id TEXT,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX circle_invitations_email ON circle_invitations (email);

-- A result a circle proposes as an offering goes through moderation like any submission.
ALTER TABLE offering_submissions ADD COLUMN leerkring_id INTEGER REFERENCES learning_circles (id) ON DELETE SET NULL;
