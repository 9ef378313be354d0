//! `wijkwijzer match` and `wijkwijzer eval`: the matcher on a file of questions, and its quality
//! on judged questions.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::domain::matching::{LabelledQuestion, MatchParams, MatchQuery, Matcher, Thesaurus};
use crate::domain::taxonomy::Taxonomy;
use crate::domain::{evaluation, peers};
use crate::store::Store;
use crate::transfer;

use super::import::parsed;

/// The `match` command: one JSON line per question of `input`, matched as on `today`.
pub(super) async fn match_file(
    db: &Path,
    input: &Path,
    today: chrono::NaiveDate,
) -> anyhow::Result<i32> {
    let store = Store::open(db).await?;
    let taxonomy = store.taxonomy().await?.unwrap_or_else(Taxonomy::builtin);
    let offerings: Vec<_> = store
        .offerings()
        .await?
        .into_iter()
        .map(|s| s.offering)
        .collect();
    let demand: Vec<LabelledQuestion> = store
        .demand()
        .await?
        .iter()
        .filter_map(|q| q.labelled())
        .collect();
    let matcher =
        Matcher::with_demand(&offerings, &demand, &taxonomy, &Thesaurus::builtin(), today);
    let questions = read_match_questions(input)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (id, query) in questions {
        writeln!(
            out,
            "{}",
            match_line(&id, &matcher.match_question(&query, 10))
        )?;
    }
    out.flush()?;
    Ok(0)
}

/// The questions of a `match` input file, as `(id, query)`.
fn read_match_questions(path: &Path) -> anyhow::Result<Vec<(String, MatchQuery)>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("kan {} niet lezen: {e}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| anyhow::anyhow!("regel {}: ongeldige JSON: {e}", i + 1))?;
        let text_of = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let id =
            text_of("id").ok_or_else(|| anyhow::anyhow!("regel {}: veld 'id' ontbreekt", i + 1))?;
        let vraag = text_of("vraag")
            .ok_or_else(|| anyhow::anyhow!("regel {}: veld 'vraag' ontbreekt", i + 1))?;
        let themas = v
            .get("themas")
            .and_then(|t| t.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        out.push((
            id,
            MatchQuery {
                vraag,
                doelgroep: text_of("doelgroep"),
                sector: text_of("sector"),
                themas,
            },
        ));
    }
    Ok(out)
}

fn match_line(id: &str, outcome: &crate::domain::matching::MatchOutcome) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "passend": outcome.passend,
        "fit": outcome.fit,
        "kans": (outcome.kans * 1000.0).round() / 1000.0,
        "signalen": rounded(serde_json::to_value(outcome.signalen).unwrap_or_default()),
        "resultaten": outcome.resultaten.iter().map(|r| serde_json::json!({"id": r.id, "score": r.score})).collect::<Vec<_>>(),
    })
}

/// `v` with every number rounded to four decimals, as the scores are: the last bits of a sum
/// depend on the order the database returned the offerings in, not on the answer.
fn rounded(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(f) if !n.is_i64() && !n.is_u64() => {
                serde_json::json!((f * 10_000.0).round() / 10_000.0)
            }
            _ => serde_json::Value::Number(n),
        },
        serde_json::Value::Object(m) => m.into_iter().map(|(k, v)| (k, rounded(v))).collect(),
        other => other,
    }
}

