-- Development tracks (ontwikkeltrajecten): new offerings being developed for a gap.
CREATE TABLE development_tracks (
    id INTEGER PRIMARY KEY,
    titel TEXT NOT NULL,
    doel TEXT NOT NULL,
    themas TEXT NOT NULL,
    trekker TEXT NOT NULL,
    partners TEXT NOT NULL,
    doelgroepen TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('verkenning', 'in-ontwikkeling', 'beschikbaar', 'gestopt')),
    planning TEXT NOT NULL,
    aanbod TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
