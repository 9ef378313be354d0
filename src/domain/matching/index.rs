//! Building the index of a catalogue: the vocabulary for decompounding, the weighted postings
//! per field, the idf and topicality of each term, the term-theme associations (from the
//! catalogue, the taxonomy and coordinator-labelled questions) and the typo index.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;

use super::super::analysis::{decompound, fold, is_stop_word, stem, words, MIN_PART};
use super::super::offering::Offering;
use super::super::taxonomy::{Taxonomy, Term};
use super::query::single_deletions;
use super::thesaurus::phrase_stems;
use super::{FitModel, LabelledQuestion, MatchParams, Matcher, Thesaurus, STORY_FORMS};

/// One posting: document, weighted term frequency, and its part in title, keywords and summary.
type Posting = (u32, f32, f32);

/// The postings of all terms in one block, without a list and spare capacity per term: term
/// `t`'s offerings are `docs[starts[t]..starts[t + 1]]`. The weights of a posting are a number
/// into `pairs`: a catalogue has few distinct (text, focus) weight pairs, so a posting takes
/// 8 bytes instead of 12, and the weights stay exact.
#[derive(Debug, Clone, Default)]
pub(super) struct Postings {
    starts: Vec<u32>,
    docs: Vec<u32>,
    weights: Vec<u32>,
    pairs: Vec<(f32, f32)>,
}

impl Postings {
    /// Packs the per-term lists of the builder, freeing each list once it is copied.
    fn pack(lists: Vec<Vec<Posting>>) -> Postings {
        let total: usize = lists.iter().map(Vec::len).sum();
        let mut packed = Postings {
            starts: Vec::with_capacity(lists.len() + 1),
            docs: Vec::with_capacity(total),
            weights: Vec::with_capacity(total),
            pairs: Vec::new(),
        };
        let mut numbers: HashMap<(u32, u32), u32> = HashMap::new();
        packed.starts.push(0);
        for list in lists {
            for (d, w, wf) in list {
                let next = packed.pairs.len() as u32;
                let n = *numbers.entry((w.to_bits(), wf.to_bits())).or_insert(next);
                if n == next {
                    packed.pairs.push((w, wf));
                }
                packed.docs.push(d);
                packed.weights.push(n);
            }
            packed.starts.push(packed.docs.len() as u32);
        }
        packed.pairs.shrink_to_fit();
        packed
    }

    /// Number of terms.
    pub(super) fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// The postings of term `t`.
    pub(super) fn list(&self, t: usize) -> PostingList<'_> {
        let range = self.starts[t] as usize..self.starts[t + 1] as usize;
        PostingList {
            docs: &self.docs[range.clone()],
            weights: &self.weights[range],
            pairs: &self.pairs,
        }
    }

    /// Each term's postings, in term order.
    fn lists(&self) -> impl Iterator<Item = PostingList<'_>> {
        (0..self.len()).map(|t| self.list(t))
    }
}

/// The postings of one term, in offering order.
#[derive(Debug, Clone, Copy)]
pub(super) struct PostingList<'a> {
    docs: &'a [u32],
    weights: &'a [u32],
    pairs: &'a [(f32, f32)],
}

impl<'a> PostingList<'a> {
    /// Number of offerings with the term.
    pub(super) fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether no offering has the term.
    pub(super) fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Each posting: (offering, weighted term frequency, its part in title, keywords and
    /// summary).
    pub(super) fn iter(self) -> impl Iterator<Item = Posting> + 'a {
        self.docs.iter().zip(self.weights).map(move |(&d, &w)| {
            let (tf, focus) = self.pairs[w as usize];
            (d, tf, focus)
        })
    }

    /// The weights of offering `d` when it has the term.
    pub(super) fn get(&self, d: usize) -> Option<(f32, f32)> {
        let d = u32::try_from(d).ok()?;
        let i = self.docs.binary_search(&d).ok()?;
        Some(self.pairs[self.weights[i] as usize])
    }
}

/// Catalogue words (folded, sorted) with their indexed term.
type TypoWords = Vec<(String, u32)>;

