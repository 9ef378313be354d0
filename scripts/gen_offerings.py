#!/usr/bin/env python3
"""Deterministic generator of large WijkWijzer test data sets (standard library only).

Derives N learning offerings (catalog.jsonl format) from a source catalog, or N learning
questions (demand.jsonl format) from a source demand inventory, with variations: unique ids,
titles and summaries with another place, year or qualifier, shuffled keywords, shifted dates,
other regio, kosten and partners. Every record stays valid under ../shared/data/SCHEMA.md
(check with scripts/check_data.py). The same arguments always give byte-identical output.

Usage (from the repository root):
    python3 scripts/gen_offerings.py --n 10000 --out /tmp/aanbod-10k.jsonl [--source FILE]
    python3 scripts/gen_offerings.py --questions 50000 --out /tmp/leervragen-50k.jsonl [--source FILE]

Default sources: ../shared/data/catalog.jsonl (offerings) or ../shared/data/demand.jsonl
(questions) relative to the repository root, falling back to data/demo/aanbod.jsonl or
data/demo/leervragen.jsonl.
"""
import argparse
import datetime
import json
import os
import random
import re
import sys
from urllib.parse import urlsplit

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SEED = 20270101
MAX_SAMENVATTING = 300
KOSTEN_RE = re.compile(r"^(gratis|€ (0|[1-9]\d{0,2}(\.\d{3})*)(,\d{2})?)$")

# (municipality, province); municipality names are only used as regio / gemeente values.
PLACES = [
    ("Groningen", "Groningen"), ("Veendam", "Groningen"), ("Leeuwarden", "Friesland"),
    ("Heerenveen", "Friesland"), ("Emmen", "Drenthe"), ("Assen", "Drenthe"),
    ("Zwolle", "Overijssel"), ("Enschede", "Overijssel"), ("Deventer", "Overijssel"),
    ("Almere", "Flevoland"), ("Lelystad", "Flevoland"), ("Arnhem", "Gelderland"),
    ("Nijmegen", "Gelderland"), ("Apeldoorn", "Gelderland"), ("Ede", "Gelderland"),
    ("Utrecht", "Utrecht"), ("Amersfoort", "Utrecht"), ("Nieuwegein", "Utrecht"),
    ("Zaanstad", "Noord-Holland"), ("Haarlem", "Noord-Holland"), ("Den Helder", "Noord-Holland"),
    ("Purmerend", "Noord-Holland"), ("Rotterdam", "Zuid-Holland"), ("Den Haag", "Zuid-Holland"),
    ("Leiden", "Zuid-Holland"), ("Dordrecht", "Zuid-Holland"), ("Schiedam", "Zuid-Holland"),
    ("Zoetermeer", "Zuid-Holland"), ("Middelburg", "Zeeland"), ("Vlissingen", "Zeeland"),
    ("Tilburg", "Noord-Brabant"), ("Eindhoven", "Noord-Brabant"), ("Breda", "Noord-Brabant"),
    ("Helmond", "Noord-Brabant"), ("Oss", "Noord-Brabant"), ("Heerlen", "Limburg"),
    ("Venlo", "Limburg"), ("Maastricht", "Limburg"), ("Kerkrade", "Limburg"), ("Roermond", "Limburg"),
]
PROVINCES = sorted({p for _, p in PLACES})
PLACE_NAMES = sorted({c for c, _ in PLACES} | set(PROVINCES), key=len, reverse=True)
PROVINCE_SET = set(PROVINCES)
PLACE_RE = re.compile(r"\b(" + "|".join(re.escape(p) for p in PLACE_NAMES) + r")\b")

TITLE_QUALIFIERS = ["basis", "verdieping", "vervolg", "praktijkeditie", "intensief",
                    "regio-editie", "opfrissessie", "compact", "voor teams", "open inschrijving"]
