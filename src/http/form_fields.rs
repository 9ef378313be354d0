//! The fields of an `application/x-www-form-urlencoded` body as pairs, for forms whose fields
//! repeat or are read one by one (the back office, the CSRF check, the offering form).

/// Parses an urlencoded body into pairs (repeated keys kept), every line ending made `\n`.
pub fn pairs(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, crate::domain::text::normalize_newlines(&v)))
        .collect()
}

/// The first value of `key`, trimmed.
pub fn first(pairs: &[(String, String)], key: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default()
}

/// Every non-empty value of `key`, trimmed, in order.
pub fn all(pairs: &[(String, String)], key: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, v)| k == key && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_string())
        .collect()
}
