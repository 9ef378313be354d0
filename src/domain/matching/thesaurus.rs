//! The Dutch domain thesaurus: parsing its text format and finding the phrases a question's stems
//! expand to.

use super::super::analysis::{fold, is_stop_word, stem, words};

/// One thesaurus rule: a phrase (as a sequence of stems) and the phrases it expands to.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Rule {
    pub(super) from: Vec<String>,
    pub(super) to: Vec<Expansion>,
}

/// A phrase a rule expands to: its stems and its written form (for the "waarom").
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Expansion {
    pub(super) stems: Vec<String>,
    pub(super) text: String,
}

/// A Dutch domain thesaurus that bridges how people ask and how offerings are written.
///
/// The text format has one rule per line; `#` starts a comment:
/// - `a, b => c, d`: the words or phrases on the left expand to those on the right (one way);
/// - `a = b = c`: the words or phrases are equivalent (each expands to the others).
///
/// Phrases are analysed like all text (folded, stemmed), so `geldzorgen` also matches `geldzorg`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Thesaurus {
    pub(super) rules: Vec<Rule>,
}

impl Thesaurus {
    /// Parses the thesaurus format; errors name the line (Dutch).
    pub fn parse(text: &str) -> Result<Thesaurus, String> {
        let mut rules = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let lineno = n + 1;
            let phrases = |side: &str| -> Result<Vec<Expansion>, String> {
                side.split(',')
                    .map(|p| {
                        let stems = phrase_stems(p);
                        if stems.is_empty() {
                            Err(format!(
                                "regel {lineno}: lege of nietszeggende term '{}'",
                                p.trim()
                            ))
                        } else {
                            Ok(Expansion {
                                stems,
                                text: p.trim().to_string(),
                            })
                        }
                    })
                    .collect()
            };
            if let Some((lhs, rhs)) = line.split_once("=>") {
                let from = phrases(lhs)?;
                let to = phrases(rhs)?;
                for f in from {
                    rules.push(Rule {
                        from: f.stems,
                        to: to.clone(),
                    });
                }
            } else if line.contains('=') {
                let group = phrases(&line.replace('=', ","))?;
                if group.len() < 2 {
                    return Err(format!(
                        "regel {lineno}: minstens twee gelijke termen nodig"
                    ));
                }
                for (i, f) in group.iter().enumerate() {
                    let to = group
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| *j != i)
                        .map(|(_, e)| e.clone())
                        .collect();
                    rules.push(Rule {
                        from: f.stems.clone(),
                        to,
                    });
                }
            } else {
                return Err(format!(
                    "regel {lineno}: verwacht 'a, b => c' of 'a = b', niet '{line}'"
                ));
            }
        }
        Ok(Thesaurus { rules })
    }

    /// The built-in thesaurus of `data/thesaurus.txt`.
    pub fn builtin() -> Thesaurus {
        Thesaurus::parse(include_str!("../../../data/thesaurus.txt")).unwrap_or_default()
    }

    /// Number of rules (one per left-hand phrase).
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when the thesaurus has no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// For a sequence of stems (a query without stop words): per position, the phrases (as
    /// stems) that the rules covering that position expand to. A position no rule covers gets
    /// an empty list.
    pub fn expansions(&self, stems: &[String]) -> Vec<Vec<Vec<String>>> {
        let mut out = vec![Vec::new(); stems.len()];
        for rule in &self.rules {
            let n = rule.from.len();
            if n == 0 || n > stems.len() {
                continue;
            }
            for i in 0..=stems.len() - n {
                if stems[i..i + n] == rule.from[..] {
                    for slot in &mut out[i..i + n] {
                        for e in &rule.to {
                            if !slot.contains(&e.stems) {
                                slot.push(e.stems.clone());
                            }
                        }
                    }
                }
            }
        }
        out
    }
}

/// A [`Thesaurus`] with its rules found by their first stem, for expanding many texts: gives
/// what [`Thesaurus::expansions`] gives, looking only at the rules that can start at each place.
#[derive(Debug, Clone, Default)]
pub struct ThesaurusIndex {
    rules: Vec<Rule>,
    by_first: std::collections::HashMap<String, Vec<usize>>,
}

impl ThesaurusIndex {
    /// Indexes the rules of `thesaurus`.
    pub fn new(thesaurus: &Thesaurus) -> ThesaurusIndex {
        let mut by_first: std::collections::HashMap<String, Vec<usize>> =
            std::collections::HashMap::new();
        for (i, rule) in thesaurus.rules.iter().enumerate() {
            if let Some(first) = rule.from.first() {
                by_first.entry(first.clone()).or_default().push(i);
            }
        }
        ThesaurusIndex {
            rules: thesaurus.rules.clone(),
            by_first,
        }
    }

    /// As [`Thesaurus::expansions`].
    pub fn expansions(&self, stems: &[String]) -> Vec<Vec<Vec<String>>> {
        let mut hits: Vec<(usize, usize)> = Vec::new();
        for (i, s) in stems.iter().enumerate() {
            for &r in self.by_first.get(s).map(Vec::as_slice).unwrap_or(&[]) {
                let n = self.rules[r].from.len();
                if i + n <= stems.len() && stems[i..i + n] == self.rules[r].from[..] {
                    hits.push((r, i));
                }
            }
        }
        // In rule order, as the thesaurus applies them.
        hits.sort_unstable();
        let mut out = vec![Vec::new(); stems.len()];
        for (r, i) in hits {
            let rule = &self.rules[r];
            for slot in &mut out[i..i + rule.from.len()] {
                for e in &rule.to {
                    if !slot.contains(&e.stems) {
                        slot.push(e.stems.clone());
                    }
                }
            }
        }
        out
    }
}

/// The stems of a phrase (folded, stop words dropped).
pub(super) fn phrase_stems(text: &str) -> Vec<String> {
    let folded = fold(text);
    words(&folded)
        .filter(|w| !is_stop_word(w))
        .map(stem)
        .collect()
}

#[cfg(test)]
mod index_tests {
    use super::*;

    #[test]
    fn the_index_expands_as_the_thesaurus_does() {
        let t = Thesaurus::builtin();
        let index = ThesaurusIndex::new(&t);
        for text in [
            "drugs dealen in ons portiek wat kan ik doen",
            "georganiseerde criminaliteit en witwassen door malafide ondernemers",
            "hangjongeren bij de school, oud en nieuw met vuurwerk",
            "niets bijzonders hier",
        ] {
            let stems = phrase_stems(text);
            assert_eq!(index.expansions(&stems), t.expansions(&stems), "{text}");
        }
    }
}
