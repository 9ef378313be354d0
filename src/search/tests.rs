//! Tests of the search index: its folder, updates and thesaurus expansion.

use super::folder::{inspect, is_tantivy_file, Folder};
use super::*;
use crate::domain::matching::Thesaurus;
use crate::domain::offering::Offering;

fn stored(seq: i64, titel: &str) -> StoredOffering {
    let o: Offering = serde_json::from_value(serde_json::json!({
        "id": format!("aanbod-{seq}"),
        "titel": titel,
        "samenvatting": titel,
        "beschrijving": titel,
        "aanbieder": "Stichting Test",
        "partners": [],
        "vorm": "training",
        "themas": ["jeugd-en-veiligheid"],
        "doelgroepen": ["bewoners"],
        "sectoren": ["sociaal-domein"],
        "trefwoorden": [],
        "kosten": "gratis",
        "locatie": "online",
        "regio": "landelijk",
        "startdatum": null,
        "einddatum": null,
        "url": "https://test.example/"
    }))
    .unwrap();
    StoredOffering {
        seq,
        offering: o,
        created_at: String::new(),
        updated_at: String::new(),
    }
}

#[test]
fn only_an_index_folder_is_ever_emptied() {
    let tmp = tempfile::tempdir().unwrap();
    let offerings = vec![stored(1, "Buurtbemiddeling")];
    // A new folder and an empty one become marked indexes.
    let new = tmp.path().join("nieuw");
    SearchIndex::open(&new, &offerings, 1).unwrap();
    assert!(new.join(MARKER).is_file() && new.join("meta.json").is_file());
    let empty = tmp.path().join("leeg");
    std::fs::create_dir(&empty).unwrap();
    SearchIndex::open(&empty, &offerings, 1).unwrap();
    assert!(empty.join(MARKER).is_file());

    // A marked folder is emptied for a rebuild, a stray file included.
    std::fs::write(new.join("los.txt"), "x").unwrap();
    let index = SearchIndex::open(&new, &offerings, 2).unwrap();
    assert_eq!(index.len(), 1);
    assert!(!new.join("los.txt").exists() && new.join(MARKER).is_file());
    drop(index);

    // An index of an older version (tantivy's files, no marker) is recognised and marked.
    std::fs::remove_file(new.join(MARKER)).unwrap();
    assert!(matches!(inspect(&new).unwrap(), Folder::Index));
    SearchIndex::open(&new, &offerings, 3).unwrap();
    assert!(new.join(MARKER).is_file());

    // Anything else is left alone, and named.
    let foreign = tmp.path().join("vreemd");
    std::fs::create_dir_all(foreign.join("sub")).unwrap();
    std::fs::write(foreign.join("meta.json"), "{}").unwrap();
    for (what, entry) in [("sub", "sub"), ("foto.jpg", "foto.jpg")] {
        if what != "sub" {
            std::fs::remove_dir(foreign.join("sub")).unwrap();
            std::fs::write(foreign.join(what), "x").unwrap();
        }
        let err = SearchIndex::open(&foreign, &offerings, 1).err().unwrap();
        assert!(
            err.to_string().contains(&format!("({entry})"))
                && err.to_string().ends_with("met --index of WIJKWIJZER_INDEX"),
            "{err}"
        );
        assert!(foreign.join(what).exists() && foreign.join("meta.json").exists());
    }
    let file = tmp.path().join("bestand");
    std::fs::write(&file, "x").unwrap();
    assert!(SearchIndex::open(&file, &offerings, 1).is_err());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
    // Tantivy's leftovers alone, without meta.json, are not an index either.
    let half = tmp.path().join("half");
    std::fs::create_dir(&half).unwrap();
    std::fs::write(half.join(".managed.json"), "[]").unwrap();
    assert!(matches!(inspect(&half).unwrap(), Folder::Foreign(_)));
}

