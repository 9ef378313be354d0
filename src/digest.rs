//! The digest job of Mijn WijkWijzer: from the change events after each follower's last mail it
//! makes one mail per person and period (a day for *direct*, a week for *wekelijks*) and writes it
//! to the outbox together with the claimed digest row (see `store::follows`), so that a period is
//! mailed once, also with several instances, and a run that stops half-way is resumed. Every mail
//! has a signed one-click unsubscribe link.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::catalog::Catalog;
use crate::domain::follow::{EventKind, FollowKind, Frequency, SavedSearch};
use crate::domain::taxonomy::Taxonomy;
use crate::domain::track::Track;
use crate::mail::{Digest, DigestEntry};
use crate::store::{DigestMail, OutgoingMail, StoreError};

/// Digests written per transaction.
const BATCH: usize = 500;
/// Items listed in one mail at most (the rest is counted).
const MAX_ITEMS: usize = 25;

/// The signature of the unsubscribe link of participant `id` (HMAC-SHA256 with the platform's
/// secret), as hex.
pub fn unsubscribe_signature(secret: &[u8], id: i64) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(b"afmelden|");
    mac.update(id.to_string().as_bytes());
    crate::security::hex(&mac.finalize().into_bytes())
}

/// True when `signature` is the unsubscribe signature of participant `id`.
pub fn unsubscribe_signature_ok(secret: &[u8], id: i64, signature: &str) -> bool {
    let expected = unsubscribe_signature(secret, id);
    !expected.is_empty()
        && crate::security::constant_time_eq(expected.as_bytes(), signature.as_bytes())
}

/// The one-click unsubscribe address of participant `id`.
pub fn unsubscribe_url(base_url: &str, secret: &[u8], id: i64) -> String {
    format!(
        "{base_url}/mijn/afmelden/{id}/{}",
        unsubscribe_signature(secret, id)
    )
}

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DigestReport {
    /// Mails written to the outbox.
    pub mailed: usize,
    /// People with news (mailed now or by another instance).
    pub with_news: usize,
    /// Follows read.
    pub follows: usize,
    /// Events read.
    pub events: usize,
}

/// One item of a digest.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Item {
    /// New offering (event id, offering id).
    New(i64, String),
    /// Changed dates.
    Dates(i64, String),
    /// New development track.
    Track(i64, i64),
    /// An answer to one's own question (event id, question text).
    Answer(i64, String),
}

impl Item {
    fn event(&self) -> i64 {
        match self {
            Item::New(e, _) | Item::Dates(e, _) | Item::Track(e, _) | Item::Answer(e, _) => *e,
        }
    }
}

/// A person in this run: their follows (with the event after which news counts) and their
/// answered questions. Their items are gathered only when their mail is made.
struct Person {
    id: i64,
    email: String,
    after: i64,
    follows: Vec<(FollowKind, String, i64)>,
    answers: Vec<Item>,
    items: Vec<Item>,
}

impl Person {
    fn new(id: i64, email: String, after: i64) -> Person {
        Person {
            id,
            email,
            after,
            follows: Vec::new(),
            answers: Vec::new(),
            items: Vec::new(),
        }
    }
}

/// Runs the digests due on `day` for both frequencies.
pub async fn run_once(
    catalog: &Catalog,
    base_url: &str,
    secret: &[u8],
    day: NaiveDate,
) -> Result<DigestReport, StoreError> {
    let mut report = DigestReport::default();
    for frequency in [Frequency::Direct, Frequency::Wekelijks] {
        let Some(period) = frequency.period(day) else {
            continue;
        };
        let r = run_period(catalog, base_url, secret, day, frequency, &period).await?;
        report.mailed += r.mailed;
        report.with_news += r.with_news;
        report.follows += r.follows;
        report.events += r.events;
    }
    Ok(report)
}

