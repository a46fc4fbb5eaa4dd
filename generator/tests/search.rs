//! Finding data in the demo portal: the search index per language (its words, its size), the
//! static facet pages with their counts, and the browser test that types queries into
//! headless Chromium (e2e/search.mjs).

mod common;

use serde_json::Value;
use std::path::Path;
use std::process::Command;

use common::{demo_public as public, read_demo as read, repo_root};

fn index(path: &str) -> Value {
    serde_json::from_str(&read(path)).unwrap()
}

/// The documents (by URL) a term's postings point to, with their field weights.
fn postings(index: &Value, term: &str) -> Vec<(String, u64)> {
    let flat = index["terms"][term].as_array().unwrap_or_else(|| panic!("no term {term}"));
    flat.chunks(2)
        .map(|p| (index["docs"][p[0].as_u64().unwrap() as usize]["u"].as_str().unwrap().to_string(), p[1].as_u64().unwrap()))
        .collect()
}

#[test]
fn the_thai_index_holds_dictionary_words_and_their_compounds() {
    let th = index("search/index.json");
    let budget = postings(&th, "งบประมาณ");
    // 16 = found in the title.
    assert!(budget.contains(&("/datasets/budget-appropriations/".into(), 31)), "{budget:?}");
    assert!(budget.iter().any(|(u, w)| u == "/datasets/budget-expenditures/" && w & 16 == 16), "{budget:?}");
    let services = postings(&th, "บริการ");
    assert!(services.iter().any(|(u, w)| u == "/datasets/e-services/" && w & 16 == 16), "{services:?}");
    // Content pages are found too.
    assert!(th["docs"].as_array().unwrap().iter().any(|d| d["u"] == "/about/"));
}

#[test]
fn the_english_index_is_stemmed_and_knows_the_forms_it_stemmed() {
    let en = index("en/search/index.json");
    let budget = postings(&en, "budget");
    assert_eq!(budget[0], ("/en/datasets/budget-appropriations/".into(), 31));
    assert_eq!(en["forms"]["agencies"], "agenc");
    assert!(en["terms"].get("the").is_none(), "stop words are not indexed");
}

#[test]
fn the_index_and_the_script_are_small_enough_for_a_phone() {
    for path in ["search/index.json", "en/search/index.json"] {
        let bytes = std::fs::metadata(public().join(path)).unwrap().len();
        eprintln!("{path}: {bytes} bytes");
        assert!(bytes < 200_000, "{path} is {bytes} bytes");
    }
    let script = std::fs::metadata(public().join("static/search.js")).unwrap().len();
    eprintln!("static/search.js: {script} bytes");
    assert!(script < 30_000, "search.js is {script} bytes");
}

#[test]
fn facet_pages_list_their_datasets_with_counts_in_both_languages() {
    let theme = read("browse/theme/budget/index.html");
    assert!(theme.contains("<h1>หมวดหมู่: งบประมาณ</h1>"), "{theme}");
    assert_eq!(theme.matches("<li class=card>").count(), 2);
    assert!(theme.contains("href=/datasets/budget-appropriations/") && theme.contains("href=/datasets/budget-expenditures/"));
    let year = read("en/browse/year/2568/index.html");
    assert!(year.contains("<h1>Fiscal year: FY 2025</h1>"), "{year}");
    // Both budget datasets (2565–2568), the complaints and data requests (2567–2568), the
    // contracts, and the e-government targets (2568–2570) and projects (2568–2569).
    assert_eq!(year.matches("<li class=card>").count(), 7);
    assert!(year.contains("href=/en/datasets/data-requests/"), "{year}");
    let browse = read("browse/index.html");
    for (href, count) in [("/browse/agency/dopa/", 2), ("/browse/ministry/mof/", 2), ("/browse/format/csv/", 11), ("/browse/year/2565/", 3)] {
        let link = format!("href={href}>");
        let at = browse.find(&link).unwrap_or_else(|| panic!("no link to {href}"));
        let after = &browse[at..];
        let shown = after.split("<span class=count>(").nth(1).and_then(|s| s.split(')').next()).unwrap();
        assert_eq!(shown, count.to_string(), "{href}");
    }
    // A tag's page exists in the language of the tag.
    assert!(public().join("browse/tag/งบประมาณ/index.html").is_file());
    assert!(public().join("en/browse/tag/budget/index.html").is_file());
}

