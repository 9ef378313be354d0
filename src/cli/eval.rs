//! `wijkwijzer match` and `wijkwijzer eval`: the matcher on a file of questions, and its quality
//! on judged questions.

use std::io::Write;
use std::path::Path;

use crate::domain::evaluation::{self, Judged};
use crate::domain::matching::{LabelledQuestion, MatchQuery, Matcher, Thesaurus};
use crate::domain::taxonomy::Taxonomy;
use crate::store::Store;
use crate::transfer;

use super::import::{read_file, report};

/// The `match` command: one JSON line per question of `input`.
pub(super) async fn match_file(
    db: &Path,
    input: &Path,
    vandaag: Option<chrono::NaiveDate>,
) -> anyhow::Result<i32> {
    let store = Store::open(db).await?;
    let taxonomy = store.taxonomy().await?.unwrap_or_else(Taxonomy::builtin);
    let offerings: Vec<_> = store
        .offerings()
        .await?
        .into_iter()
        .map(|s| s.offering)
        .collect();
    let today = vandaag.unwrap_or_else(crate::domain::clock::today);
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
        "resultaten": outcome.resultaten.iter().map(|r| serde_json::json!({"id": r.id, "score": r.score})).collect::<Vec<_>>(),
    })
}

/// The `eval` command.
pub(super) fn eval(
    catalog: &Path,
    demand: Option<&Path>,
    questions: &Path,
    taxonomy: Option<&Path>,
    vandaag: Option<chrono::NaiveDate>,
    output: Option<&Path>,
) -> anyhow::Result<i32> {
    let taxonomy = match taxonomy {
        Some(p) => Taxonomy::parse(&std::fs::read_to_string(p)?)
            .map_err(|e| anyhow::anyhow!("taxonomie: {}", e.join("; ")))?,
        None => Taxonomy::builtin(),
    };
    let (text, format) = read_file(catalog)?;
    let offerings = match transfer::parse_offerings(&text, format, &taxonomy) {
        Ok(o) => o,
        Err(problems) => return Ok(report(catalog, &problems)),
    };
    let today = vandaag.unwrap_or_else(crate::domain::clock::today);
    let demand = match demand {
        Some(p) => {
            let (text, format) = read_file(p)?;
            match transfer::parse_questions(&text, format, &taxonomy) {
                Ok(q) => labelled(&q),
                Err(problems) => return Ok(report(p, &problems)),
            }
        }
        None => Vec::new(),
    };
    let matcher =
        Matcher::with_demand(&offerings, &demand, &taxonomy, &Thesaurus::builtin(), today);
    let judged_text = std::fs::read_to_string(questions)?;
    let mut rows = Vec::new();
    for line in judged_text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let grades: std::collections::HashMap<String, u8> = v
            .get("relevant")
            .and_then(|r| r.as_object())
            .map(|m| {
                m.iter()
                    .filter_map(|(k, g)| g.as_u64().map(|g| (k.clone(), g as u8)))
                    .collect()
            })
            .unwrap_or_default();
        let query = MatchQuery {
            vraag: v
                .get("vraag")
                .and_then(|x| x.as_str())
                .unwrap_or("")
                .to_string(),
            doelgroep: v
                .get("doelgroep")
                .and_then(|x| x.as_str())
                .map(str::to_string),
            sector: v.get("sector").and_then(|x| x.as_str()).map(str::to_string),
            themas: Vec::new(),
        };
        let outcome = matcher.match_question(&query, 10);
        let id = v
            .get("id")
            .and_then(|x| x.as_str())
            .unwrap_or("")
            .to_string();
        rows.push((
            id,
            grades,
            v.get("lacune").and_then(|x| x.as_bool()).unwrap_or(false),
            outcome,
        ));
    }
    if let Some(path) = output {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
        for (id, _, _, outcome) in &rows {
            writeln!(f, "{}", match_line(id, outcome))?;
        }
    }
    let judged: Vec<Judged> = rows
        .iter()
        .map(|(_, grades, lacune, outcome)| Judged {
            grades,
            lacune: *lacune,
            ranked: outcome.resultaten.iter().map(|r| r.id.as_str()).collect(),
            passend: outcome.passend,
        })
        .collect();
    println!("{}", serde_json::to_string(&evaluation::score(&judged))?);
    Ok(0)
}

/// The questions with coordinator-assigned themes, for the matcher to learn from.
fn labelled(questions: &[crate::domain::question::LearningQuestion]) -> Vec<LabelledQuestion> {
    questions
        .iter()
        .filter_map(|q| LabelledQuestion::new(&q.vraag, &q.themas))
        .collect()
}