/// Single-deletion variant → indexes into the [`TypoWords`].
type Deletions = HashMap<String, Vec<u32>>;

/// What an offering needs at query time besides its postings, in two allocations.
#[derive(Debug, Clone)]
pub(super) struct Doc {
    /// Its id followed by its title.
    text: Box<str>,
    id_len: u32,
    /// Its themes, target groups and sectors (numbers into the matcher's tags) and title terms,
    /// one after the other; `counts` says how many of the first three.
    lists: Box<[u32]>,
    counts: [u16; 3],
    pub(super) current: bool,
    pub(super) len: f64,
    /// Whether the offering's form can answer a question (not one of [`STORY_FORMS`](super::STORY_FORMS)).
    pub(super) answers: bool,
}

impl Doc {
    /// The offering's id.
    pub(super) fn id(&self) -> &str {
        &self.text[..self.id_len as usize]
    }

    /// The offering's title.
    pub(super) fn titel(&self) -> &str {
        &self.text[self.id_len as usize..]
    }

    /// The `k`-th list: 0 themes, 1 target groups, 2 sectors, 3 title terms.
    fn list(&self, k: usize) -> &[u32] {
        let start: usize = self.counts[..k].iter().map(|&n| usize::from(n)).sum();
        let end = self
            .counts
            .get(k)
            .map_or(self.lists.len(), |&n| start + usize::from(n));
        &self.lists[start..end]
    }

    /// Its themes, as positions in the taxonomy.
    pub(super) fn themes(&self) -> &[u32] {
        self.list(0)
    }

    /// Its target groups, as numbers into the matcher's tags.
    pub(super) fn groups(&self) -> &[u32] {
        self.list(1)
    }

    /// Its sectors, as numbers into the matcher's tags.
    pub(super) fn sectors(&self) -> &[u32] {
        self.list(2)
    }

    /// The indexed terms of its title, sorted and unique.
    pub(super) fn title_terms(&self) -> &[u32] {
        self.list(3)
    }
}

/// Collects weighted stems for one document while building.
struct TermSink<'a> {
    vocabulary: &'a HashSet<String>,
    stems: &'a mut HashMap<String, String>,
}

impl TermSink<'_> {
    fn stem_cached(&mut self, word: &str) -> String {
        if let Some(s) = self.stems.get(word) {
            return s.clone();
        }
        let s = stem(word);
        self.stems.insert(word.to_string(), s.clone());
        s
    }

    /// Adds the terms of `text` with field weight `w`; returns the weighted length.
    fn add(
        &mut self,
        text: &str,
        w: f64,
        part_w: f64,
        tf: &mut HashMap<String, (f64, f64)>,
        focus: bool,
    ) -> f64 {
        let folded = fold(text);
        let mut len = 0.0;
        for word in words(&folded) {
            if is_stop_word(word) {
                continue;
            }
            len += w;
            let s = self.stem_cached(word);
            let e = tf.entry(s).or_insert((0.0, 0.0));
            e.0 += w;
            if focus {
                e.1 += w;
            }
            if word.len() >= 2 * MIN_PART {
                for part in decompound(word, self.vocabulary) {
                    if !is_stop_word(&part) {
                        let s = self.stem_cached(&part);
                        let e = tf.entry(s).or_insert((0.0, 0.0));
                        e.0 += w * part_w;
                        if focus {
                            e.1 += w * part_w;
                        }
                    }
                }
            }
        }
        len
    }
}

/// The index while it is being built.
struct IndexBuilder<'a> {
    params: MatchParams,
    theme_index: HashMap<&'a str, u16>,
    theme_labels: Vec<String>,
    vocabulary: HashSet<String>,
    /// Folded word → stem, of every catalogue word (also the source of the typo index).
    stems: HashMap<String, String>,
    term_ids: HashMap<String, u32>,
    postings: Vec<Vec<Posting>>,
    /// Per term, per theme: the share of documents with that theme.
    theme_counts: Vec<HashMap<u16, f64>>,
    /// Per term: the weight of labelled learning questions using it.
    demand_df: Vec<f64>,
    docs: Vec<Doc>,
    /// Target group and sector slugs of the offerings, numbered in order of first appearance.
    tags: Vec<String>,
    tag_ids: HashMap<String, u32>,
}

