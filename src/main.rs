//! The `wijkwijzer` binary: parses the command line and hands over to [`wijkwijzer::cli`].

/// jemalloc, not glibc's malloc: a catalogue is a million small strings, which jemalloc stores with
/// less waste, and what a rebuild or a burst of requests frees goes back to the system (its
/// settings are in `.cargo/config.toml`). At 50,000 offerings the server needs about 30 MB less.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    let runtime = match runtime() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("Fout: de runtime start niet: {e}");
            std::process::exit(2);
        }
    };
    std::process::exit(runtime.block_on(run()));
}

/// The Tokio runtime. Searches and page builds run on the blocking pool; they are CPU work, so more
/// threads than twice the cores only add memory (a stack each) and waiting.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads((2 * cores).max(4))
        .build()
}

async fn run() -> i32 {
    if let Err(e) = wijkwijzer::cli::logging::init() {
        eprintln!("Fout: {e}");
        return 2;
    }
    let cli = match wijkwijzer::cli::parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                e.exit();
            }
            eprintln!("{}", wijkwijzer::cli::clap_error_text(&e));
            return 2;
        }
    };
    match wijkwijzer::cli::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Fout: {}", wijkwijzer::cli::error_text(&e));
            2
        }
    }
}
