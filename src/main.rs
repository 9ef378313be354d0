//! The `wijkwijzer` binary: parses the command line and hands over to [`wijkwijzer::cli`].

#[tokio::main]
async fn main() {
    let filter = match log_filter(std::env::var("WIJKWIJZER_LOG").ok().as_deref()) {
        Ok(f) => f,
        Err(message) => {
            eprintln!("Fout: {message}");
            std::process::exit(2);
        }
    };
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let cli = match wijkwijzer::cli::parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                e.exit();
            }
            eprintln!("{}", wijkwijzer::cli::clap_error_text(&e));
            std::process::exit(2);
        }
    };
    let code = match wijkwijzer::cli::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Fout: {}", wijkwijzer::cli::error_text(&e));
            2
        }
    };
    std::process::exit(code);
}

/// The log filter from `WIJKWIJZER_LOG`: a level, or directives such as `info,wijkwijzer=debug`.
/// A lone word that is not a level would silently switch every log off, so it is refused.
fn log_filter(value: Option<&str>) -> Result<tracing_subscriber::EnvFilter, String> {
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
    let refused = || {
        format!(
            "WIJKWIJZER_LOG='{v}' is geen geldig logniveau. Kies error, warn, info, debug of trace, of een filter zoals 'info,wijkwijzer=debug'."
        )
    };
    if !has_level {
        return Err(refused());
    }
    tracing_subscriber::EnvFilter::try_new(v).map_err(|_| refused())
}