#[test]
fn the_database_folder_and_those_above_it_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let db = data.join("w.db");
    std::fs::write(&db, "").unwrap();
    // Even with a marker, the database's folder is never the index.
    std::fs::write(data.join(MARKER), "").unwrap();
    for dir in [data.clone(), tmp.path().to_path_buf(), data.join("..")] {
        let err = check_location(&dir, Some(&db)).err().unwrap();
        assert!(matches!(err, SearchError::HoldsDatabase { .. }), "{err}");
    }
    check_location(&data.join("w.db.index"), Some(&db)).unwrap();
    check_location(&tmp.path().join("elders"), Some(&db)).unwrap();
    // PostgreSQL: no database file to protect.
    check_location(&tmp.path().join("elders"), None).unwrap();
}

#[test]
fn an_update_replaces_and_removes_in_one_commit() {
    let index =
        SearchIndex::in_memory(&[stored(1, "Buurtbemiddeling"), stored(2, "Wijkraad")], 1).unwrap();
    let thesaurus = Thesaurus::builtin();
    index
        .update(&[stored(1, "Straatcoaches")], &[2], 2)
        .unwrap();
    assert_eq!(index.len(), 1);
    assert_eq!(index.search("straatcoaches", &thesaurus).unwrap().len(), 1);
    assert!(index
        .search("buurtbemiddeling", &thesaurus)
        .unwrap()
        .is_empty());
    assert!(index.search("wijkraad", &thesaurus).unwrap().is_empty());
}

#[test]
fn tantivy_file_names() {
    for name in [
        "meta.json",
        ".managed.json",
        ".tantivy-meta.lock",
        ".tantivy-writer.lock",
        ".tmpAbC123",
        "0123456789abcdef0123456789abcdef.idx",
        "0123456789abcdef0123456789abcdef.store.temp",
        "0123456789abcdef0123456789abcdef.12.del",
    ] {
        assert!(is_tantivy_file(name), "{name}");
    }
    for name in [
        "w.db",
        "meta.json.bak",
        "0123456789abcdef0123456789abcdef.txt",
        "0123.idx",
        "0123456789abcdef0123456789abcdef..del",
    ] {
        assert!(!is_tantivy_file(name), "{name}");
    }
}

/// `wijk` in `with_wijk` offerings, and one offering that only says `buurt`.
fn index(with_wijk: i64) -> SearchIndex {
    let mut all: Vec<StoredOffering> = (1..=with_wijk)
        .map(|i| stored(i, &format!("Samenwerken in de wijk, deel {i}")))
        .collect();
    all.push(stored(1000, "Bemiddeling in de buurt"));
    SearchIndex::in_memory(&all, 1).unwrap()
}

#[test]
fn a_rare_word_brings_its_related_words_a_common_one_does_not() {
    let thesaurus = Thesaurus::builtin();
    let rare = index(5).search("wijk", &thesaurus).unwrap();
    assert!(rare.iter().any(|h| h.0 == 1000), "buurt found for wijk");
    assert_eq!(rare.len(), 6);
    // In 60 offerings `wijk` is common: it stands for itself only.
    let common = index(60).search("wijk", &thesaurus).unwrap();
    assert_eq!(common.len(), 60);
    assert!(!common.iter().any(|h| h.0 == 1000));
    // The related word itself still finds its offering.
    let buurt = index(60).search("buurt", &thesaurus).unwrap();
    assert!(buurt.iter().any(|h| h.0 == 1000));
}

#[test]
fn a_related_word_in_a_quarter_of_the_offerings_is_not_added() {
    let thesaurus = Thesaurus::builtin();
    // `wijk` is in 5 of 6 offerings: searching `buurt` does not widen to all of them.
    let buurt = index(5).search("buurt", &thesaurus).unwrap();
    assert_eq!(buurt.iter().map(|h| h.0).collect::<Vec<_>>(), vec![1000]);
}

