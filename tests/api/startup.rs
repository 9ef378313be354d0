//! Starting and stopping: SIGTERM stops cleanly, commands refuse a missing database, mistakes in
//! the settings or on the command line stop with a Dutch message before anything is written, the
//! index folder is never a folder of other files, and the retention period stays in range.

use super::helpers::{cli, spawn_app};

/// SIGTERM stops the server cleanly: it says so, exits with 0, and the SQLite file alone holds
/// everything (the write-ahead log is empty), so that a restore by copying a file is safe.
#[test]
fn sigterm_stops_cleanly_and_leaves_no_pending_write_ahead_log() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
        .arg("--db")
        .arg(&db)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("WIJKWIJZER_LOG", "info")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let started = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.contains("WijkWijzer draait"));
    assert!(started.is_some(), "server started");
    let pid = child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}: {rest:?}");
    assert!(
        rest.iter().any(|l| l.contains("WijkWijzer stopt")),
        "{rest:?}"
    );
    let wal = dir.path().join("w.db-wal");
    let pending = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    assert_eq!(pending, 0, "write-ahead log written into the database");
    let out = cli(&db, &["export", "aanbod"]);
    assert!(out.status.success());
    assert!(!out.stdout.is_empty(), "the demo data is in the file");
}

/// A command that manages an existing database refuses a path where none is, instead of creating
/// an empty database there (a mistyped `--db` would put an account where the server never looks).
#[test]
fn commands_on_a_missing_database_say_so_and_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let typo = dir.path().join("wijkwijzr.db");
    for args in [
        &["user", "list"][..],
        &["user", "disable", "a@b.example"],
        &["export", "aanbod"],
        &["backup", "kopie.db"],
    ] {
        let out = cli(&typo, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("bestaat niet"), "{args:?}: {err}");
        assert!(!typo.exists(), "{args:?} created the file");
    }
    // Accounts may be made before the first start; the new file is named.
    let out = cli(
        &typo,
        &["user", "add", "a@b.example", "--role", "coordinator"],
    );
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Nieuwe database aangemaakt"), "{err}");
    assert!(typo.exists());
}

/// Mistakes in the settings stop `serve` with a Dutch message that names the setting, before
/// anything is written.
#[test]
fn bad_settings_stop_serve_with_a_dutch_message_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = taken.local_addr().unwrap().to_string();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
            .arg("--db")
            .arg(&db)
            .arg("serve")
            .args(args)
            .envs(env.iter().copied())
            .env("WIJKWIJZER_LOG", "error")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    for (args, env, says) in [
        (
            &["--addr", "127.0.0.1:0", "--base-url", "notaurl"][..],
            &[][..],
            "'notaurl' is geen geldig adres voor de site (--base-url of WIJKWIJZER_BASE_URL)",
        ),
        (
            &["--addr", "127.0.0.1:0"],
            &[("WIJKWIJZER_MAIL_FROM", "geen adres")],
            "ongeldige afzender WIJKWIJZER_MAIL_FROM 'geen adres'",
        ),
        (
            &["--addr", taken.as_str()],
            &[],
            "is al in gebruik (draait WijkWijzer daar al?)",
        ),
    ] {
        let (code, err) = run(args, env);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains(says), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(!db.exists(), "nothing written: {says}");
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
        .args([
            "--db",
            "mysql://gebruiker@server/wijkwijzer",
            "serve",
            "--addr",
            "127.0.0.1:0",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("onbekend soort database 'mysql://…'"), "{err}");
    assert!(!err.contains("gebruiker@server"), "the URL is not repeated");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no file made"
    );
}

/// The command line speaks Dutch: help, and mistakes that name the environment variable.
#[test]
fn help_and_command_line_mistakes_are_in_dutch() {
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
            .args(args)
            .envs(env.iter().copied())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (code, help, _) = run(&["--help"], &[]);
    assert_eq!(code, Some(0));
    for dutch in ["Gebruik:", "Commando's:", "Opties:", "Toon deze hulp"] {
        assert!(help.contains(dutch), "{help}");
    }
    for english in ["Usage:", "Commands:", "Options:", "Print help"] {
        assert!(!help.contains(english), "{help}");
    }
    let (_, serve, _) = run(&["serve", "--help"], &[]);
    assert!(serve.contains("WIJKWIJZER_SMTP_URL") && serve.contains("WIJKWIJZER_LOG"));
    assert!(!serve.contains("Usage:"));
    let (code, _, err) = run(&["serve"], &[("WIJKWIJZER_ADDR", "127.0.0.1:99999")]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("ongeldige waarde '127.0.0.1:99999' voor --addr <ADDR> (of WIJKWIJZER_ADDR)"),
        "{err}"
    );
    let (code, _, err) = run(&["bestaatniet"], &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("onbekend commando 'bestaatniet'"), "{err}");
}

