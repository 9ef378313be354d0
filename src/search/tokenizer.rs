//! The Dutch tokenizer registered in tantivy: the analysis of `domain::analysis` (folding, stop
//! words, DutchPorter stems) plus compound parts emitted at the compound's position.

use std::collections::HashSet;
use std::sync::Arc;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::domain::analysis::{decompound, fold, is_stop_word, stem, words};

/// The vocabulary that compounds are split against, shared by all tokenizer clones.
#[derive(Clone, Default)]
pub struct Vocabulary(pub(super) super::SharedWords);

impl Vocabulary {
    /// The current word set.
    pub fn snapshot(&self) -> Arc<HashSet<String>> {
        match self.0.read() {
            Ok(g) => Arc::clone(&g),
            Err(_) => Arc::new(HashSet::new()),
        }
    }
}

/// Dutch tokenizer: either stemming with compound parts, or folding only (for typo matching).
#[derive(Clone)]
pub struct DutchTokenizer {
    vocabulary: Option<Vocabulary>,
}

impl DutchTokenizer {
    /// Folded, stop words removed, stemmed, compounds also as their parts.
    pub fn stemming(vocabulary: Vocabulary) -> DutchTokenizer {
        DutchTokenizer {
            vocabulary: Some(vocabulary),
        }
    }

    /// Folded words only.
    pub fn folding() -> DutchTokenizer {
        DutchTokenizer { vocabulary: None }
    }

    /// The tokens of `text`, as (position, term).
    pub fn terms(&self, text: &str) -> Vec<(usize, String)> {
        let folded = fold(text);
        let vocabulary = self.vocabulary.as_ref().map(Vocabulary::snapshot);
        let mut out = Vec::new();
        for (position, w) in words(&folded).enumerate() {
            match &vocabulary {
                None => out.push((position, w.to_string())),
                Some(v) => {
                    if is_stop_word(w) {
                        continue;
                    }
                    out.push((position, stem(w)));
                    for part in decompound(w, v) {
                        out.push((position, stem(&part)));
                    }
                }
            }
        }
        out
    }
}

/// A token stream over prepared tokens.
pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for DutchTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let tokens = self
            .terms(text)
            .into_iter()
            .map(|(position, text)| Token {
                offset_from: 0,
                offset_to: 0,
                position,
                text,
                position_length: 1,
            })
            .collect();
        VecTokenStream { tokens, next: 0 }
    }
}
