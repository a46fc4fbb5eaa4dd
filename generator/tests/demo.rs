//! The bundled demo portal, built as the README tells a new user to: every page exists in both
//! languages, every link resolves, and the data files hold exactly the source rows, typed.

mod common;

use common::files_under;
use polars::prelude::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The demo built once into a temporary folder shared by the tests here.
fn built() -> &'static Path {
    static OUT: OnceLock<tempfile::TempDir> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let built = sala::build(&repo_root(), Some(&dir.path().join("public"))).unwrap();
        assert!(built.published.is_some(), "the demo has errors: {:#?}", built.report.diagnostics);
        assert_eq!(built.report.error_count(), 0);
        dir
    })
    .path()
}

fn public() -> PathBuf {
    built().join("public")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(public().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn demo_dataset_ids() -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(repo_root().join("datasets"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    ids
}

#[test]
fn the_demo_has_no_warnings_either() {
    let checked = sala::check(&repo_root()).unwrap();
    // Except the one dataset left overdue on purpose, to show the dashboard's operational view:
    // data-requests is monthly, last modified on 2025-10-05, and the demo's as_of is 2025-11-15.
    let found: Vec<(String, String)> =
        checked.report.diagnostics.iter().map(|d| (d.code.as_str().to_string(), d.location.file.display().to_string())).collect();
    assert_eq!(found, vec![("overdue".to_string(), "datasets/data-requests/dataset.toml".to_string())], "the demo portal should be spotless");
}

#[test]
fn home_pages_exist_in_thai_at_the_root_and_english_under_en() {
    assert!(read("index.html").contains("<html lang=th>"));
    assert!(read("en/index.html").contains("<html lang=en>"));
    assert!(read("index.html").contains("ศูนย์ข้อมูลเปิดภาครัฐ"));
    assert!(read("en/index.html").contains("Open Government Data Portal"));
}

#[test]
fn every_dataset_and_agency_has_a_page_in_both_languages() {
    let ids = demo_dataset_ids();
    assert!(ids.len() >= 8, "{ids:?}");
    for id in &ids {
        let th = read(&format!("datasets/{id}/index.html"));
        let en = read(&format!("en/datasets/{id}/index.html"));
        assert!(th.contains("<html lang=th>") && en.contains("<html lang=en>"), "{id}");
    }
    let agencies = std::fs::read_to_string(repo_root().join("datasets/agencies/agencies.csv")).unwrap();
    let codes: Vec<&str> = agencies.lines().skip(1).filter_map(|l| l.split(',').next()).collect();
    assert!(codes.len() >= 6 + 3, "{codes:?}");
    for code in codes {
        let code = code.to_ascii_lowercase();
        assert!(public().join(format!("agencies/{code}/index.html")).is_file(), "{code}");
        assert!(public().join(format!("en/agencies/{code}/index.html")).is_file(), "{code}");
    }
    assert!(read("about/index.html").contains("<html lang=th>"));
    assert!(read("en/about/index.html").contains("<html lang=en>"));
}

#[test]
fn every_page_links_its_other_language_twin_with_hreflang() {
    let th = read("datasets/budget-appropriations/index.html");
    assert!(th.contains("href=https://data.example.go.th/en/datasets/budget-appropriations/ hreflang=en"), "{th}");
    let en = read("en/datasets/budget-appropriations/index.html");
    assert!(en.contains("href=/datasets/budget-appropriations/ hreflang=th"), "language switcher missing");
}

/// Every `href`/`src` inside the site points at a file that exists.
#[test]
fn every_internal_link_resolves_to_a_file() {
    let link = regex::Regex::new(r#"(?:href|src)=(?:"([^"]*)"|([^\s>"]+))"#).unwrap();
    let out = public();
    let mut checked = 0;
    let mut broken = BTreeSet::new();
    for file in files_under(&out).into_iter().filter(|f| f.ends_with(".html")) {
        let html = std::fs::read_to_string(out.join(&file)).unwrap();
        for cap in link.captures_iter(&html) {
            let target = cap.get(1).or(cap.get(2)).unwrap().as_str();
            if !target.starts_with('/') || target.starts_with("//") {
                continue;
            }
            let path = target.split(['#', '?']).next().unwrap().trim_start_matches('/');
            let path = if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.to_string() };
            checked += 1;
            if !out.join(&path).is_file() {
                broken.insert(format!("{file} → {target}"));
            }
        }
    }
    assert!(checked > 500, "only {checked} links checked");
    assert!(broken.is_empty(), "broken links: {broken:#?}");
}

/// Reads a CSV with every column as text, the way a person would compare files.
fn read_text_csv(path: &Path) -> DataFrame {
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .unwrap()
        .finish()
        .unwrap()
}

fn resources_of(id: &str) -> Vec<(String, String)> {
    let toml: toml::Value = toml::from_str(&std::fs::read_to_string(repo_root().join(format!("datasets/{id}/dataset.toml"))).unwrap()).unwrap();
    toml["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["name"].as_str().unwrap().to_string(), r["path"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn csv_downloads_hold_exactly_the_source_rows() {
    for id in demo_dataset_ids() {
        for (name, path) in resources_of(&id) {
            let source = read_text_csv(&repo_root().join(format!("datasets/{id}/{path}")));
            let output = read_text_csv(&public().join(format!("datasets/{id}/{name}.csv")));
            assert_eq!(source.height(), output.height(), "{id}/{name}");
            assert!(source.height() > 0, "{id}/{name}");
            assert!(source.equals_missing(&output), "{id}/{name}: the CSV download differs from the source");
        }
    }
}

#[test]
fn json_downloads_hold_every_row_with_the_schemas_types() {
    let index: Value = serde_json::from_str(&read("api/v1/datasets.json")).unwrap();
    let mut resources_seen = 0;
    for d in index["datasets"].as_array().unwrap() {
        let id = d["id"].as_str().unwrap();
        for r in d["resources"].as_array().unwrap() {
            let name = r["name"].as_str().unwrap();
            let rows: Vec<Value> = serde_json::from_str(&read(&format!("datasets/{id}/{name}.json"))).unwrap();
            let source = read_text_csv(&repo_root().join(format!("datasets/{id}/{}", resources_of(id).iter().find(|x| x.0 == name).unwrap().1)));
            assert_eq!(rows.len(), source.height(), "{id}/{name}");
            assert_eq!(r["rows"], rows.len(), "{id}/{name}: the API's row count");
            for field in r["fields"].as_array().unwrap() {
                let fname = field["name"].as_str().unwrap();
                let column = source.column(fname).unwrap().str().unwrap().clone();
                for (i, row) in rows.iter().enumerate() {
                    let v = &row[fname];
                    let text = column.get(i);
                    match (field["type"].as_str().unwrap(), text) {
                        (_, None) => assert!(v.is_null(), "{id}/{name} row {i} {fname}: {v}"),
                        ("integer" | "year", Some(t)) => assert_eq!(v.as_i64(), Some(t.parse().unwrap()), "{id}/{name} {fname}"),
                        ("number", Some(t)) => assert_eq!(v.as_f64(), Some(t.parse().unwrap()), "{id}/{name} {fname}"),
                        ("boolean", Some(t)) => assert_eq!(v.as_bool(), Some(t == "true"), "{id}/{name} {fname}"),
                        (_, Some(t)) => assert_eq!(v.as_str(), Some(t), "{id}/{name} {fname}"),
                    }
                }
            }
            resources_seen += 1;
        }
    }
    assert!(resources_seen >= 9);
}

#[test]
fn the_dataset_index_lists_every_dataset_with_absolute_download_urls() {
    let index: Value = serde_json::from_str(&read("api/v1/datasets.json")).unwrap();
    let ids: Vec<&str> = index["datasets"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, demo_dataset_ids());
    let budget = index["datasets"].as_array().unwrap().iter().find(|d| d["id"] == "budget-appropriations").unwrap();
    assert_eq!(budget["agency"]["code"], "BB");
    assert_eq!(budget["resources"][0]["csv"], "https://data.example.go.th/datasets/budget-appropriations/appropriations.csv");
}

#[test]
fn thai_pages_show_buddhist_era_dates_and_english_pages_ce() {
    let th = read("datasets/budget-appropriations/index.html");
    let en = read("en/datasets/budget-appropriations/index.html");
    assert!(th.contains("15 ต.ค. 2568"), "Thai modified date");
    assert!(en.contains("15 Oct 2025"), "English modified date");
}

#[test]
fn the_output_is_byte_for_byte_the_same_on_a_second_build() {
    let dir = tempfile::tempdir().unwrap();
    sala::build(&repo_root(), Some(&dir.path().join("again"))).unwrap();
    let first = files_under(&public());
    assert_eq!(first, files_under(&dir.path().join("again")));
    for f in first {
        assert!(std::fs::read(public().join(&f)).unwrap() == std::fs::read(dir.path().join("again").join(&f)).unwrap(), "{f} differs");
    }
}
