//! "Anderen met dezelfde vraag": the peers suggested to a consenting asker, each explained
//! without a name and with only what the peer agreed to share.

use std::collections::HashMap;

use crate::domain::peers::{PeerIndex, PeerParams, Shown};
use crate::http::AppState;
use crate::store::{PeerShare, StoreError};

/// What an asker fills in to consent: the share, or `None` without consent.
pub fn share_from(form: &HashMap<String, String>) -> Option<PeerShare> {
    if !form.contains_key("contact") {
        return None;
    }
    let text = |k: &str| {
        form.get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    Some(PeerShare {
        naam: text("contact_naam"),
        organisatie: text("contact_organisatie"),
        rol: form.contains_key("contact_rol"),
        gemeente: form.contains_key("contact_gemeente"),
    })
}

/// A Dutch message when a shared text is too long.
pub fn share_error(share: &PeerShare) -> Option<String> {
    if share.naam.as_ref().is_some_and(|n| n.chars().count() > 100) {
        return Some("Je naam voor anderen mag hoogstens 100 tekens hebben.".to_string());
    }
    if share
        .organisatie
        .as_ref()
        .is_some_and(|n| n.chars().count() > 200)
    {
        return Some("De naam van je organisatie mag hoogstens 200 tekens hebben.".to_string());
    }
    None
}

/// Per own question (by id) of the asker with `email`: the explanations of the peers suggested
/// to it, among the other consenting askers. Only questions with consent are compared, so a
/// withdrawn consent or an erased address hides the person at once.
pub async fn suggested(
    state: &AppState,
    email: &str,
) -> Result<HashMap<String, Vec<String>>, StoreError> {
    let rows = state.catalog.store().peer_questions().await?;
    let taxonomy = state.catalog.snapshot().taxonomy.clone();
    let email = email.to_lowercase();
    let own: Vec<bool> = rows
        .iter()
        .map(|r| r.email.to_lowercase() == email)
        .collect();
    if !own.contains(&true) {
        return Ok(HashMap::new());
    }
    let shown: Vec<Shown> = rows
        .iter()
        .map(|r| Shown {
            role: r.share.rol,
            gemeente: r.share.gemeente,
        })
        .collect();
    let index = PeerIndex::new(
        rows.into_iter().map(|r| r.question).collect(),
        &taxonomy,
        state.catalog.thesaurus(),
    );
    let params = PeerParams::text_only();
    let mut out = HashMap::new();
    for (i, _) in own.iter().enumerate().filter(|(_, o)| **o) {
        let Some(q) = index.question(i) else { continue };
        let texts = index
            .suggest(i, |j| !own[j], &params)
            .into_iter()
            .map(|s| index.explain(i, s.index, shown[s.index]))
            .collect();
        out.insert(q.id.clone(), texts);
    }
    Ok(out)
}
