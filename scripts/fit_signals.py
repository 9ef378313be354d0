#!/usr/bin/env python3
"""How well each fit signal separates `passend` from lacune on judged questions (AUC), from the
hidden `wijkwijzer eval --dump-features FILE` output. Usage: fit_signals.py FILE"""
import json
import sys


def auc(pairs):
    pos = [s for s, y in pairs if y]
    neg = [s for s, y in pairs if not y]
    if not pos or not neg:
        return float("nan")
    won = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return won / (len(pos) * len(neg))


def main(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    names = ["kern", "dekking", "nadruk", "focus", "titel", "thema"]
    best = {n: [] for n in names}
    top5 = {n: [] for n in names}
    for r in rows:
        res = r["diagnose"]["resultaten"]
        answering = [x for x in res[:3] if x["antwoord"]]
        passend = not r["lacune"]
        for n in names:
            best[n].append((answering[0]["signalen"][n] if answering else 0.0, passend))
            top5[n].append((max((x["signalen"][n] for x in res[:5]), default=0.0), passend))
    print(f"{len(rows)} questions, {sum(not r['lacune'] for r in rows)} passend")
    print("signal      AUC best result   AUC best of first five")
    for n in names:
        print(f"{n:10s}  {auc(best[n]):.3f}             {auc(top5[n]):.3f}")


if __name__ == "__main__":
    main(sys.argv[1])
