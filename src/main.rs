//! The `wijkwijzer` binary: parses the command line and hands over to [`wijkwijzer::cli`].

use clap::Parser;

#[tokio::main]
async fn main() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("WIJKWIJZER_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx::postgres::notice=warn"));
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let cli = wijkwijzer::cli::Cli::parse();
    let code = match wijkwijzer::cli::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Fout: {}", wijkwijzer::cli::error_text(&e));
            2
        }
    };
    std::process::exit(code);
}
