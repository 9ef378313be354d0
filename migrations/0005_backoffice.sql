-- Back office: accounts, audit log, e-mail outbox, contributed offerings, question handling.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role TEXT NOT NULL CHECK (role IN ('beheerder', 'coordinator', 'redacteur')),
    password_hash TEXT,
    totp_secret TEXT,
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- One-time links to set a password; only a hash of the token is kept.
CREATE TABLE password_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before TEXT,
    after TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

-- Mail is written here in the same transaction as the change that causes it.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'wachtend' CHECK (status IN ('wachtend', 'verzonden', 'mislukt')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

-- Offerings contributed with the public form, waiting for moderation.
CREATE TABLE offering_submissions (
    id INTEGER PRIMARY KEY,
    data TEXT NOT NULL,
    contact_naam TEXT,
    contact_email TEXT,
    status TEXT NOT NULL DEFAULT 'ingediend' CHECK (status IN ('ingediend', 'goedgekeurd', 'afgewezen')),
    reden TEXT,
    offering_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    closed_at TEXT
);

ALTER TABLE learning_questions ADD COLUMN antwoord TEXT;
ALTER TABLE learning_questions ADD COLUMN closed_at TEXT;
ALTER TABLE contact_messages ADD COLUMN closed_at TEXT;
ALTER TABLE offerings ADD COLUMN gepubliceerd INTEGER NOT NULL DEFAULT 1;
