//! Dutch text analysis shared by the search index and the matching engine: folding, stop words,
//! DutchPorter stemming and decompounding. Pure code, no I/O.

use std::collections::HashSet;

use unicode_normalization::UnicodeNormalization;

/// Dutch stop words (folded form): function words that carry no topic.
const STOP_WORDS: &[&str] = &[
    "aan", "al", "alle", "alles", "als", "altijd", "andere", "ben", "bij", "daar", "dan", "dat",
    "de", "der", "deze", "die", "dit", "doch", "doen", "door", "dus", "een", "eens", "en", "er",
    "ge", "geen", "geweest", "haar", "had", "heb", "hebben", "heeft", "hem", "het", "hier", "hij",
    "hoe", "hun", "iemand", "iets", "ik", "in", "is", "ja", "je", "jij", "jou", "jouw", "jullie",
    "kan", "kon", "kunnen", "maar", "me", "meer", "men", "met", "mij", "mijn", "moet", "na",
    "naar", "niet", "niets", "nog", "nu", "of", "om", "omdat", "onder", "ons", "onze", "ook", "op",
    "over", "reeds", "te", "tegen", "toch", "toen", "tot", "u", "uit", "uw", "van", "veel", "voor",
    "want", "waren", "was", "wat", "we", "wel", "werd", "wezen", "wie", "wij", "wil", "willen",
    "worden", "wordt", "zal", "ze", "zei", "zelf", "zich", "zij", "zijn", "zo", "zonder", "zou",
    "welke", "waar", "wanneer", "hoe", "kun", "kunt", "mag", "mogen", "zouden", "zullen", "word",
    "werden", "hebt", "had", "hadden", "zit", "zitten", "heel", "erg", "goed", "graag", "weten",
    "onze", "elkaar", "daarbij", "daarom", "hierbij", "waarbij", "waarin", "dus", "echter",
];

/// Lower-cases and strips diacritics: `Één café` → `een cafe`.
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Splits folded text into word tokens (letters and digits).
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// True for a (folded) Dutch stop word.
pub fn is_stop_word(word: &str) -> bool {
    static SORTED: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    SORTED
        .get_or_init(|| {
            let mut v = STOP_WORDS.to_vec();
            v.sort_unstable();
            v.dedup();
            v
        })
        .binary_search(&word)
        .is_ok()
}

/// Stems a folded word with the Snowball DutchPorter algorithm.
pub fn stem(word: &str) -> String {
    frostem::Stemmer::new(frostem::Algorithm::DutchPorter)
        .stem(word)
        .into_owned()
}

/// The full analysis of a text: folded, stop words removed, stemmed.
pub fn analyze(text: &str) -> Vec<String> {
    let folded = fold(text);
    words(&folded)
        .filter(|w| !is_stop_word(w))
        .map(stem)
        .collect()
}

/// Shortest part that decompounding accepts (`wijk`, `buurt`).
pub const MIN_PART: usize = 4;

/// Splits a folded compound word into two known words of the vocabulary, allowing the Dutch
/// linking sounds `s`, `e` and `en` between them: `wijkaanpak` → `wijk` + `aanpak`,
/// `veiligheidsbeleid` → `veiligheid` + `beleid`. The longest first part wins. Parts are
/// decompounded again, so `jongerenwerkersnetwerk` yields three parts.
pub fn decompound(word: &str, vocabulary: &HashSet<String>) -> Vec<String> {
    let mut out = Vec::new();
    split_into(word, vocabulary, &mut out, 0);
    out
}

fn split_into(word: &str, vocabulary: &HashSet<String>, out: &mut Vec<String>, depth: u8) {
    if depth > 3 || word.chars().count() < 2 * MIN_PART || !word.is_ascii() {
        return;
    }
    // Longest known head first: at least MIN_PART bytes left for the tail.
    for cut in (MIN_PART..=word.len() - MIN_PART).rev() {
        let head = &word[..cut];
        if !vocabulary.contains(head) {
            continue;
        }
        let rest = &word[cut..];
        for link in ["", "s", "en", "e"] {
            if let Some(tail) = rest.strip_prefix(link) {
                if tail.len() >= MIN_PART && known_or_compound(tail, vocabulary) {
                    out.push(head.to_string());
                    if vocabulary.contains(tail) {
                        out.push(tail.to_string());
                    }
                    split_into(tail, vocabulary, out, depth + 1);
                    return;
                }
            }
        }
    }
}

fn known_or_compound(word: &str, vocabulary: &HashSet<String>) -> bool {
    vocabulary.contains(word) || !decompound(word, vocabulary).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab(words: &[&str]) -> HashSet<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn folds_case_and_diacritics() {
        assert_eq!(fold("Één Café"), "een cafe");
        assert_eq!(fold("coördinatie"), "coordinatie");
    }

    #[test]
    fn dutch_porter_keeps_gemeente_and_geweld_recognisable() {
        assert_eq!(stem("gemeente"), stem("gemeenten"));
        assert_ne!(stem("gemeente"), "meen");
        assert_ne!(stem("geweld"), "wel");
        assert_eq!(stem("jongeren"), stem("jongere"));
    }

    #[test]
    fn analyze_drops_stop_words() {
        let terms = analyze("Hoe werkt de wijkaanpak in een gemeente?");
        assert!(!terms.iter().any(|t| t == "de" || t == "een" || t == "hoe"));
        assert!(terms.contains(&stem("gemeente")));
    }

    #[test]
    fn decompounds_against_vocabulary() {
        let v = vocab(&[
            "wijk",
            "aanpak",
            "jongeren",
            "werker",
            "veiligheid",
            "beleid",
            "netwerk",
        ]);
        assert_eq!(decompound("wijkaanpak", &v), vec!["wijk", "aanpak"]);
        assert_eq!(decompound("jongerenwerker", &v), vec!["jongeren", "werker"]);
        assert_eq!(
            decompound("veiligheidsbeleid", &v),
            vec!["veiligheid", "beleid"]
        );
        let parts = decompound("jongerenwerkersnetwerk", &v);
        assert!(parts.contains(&"netwerk".to_string()), "{parts:?}");
        assert!(decompound("beleid", &v).is_empty());
        assert!(decompound("wijkbeheer", &v).is_empty());
    }
}