SUMMARY_SUFFIXES = [
    " Deze editie is in {stad}.",
    " Ook voor teams uit {provincie}.",
    " Editie {jaar}.",
    " Nu ook in {stad} en omgeving.",
    " Met voorbeelden uit {provincie}.",
    " Aanmelden kan doorlopend.",
    " Met een praktijkvoorbeeld uit {stad}.",
]
DESCRIPTION_EXTRA = [
    "Deze editie wordt georganiseerd in {stad} ({provincie}), samen met partners uit de regio.",
    "In {jaar} is er extra aandacht voor voorbeelden uit {provincie}.",
    "Deelnemers uit {stad} en omliggende gemeenten kunnen als team instappen.",
    "Op verzoek komt de aanbieder ook naar je eigen wijk of gemeente.",
    "Na afloop ontvang je een overzicht met materialen en contactgegevens van de andere deelnemers.",
    "Heb je vragen over toegankelijkheid of wil je in een andere taal deelnemen? Neem dan contact op met de aanbieder.",
]
EXTRA_PARTNERS = [
    "Welzijnsorganisatie De Brug", "Woonstichting Het Anker", "Wijkteam Noordrand",
    "Bewonersplatform De Kern", "Stichting Buurtsport Centraal", "Schuldhulpmaatje Regio Midden",
    "Politiedistrict Lage Landen", "Veiligheidshuis Regio Zuid", "Onderwijsgroep Het Baken",
    "GGD Regio Noordoost", "Werkgeversservicepunt Middenland", "Groenbeheer Stadsrand",
    "Huurdersvereniging Samen Sterk", "Hogeschool Rivierstad", "Jongerenwerk De Overkant",
]
KEYWORD_EXTRAS = ["wijkaanpak", "leefbaarheid", "samenwerking", "praktijkvoorbeelden",
                  "buurtbewoners", "netwerk", "regio", "veiligheid", "kennisdeling"]
QUESTION_PREFIXES = ["", "", "", "", "Vraag uit {gemeente}: ", "Wij werken in {gemeente}. ",
                     "Graag advies. ", "Ik ben nieuw in deze functie. ", "Namens ons team: "]
QUESTION_SUFFIXES = ["", "", "", " Wie heeft hier ervaring mee?", " Zijn er goede voorbeelden?",
                     " Waar kan ik dit leren?", " Is daar een training of netwerk voor?",
                     " Graag tips van andere gemeenten.", " Alvast bedankt!"]
AMOUNTS = [35, 45, 49, 65, 75, 95, 125, 145, 175, 195, 225, 245, 275, 295, 325, 350, 395,
           425, 450, 495, 550, 595, 650, 750, 895, 995, 1150, 1250, 1450, 1895, 2350, 2950]
LOCATIES = ["online", "fysiek", "hybride"]

DATE_MIN = datetime.date(2025, 1, 1)
DATE_MAX = datetime.date(2028, 12, 31)
Q_DATE_MIN = datetime.date(2025, 1, 1)
Q_DATE_MAX = datetime.date(2026, 12, 31)


def format_euro(amount):
    """1150 -> '€ 1.150' (Dutch thousands dot)."""
    return "€ " + f"{amount:,}".replace(",", ".")


def parse_euro(kosten):
    m = re.match(r"^€ ([\d.]+)", kosten or "")
    return int(m.group(1).replace(".", "")) if m else None


def slugify(text):
    s = text.lower()
    for a, b in (("é", "e"), ("ë", "e"), ("è", "e"), ("ï", "i"), ("ö", "o"), ("ü", "u"),
                 ("á", "a"), ("ô", "o"), ("&", "en")):
        s = s.replace(a, b)
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s or "aanbieder"


def swap_wijk_buurt(text):
    """Swap the whole words wijk/wijken for buurt/buurten (compounds stay untouched)."""
    return re.sub(r"\b(W|w)ijk(en)?\b",
                  lambda m: ("B" if m.group(1) == "W" else "b") + "uurt" + (m.group(2) or ""), text)


def find_source(explicit, shared_name, demo_name):
    if explicit:
        return explicit
    for p in (os.path.join(REPO_ROOT, "..", "shared", "data", shared_name),
              os.path.join(REPO_ROOT, "data", "demo", demo_name)):
        if os.path.exists(p):
            return os.path.normpath(p)
    sys.exit(f"no source found: neither ../shared/data/{shared_name} nor data/demo/{demo_name}")


def load_jsonl(path):
    with open(path, encoding="utf-8") as f:
        recs = [json.loads(line) for line in f if line.strip()]
    if not recs:
        sys.exit(f"{path}: no records")
    return recs


def clamp_date(d, lo, hi):
    return max(lo, min(hi, d))


def id_width(n):
    return max(5, len(str(max(n - 1, 0))))


def vary_dates(rng, start, end):
    """Shift a dated offering, or occasionally give an undated one a date (both or neither)."""
    if start:
        s = datetime.date.fromisoformat(start)
        e = datetime.date.fromisoformat(end) if end else s
        duration = max(0, (e - s).days)
        shift = rng.randint(-540, 720)
        ns = clamp_date(s + datetime.timedelta(days=shift), DATE_MIN, DATE_MAX - datetime.timedelta(days=duration))
        return ns.isoformat(), (ns + datetime.timedelta(days=duration)).isoformat()
    if rng.random() < 0.12:
        ns = DATE_MIN + datetime.timedelta(days=rng.randint(0, (DATE_MAX - DATE_MIN).days - 200))
        duration = rng.choice([0, 0, 0, 7, 14, 60, 120, 180])
        return ns.isoformat(), (ns + datetime.timedelta(days=duration)).isoformat()
    return None, None


