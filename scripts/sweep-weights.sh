#!/usr/bin/env bash
# How sensitive the matching is to each weight: every weight of the matcher at half and at one
# and a half times its default, one at a time, measured by `wijkwijzer eval` with 5-fold
# cross-validation over all judged questions. Prints one line per setting: the held-out nDCG@5,
# recall@10 and `passend` accuracy. Needs ../shared/data (as the README's eval command).
#   scripts/sweep-weights.sh            (WIJKWIJZER_BIN=path skips the build)
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"
D=../shared/data
run() {
  "$BIN" eval --catalog $D/catalog.jsonl --demand $D/demand.jsonl --taxonomy $D/taxonomy.json \
    --vandaag 2026-11-28 --folds 5 --seed 1 --questions $D/questions-dev.jsonl \
    --questions $D/questions-dev2.jsonl --gewichten "$1" |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(sys.argv[1].ljust(34), *("%s %.4f" % (k, d[k]["gemiddeld"]) for k in ("ndcg5", "recall10", "passend_accuracy")))' "$1"
}
run '{}'
for w in k1 b w_titel w_trefwoorden w_samenvatting w_beschrijving w_themalabel q_part q_thesaurus \
  q_typo w_theme theme_feedback w_doelgroep w_sector w_verlopen fit_andere_doelgroep w_onbekend \
  w_vraagkennis w_oordeel; do
  for f in 0.5 1.5; do
    v=$(python3 -c "import json,sys; print(round(json.load(open(sys.argv[1]))['$w'] * $f, 4))" <(
      python3 - <<'P'
import json, re, pathlib
src = pathlib.Path("src/domain/matching/mod.rs").read_text()
body = src[src.index("impl Default for MatchParams"):]
print(json.dumps({k: float(v) for k, v in re.findall(r"(\w+): ([0-9.]+),", body[:body.index("\n}\n")])}))
P
    ))
    run "{\"$w\": $v}"
  done
done
