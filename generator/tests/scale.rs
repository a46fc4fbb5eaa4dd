//! National scale (issue 15): generated portals of hundreds of datasets build, and what grows
//! with the portal stays bounded.

mod common;

use common::Fixture;
use common::portal;

/// A generated portal of `datasets` datasets in a temporary folder.
fn generated(datasets: usize) -> Fixture {
    let f = Fixture { dir: tempfile::tempdir().unwrap() };
    portal::write_portal(f.root(), datasets, 2567).unwrap();
    f
}

/// see: issue 15 — the smallest generated portal that overflowed a stack. Each dataset was
/// read and checked on Rayon's workers; a worker waiting for Polars' pool ran the next queued
/// table's check on top of its own stack (186 nested `check_table` calls at 400 datasets; 350
/// was the smallest size seen to crash, 325 passed). Now nothing nests, whatever the size.
#[test]
fn a_portal_of_400_datasets_checks_and_builds_with_the_default_stack() {
    let f = generated(400);
    let checked = f.sala(&["check", "--lang", "en"]);
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert!(checked.status.success(), "sala check failed ({:?}): {stderr}", checked.status);
    let built = f.sala(&["build", "--lang", "en"]);
    let out = format!("{}{}", String::from_utf8_lossy(&built.stdout), String::from_utf8_lossy(&built.stderr));
    assert!(built.status.success(), "sala build failed ({:?}): {out}", built.status);
    // The agency registry and the 400 generated datasets.
    assert!(out.contains("401 datasets"), "{out}");
    for id in [portal::dataset_id(0), portal::dataset_id(399)] {
        assert!(f.root().join(format!("public/datasets/{id}/index.html")).is_file(), "{id} has no page");
        assert!(f.root().join(format!("public/en/datasets/{id}/index.html")).is_file(), "{id} has no English page");
    }
}
