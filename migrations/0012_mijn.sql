-- Mijn WijkWijzer: participants (an e-mail address, optionally a display name; no password), their
-- one-time sign-in links, what they follow, their bookmarks, the changes alerts are made from and
-- the digest claims (one row per person and period: a digest is mailed once).
CREATE TABLE participants (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    naam TEXT,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    warned_at TEXT,
    sessions_after INTEGER NOT NULL DEFAULT 0,
    feed_token_hash TEXT,
    direct_after INTEGER NOT NULL DEFAULT 0,
    weekly_after INTEGER NOT NULL DEFAULT 0
);

-- One-time sign-in links: only a hash of the token is kept; a follow asked for before the
-- address was confirmed waits here.
CREATE TABLE participant_links (
    token_hash TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    follow_soort TEXT,
    follow_waarde TEXT,
    follow_frequentie TEXT,
    expires_at TEXT NOT NULL
);
CREATE INDEX participant_links_expires ON participant_links (expires_at);

CREATE TABLE follows (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    soort TEXT NOT NULL CHECK (soort IN ('thema', 'vraagstuk', 'aanbieder', 'zoekopdracht')),
    waarde TEXT NOT NULL,
    frequentie TEXT NOT NULL CHECK (frequentie IN ('direct', 'wekelijks')),
    since_event INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    UNIQUE (participant_id, soort, waarde)
);
CREATE INDEX follows_participant ON follows (participant_id);

CREATE TABLE bookmarks (
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    offering_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (participant_id, offering_id)
);

-- What changed, for alerts: filled by triggers, so that every way of changing the catalogue counts.
CREATE TABLE follow_events (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('nieuw', 'datum', 'traject', 'antwoord')),
    ref_id TEXT NOT NULL,
    at TEXT NOT NULL
);

CREATE TABLE digests (
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    upto_event INTEGER NOT NULL,
    items INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (participant_id, period)
);

-- RFC 8058 one-click unsubscribe address of an alert mail.
ALTER TABLE outbox ADD COLUMN list_unsubscribe TEXT;

CREATE TRIGGER follow_event_offering_insert AFTER INSERT ON offerings WHEN new.gepubliceerd = 1
BEGIN
    INSERT INTO follow_events (kind, ref_id, at) VALUES ('nieuw', new.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER follow_event_offering_published AFTER UPDATE OF gepubliceerd ON offerings
WHEN new.gepubliceerd = 1 AND old.gepubliceerd = 0
BEGIN
    INSERT INTO follow_events (kind, ref_id, at) VALUES ('nieuw', new.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER follow_event_offering_dates AFTER UPDATE OF startdatum, einddatum ON offerings
WHEN new.gepubliceerd = 1 AND old.gepubliceerd = 1
     AND (new.startdatum IS NOT old.startdatum OR new.einddatum IS NOT old.einddatum)
BEGIN
    INSERT INTO follow_events (kind, ref_id, at) VALUES ('datum', new.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER follow_event_track AFTER INSERT ON development_tracks
BEGIN
    INSERT INTO follow_events (kind, ref_id, at) VALUES ('traject', CAST(new.id AS TEXT), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER follow_event_answer AFTER UPDATE OF antwoord ON learning_questions
WHEN new.antwoord IS NOT NULL AND new.antwoord != '' AND new.antwoord IS NOT old.antwoord
BEGIN
    INSERT INTO follow_events (kind, ref_id, at) VALUES ('antwoord', new.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
