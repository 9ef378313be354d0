//! "Anderen met dezelfde vraag": the peers suggested to a consenting asker, each explained
//! without a name and with only what the peer agreed to share.

use std::collections::HashMap;

use crate::domain::peers::{PeerIndex, PeerParams, Shown};
use crate::http::AppState;
use crate::store::{PeerRow, PeerShare, StoreError};

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
    Ok(suggested_peers(state, email)
        .await?
        .into_iter()
        .map(|(id, peers)| (id, peers.into_iter().map(|p| p.waarom).collect()))
        .collect())
}

/// A peer suggested to one's own question.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggested {
    /// The id of the peer's question (to ask for an introduction; never shown as text).
    pub question: String,
    /// The explanation, with only what the peer shares.
    pub waarom: String,
}

/// An introduction to be asked for: the other asker's address and, for them, why (what the
/// asker shares of themselves and what the questions share).
pub struct IntroductionAsked {
    /// The other asker's address.
    pub email: String,
    /// The explanation for the other asker.
    pub waarom: String,
}

/// The consenting askers with their index and per question whether it is `email`'s own.
async fn consenting(
    state: &AppState,
    email: &str,
) -> Result<Option<(PeerIndex, Vec<bool>, Vec<PeerRow>)>, StoreError> {
    let rows = state.catalog.store().peer_questions().await?;
    let taxonomy = state.catalog.snapshot().taxonomy.clone();
    let email = email.to_lowercase();
    let own: Vec<bool> = rows
        .iter()
        .map(|r| r.email.to_lowercase() == email)
        .collect();
    if !own.contains(&true) {
        return Ok(None);
    }
    let index = PeerIndex::new(
        rows.iter().map(|r| r.question.clone()).collect(),
        &taxonomy,
        state.catalog.thesaurus(),
    );
    Ok(Some((index, own, rows)))
}

fn shown(r: &PeerRow) -> Shown {
    Shown {
        role: r.share.rol,
        gemeente: r.share.gemeente,
    }
}

/// Per own question (by id) of the asker with `email`: the peers suggested to it.
pub async fn suggested_peers(
    state: &AppState,
    email: &str,
) -> Result<HashMap<String, Vec<Suggested>>, StoreError> {
    let Some((index, own, rows)) = consenting(state, email).await? else {
        return Ok(HashMap::new());
    };
    let params = PeerParams::text_only();
    let mut out = HashMap::new();
    for (i, _) in own.iter().enumerate().filter(|(_, o)| **o) {
        let Some(q) = index.question(i) else { continue };
        let peers = index
            .suggest(i, |j| !own[j], &params)
            .into_iter()
            .map(|s| Suggested {
                question: rows[s.index].question.id.clone(),
                waarom: index.explain(i, s.index, shown(&rows[s.index])),
            })
            .collect();
        out.insert(q.id.clone(), peers);
    }
    Ok(out)
}

/// The introduction the asker with `email` asks for from their question `own` to the peer's
/// question `peer`: `None` unless `own` is theirs, consents, and `peer` is suggested to it now.
pub async fn introduction_to(
    state: &AppState,
    email: &str,
    own: &str,
    peer: &str,
) -> Result<Option<IntroductionAsked>, StoreError> {
    let Some((index, mine, rows)) = consenting(state, email).await? else {
        return Ok(None);
    };
    let (Some(a), Some(b)) = (index.position(own), index.position(peer)) else {
        return Ok(None);
    };
    if !mine[a] || mine[b] {
        return Ok(None);
    }
    let suggested = index
        .suggest(a, |j| !mine[j], &PeerParams::text_only())
        .iter()
        .any(|s| s.index == b);
    if !suggested {
        return Ok(None);
    }
    Ok(Some(IntroductionAsked {
        email: rows[b].email.clone(),
        waarom: index.explain(b, a, shown(&rows[a])),
    }))
}