impl<'a> IndexBuilder<'a> {
    fn new(
        offerings: &[impl Borrow<Offering>],
        taxonomy: &'a Taxonomy,
        params: MatchParams,
    ) -> Self {
        IndexBuilder {
            params,
            theme_index: taxonomy
                .themas
                .iter()
                .enumerate()
                .map(|(i, t)| (t.slug.as_str(), i as u16))
                .collect(),
            theme_labels: taxonomy.themas.iter().map(|t| t.label.clone()).collect(),
            vocabulary: vocabulary(offerings, taxonomy),
            stems: HashMap::new(),
            term_ids: HashMap::new(),
            postings: Vec::new(),
            theme_counts: Vec::new(),
            demand_df: Vec::new(),
            docs: Vec::with_capacity(offerings.len()),
            tags: Vec::new(),
            tag_ids: HashMap::new(),
        }
    }

    /// The id of a stem, added to the index when new.
    fn term_id(&mut self, s: String) -> u32 {
        let next = self.term_ids.len() as u32;
        let id = *self.term_ids.entry(s).or_insert(next);
        if id == next {
            self.postings.push(Vec::new());
            self.theme_counts.push(HashMap::new());
            self.demand_df.push(0.0);
        }
        id
    }

    /// The theme indexes of a list of slugs (unknown slugs dropped).
    fn themes(&self, slugs: &[String]) -> Vec<u16> {
        slugs
            .iter()
            .filter_map(|s| self.theme_index.get(s.as_str()).copied())
            .collect()
    }

    /// The weighted term frequencies of an offering's fields and its weighted length.
    fn term_frequencies(
        &mut self,
        o: &Offering,
        themes: &[u16],
    ) -> (HashMap<String, (f64, f64)>, f64) {
        let p = self.params;
        let mut tf = HashMap::new();
        let mut sink = TermSink {
            vocabulary: &self.vocabulary,
            stems: &mut self.stems,
        };
        let part = p.q_part;
        let mut len = sink.add(&o.titel, p.w_titel, part, &mut tf, true);
        len += sink.add(
            &o.trefwoorden.join(" . "),
            p.w_trefwoorden,
            part,
            &mut tf,
            true,
        );
        len += sink.add(&o.samenvatting, p.w_samenvatting, part, &mut tf, true);
        len += sink.add(&o.beschrijving, p.w_beschrijving, part, &mut tf, false);
        for &t in themes {
            let label = &self.theme_labels[t as usize];
            len += sink.add(label, p.w_themalabel, part, &mut tf, false);
        }
        (tf, len)
    }

    /// Indexes one offering: its postings, its share in the term-theme counts, its document.
    fn add_offering(&mut self, o: &Offering, today: NaiveDate) {
        let d = self.docs.len() as u32;
        let themes = self.themes(&o.themas);
        let (tf, len) = self.term_frequencies(o, &themes);
        let mut entries: Vec<(String, (f64, f64))> = tf.into_iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (s, (w, wf)) in entries {
            let id = self.term_id(s) as usize;
            self.postings[id].push((d, w as f32, wf as f32));
            for &t in &themes {
                *self.theme_counts[id].entry(t).or_insert(0.0) += 1.0 / themes.len() as f64;
            }
        }
        let title_terms = self.title_terms(&o.titel);
        let mut lists: Vec<u32> = themes.iter().map(|&t| u32::from(t)).collect();
        let mut count = |lists: &mut Vec<u32>, slugs: &[String]| {
            let slugs = &slugs[..slugs.len().min(usize::from(u16::MAX))];
            for slug in slugs {
                let next = self.tags.len() as u32;
                let tag = *self.tag_ids.entry(slug.clone()).or_insert(next);
                if tag == next {
                    self.tags.push(slug.clone());
                }
                lists.push(tag);
            }
            slugs.len() as u16
        };
        let groups = count(&mut lists, &o.doelgroepen);
        let sectors = count(&mut lists, &o.sectoren);
        lists.extend(title_terms);
        self.docs.push(Doc {
            text: format!("{}{}", o.id, o.titel).into_boxed_str(),
            id_len: o.id.len() as u32,
            lists: lists.into_boxed_slice(),
            counts: [
                themes.len().min(usize::from(u16::MAX)) as u16,
                groups,
                sectors,
            ],
            current: o.is_current(today),
            len,
            answers: !STORY_FORMS.contains(&o.vorm.as_str()),
        });
    }