#[test]
fn cached_near_spellings_find_what_a_fuzzy_query_finds_and_follow_the_index() {
    let titles = [
        "Buurtbemiddeling in de praktijk",
        "Buurtbemiddelaars opleiden",
        "Ondermijning herkennen",
        "Ondermijnende criminaliteit",
        "Jongerenwerk en veiligheid",
        "Jongeren in beeld",
        "Vroegsignalering van verwarde personen",
    ];
    let offerings: Vec<StoredOffering> = titles
        .iter()
        .enumerate()
        .map(|(i, t)| stored(i as i64 + 1, t))
        .collect();
    let index = SearchIndex::in_memory(&offerings, 1).unwrap();
    let searcher = index.reader.searcher();
    for (word, distance) in [
        ("buurtbemidelaars", 2u8),
        ("ondermijing", 2),
        ("jongren", 1),
        ("vroegsignaleringg", 2),
        ("xyzzyq", 1),
    ] {
        let term = Term::from_field_text(index.fields.woorden, word);
        let fuzzy = tantivy::query::FuzzyTermQuery::new(term, distance, true);
        let mut expected: Vec<u32> = searcher
            .search(&fuzzy, &tantivy::collector::DocSetCollector)
            .unwrap()
            .into_iter()
            .map(|d| d.doc_id)
            .collect();
        expected.sort();
        let near = index.near_spellings(&searcher, word, distance).unwrap();
        let again = index.near_spellings(&searcher, word, distance).unwrap();
        assert!(
            std::sync::Arc::ptr_eq(&near, &again),
            "{word}: looked up once"
        );
        let any = tantivy::query::BooleanQuery::new(
            near.iter()
                .map(|t| {
                    let q: Box<dyn tantivy::query::Query> = Box::new(
                        tantivy::query::TermQuery::new(t.clone(), IndexRecordOption::Basic),
                    );
                    (tantivy::query::Occur::Should, q)
                })
                .collect(),
        );
        let mut got: Vec<u32> = searcher
            .search(&any, &tantivy::collector::DocSetCollector)
            .unwrap()
            .into_iter()
            .map(|d| d.doc_id)
            .collect();
        got.sort();
        assert_eq!(got, expected, "{word}");
    }
    assert!(!index
        .near_spellings(&searcher, "jongren", 1)
        .unwrap()
        .is_empty());

    // A new index generation does not reuse the old lookups.
    let mut more = offerings.clone();
    more.push(stored(99, "Jongens en meiden"));
    index.rebuild(&more, 2).unwrap();
    let newer = index.reader.searcher();
    let near = index.near_spellings(&newer, "jongns", 1).unwrap();
    assert!(near.iter().any(|t| t.value().as_str() == Some("jongens")));
}

/// Every hit of a query as `(seq, score)`, through tantivy's own union of the clauses.
struct Scored;

struct ScoredSegment(tantivy::columnar::Column<i64>, Vec<(i64, f32)>);

impl tantivy::collector::Collector for Scored {
    type Fruit = Vec<(i64, f32)>;
    type Child = ScoredSegment;

