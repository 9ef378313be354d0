#!/usr/bin/env python3
"""Seeds a SQLite WijkWijzer database for the digest benchmark (standard library only): N
participants with 3 follows each (themes, topics, providers and a few saved searches, all
*direct*), then C changes: new start dates on C published offerings (the database's triggers
turn them into change events). Deterministic for a given seed.

Usage: python3 scripts/seed_followers.py DB [--followers 100000] [--changes 500] [--seed 17]
"""
import argparse
import json
import random
import re
import sqlite3
import unicodedata


def slugify(name):
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("--followers", type=int, default=100_000)
    ap.add_argument("--changes", type=int, default=500)
    ap.add_argument("--seed", type=int, default=17)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    con = sqlite3.connect(a.db)
    tax = json.loads(con.execute("SELECT document FROM taxonomy").fetchone()[0])
    themes = [t["slug"] for t in tax["themas"]]
    topics = [t["slug"] for t in tax.get("vraagstukken", [])] or themes
    providers = sorted({slugify(r[0]) for r in con.execute("SELECT aanbieder FROM offerings")})
    searches = ["q=wijk", "q=jongeren", "gratis=true", "q=training&vorm=training", "q=ondermijning"]
    last = con.execute("SELECT COALESCE(MAX(id), 0) FROM follow_events").fetchone()[0]
    now = "2026-12-01T00:00:00.000Z"
    con.execute("BEGIN")
    for i in range(1, a.followers + 1):
        cur = con.execute(
            "INSERT INTO participants (email, created_at, last_seen_at) VALUES (?, ?, ?)",
            (f"volger{i}@bench.example", now, now),
        )
        pid = cur.lastrowid
        picks = {
            ("thema", rnd.choice(themes)),
            ("aanbieder", rnd.choice(providers)),
            rnd.choice([("vraagstuk", rnd.choice(topics)), ("zoekopdracht", rnd.choice(searches))]),
        }
        for soort, waarde in picks:
            con.execute(
                "INSERT INTO follows (participant_id, soort, waarde, frequentie, since_event, created_at) "
                "VALUES (?, ?, ?, 'direct', ?, ?)",
                (pid, soort, waarde, last, now),
            )
    ids = [r[0] for r in con.execute("SELECT id FROM offerings WHERE gepubliceerd = 1 ORDER BY id")]
    for oid in rnd.sample(ids, min(a.changes, len(ids))):
        day = f"2027-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        con.execute("UPDATE offerings SET startdatum = ?, einddatum = NULL WHERE id = ?", (day, oid))
    con.execute("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'catalog_version'")
    con.commit()
    n = con.execute("SELECT COUNT(*) FROM follows").fetchone()[0]
    e = con.execute("SELECT COUNT(*) FROM follow_events WHERE id > ?", (last,)).fetchone()[0]
    print(f"{a.followers} volgers, {n} follows, {e} wijzigingen")


if __name__ == "__main__":
    main()
