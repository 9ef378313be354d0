-- Peilingen: the learning agenda and the gaps frozen at a date (at most one a day), with the
-- version of the method, as JSON. A peiling is citable and never changes: updates and deletes
-- are refused by the database itself.
CREATE TABLE snapshots (
    datum TEXT PRIMARY KEY,
    methode TEXT NOT NULL,
    published_at TEXT NOT NULL,
    inhoud TEXT NOT NULL
);

CREATE TRIGGER snapshots_no_update BEFORE UPDATE ON snapshots
BEGIN
    SELECT RAISE(ABORT, 'een peiling verandert niet');
END;

CREATE TRIGGER snapshots_no_delete BEFORE DELETE ON snapshots
BEGIN
    SELECT RAISE(ABORT, 'een peiling wordt niet verwijderd');
END;