/// `serve --index DIR` only ever empties a folder that holds a search index: a folder with other
/// files, the database's own folder or one above it stops the start with a Dutch message that
/// names the setting, and nothing in it is removed. An index folder is marked, and reused.
#[test]
fn serve_never_empties_a_folder_that_is_not_a_search_index() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let db = data.join("w.db");
    let out = cli(
        &db,
        &["user", "add", "a@b.example", "--role", "coordinator"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let notes = dir.path().join("notities");
    std::fs::create_dir(&notes).unwrap();
    std::fs::write(notes.join("belangrijk.txt"), "niet weggooien").unwrap();
    // Starts serve: `None` once it runs (then it is stopped), or its exit code and messages.
    let serve = |index: &std::path::Path, env_var: bool| {
        use std::io::BufRead;
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_wijkwijzer"));
        command
            .arg("--db")
            .arg(&db)
            .args(["serve", "--addr", "127.0.0.1:0", "--empty"])
            .env("WIJKWIJZER_LOG", "info")
            .stderr(std::process::Stdio::piped());
        if env_var {
            command.env("WIJKWIJZER_INDEX", index);
        } else {
            command.arg("--index").arg(index);
        }
        let mut child = command.spawn().unwrap();
        let lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
        let mut said = Vec::new();
        for line in lines.map_while(Result::ok) {
            if line.contains("WijkWijzer draait") {
                child.kill().unwrap();
                child.wait().unwrap();
                return None;
            }
            said.push(line);
        }
        Some((child.wait().unwrap().code(), said.join("\n")))
    };
    for (index, env_var, says) in [
        (&data, false, "bevat de database"),
        (&dir.path().to_path_buf(), true, "bevat de database"),
        (
            &notes,
            false,
            "bevat iets anders dan een zoekindex (belangrijk.txt)",
        ),
    ] {
        let outcome = serve(index, env_var);
        let Some((code, err)) = outcome else {
            panic!("serve started with --index {}", index.display());
        };
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains(says), "{err}");
        assert!(err.contains("--index of WIJKWIJZER_INDEX"), "{err}");
        assert!(db.exists(), "the database is still there");
        assert_eq!(
            std::fs::read_to_string(notes.join("belangrijk.txt")).unwrap(),
            "niet weggooien"
        );
    }
    assert!(
        cli(&db, &["user", "list"]).status.success(),
        "the database still works"
    );

    // A new folder becomes a marked index, and is used again at the next start.
    let index = dir.path().join("zoekindex");
    assert_eq!(
        serve(&index, false),
        None,
        "serve runs with a folder of its own"
    );
    assert!(index.join(wijkwijzer::search::MARKER).is_file());
    assert_eq!(serve(&index, false), None, "and again with its index");
}

/// The retention period is 1 to 120 months: anything else stops `serve` at once with a Dutch
/// message naming the setting, and a period too long to count back erases nothing (it used to
/// erase every closed record at once).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retention_period_out_of_range_is_refused_and_never_erases_everything() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = taken.local_addr().unwrap().to_string();
    for (args, env) in [
        (&["--retention-months", "100000"][..], &[][..]),
        (&["--retention-months", "0"], &[]),
        (&["--retention-months", "4294967295"], &[]),
        (&[], &[("WIJKWIJZER_RETENTION_MONTHS", "121")]),
        (&[], &[("WIJKWIJZER_RETENTION_MONTHS", "twaalf")]),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
            .arg("--db")
            .arg(&db)
            .args(["serve", "--addr", taken.as_str()])
            .args(args)
            .envs(env.iter().copied())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?} {env:?}: {err}");
        assert!(
            err.contains("voor --retention-months <RETENTION_MONTHS> (of WIJKWIJZER_RETENTION_MONTHS): geef een aantal maanden van 1 tot en met 120"),
            "{err}"
        );
        assert!(!db.exists(), "nothing written");
    }

    let app = spawn_app().await;
    let store = app.store();
    sqlx::query("UPDATE learning_questions SET email = 'oud@x.example', status = 'beantwoord', closed_at = '2024-01-01T00:00:00.000Z' WHERE id = 'lv-demo-001'")
        .execute(store.pool())
        .await
        .unwrap();
    let n = wijkwijzer::app::erase_expired(store, u32::MAX, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(
        n, 0,
        "nothing is older than a period that cannot be counted back"
    );
    let n = wijkwijzer::app::erase_expired(store, 12, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(n, 1, "the period in range erases the old record");
}
