//! What `prm` says when it cannot start, as a first hour meets it: one clear line, at once,
//! naming what is wrong; and the first admin's password reaching only its owner.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::SECRET;

/// Runs `prm` with `args` and `env` in `dir`, with no inherited PRM_* settings, for at most
/// `limit`: its output, and how long it took.
fn run(
    dir: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
    limit: Duration,
) -> (Output, Duration) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_prm"));
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, _) in std::env::vars() {
        if k.starts_with("PRM_") {
            cmd.env_remove(k);
        }
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let started = Instant::now();
    let mut child = cmd.spawn().expect("start prm");
    while started.elapsed() < limit {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let out = child.wait_with_output().expect("output");
    (out, started.elapsed())
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn free_port() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("127.0.0.1:{}", l.local_addr().unwrap().port())
}

/// Fails at once with one line on standard error containing every one of `words`.
fn refuses(dir: &std::path::Path, env: &[(&str, &str)], words: &[&str]) {
    let (out, took) = run(dir, &["serve"], env, Duration::from_secs(15));
    let err = text(&out.stderr);
    assert!(!out.status.success(), "{env:?} started: {err}");
    assert!(
        took < Duration::from_secs(3),
        "{env:?} took {took:?}: {err}"
    );
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{env:?}: {err}");
    for w in words {
        assert!(lines[0].contains(w), "{env:?}: `{w}` not in {err}");
    }
}

#[test]
fn a_database_that_cannot_be_opened_is_one_line_naming_it_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let secret = std::str::from_utf8(SECRET).unwrap();
    let missing = dir.path().join("no-such-dir/prm.db");
    let url = format!("sqlite://{}", missing.display());
    refuses(
        dir.path(),
        &[("PRM_DATABASE_URL", &url), ("PRM_JWT_SECRET", secret)],
        &[&missing.display().to_string(), "No such file or directory"],
    );
    refuses(
        dir.path(),
        &[("PRM_DATABASE_URL", "mysql://prm:prm@localhost/prm")],
        &["mysql://", "not supported"],
    );
    // Nothing listens on port 1: refused at once, the password never shown.
    refuses(
        dir.path(),
        &[
            ("PRM_DATABASE_URL", "postgres://prm:hunter2@127.0.0.1:1/prm"),
            ("PRM_JWT_SECRET", secret),
        ],
        &["PostgreSQL at 127.0.0.1:1/prm as prm", "refused"],
    );
    let (out, _) = run(
        dir.path(),
        &["serve"],
        &[
            ("PRM_DATABASE_URL", "postgres://prm:hunter2@127.0.0.1:1/prm"),
            ("PRM_JWT_SECRET", secret),
        ],
        Duration::from_secs(15),
    );
    assert!(!text(&out.stderr).contains("hunter2"));
}

#[test]
fn settings_that_would_be_silently_replaced_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    refuses(
        dir.path(),
        &[("PRM_JWT_SECRET", "   ")],
        &["PRM_JWT_SECRET", "blank"],
    );
    refuses(dir.path(), &[("PRM_LOG", "prm=loud[")], &["PRM_LOG"]);
    refuses(
        dir.path(),
        &[("PRM_LOG_FORMAT", "xml")],
        &["PRM_LOG_FORMAT"],
    );
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "nothing was created"
    );
}

#[test]
fn a_port_in_use_is_said_before_serving_and_before_an_admin_exists() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let bind = taken.local_addr().unwrap().to_string();
    let (out, took) = run(
        dir.path(),
        &["serve"],
        &[("PRM_BIND", &bind)],
        Duration::from_secs(15),
    );
    let err = text(&out.stderr);
    assert!(!out.status.success());
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert!(err.contains(&format!("cannot listen on {bind}")), "{err}");
    assert!(!err.contains("serving"), "{err}");
    assert!(!text(&out.stdout).contains("created admin"));
    assert!(!dir.path().join("prm.db.first-admin").exists());
}

#[cfg(unix)]
#[test]
fn the_first_password_reaches_only_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let bind = free_port();
    // Standard output is a pipe here, as under a service manager.
    let (out, _) = run(
        dir.path(),
        &["serve"],
        &[("PRM_BIND", &bind), ("PRM_LOG", "info")],
        Duration::from_secs(4),
    );
    let said = text(&out.stdout) + &text(&out.stderr);
    let file = dir.path().join("prm.db.first-admin");
    let written = std::fs::read_to_string(&file).expect("the password file");
    let password = written.lines().nth(1).unwrap();
    assert!(said.contains("created admin"), "{said}");
    assert!(said.contains("prm.db.first-admin"), "{said}");
    assert!(!said.contains(password), "the password reached the output");
    for name in ["prm.db", "prm.db.jwt-secret", "prm.db.first-admin"] {
        let mode = std::fs::metadata(dir.path().join(name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "{name} is readable by others: {mode:o}");
    }
}

#[test]
fn help_lists_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let (out, _) = run(dir.path(), &["--help"], &[], Duration::from_secs(10));
    let help = text(&out.stdout);
    for name in ["PRM_DATABASE_URL", "PRM_JWT_SECRET", "PRM_BIND", "PRM_LOG"] {
        assert!(help.contains(name), "{name} missing from --help");
    }
}