def vary_kosten(rng, kosten):
    r = rng.random()
    if kosten == "gratis":
        return kosten if r < 0.8 else format_euro(rng.choice(AMOUNTS))
    if r < 0.15:
        return "gratis"
    base = parse_euro(kosten)
    if base is None or r < 0.5:
        return format_euro(rng.choice(AMOUNTS))
    factor = rng.choice([0.8, 0.9, 1.1, 1.2, 1.25])
    return format_euro(max(25, int(round(base * factor / 5.0)) * 5))


def place_swap(texts, stad, provincie):
    """Pick the first known place named in texts and the name to put in its stead.

    Only that one name is swapped (a municipality for stad, a province for provincie), so
    that lists such as "Rotterdam, Schiedam en Vlaardingen" do not collapse into one name.
    Returns None when no place is named or the new name already occurs.
    """
    for t in texts:
        m = PLACE_RE.search(t)
        if m:
            old = m.group(1)
            new = provincie if old in PROVINCE_SET else stad
            if old == new or any(re.search(r"\b" + re.escape(new) + r"\b", x) for x in texts):
                return None
            return re.compile(r"\b" + re.escape(old) + r"\b"), new
    return None


def vary_title(rng, titel, stad, jaar):
    if PLACE_RE.search(titel):
        return titel  # the title names a place already (possibly swapped in make_offering)
    r = rng.random()
    if r < 0.1:
        return titel
    if r < 0.35:
        return f"{titel} – {stad}"
    if r < 0.6 and jaar:
        return f"{titel} ({jaar})"
    if r < 0.8:
        return f"{titel} ({rng.choice(TITLE_QUALIFIERS)})"
    return f"{titel} – {rng.choice(TITLE_QUALIFIERS)} {stad}"


def vary_summary(rng, s, stad, provincie, jaar):
    out = s
    if rng.random() < 0.3:
        out = swap_wijk_buurt(out)
    if rng.random() < 0.75:
        for tmpl in rng.sample(SUMMARY_SUFFIXES, len(SUMMARY_SUFFIXES)):
            if "{jaar}" in tmpl and not jaar:
                continue
            cand = out.rstrip() + tmpl.format(stad=stad, provincie=provincie, jaar=jaar)
            if len(cand) <= MAX_SAMENVATTING:
                out = cand
                break
    if len(out) > MAX_SAMENVATTING:  # a place swap may have made it longer: fall back
        out = s if len(s) <= MAX_SAMENVATTING else s[:MAX_SAMENVATTING - 1].rstrip() + "…"
    return out


