#!/usr/bin/env python3
"""Writes the lists the random-query benchmark draws from (standard library only):
words.txt (catalogue words of five letters or more, from titles and summaries), facets.txt
(`key=value` lines from the taxonomy and the locations) and ids.txt (offering ids).

Usage: python3 scripts/bench-lists.py OFFERINGS.jsonl TAXONOMY.json OUT_DIR
"""
import json
import os
import re
import sys

offerings, taxonomy, out = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)
words, ids = set(), []
with open(offerings, encoding="utf-8") as f:
    for line in f:
        o = json.loads(line)
        ids.append(o["id"])
        for w in re.findall(r"[a-zà-ÿ]{5,}", (o["titel"] + " " + o["samenvatting"]).lower()):
            words.add(w)
tax = json.load(open(taxonomy, encoding="utf-8"))
facets = []
for key, field in [("thema", "themas"), ("doelgroep", "doelgroepen"), ("sector", "sectoren"), ("vorm", "vormen")]:
    facets += [f"{key}={v['slug']}" for v in tax[field]]
facets += [f"locatie={v}" for v in ("online", "fysiek", "hybride")]
for name, items in [("words.txt", sorted(words)), ("facets.txt", facets), ("ids.txt", ids)]:
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        f.write("\n".join(items) + "\n")
print(f"{len(words)} words, {len(facets)} facet values, {len(ids)} ids")
