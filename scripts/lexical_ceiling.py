#!/usr/bin/env python3
"""What plain word overlap can do on the judged sets, outside the engine: a check of whether the
targets of peer matching (precision@3 >= 0.7) and of the fit decision (`passend` >= 0.82) are
within reach of lexical signals at all.

  pip install scikit-learn snowballstemmer
  python3 scripts/lexical_ceiling.py [../shared/data]

Peers: every anchor of peer-pairs.jsonl ranks all other questions of demand.jsonl by cosine
similarity (TF-IDF with a Dutch Snowball stemmer, or latent semantic analysis over the catalogue
and the questions), optionally with a bonus for a shared theme; precision@3 counts grade-2 peers
among the first three (anchors with a grade-2 peer only), p@1 the first.
Fit: a logistic regression (and a random forest) on similarity features of each judged question
to the catalogue (best cosine, margin, peak, LSA cosine, share of unknown words, coverage, length,
resident) predicts "a good answer exists"; accuracy by stratified 5-fold cross-validation, five
shuffles, against always answering yes.
"""
import json
import re
import sys

import numpy as np
import snowballstemmer
from sklearn.decomposition import TruncatedSVD
from sklearn.ensemble import RandomForestClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler, normalize

D = (sys.argv[1] if len(sys.argv) > 1 else "../shared/data").rstrip("/") + "/"
STEM = snowballstemmer.stemmer("dutch")
STOP = set(
    "de het een en van in op te dat die is voor met zijn aan er niet ook als maar om bij of hoe "
    "wat we ik je wij jij hun ze zij onze ons mijn mij me dit deze door naar kan kunnen wil willen "
    "moet moeten wordt worden zo al nog meer dan heb hebben hier daar welke wie waar zonder veel "
    "dus wel".split()
)


def words(text):
    return [STEM.stemWord(w) for w in re.findall(r"[a-zà-ÿ]+", text.lower()) if w not in STOP and len(w) > 2]


def lines(name):
    return [json.loads(l) for l in open(D + name, encoding="utf-8")]


catalog = lines("catalog.jsonl")
demand = lines("demand.jsonl")
judged = lines("questions-dev.jsonl") + lines("questions-dev2.jsonl")
pairs = lines("peer-pairs.jsonl")
texts = [" ".join([o["titel"], o.get("samenvatting", ""), o.get("beschrijving", "")]) for o in catalog]
asked = [q["vraag"] for q in demand]
tfidf = TfidfVectorizer(analyzer=words, sublinear_tf=True).fit(texts + asked)
corpus = tfidf.transform(texts + asked)


def peers():
    position = {q["id"]: i for i, q in enumerate(demand)}
    themes = [set(q["themas"]) for q in demand]
    tf = normalize(tfidf.transform(asked))
    spaces = {"tfidf": (tf @ tf.T).toarray()}
    for k in (50, 100, 200):
        z = normalize(TruncatedSVD(k, random_state=0).fit(corpus).transform(tfidf.transform(asked)))
        spaces[f"lsa{k}"] = z @ z.T
    print("peers: precision@3 and p@1 over anchors with a grade-2 peer")
    for name, sim in spaces.items():
        for bonus in (0.0, 0.1, 0.2):
            p3, p1 = [], []
            for p in pairs:
                if not any(g == 2 for g in p["peers"].values()):
                    continue
                a = position[p["anchor"]]
                s = sim[a] + bonus * np.array([bool(themes[a] & t) for t in themes])
                s[a] = -9
                rel = [p["peers"].get(demand[j]["id"]) == 2 for j in np.argsort(-s)[:3]]
                p3.append(sum(rel) / 3)
                p1.append(rel[0])
            print(f"  {name:6s} theme bonus {bonus:.1f}: p@3 {np.mean(p3):.3f}  p@1 {np.mean(p1):.3f}")


def fit():
    known = {w for t in texts for w in words(t)}
    c = normalize(tfidf.transform(texts))
    q = normalize(tfidf.transform([j["vraag"] for j in judged]))
    sim = (q @ c.T).toarray()
    svd = TruncatedSVD(100, random_state=0).fit(corpus)
    lsa = normalize(svd.transform(tfidf.transform([j["vraag"] for j in judged]))) @ normalize(
        svd.transform(tfidf.transform(texts))
    ).T
    x = []
    for i, j in enumerate(judged):
        s, l = np.sort(sim[i])[::-1], np.sort(lsa[i])[::-1]
        w = words(j["vraag"])
        best = set(words(texts[int(np.argmax(sim[i]))]))
        x.append([
            s[0], s[0] - s[1], s[0] / max(1e-9, s[1:10].mean()), l[0], l[0] - l[1],
            sum(t not in known for t in w) / max(1, len(w)), sum(t in best for t in w) / max(1, len(w)),
            len(w), j.get("doelgroep") == "bewoners",
        ])
    x, y = np.array(x, float), np.array([0 if j.get("lacune") else 1 for j in judged])
    print(f"fit: {len(y)} judged questions, always 'passend' {y.mean():.3f}")
    models = {f"logistic C={c}": make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=1000)) for c in (0.1, 1, 10)}
    models["random forest"] = RandomForestClassifier(300, min_samples_leaf=5, random_state=0)
    for name, model in models.items():
        acc = [
            (cross_val_predict(model, x, y, cv=StratifiedKFold(5, shuffle=True, random_state=s)) == y).mean()
            for s in range(5)
        ]
        print(f"  {name:16s} held-out accuracy {np.mean(acc):.3f}")


peers()
fit()