def make_offering(rng, base, i, width):
    stad, provincie = rng.choice(PLACES)
    start, end = vary_dates(rng, base.get("startdatum"), base.get("einddatum"))
    jaar = start[:4] if start else ""
    oid = f"{base['id']}-g{i:0{width}d}"

    locatie = base.get("locatie") if base.get("locatie") in LOCATIES else "online"
    if rng.random() < 0.15:
        locatie = rng.choice(LOCATIES)
    if locatie == "online":
        regio = "landelijk" if rng.random() < 0.85 else provincie
    else:
        regio = rng.choice(["landelijk", provincie, provincie, stad, stad])

    trefwoorden = list(base.get("trefwoorden") or [])
    rng.shuffle(trefwoorden)
    if len(trefwoorden) > 2 and rng.random() < 0.2:
        trefwoorden.pop()
    if rng.random() < 0.3:
        extra = rng.choice(KEYWORD_EXTRAS + [stad.lower()])
        if extra not in trefwoorden:
            trefwoorden.append(extra)

    partners = list(base.get("partners") or [])
    if rng.random() < 0.2:
        p = rng.choice(EXTRA_PARTNERS)
        if p not in partners and p != base.get("aanbieder"):
            partners.append(p)
    rng.shuffle(partners)

    titel, samenvatting, beschrijving = base["titel"], base["samenvatting"], base["beschrijving"]
    swap = place_swap((titel, samenvatting, beschrijving), stad, provincie)
    if swap and rng.random() < 0.7:  # move the offering to another place, in all texts alike
        pattern, new = swap
        titel, samenvatting, beschrijving = (pattern.sub(new, t) for t in (titel, samenvatting, beschrijving))
        if len(samenvatting) > MAX_SAMENVATTING:
            samenvatting = base["samenvatting"]
    if rng.random() < 0.5:
        extra = rng.choice(DESCRIPTION_EXTRA)
        if "{jaar}" in extra and not jaar:
            extra = DESCRIPTION_EXTRA[0]
        beschrijving = beschrijving.rstrip() + "\n\n" + extra.format(stad=stad, provincie=provincie, jaar=jaar)

    host = urlsplit(base.get("url") or "").hostname or ""
    if not host.endswith(".example"):
        host = f"www.{slugify(base.get('aanbieder') or 'aanbieder')}.example"

    rec = {
        "id": oid,
        "titel": vary_title(rng, titel, stad, jaar),
        "samenvatting": vary_summary(rng, samenvatting, stad, provincie, jaar),
        "beschrijving": beschrijving,
        "aanbieder": base["aanbieder"],
        "partners": partners,
        "vorm": base["vorm"],
        "themas": list(base["themas"]),
        "doelgroepen": list(base["doelgroepen"]),
        "sectoren": list(base["sectoren"]),
        "trefwoorden": trefwoorden,
        # keep the price when the description itself names an amount
        "kosten": base["kosten"] if "€" in base["beschrijving"] else vary_kosten(rng, base.get("kosten", "gratis")),
        "locatie": locatie,
        "regio": regio,
        "startdatum": start,
        "einddatum": end,
        "url": f"https://{host}/aanbod/{oid}",
    }
    assert len(rec["samenvatting"]) <= MAX_SAMENVATTING and KOSTEN_RE.match(rec["kosten"]), rec["id"]
    return rec


def make_question(rng, base, i, width):
    gemeente = base.get("gemeente")
    r = rng.random()
    if r < 0.6:
        gemeente = rng.choice(PLACES)[0]
    elif r < 0.68:
        gemeente = None
    vraag = base["vraag"]
    if rng.random() < 0.3:
        vraag = swap_wijk_buurt(vraag)
    prefix = rng.choice(QUESTION_PREFIXES)
    if "{gemeente}" in prefix and not gemeente:
        prefix = ""
    vraag = prefix.format(gemeente=gemeente) + vraag + rng.choice(QUESTION_SUFFIXES)

    try:
        d = datetime.date.fromisoformat(base.get("datum") or "")
        d = d + datetime.timedelta(days=rng.randint(-300, 300))
    except ValueError:
        d = Q_DATE_MIN + datetime.timedelta(days=rng.randint(0, (Q_DATE_MAX - Q_DATE_MIN).days))
    d = clamp_date(d, Q_DATE_MIN, Q_DATE_MAX)

    sector = base.get("sector")
    if rng.random() < 0.05:
        sector = None
    themas = list(base.get("themas") or [])
    rng.shuffle(themas)
    return {
        "id": f"{base['id']}-g{i:0{width}d}",
        "vraag": vraag,
        "doelgroep": base["doelgroep"],
        "sector": sector,
        "gemeente": gemeente,
        "themas": themas,
        "datum": d.isoformat(),
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description="Generate large, valid WijkWijzer test data deterministically.")
    ap.add_argument("--n", type=int, default=10000, help="number of offerings (default 10000)")
    ap.add_argument("--questions", type=int, metavar="N",
                    help="generate N learning questions (demand.jsonl format) instead of offerings")
    ap.add_argument("--out", default="-", help="output file (default: stdout)")
    ap.add_argument("--source", help="source JSONL (catalog for offerings, demand for questions)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    args = ap.parse_args(argv)

    if args.questions is not None:
        count, maker = args.questions, make_question
        source = find_source(args.source, "demand.jsonl", "leervragen.jsonl")
    else:
        count, maker = args.n, make_offering
        source = find_source(args.source, "catalog.jsonl", "aanbod.jsonl")
    if count < 0:
        ap.error("count must be >= 0")

    bases = load_jsonl(source)
    rng = random.Random(args.seed)
    order = list(range(len(bases)))
    width = id_width(count)
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8", newline="\n")
    try:
        for i in range(count):
            # Walk through the source in reshuffled rounds, so every base is used evenly.
            if i % len(bases) == 0:
                rng.shuffle(order)
            base = bases[order[i % len(bases)]]
            out.write(json.dumps(maker(rng, base, i, width), ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    kind = "questions" if args.questions is not None else "offerings"
    print(f"wrote {count} {kind} from {source} ({len(bases)} source records, seed {args.seed})"
          + ("" if args.out == "-" else f" to {args.out}"), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