/// Runs the digests of one frequency and period.
///
/// The news is indexed by follow key once (each event under the themes, topics, provider and
/// saved searches it concerns); then each person's mail is made from their own few follows, so
/// the memory used grows with the number of people and events, not with their product.
pub async fn run_period(
    catalog: &Catalog,
    base_url: &str,
    secret: &[u8],
    day: NaiveDate,
    frequency: Frequency,
    period: &str,
) -> Result<DigestReport, StoreError> {
    let store = catalog.store();
    let last = store.last_follow_event().await?;
    let done: HashSet<i64> = store.digested(period).await?;
    let rows = store.followers(frequency).await?;
    let follows = rows.len();
    let mut people: Vec<Person> = Vec::new();
    let mut index: HashMap<i64, usize> = HashMap::new();
    let mut followed: HashSet<(FollowKind, String)> = HashSet::new();
    for r in rows {
        if done.contains(&r.participant_id) {
            continue;
        }
        let at = *index.entry(r.participant_id).or_insert_with(|| {
            people.push(Person::new(r.participant_id, r.email, r.after));
            people.len() - 1
        });
        let since = r.since_event.max(r.after);
        followed.insert((r.follow.kind, r.follow.value.clone()));
        people[at]
            .follows
            .push((r.follow.kind, r.follow.value, since));
    }
    let answers = if frequency == Frequency::Direct {
        store.unmailed_answers(0).await?
    } else {
        Vec::new()
    };
    for a in answers {
        if done.contains(&a.participant_id) || a.event_id > last {
            continue;
        }
        let at = *index.entry(a.participant_id).or_insert_with(|| {
            people.push(Person::new(a.participant_id, a.email.clone(), a.after));
            people.len() - 1
        });
        people[at].answers.push(Item::Answer(a.event_id, a.vraag));
    }
    drop(index);
    let from = people.iter().map(|p| p.after).min().unwrap_or(last);
    let events = if followed.is_empty() {
        Vec::new()
    } else {
        store.follow_events(from).await?
    };
    let tracks: HashMap<i64, Track> = if events.iter().any(|e| e.kind == EventKind::Traject) {
        store
            .tracks()
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect()
    } else {
        HashMap::new()
    };
    let snapshot = catalog.snapshot();
    let taxonomy = &snapshot.taxonomy;
    let searches: Vec<(SavedSearch, &String)> = followed
        .iter()
        .filter(|(k, _)| *k == FollowKind::Zoekopdracht)
        .filter_map(|(_, v)| {
            let q = crate::catalog::params::parse(
                &crate::catalog::params::pairs(Some(v)),
                &snapshot,
                day,
                &[],
            )
            .ok()?;
            Some((SavedSearch::new(q.filters, &q.q), v))
        })
        .collect();
    // The news: each event once, under every followed key it concerns.
    let mut news: Vec<(i64, Item)> = Vec::new();
    let mut by_key: News = HashMap::new();
    for e in events.iter().filter(|e| e.id <= last) {
        let keys: Vec<(FollowKind, String)> = match e.kind {
            EventKind::Nieuw | EventKind::Datum => {
                let Some(o) = snapshot.get(&e.ref_id) else {
                    continue;
                };
                news.push(if e.kind == EventKind::Nieuw {
                    (e.id, Item::New(e.id, e.ref_id.clone()))
                } else {
                    (e.id, Item::Dates(e.id, e.ref_id.clone()))
                });
                let text = crate::domain::follow::offering_text(o);
                theme_keys(&o.themas, taxonomy)
                    .chain(std::iter::once((FollowKind::Aanbieder, o.provider_slug())))
                    .chain(
                        searches
                            .iter()
                            .filter(|(search, _)| search.matches_text(o, &text, day))
                            .map(|(_, v)| (FollowKind::Zoekopdracht, (*v).clone())),
                    )
                    .collect()
            }
            EventKind::Traject => {
                let Some(t) = e.ref_id.parse::<i64>().ok().and_then(|id| tracks.get(&id)) else {
                    continue;
                };
                news.push((e.id, Item::Track(e.id, t.id)));
                theme_keys(&t.themas, taxonomy).collect()
            }
            EventKind::Antwoord => continue,
        };
        let at = news.len() - 1;
        for key in keys {
            if followed.contains(&key) {
                by_key.entry(key).or_default().push(at);
            }
        }
    }
    let mut report = DigestReport {
        follows,
        events: events.len(),
        ..DigestReport::default()
    };
    let mut batch = Vec::with_capacity(BATCH);
    for p in &mut people {
        gather(p, &news, &by_key);
        if p.items.is_empty() {
            continue;
        }
        report.with_news += 1;
        let upto = p.items.iter().map(Item::event).max().unwrap_or(0).max(last);
        let unsubscribe = unsubscribe_url(base_url, secret, p.id);
        let mail = digest_mail(p, frequency, &snapshot, &tracks, base_url, &unsubscribe);
        batch.push(DigestMail {
            participant_id: p.id,
            upto_event: upto,
            items: i64::try_from(p.items.len()).unwrap_or(i64::MAX),
            mail,
            unsubscribe,
        });
        p.items = Vec::new();
        if batch.len() >= BATCH {
            report.mailed += store.mail_digests(period, frequency, &batch).await?;
            batch.clear();
        }
    }
    report.mailed += store.mail_digests(period, frequency, &batch).await?;
    Ok(report)
}

