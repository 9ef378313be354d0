//! The fields of an `application/x-www-form-urlencoded` body as pairs, for forms whose fields
//! repeat or are read one by one (the back office, the CSRF check, the offering form).

/// Parses an urlencoded body into pairs (repeated keys kept).
pub fn pairs(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
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
