//! Citizen-grade pages (issue 18): every page type of the demo portal in both languages, in
//! headless Chromium at 320, 390 and 1366 px, has no WCAG 2.1 AA violation (axe-core), is never
//! wider than the screen, and the search page does not jump while it loads (e2e/pages.mjs);
//! a generated portal large enough for a second list page checks the pager pages the same way.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Fixture, demo_public, portal, repo_root};

/// True when a program runs (`--version` exits 0).
fn runs(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok_and(|o| o.status.success())
}

/// Chromium's path, or None (with a loud note) when the browser test cannot run here; under CI
/// that is a failure, never a skip.
fn browser() -> Option<String> {
    let chromium = std::env::var("SALA_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let e2e = repo_root().join("e2e");
    let missing: Vec<&str> = [
        (!runs("node")).then_some("node"),
        (!Path::new(&chromium).is_file()).then_some("chromium"),
        (!e2e.join("node_modules/playwright-core").is_dir()).then_some("e2e/node_modules/playwright-core (npm ci --prefix e2e)"),
        (!e2e.join("node_modules/axe-core").is_dir()).then_some("e2e/node_modules/axe-core (npm ci --prefix e2e)"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if missing.is_empty() {
        return Some(chromium);
    }
    let message = format!("the page checks need {}: .ci/run installs them", missing.join(", "));
    assert!(std::env::var_os("CI").is_none(), "{message}");
    eprintln!("\n!!!!! SKIPPED: {message} !!!!!\n");
    None
}

/// Runs e2e/pages.mjs on a built site (on `paths`, or on its own list of page types).
fn check_pages(site: &Path, paths: &[&str], chromium: &str) -> String {
    let out = Command::new("node")
        .arg(repo_root().join("e2e/pages.mjs"))
        .arg(site)
        .args(paths)
        .env("SALA_CHROMIUM", chromium)
        .output()
        .unwrap();
    let text = common::text(&out);
    eprintln!("{text}");
    assert!(out.status.success(), "page checks failed:\n{text}");
    text
}

#[test]
fn every_page_type_in_both_languages_is_accessible_fits_a_phone_and_does_not_jump() {
    let Some(chromium) = browser() else { return };
    let text = check_pages(&demo_public(), &[], &chromium);
    assert!(text.contains("all ") && text.contains(" page checks passed"), "{text}");
    // Each page type in two languages at three widths, and the search page's layout shift.
    for page in ["/ at 390 px", "/en/datasets/budget-appropriations/ at 1366 px", "/privacy/register/ at 320 px", "/en/404.html at 390 px"] {
        assert!(text.contains(&format!("ok   {page}")), "{page} was not checked:\n{text}");
    }
    assert!(text.contains("ok   layout shift of /search/ at 390 px"), "{text}");
}

#[test]
fn the_second_page_of_a_long_list_passes_the_same_checks() {
    let Some(chromium) = browser() else { return };
    let f = Fixture { dir: tempfile::tempdir().unwrap() };
    portal::write_portal(f.root(), 60, 2567).unwrap();
    let built = f.sala(&["build", "--lang", "en"]);
    assert!(built.status.success(), "{}", common::text(&built));
    let public = f.root().join("public");
    assert!(public.join("datasets/page/2/index.html").is_file(), "60 datasets make two list pages");
    let text = check_pages(&public, &["/datasets/page/2/", "/en/datasets/page/2/", "/en/datasets/"], &chromium);
    assert!(text.contains("ok   /en/datasets/page/2/ at 390 px"), "{text}");
}
