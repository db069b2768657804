//! Running the `occlude` binary from the CLI tests (only they are built with the `cli` feature,
//! which `CARGO_BIN_EXE_occlude` needs).

use std::path::PathBuf;
use std::process::{Command, Output};

/// Runs `occlude` with `args` and returns its exit status and output.
pub fn occlude(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_occlude"))
        .args(args)
        .output()
        .expect("run occlude")
}

/// A fresh, empty scratch folder for one test (`prefix` keeps the two test files apart).
pub fn tmpdir(prefix: &str, name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("occlude-{prefix}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}