#[test]
fn every_dataset_is_linked_from_the_dataset_list_and_the_facets_without_javascript() {
    for id in ["budget-appropriations", "e-services", "provinces", "agencies"] {
        assert!(read("datasets/index.html").contains(&format!("href=/datasets/{id}/")), "{id}");
        assert!(read("en/datasets/index.html").contains(&format!("href=/en/datasets/{id}/")), "{id}");
    }
    assert!(read("datasets/index.html").contains("href=/browse/theme/budget/"));
    assert!(read("search/index.html").contains("<noscript>"));
}

/// True when a program runs (`--version` exits 0).
fn runs(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok_and(|o| o.status.success())
}

#[test]
fn searching_in_headless_chromium_finds_the_expected_datasets() {
    let e2e = repo_root().join("e2e");
    let chromium = std::env::var("SALA_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let missing: Vec<&str> = [
        (!runs("node")).then_some("node"),
        (!Path::new(&chromium).is_file()).then_some("chromium"),
        (!e2e.join("node_modules/playwright-core").is_dir()).then_some("e2e/node_modules (npm ci --prefix e2e)"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !missing.is_empty() {
        let message = format!("the browser test needs {}: .ci/run installs them", missing.join(", "));
        assert!(std::env::var_os("CI").is_none(), "{message}");
        eprintln!("\n!!!!! SKIPPED: {message} !!!!!\n");
        return;
    }
    let out = Command::new("node").arg(e2e.join("search.mjs")).arg(public()).env("SALA_CHROMIUM", &chromium).output().unwrap();
    let text = common::text(&out);
    eprintln!("{text}");
    assert!(out.status.success(), "browser checks failed:\n{text}");
    assert!(text.contains("all browser checks passed"));
}

#[test]
fn fiscal_years_come_from_a_fiscal_year_column_and_tags_are_merged_by_spelling() {
    let f = common::Fixture::new();
    f.write(
        "datasets/grants/dataset.toml",
        r#"title = { th = "เงินอุดหนุนรายปี", en = "Annual grants" }
agency = "TEST"
license = "CC-BY-4.0"
tags = { th = ["เงินอุดหนุน"], en = ["Open data", "open  data"] }

[[resources]]
name = "grants"
path = "grants.csv"
[resources.schema]
fields = [{ name = "fiscal_year", type = "integer" }, { name = "amount", type = "number" }]
"#,
    );
    f.write("datasets/grants/grants.csv", "fiscal_year,amount\n2566,10\n2567,20\n2567,30\n");
    let build = |out: &str| {
        let dir = f.root().join(out);
        let built = sala::build(f.root(), Some(&dir)).unwrap();
        assert!(built.published.is_some(), "{:#?}", built.report.diagnostics);
        dir
    };
    let first = build("out1");
    let browse: Vec<String> = common::files_under(&first).into_iter().filter(|p| p.starts_with("browse/")).collect();
    for year in ["2566", "2567"] {
        let page = std::fs::read_to_string(first.join(format!("browse/year/{year}/index.html"))).unwrap_or_else(|_| panic!("{browse:?}"));
        assert!(page.contains("href=/datasets/grants/"), "{year}");
    }
    assert!(!first.join("browse/year/2568").exists());
    let tag = std::fs::read_to_string(first.join("en/browse/tag/open-data/index.html")).unwrap();
    assert_eq!(tag.matches("<li class=card>").count(), 1);
    let index: Value = serde_json::from_slice(&std::fs::read(first.join("search/index.json")).unwrap()).unwrap();
    assert_eq!(index["docs"][1]["f"]["year"], serde_json::json!(["2566", "2567"]));
    assert!(index["terms"]["อุดหนุน"].is_array() || index["terms"]["เงินอุดหนุน"].is_array(), "Thai tag words are indexed");
    // The same input gives the same index, byte for byte.
    let second = build("out2");
    for path in ["search/index.json", "en/search/index.json", "browse/index.html"] {
        assert_eq!(std::fs::read(first.join(path)).unwrap(), std::fs::read(second.join(path)).unwrap(), "{path}");
    }
}
