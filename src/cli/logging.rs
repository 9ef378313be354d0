//! The JSON log on standard error and its filter from `WIJKWIJZER_LOG`.

/// `WIJKWIJZER_LOG` holds no level: a lone word that is not a level would silently switch every
/// log off, so it is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("WIJKWIJZER_LOG='{0}' is geen geldig logniveau. Kies error, warn, info, debug of trace, of een filter zoals 'info,wijkwijzer=debug'.")]
pub struct BadLogFilter(String);

/// Starts the JSON log on standard error, filtered by `WIJKWIJZER_LOG`.
pub fn init() -> Result<(), BadLogFilter> {
    let filter = log_filter(std::env::var("WIJKWIJZER_LOG").ok().as_deref())?;
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    Ok(())
}

/// The log filter from `value`: a level, or directives such as `info,wijkwijzer=debug`; by
/// default `info`, with PostgreSQL's notices only from `warn`.
fn log_filter(value: Option<&str>) -> Result<tracing_subscriber::EnvFilter, BadLogFilter> {
    const LEVELS: [&str; 6] = ["error", "warn", "info", "debug", "trace", "off"];
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(tracing_subscriber::EnvFilter::new(
            "info,sqlx::postgres::notice=warn",
        ));
    };
    let has_level = v.split(',').any(|d| {
        let level = d
            .rsplit('=')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        LEVELS.contains(&level.as_str())
    });
    if !has_level {
        return Err(BadLogFilter(v.to_string()));
    }
    tracing_subscriber::EnvFilter::try_new(v).map_err(|_| BadLogFilter(v.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_level_or_directives_are_taken_and_a_lone_word_is_refused() {
        assert!(log_filter(None).is_ok());
        assert!(log_filter(Some("  ")).is_ok());
        assert!(log_filter(Some("debug")).is_ok());
        assert!(log_filter(Some("info,wijkwijzer=DEBUG")).is_ok());
        let refused = log_filter(Some("wijkwijzer")).unwrap_err();
        assert_eq!(refused, BadLogFilter("wijkwijzer".into()));
        assert!(refused
            .to_string()
            .starts_with("WIJKWIJZER_LOG='wijkwijzer' is geen geldig logniveau."));
        assert!(log_filter(Some("info,[[=debug")).is_err());
    }
}