/// The `eval` command: the scores of the built-in fit model on `today`, or with `folds` (and a
/// seed) a cross-validation of it.
#[allow(clippy::too_many_arguments)]
pub(super) fn eval(
    catalog: Option<&Path>,
    peers: Option<&Path>,
    demand: Option<&Path>,
    questions: &[PathBuf],
    taxonomy: Option<&Path>,
    today: chrono::NaiveDate,
    output: Option<&Path>,
    dump_features: Option<&Path>,
    folds: Option<(usize, u64)>,
    weights: Option<&str>,
) -> anyhow::Result<i32> {
    let params = match weights {
        Some(w) => MatchParams::with_overrides(w).map_err(|e| anyhow::anyhow!(e))?,
        None => MatchParams::default(),
    };
    let taxonomy = match taxonomy {
        Some(p) => Taxonomy::parse(&std::fs::read_to_string(p)?)
            .map_err(|e| anyhow::anyhow!("taxonomie: {}", e.join("; ")))?,
        None => Taxonomy::builtin(),
    };
    let demand_questions = match demand {
        Some(p) => match parsed(p, |t, f| transfer::parse_questions(t, f, &taxonomy))? {
            Ok(questions) => questions,
            Err(code) => return Ok(code),
        },
        None => Vec::new(),
    };
    let offerings = match catalog {
        Some(p) => match parsed(p, |t, f| transfer::parse_offerings(t, f, &taxonomy))? {
            Ok(offerings) => offerings,
            Err(code) => return Ok(code),
        },
        None => Vec::new(),
    };
    let demand = labelled(&demand_questions);
    let matcher = Matcher::build(
        &offerings,
        &demand,
        &taxonomy,
        &Thesaurus::builtin(),
        today,
        params,
    );
    if let Some(peers) = peers {
        let found = (!offerings.is_empty()).then(|| peer_offerings(&matcher, &demand_questions));
        eval_peers(peers, demand_questions.clone(), found, &taxonomy, folds)?;
    }
    if questions.is_empty() {
        return Ok(0);
    }
    let mut judged = Vec::new();
    for path in questions {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("kan {} niet lezen: {e}", path.display()))?;
        judged.extend(
            evaluation::parse_judged(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
        );
    }
    let outcomes: Vec<_> = judged
        .iter()
        .map(|q| matcher.match_question(&evaluation::query_of(q), 10))
        .collect();
    if let Some(path) = output {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
        for (q, outcome) in judged.iter().zip(&outcomes) {
            writeln!(f, "{}", match_line(&q.id, outcome))?;
        }
    }
    if let Some(path) = dump_features {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
        for q in &judged {
            let d = matcher.diagnose(&evaluation::query_of(q), 10);
            let line = serde_json::json!({
                "id": q.id,
                "doelgroep": q.doelgroep,
                "lacune": q.lacune,
                "relevant": q.grades,
                "diagnose": d,
            });
            writeln!(f, "{line}")?;
        }
    }
    match folds {
        Some((folds, seed)) => {
            let report = evaluation::cross_validate(&matcher, &judged, folds, seed);
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        None => {
            let cases: Vec<evaluation::Case> = judged
                .iter()
                .zip(&outcomes)
                .map(|(q, o)| evaluation::Case::new(q, o))
                .collect();
            println!(
                "{}",
                serde_json::to_string(&evaluation::score_with(&cases, matcher.model()))?
            )
        }
    }
    Ok(0)
}

/// Peer matching measured on the judged anchors of `path` over `demand`: with `folds`, the
/// parameters are fitted on the other folds and the held-out figures printed; without, the
/// built-in parameters are scored.
fn eval_peers(
    path: &Path,
    demand: Vec<crate::domain::question::LearningQuestion>,
    found: Option<Vec<Vec<(String, f64)>>>,
    taxonomy: &Taxonomy,
    folds: Option<(usize, u64)>,
) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("kan {} niet lezen: {e}", path.display()))?;
    let mut index = peers::PeerIndex::new(demand, taxonomy, &Thesaurus::builtin());
    if let Some(found) = found {
        index = index.with_offerings(&found);
    }
    let judged =
        parse_peer_pairs(&text, &index).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    match folds {
        Some((folds, seed)) => {
            let order = evaluation::shuffled(judged.len(), seed);
            let report = peers::cross_validate(&index, &judged, folds, &order);
            println!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({ "peers": report }))?
            );
        }
        None => {
            let params = peers::PeerParams::default();
            let all: Vec<&peers::PeerJudgement> = judged.iter().collect();
            let scores = peers::score_peers(&index, &all, &params);
            println!(
                "{}",
                serde_json::to_string(&serde_json::json!({ "peers": scores, "params": params }))?
            );
        }
    }
    Ok(())
}

/// Per question: the matcher's ten best offerings with their scores, for peer matching.
pub(crate) fn peer_offerings(
    matcher: &Matcher,
    questions: &[crate::domain::question::LearningQuestion],
) -> Vec<Vec<(String, f64)>> {
    questions
        .iter()
        .map(|q| {
            matcher
                .match_question(
                    &MatchQuery {
                        vraag: q.vraag.clone(),
                        doelgroep: q.doelgroep.clone(),
                        sector: q.sector.clone(),
                        themas: q.themas.clone(),
                    },
                    10,
                )
                .resultaten
                .into_iter()
                .map(|r| (r.id, r.score))
                .collect()
        })
        .collect()
}

/// The judged anchors of a `peer-pairs.jsonl`; every id must be a question of the index.
fn parse_peer_pairs(
    text: &str,
    index: &peers::PeerIndex,
) -> Result<Vec<peers::PeerJudgement>, String> {
    let mut out = Vec::new();
    for line in evaluation::json_lines(text) {
        let (n, v) = line?;
        let find = |id: &str| {
            index
                .position(id)
                .ok_or_else(|| format!("regel {n}: vraag '{id}' staat niet in --demand"))
        };
        let anchor = v
            .get("anchor")
            .and_then(|a| a.as_str())
            .ok_or_else(|| format!("regel {n}: 'anchor' ontbreekt"))?;
        let mut grades = std::collections::HashMap::new();
        for (id, g) in v
            .get("peers")
            .and_then(|p| p.as_object())
            .into_iter()
            .flatten()
        {
            let g = g
                .as_u64()
                .ok_or_else(|| format!("regel {n}: cijfer van '{id}' is geen getal"))?;
            grades.insert(find(id)?, u8::try_from(g.min(2)).unwrap_or(2));
        }
        out.push(peers::PeerJudgement {
            anchor: find(anchor)?,
            grades,
        });
    }
    Ok(out)
}

/// The questions with coordinator-assigned themes, for the matcher to learn from.
fn labelled(questions: &[crate::domain::question::LearningQuestion]) -> Vec<LabelledQuestion> {
    questions
        .iter()
        .filter_map(|q| LabelledQuestion::new(&q.vraag, &q.themas))
        .collect()
}
