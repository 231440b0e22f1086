//! Installs every pinned oracle (`common::oracles::ALL`) at once, one thread each. `.ci/run`
//! starts this binary in the background while the rest of the suite compiles, so the suites
//! that need a tool find it installed instead of each installing its own in turn; in the
//! suite proper it only confirms that every oracle is there. Locally an oracle that cannot be
//! installed is a printed skip; under `CI=true` it is a failure.

mod common;

#[test]
fn every_oracle_installs() {
    let installing: Vec<_> = common::oracles::ALL
        .iter()
        .map(|&(name, install)| (name, std::thread::spawn(install)))
        .collect();
    let mut failed = Vec::new();
    for (name, thread) in installing {
        match thread.join() {
            Ok(Some(path)) => assert!(path.exists(), "{name}: {} is missing", path.display()),
            Ok(None) => eprintln!("{name}: skipped"),
            Err(_) => failed.push(name),
        }
    }
    assert!(failed.is_empty(), "could not install: {failed:?}");
}
