-- Catalogue, demand inventory and taxonomy. Portable SQL: text timestamps, JSON lists as text.
CREATE TABLE taxonomy (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    document TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE offerings (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    titel TEXT NOT NULL,
    samenvatting TEXT NOT NULL,
    beschrijving TEXT NOT NULL,
    aanbieder TEXT NOT NULL,
    partners TEXT NOT NULL,
    vorm TEXT NOT NULL,
    themas TEXT NOT NULL,
    doelgroepen TEXT NOT NULL,
    sectoren TEXT NOT NULL,
    trefwoorden TEXT NOT NULL,
    kosten TEXT NOT NULL,
    locatie TEXT NOT NULL,
    regio TEXT NOT NULL,
    startdatum TEXT,
    einddatum TEXT,
    url TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE learning_questions (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    vraag TEXT NOT NULL,
    doelgroep TEXT,
    sector TEXT,
    gemeente TEXT,
    themas TEXT NOT NULL,
    datum TEXT NOT NULL,
    bron TEXT NOT NULL DEFAULT 'import',
    status TEXT NOT NULL DEFAULT 'nieuw',
    email TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Monotonic counter of catalogue changes; the search index records the value it was built at.
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('catalog_version', '0');