    fn for_segment(
        &self,
        _ord: u32,
        segment: &tantivy::SegmentReader,
    ) -> tantivy::Result<ScoredSegment> {
        Ok(ScoredSegment(segment.fast_fields().i64("seq")?, Vec::new()))
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(i64, f32)>>) -> tantivy::Result<Vec<(i64, f32)>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl tantivy::collector::SegmentCollector for ScoredSegment {
    type Fruit = Vec<(i64, f32)>;

    fn collect(&mut self, doc: tantivy::DocId, score: tantivy::Score) {
        self.1.push((self.0.first(doc).unwrap(), score));
    }

    fn harvest(self) -> Vec<(i64, f32)> {
        self.1
    }
}

/// The search reads each posting list once and counts the words matched on the way; it must
/// give what one union query per word, at least two thirds of them required, gives (with the
/// looser union below it when that finds too few), over several segments and with deletions.
#[test]
fn tallied_hits_are_those_of_the_union_of_the_words() {
    use tantivy::query::{BooleanQuery, Occur, Query};
    let offerings: Vec<StoredOffering> = include_str!("../../data/demo/aanbod.jsonl")
        .lines()
        .enumerate()
        .map(|(i, l)| StoredOffering {
            seq: i as i64 + 1,
            offering: serde_json::from_str(l).unwrap(),
            created_at: String::new(),
            updated_at: String::new(),
        })
        .collect();
    let index = SearchIndex::in_memory(&offerings[..40], 1).unwrap();
    // A second segment with the rest, one offering changed and one removed.
    let mut changed: Vec<StoredOffering> = offerings[40..].to_vec();
    changed.push(offerings[3].clone());
    index.update(&changed, &[5], 2).unwrap();
    let thesaurus = Thesaurus::builtin();
    let titles: Vec<String> = offerings
        .iter()
        .map(|s| crate::domain::analysis::fold(&s.offering.titel))
        .collect();
    let mut queries: Vec<String> = vec![
        "jongren overlast".into(),
        "drugsoverlast portiek buurtbemiddeling".into(),
        "eenzaamheid ouderen wijkteam".into(),
        "ondermijnig".into(),
        "de het een".into(),
    ];
    for (i, t) in titles.iter().enumerate() {
        let w: Vec<&str> = t.split_whitespace().collect();
        let other: Vec<&str> = titles[(i * 7 + 3) % titles.len()]
            .split_whitespace()
            .collect();
        queries.push(
            w.iter()
                .take(1 + i % 3)
                .copied()
                .collect::<Vec<_>>()
                .join(" "),
        );
        queries.push(format!("{} {}", w[w.len() / 2], other[other.len() - 1]));
    }
    let searcher = index.reader.searcher();
    assert!(searcher.segment_readers().len() >= 2);
    for q in &queries {
        let clauses = index.word_clauses(&searcher, q, &thesaurus).unwrap();
        let got: std::collections::HashMap<i64, f32> =
            index.search(q, &thesaurus).unwrap().into_iter().collect();
        if clauses.is_empty() {
            assert!(got.is_empty());
            continue;
        }
        let n = clauses.len();
        let strict = if n <= 2 { n } else { (2 * n).div_ceil(3) };
        let words: Vec<Box<dyn Query>> = clauses
            .into_iter()
            .map(|alts| {
                Box::new(BooleanQuery::new(
                    alts.into_iter().map(|a| (Occur::Should, a)).collect(),
                )) as Box<dyn Query>
            })
            .collect();
        let strong_query = BooleanQuery::union_with_minimum_required_clauses(
            words.iter().map(|c| c.box_clone()).collect(),
            strict,
        );
        let mut want: std::collections::HashMap<i64, f32> = searcher
            .search(&strong_query, &Scored)
            .unwrap()
            .into_iter()
            .collect();
        if want.len() < ENOUGH_HITS && strict > 1 {
            let loose = searcher
                .search(&BooleanQuery::union(words), &Scored)
                .unwrap();
            let floor = want.values().copied().fold(f32::INFINITY, f32::min);
            let top = loose.iter().map(|h| h.1).fold(0.0f32, f32::max);
            let scale = if want.is_empty() {
                1.0
            } else {
                0.9 * floor / top
            };
            for (seq, score) in loose {
                want.entry(seq).or_insert(score * scale);
            }
        }
        assert!(!want.contains_key(&5), "{q}: a removed offering");
        let mut a: Vec<_> = got.keys().collect();
        let mut b: Vec<_> = want.keys().collect();
        a.sort();
        b.sort();
        assert_eq!(a, b, "{q}");
        for (seq, score) in &want {
            assert!(
                (got[seq] - score).abs() <= 1e-4 * score.abs().max(1.0),
                "{q}: {seq}"
            );
        }
    }
}