    /// The indexed terms of a title, sorted and unique.
    fn title_terms(&self, titel: &str) -> Vec<u32> {
        let folded = fold(titel);
        let mut v: Vec<u32> = words(&folded)
            .filter(|w| !is_stop_word(w))
            .filter_map(|w| {
                self.term_ids
                    .get(&self.stems.get(w).cloned().unwrap_or_else(|| stem(w)))
                    .copied()
            })
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Counts a learning question with coordinator-assigned themes towards the term-theme
    /// associations only (not towards text relevance).
    fn add_demand(&mut self, q: &LabelledQuestion) {
        let themes = self.themes(&q.themas);
        if themes.is_empty() {
            return;
        }
        let folded = fold(&q.vraag);
        // Stems of the words and their compound parts, each once, in a fixed order.
        let mut seen: BTreeSet<String> = BTreeSet::new();
        for w in words(&folded).filter(|w| !is_stop_word(w)) {
            seen.insert(stem(w));
            if w.len() >= 2 * MIN_PART {
                let parts = decompound(w, &self.vocabulary);
                seen.extend(parts.iter().filter(|p| !is_stop_word(p)).map(|p| stem(p)));
            }
        }
        let weight = self.params.w_vraagkennis;
        for s in seen {
            let id = self.term_id(s) as usize;
            self.demand_df[id] += weight;
            for &t in &themes {
                *self.theme_counts[id].entry(t).or_insert(0.0) += weight / themes.len() as f64;
            }
        }
    }

    /// The finished matcher.
    fn finish(self, taxonomy: &Taxonomy, thesaurus: &Thesaurus) -> Matcher {
        let n = self.docs.len().max(1) as f64;
        let avg_len = (self.docs.iter().map(|d| d.len).sum::<f64>() / n).max(1.0);
        let theme_assoc = self.theme_associations(taxonomy);
        let postings = Postings::pack(self.postings);
        let (idf, focus_share) = idf_and_focus(&postings, n);
        let (typo_words, deletions) = typo_index(&self.stems, &self.term_ids);
        let label_map = |terms: &[Term]| {
            terms
                .iter()
                .map(|t| (t.slug.clone(), t.label.clone()))
                .collect::<HashMap<_, _>>()
        };
        Matcher {
            params: self.params,
            docs: self.docs,
            tags: self.tags,
            tag_ids: self.tag_ids,
            term_ids: self.term_ids,
            postings,
            idf,
            focus_share,
            avg_len,
            vocabulary: self.vocabulary,
            deletions,
            typo_words,
            theme_assoc,
            theme_slugs: taxonomy.themas.iter().map(|t| t.slug.clone()).collect(),
            theme_labels: self.theme_labels,
            group_labels: label_map(&taxonomy.doelgroepen),
            sector_labels: label_map(&taxonomy.sectoren),
            thesaurus: thesaurus.clone(),
            model: FitModel::builtin(),
            evidence: Vec::new(),
            learned: None,
        }
    }

    /// Per term: the themes it points to with strength (0..1), from catalogue co-occurrence,
    /// labelled questions and the taxonomy's own words.
    fn theme_associations(&self, taxonomy: &Taxonomy) -> Vec<Vec<(u16, f32)>> {
        let desc_terms: Vec<HashSet<String>> = taxonomy
            .themas
            .iter()
            .map(|t| {
                let mut set: HashSet<String> = phrase_stems(&t.label).into_iter().collect();
                set.extend(phrase_stems(&t.description));
                set
            })
            .collect();
        let desc_weight = 3.0;
        let smoothing = 1.0;
        let mut acc = vec![Vec::new(); self.postings.len()];
        let ordered: BTreeMap<&String, u32> =
            self.term_ids.iter().map(|(s, &id)| (s, id)).collect();
        for (s, id) in ordered {
            let id = id as usize;
            let mut per_theme: HashMap<u16, f64> = self.theme_counts[id].clone();
            let mut in_desc = 0.0;
            for (t, set) in desc_terms.iter().enumerate() {
                if set.contains(s) {
                    *per_theme.entry(t as u16).or_insert(0.0) += desc_weight;
                    in_desc += desc_weight;
                }
            }
            let total = self.postings[id].len() as f64 + self.demand_df[id] + in_desc + smoothing;
            let mut v: Vec<(u16, f32)> = per_theme
                .into_iter()
                .map(|(t, c)| (t, (c / total) as f32))
                .collect();
            v.sort_by_key(|x| x.0);
            acc[id] = v;
        }
        acc
    }
}

/// Catalogue and taxonomy words of useful length, for decompounding.
fn vocabulary(offerings: &[impl Borrow<Offering>], taxonomy: &Taxonomy) -> HashSet<String> {
    let mut vocabulary = HashSet::new();
    let mut add_vocab = |text: &str| {
        let folded = fold(text);
        for w in words(&folded) {
            if w.len() >= MIN_PART && !is_stop_word(w) && w.is_ascii() {
                vocabulary.insert(w.to_string());
            }
        }
    };
    for o in offerings {
        let o = o.borrow();
        add_vocab(&o.titel);
        add_vocab(&o.samenvatting);
        add_vocab(&o.beschrijving);
        o.trefwoorden.iter().for_each(|t| add_vocab(t));
    }
    for t in &taxonomy.themas {
        add_vocab(&t.label);
        add_vocab(&t.description);
    }
    vocabulary
}

/// Per term: the BM25 idf over `n` documents and the (smoothed) share of the offerings using it
/// that do so in title, keywords or summary.
fn idf_and_focus(postings: &Postings, n: f64) -> (Vec<f64>, Vec<f64>) {
    let idf = postings
        .lists()
        .map(|p| {
            let df = p.len() as f64;
            (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
        })
        .collect();
    let focus_share = postings
        .lists()
        .map(|p| {
            let focus = p.iter().filter(|x| x.2 > 0.0).count() as f64;
            (focus + 0.5) / (p.len() as f64 + 1.0)
        })
        .collect();
    (idf, focus_share)
}

/// The typo index: catalogue words of five letters or more (sorted, with their term) and their
/// single-deletion variants pointing into that list.
fn typo_index(
    stems: &HashMap<String, String>,
    term_ids: &HashMap<String, u32>,
) -> (TypoWords, Deletions) {
    let mut typo_words: TypoWords = stems
        .iter()
        .filter(|(w, _)| w.len() >= 5 && w.is_ascii())
        .filter_map(|(w, s)| term_ids.get(s).map(|&id| (w.clone(), id)))
        .collect();
    typo_words.sort();
    let mut deletions: Deletions = HashMap::new();
    for (i, (w, _)) in typo_words.iter().enumerate() {
        for del in single_deletions(w) {
            deletions.entry(del).or_default().push(i as u32);
        }
    }
    for v in deletions.values_mut() {
        v.sort_unstable();
        v.dedup();
    }
    (typo_words, deletions)
}

impl Matcher {
    /// Builds the index of `offerings` with the weights `params`, learning theme vocabulary from
    /// `demand`.
    pub fn build(
        offerings: &[impl Borrow<Offering>],
        demand: &[LabelledQuestion],
        taxonomy: &Taxonomy,
        thesaurus: &Thesaurus,
        today: NaiveDate,
        params: MatchParams,
    ) -> Matcher {
        let mut index = IndexBuilder::new(offerings, taxonomy, params);
        for o in offerings {
            index.add_offering(o.borrow(), today);
        }
        for q in demand {
            index.add_demand(q);
        }
        index.finish(taxonomy, thesaurus)
    }
}
