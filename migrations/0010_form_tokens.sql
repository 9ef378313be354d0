-- Public forms accepted once per shown form (the key of its token), so that a reload or a
-- double click does not store a question, submission or message twice. Rows older than a day
-- are removed (a token lives four hours).
CREATE TABLE used_form_tokens (
    token TEXT PRIMARY KEY,
    used_at TEXT NOT NULL
);
CREATE INDEX used_form_tokens_at ON used_form_tokens (used_at);
