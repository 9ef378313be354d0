-- Peilingen: the learning agenda and the gaps frozen at a date (at most one a day), with the
-- version of the method, as JSON. A peiling is citable and never changes: updates and deletes
-- are refused by the database itself.
CREATE TABLE snapshots (
    datum TEXT PRIMARY KEY,
    methode TEXT NOT NULL,
    published_at TEXT NOT NULL,
    inhoud TEXT NOT NULL
);

CREATE FUNCTION snapshots_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'een peiling verandert niet';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER snapshots_immutable BEFORE UPDATE OR DELETE ON snapshots
    FOR EACH ROW EXECUTE FUNCTION snapshots_immutable();
