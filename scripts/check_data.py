#!/usr/bin/env python3
"""Validate WijkWijzer JSON Lines data against ../shared/data/SCHEMA.md and a taxonomy.

Checks a catalog (leeraanbod), a demand inventory (leervragen) or a file of judged
questions, and prints one line per problem as ``FILE:LINE: field: message``.
The kind of file is detected from the first record unless --kind is given.

Usage:
    python3 scripts/check_data.py data/demo/aanbod.jsonl data/demo/leervragen.jsonl
    python3 scripts/check_data.py --taxonomy ../shared/data/taxonomy.json /tmp/aanbod-10k.jsonl
    python3 scripts/check_data.py --kind catalog --max-problems 50 FILE

Exit status: 0 when every file is clean, 1 when problems were found, 2 on usage errors.
Standard library only.
"""
import argparse
import datetime
import json
import os
import re
import sys
from urllib.parse import urlsplit

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_TAXONOMY = os.path.join(REPO_ROOT, "data", "demo", "taxonomy.json")

ID_RE = re.compile(r"^[a-z0-9-]+$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# "gratis" or "€ 395", "€ 1.150", "€ 12.500" (Dutch thousands dot, optional ",50" cents)
KOSTEN_RE = re.compile(r"^(gratis|€ (0|[1-9]\d{0,2}(\.\d{3})*)(,\d{2})?)$")
LOCATIES = {"online", "fysiek", "hybride"}
MAX_SAMENVATTING = 300

CATALOG_FIELDS = ["id", "titel", "samenvatting", "beschrijving", "aanbieder", "partners", "vorm",
                  "themas", "doelgroepen", "sectoren", "trefwoorden", "kosten", "locatie", "regio",
                  "startdatum", "einddatum", "url"]
DEMAND_FIELDS = ["id", "vraag", "doelgroep", "sector", "gemeente", "themas", "datum"]
QUESTION_FIELDS = ["id", "vraag", "doelgroep", "sector", "relevant", "lacune"]
TAXONOMY_LISTS = ["themas", "doelgroepen", "sectoren", "vormen", "vraagstukken"]


class Reporter:
    def __init__(self, max_problems):
        self.max_problems = max_problems
        self.count = 0

    def __call__(self, where, field, message):
        self.count += 1
        if self.max_problems is None or self.count <= self.max_problems:
            print(f"{where}: {field}: {message}")
        elif self.count == self.max_problems + 1:
            print("... (more problems not shown; raise --max-problems)")


def load_taxonomy(path, report):
    """Load the taxonomy and check its own structure. Returns {list name: set of slugs}."""
    try:
        with open(path, encoding="utf-8") as f:
            tax = json.load(f)
    except (OSError, ValueError) as e:
        report(path, "taxonomy", f"cannot read taxonomy: {e}")
        return None
    slugs = {}
    if not isinstance(tax, dict):
        report(path, "taxonomy", "top level must be a JSON object")
        return None
    for name in TAXONOMY_LISTS:
        entries = tax.get(name)
        if not isinstance(entries, list) or not entries:
            report(path, name, "missing or empty list")
            slugs[name] = set()
            continue
        seen = set()
        for i, e in enumerate(entries):
            w = f"{path}:{name}[{i}]"
            if not isinstance(e, dict):
                report(w, name, "entry must be an object")
                continue
            for k in ("slug", "label", "description"):
                if not isinstance(e.get(k), str) or not e.get(k).strip():
                    report(w, k, "missing or empty string")
            s = e.get("slug")
            if isinstance(s, str):
                if not ID_RE.match(s):
                    report(w, "slug", f"{s!r} is not [a-z0-9-]+")
                if s in seen:
                    report(w, "slug", f"duplicate slug {s!r}")
                seen.add(s)
        slugs[name] = seen
    for i, e in enumerate(tax.get("vraagstukken") or []):
        if isinstance(e, dict):
            th = e.get("themas")
            if not isinstance(th, list) or not th:
                report(f"{path}:vraagstukken[{i}]", "themas", "must be a non-empty list")
            else:
                for t in th:
                    if t not in slugs.get("themas", set()):
                        report(f"{path}:vraagstukken[{i}]", "themas", f"unknown thema {t!r}")
    extra = set(tax) - set(TAXONOMY_LISTS)
    if extra:
        report(path, "taxonomy", f"unexpected top-level keys {sorted(extra)}")
    return slugs


def is_date(v):
    if not isinstance(v, str) or not DATE_RE.match(v):
        return False
    try:
        datetime.date.fromisoformat(v)
        return True
    except ValueError:
        return False


def check_text(rec, field, where, report, required=True):
    if field not in rec:
        return  # reported once by check_fields
    v = rec.get(field)
    if v is None and not required:
        return
    if not isinstance(v, str):
        report(where, field, "must be a string" + ("" if required else " or null"))
    elif not v.strip():
        report(where, field, "must not be empty")
    elif v != v.strip():
        report(where, field, "has leading or trailing whitespace")


def check_string_list(rec, field, where, report):
    if field not in rec:
        return  # reported once by check_fields
    v = rec.get(field)
    if not isinstance(v, list):
        report(where, field, "must be a list of strings")
        return
    for x in v:
        if not isinstance(x, str) or not x.strip():
            report(where, field, f"element {x!r} must be a non-empty string")
    if len(set(map(str, v))) != len(v):
        report(where, field, "contains duplicates")


def check_slug_list(rec, field, allowed, where, report, min_len=1):
    if field not in rec:
        return  # reported once by check_fields
    v = rec.get(field)
    if not isinstance(v, list):
        report(where, field, "must be a list of slugs")
        return
    if len(v) < min_len:
        report(where, field, f"needs at least {min_len} slug(s)")
    for x in v:
        if x not in allowed:
            report(where, field, f"unknown slug {x!r}")
    if len(set(map(str, v))) != len(v):
        report(where, field, "contains duplicates")


def check_slug(rec, field, allowed, where, report, nullable):
    if field not in rec:
        return  # reported once by check_fields
    v = rec.get(field)
    if v is None and nullable:
        return
    if v not in allowed:
        report(where, field, f"unknown slug {v!r}" + (" (or null)" if nullable else ""))


def check_fields(rec, expected, where, report):
    for k in expected:
        if k not in rec:
            report(where, k, "missing field")
    for k in rec:
        if k not in expected:
            report(where, k, "unknown field")


def check_catalog(rec, tax, where, report):
    check_fields(rec, CATALOG_FIELDS, where, report)
    for f in ("titel", "samenvatting", "beschrijving", "aanbieder"):
        check_text(rec, f, where, report)
    s = rec.get("samenvatting")
    if isinstance(s, str) and len(s) > MAX_SAMENVATTING:
        report(where, "samenvatting", f"{len(s)} chars, at most {MAX_SAMENVATTING}")
    b = rec.get("beschrijving")
    if isinstance(b, str) and ("\r" in b or "\n\n\n" in b):
        report(where, "beschrijving", "paragraphs must be separated by exactly one blank line (\\n\\n)")
    check_string_list(rec, "partners", where, report)
    check_string_list(rec, "trefwoorden", where, report)
    check_slug(rec, "vorm", tax["vormen"], where, report, nullable=False)
    check_slug_list(rec, "themas", tax["themas"], where, report)
    check_slug_list(rec, "doelgroepen", tax["doelgroepen"], where, report)
    check_slug_list(rec, "sectoren", tax["sectoren"], where, report)
    k = rec.get("kosten")
    if not isinstance(k, str) or not KOSTEN_RE.match(k):
        report(where, "kosten", f"{k!r} is not 'gratis' or an amount like '€ 395' / '€ 1.150'")
    if rec.get("locatie") not in LOCATIES:
        report(where, "locatie", f"{rec.get('locatie')!r} is not one of {sorted(LOCATIES)}")
    check_text(rec, "regio", where, report)
    start, end = rec.get("startdatum"), rec.get("einddatum")
    for f, v in (("startdatum", start), ("einddatum", end)):
        if v is not None and not is_date(v):
            report(where, f, f"{v!r} is not a valid YYYY-MM-DD date or null")
    if is_date(start) and is_date(end) and end < start:
        report(where, "einddatum", f"{end} is before startdatum {start}")
    if (start is None) != (end is None):
        report(where, "startdatum", "startdatum and einddatum must both be set or both be null")
    u = rec.get("url")
    if not isinstance(u, str):
        report(where, "url", "must be a string")
    else:
        parts = urlsplit(u)
        host = parts.hostname or ""
        if parts.scheme != "https" or not host:
            report(where, "url", f"{u!r} is not an absolute https URL")
        elif not host.endswith(".example"):
            report(where, "url", f"host {host!r} is not on an invented .example domain")
        elif any(c.isspace() for c in u):
            report(where, "url", "contains whitespace")


def check_demand(rec, tax, where, report):
    check_fields(rec, DEMAND_FIELDS, where, report)
    check_text(rec, "vraag", where, report)
    check_slug(rec, "doelgroep", tax["doelgroepen"], where, report, nullable=False)
    check_slug(rec, "sector", tax["sectoren"], where, report, nullable=True)
    check_text(rec, "gemeente", where, report, required=False)
    check_slug_list(rec, "themas", tax["themas"], where, report, min_len=0)
    if not is_date(rec.get("datum")):
        report(where, "datum", f"{rec.get('datum')!r} is not a valid YYYY-MM-DD date")


def check_question(rec, tax, where, report):
    check_fields(rec, QUESTION_FIELDS, where, report)
    check_text(rec, "vraag", where, report)
    check_slug(rec, "doelgroep", tax["doelgroepen"], where, report, nullable=True)
    check_slug(rec, "sector", tax["sectoren"], where, report, nullable=True)
    rel = rec.get("relevant")
    if not isinstance(rel, dict):
        report(where, "relevant", "must be an object of offering id -> grade")
    else:
        for oid, g in rel.items():
            if not ID_RE.match(oid):
                report(where, "relevant", f"offering id {oid!r} is not [a-z0-9-]+")
            if g not in (1, 2, 3) or isinstance(g, bool):
                report(where, "relevant", f"grade {g!r} for {oid!r} must be 1, 2 or 3")
    if not isinstance(rec.get("lacune"), bool):
        report(where, "lacune", "must be true or false")


CHECKERS = {"catalog": check_catalog, "demand": check_demand, "questions": check_question}


def detect_kind(rec):
    if "titel" in rec or "vorm" in rec:
        return "catalog"
    if "relevant" in rec or "lacune" in rec:
        return "questions"
    return "demand"


def check_file(path, kind, tax, report, id_pattern_strict):
    before = report.count
    ids = {}
    n = 0
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        report(path, "file", f"cannot open: {e}")
        return None, 0, 0
    with f:
        for lineno, line in enumerate(f, 1):
            where = f"{path}:{lineno}"
            if not line.strip():
                report(where, "line", "empty line")
                continue
            try:
                rec = json.loads(line)
            except ValueError as e:
                report(where, "line", f"invalid JSON: {e}")
                continue
            if not isinstance(rec, dict):
                report(where, "line", "not a JSON object")
                continue
            n += 1
            if kind is None:
                kind = detect_kind(rec)
            rid = rec.get("id")
            if not isinstance(rid, str) or not rid:
                report(where, "id", "missing or not a string")
            else:
                if (kind == "catalog" or id_pattern_strict) and not ID_RE.match(rid):
                    report(where, "id", f"{rid!r} is not [a-z0-9-]+")
                if rid in ids:
                    report(where, "id", f"duplicate id {rid!r} (first on line {ids[rid]})")
                else:
                    ids[rid] = lineno
            CHECKERS[kind](rec, tax, where, report)
    if n == 0:
        report(path, "file", "no records")
    return kind, report.count - before, n


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+", help="JSON Lines files to check")
    ap.add_argument("--taxonomy", default=DEFAULT_TAXONOMY,
                    help="taxonomy.json to check slugs against (default: data/demo/taxonomy.json)")
    ap.add_argument("--kind", choices=sorted(CHECKERS), help="file kind (default: detect per file)")
    ap.add_argument("--max-problems", type=int, default=200,
                    help="print at most this many problems (default 200; 0 = no limit)")
    ap.add_argument("--strict-ids", action="store_true",
                    help="also require [a-z0-9-]+ ids in demand and question files")
    args = ap.parse_args(argv)

    report = Reporter(args.max_problems or None)
    tax = load_taxonomy(args.taxonomy, report)
    if tax is None:
        return 1
    failed = report.count > 0
    for path in args.files:
        res = check_file(path, args.kind, tax, report, args.strict_ids)
        if res[0] is None:
            failed = True
            continue
        kind, problems, n = res
        if problems:
            failed = True
            print(f"FAIL {path}: {n} {kind} records, {problems} problem(s)")
        else:
            print(f"OK   {path}: {n} {kind} records, no problems")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