/// The news per followed key: positions in the run's list of news.
type News = HashMap<(FollowKind, String), Vec<usize>>;

/// The follow keys of something with `themes`: each theme, and each topic with one of them.
fn theme_keys<'a>(
    themes: &'a [String],
    taxonomy: &'a Taxonomy,
) -> impl Iterator<Item = (FollowKind, String)> + 'a {
    let topics = taxonomy
        .vraagstukken
        .iter()
        .filter(|t| t.themas.iter().any(|th| themes.contains(th)))
        .map(|t| (FollowKind::Vraagstuk, t.slug.clone()));
    themes
        .iter()
        .map(|t| (FollowKind::Thema, t.clone()))
        .chain(topics)
}

/// Puts into `p.items` the news of `p`'s follows that is new for them, and their answers,
/// sorted and without repeats.
fn gather(p: &mut Person, news: &[(i64, Item)], by_key: &News) {
    let mut items: Vec<Item> = std::mem::take(&mut p.answers);
    for (kind, value, since) in &p.follows {
        let Some(at) = by_key.get(&(*kind, value.clone())) else {
            continue;
        };
        items.extend(
            at.iter()
                .filter_map(|i| news.get(*i))
                .filter(|(event, _)| event > since)
                .map(|(_, item)| item.clone()),
        );
    }
    items.sort();
    items.dedup();
    p.items = items;
}

/// The mail of one digest: the first [`MAX_ITEMS`] items that still exist, why the person gets
/// it, the unsubscribe link and where to manage follows. Only this person's own things are in it.
fn digest_mail(
    p: &Person,
    frequency: Frequency,
    snapshot: &crate::catalog::Snapshot,
    tracks: &HashMap<i64, Track>,
    base_url: &str,
    unsubscribe: &str,
) -> OutgoingMail {
    let entries = p
        .items
        .iter()
        .take(MAX_ITEMS)
        .filter_map(|item| match item {
            Item::New(_, id) | Item::Dates(_, id) => {
                snapshot.get(id).map(|o| DigestEntry::Offering {
                    id: id.clone(),
                    new: matches!(item, Item::New(..)),
                    titel: o.titel.clone(),
                    aanbieder: o.aanbieder.clone(),
                    vanaf: o.startdatum.map(crate::domain::text::dutch_date),
                })
            }
            Item::Track(_, id) => tracks.get(id).map(|t| DigestEntry::Track {
                titel: t.titel.clone(),
                trekker: t.trekker.clone(),
            }),
            Item::Answer(_, vraag) => Some(DigestEntry::Answer {
                vraag: vraag.chars().take(80).collect(),
            }),
        })
        .collect();
    let followed = p
        .follows
        .iter()
        .map(|(k, v, _)| {
            let provider = snapshot.provider(v).map(|x| x.name.clone());
            crate::domain::follow::describe(*k, v, &snapshot.taxonomy, provider.as_deref())
        })
        .collect();
    crate::mail::digest_mail(&Digest {
        to: &p.email,
        frequency,
        entries,
        total: p.items.len(),
        max_items: MAX_ITEMS,
        followed,
        base_url,
        unsubscribe,
    })
}

/// Runs the digest job every `interval` (the first run after one interval).
pub async fn run(
    catalog: std::sync::Arc<Catalog>,
    base_url: String,
    secret: Vec<u8>,
    interval: std::time::Duration,
) {
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let started = std::time::Instant::now();
        match run_once(&catalog, &base_url, &secret, catalog.clock().today()).await {
            Ok(r) if r.mailed > 0 => tracing::info!(
                mails = r.mailed,
                follows = r.follows,
                events = r.events,
                ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                "overzichtsmails klaargezet"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "overzichtsmails maken mislukt"),
        }
    }
}

/// The retention of unused accounts (run by the hourly housekeeping): accounts unused for
/// `months` get a warning mail, and are deleted a month after it when still unused.
pub async fn retain_participants(
    store: &crate::store::Store,
    base_url: &str,
    months: u32,
    now: chrono::DateTime<chrono::Utc>,
) {
    let at = |m: u32| {
        now.checked_sub_months(chrono::Months::new(m))
            .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC)
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    };
    match store
        .retain_participants(&at(0), &at(months), &at(1), |to| {
            crate::mail::retention_warning_mail(base_url, to, months)
        })
        .await
    {
        Ok((0, 0)) => {}
        Ok((warned, deleted)) => {
            tracing::info!(
                gewaarschuwd = warned,
                verwijderd = deleted,
                "ongebruikte accounts van Mijn WijkWijzer"
            )
        }
        Err(e) => tracing::warn!(error = %e, "bewaartermijn van accounts toepassen mislukt"),
    }
}
