//! The field's own validators, run on the built demo and on a portal with a paged resource:
//! frictionless (and the Data Package JSON Schema profile), rdflib + pyshacl with DCAT-AP
//! 3.0.1's shapes, jsonschema with Project Open Data 1.1, openapi-spec-validator, and the
//! schema.org JSON-LD of every dataset page read as RDF. `tests/validators/validate.py` holds
//! the checks; `.ci/run` installs the tools (`tests/validators/requirements.txt`).
//! `tests/validators/consumers.py` reads the files as consumers do: pyarrow (the current one and
//! pyarrow 14, installed by `.ci/run` in its own folder) and DuckDB on every Parquet file, each
//! resource's JSON Schema on its JSON and NDJSON, openpyxl on every .xlsx, and CKAN's data.json
//! naming rule.

mod common;

use common::{machine_fixture, text};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// True when python3 has every validator. Without them the test fails in CI (CI=true) and
/// skips loudly elsewhere.
fn validators_installed() -> bool {
    let probe = "import frictionless, rdflib, pyshacl, jsonschema, referencing, openapi_spec_validator, importlib.util, sys; \
                 sys.exit(importlib.util.find_spec('datapackage') is None)";
    let ok = Command::new("python3").args(["-c", probe]).output().map(|o| o.status.success()).unwrap_or(false);
    if !ok {
        let install = "pip install -r generator/tests/validators/requirements.txt && pip install --no-deps -r generator/tests/validators/profiles.txt";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "the catalog validators are not installed; .ci/run must run: {install}");
        // Written to the stderr handle, not with eprintln!, which the test harness captures.
        let _ = writeln!(std::io::stderr(), "\n!!! SKIPPED: the catalog validators are not installed. Install them with:\n!!!   {install}\n");
    }
    ok
}

/// Runs the validators on a built site; panics with their report when one fails.
fn validate(public: &Path) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/validators/validate.py");
    // CI lays the shared reference data beside the repository.
    let shared = repo_root().join("../shared/data");
    assert!(shared.join("dcat-ap-3.0.1-shacl/shapes.ttl").is_file(), "no reference data at {}", shared.display());
    let out = Command::new("python3").arg(script).arg(public).arg(&shared).output().unwrap();
    let report = text(&out);
    assert!(out.status.success(), "the validators rejected {}:\n{report}", public.display());
    report
}

#[test]
fn the_fields_validators_accept_the_demo_portal() {
    if !validators_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let built = sala::build(&repo_root(), Some(&dir.path().join("public"))).unwrap();
    assert!(built.published.is_some());
    let report = validate(&dir.path().join("public"));
    assert!(report.contains("ok   catalog.ttl conforms to DCAT-AP 3.0.1 SHACL"), "{report}");
    assert_eq!(report.matches("ok   frictionless validate").count(), 11, "{report}");
    assert_eq!(report.matches("ok   JSON-LD of ").count(), 22, "{report}");
}

#[test]
fn the_fields_validators_accept_a_portal_with_paged_rows() {
    if !validators_installed() {
        return;
    }
    let f = machine_fixture();
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let report = validate(&f.root().join("public"));
    assert!(report.contains("ok   every file of /datasets/{dataset}/{resource}/rows/{page}.json matches its schema"), "{report}");
    assert!(report.contains("(3 pages of rows checked)"), "{report}");
}

/// The folder that holds pyarrow 14 (`pip install --target`), apart from the current pyarrow.
fn old_pyarrow() -> PathBuf {
    match std::env::var_os("SALA_OLD_PYARROW") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/sala/pyarrow14"),
    }
}

/// Runs `consumers.py` on a built site, with `old` pyarrow on PYTHONPATH when given.
fn consumers(public: &Path, old: Option<&Path>) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/validators/consumers.py");
    let mut cmd = Command::new("python3");
    cmd.arg(script).arg(public);
    if let Some(dir) = old {
        cmd.arg("--old").env("PYTHONPATH", dir);
    }
    let out = cmd.output().unwrap();
    let report = text(&out);
    assert!(out.status.success(), "a consumer failed on {}:\n{report}", public.display());
    report
}

/// True when python3 has pyarrow, DuckDB and jsonschema and the folder of pyarrow 14 exists.
/// Without them the test fails in CI (CI=true) and skips loudly elsewhere.
fn consumers_installed() -> bool {
    let probe = "import pyarrow, duckdb, jsonschema, openpyxl, feedparser, schemathesis, rdflib";
    let ok = Command::new("python3").args(["-c", probe]).output().map(|o| o.status.success()).unwrap_or(false) && old_pyarrow().join("pyarrow").is_dir();
    if !ok {
        let install = format!(
            "pip install -r generator/tests/validators/requirements.txt && pip install --target {} pyarrow==14.0.2 'numpy<2'",
            old_pyarrow().display()
        );
        assert!(std::env::var("CI").as_deref() != Ok("true"), "the consumers are not installed; .ci/run must run: {install}");
        let _ = writeln!(std::io::stderr(), "\n!!! SKIPPED: the consumers are not installed. Install them with:\n!!!   {install}\n");
    }
    ok
}

#[test]
fn pyarrow_old_and_new_duckdb_and_json_schema_read_every_file_of_the_demo() {
    if !consumers_installed() {
        return;
    }
    let public = common::demo_public();
    let report = consumers(&public, None);
    assert!(report.contains("(11 Parquet files read)"), "{report}");
    // Every file is read whole, with a filter on a string column, and by DuckDB.
    assert_eq!(report.matches("ok   pyarrow reads ").count(), 22, "{report}");
    assert_eq!(report.matches("ok   duckdb reads ").count(), 11, "{report}");
    assert!(report.contains("ok   pyarrow reads datasets/complaints/complaints.parquet with a filter on "), "{report}");
    assert_eq!(report.matches(" NDJSON lines").count(), 11, "{report}");
    assert!(report.contains("en/data.json: 11 of 11 titles make a CKAN name"), "{report}");
    assert_eq!(report.matches("ok   openpyxl reads ").count(), 11, "{report}");
    // Every workbook and every dataset's zip is read as Java's ZipInputStream (Apache POI) and
    // `unzip` read it, entry after entry from the local headers.
    assert_eq!(report.matches("ok   streams ").count(), 11 + 11, "{report}");
    assert_eq!(report.matches("has the Thai and English titles as its header").count(), 11, "{report}");
    assert_eq!(report.matches("ok   feedparser reads ").count(), 2, "{report}");
    // NDJSON has no EU file type, hence no dct:format: CKAN reads its media type alone.
    assert!(report.contains("ok   CKAN reads a plain format (NDJSON: its media type) and a media type for each of the 55 distributions in catalog.ttl: CSV, JSON, None, Parquet, XLSX"), "{report}");
    assert!(report.contains("ok   CKAN reads a plain format (NDJSON: its media type) and a media type for each of the 55 distributions in catalog.jsonld: "), "{report}");
    let old = consumers(&public, Some(&old_pyarrow()));
    assert!(old.starts_with("pyarrow 14."), "{old}");
    assert_eq!(old.matches("ok   pyarrow reads ").count(), 22, "{old}");
}

#[test]
fn pyarrow_and_duckdb_read_a_portal_with_a_large_resource() {
    if !consumers_installed() {
        return;
    }
    let f = machine_fixture();
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let report = consumers(&f.root().join("public"), None);
    assert!(report.contains("ok   pyarrow reads datasets/large/data.parquet: 2345 rows equal to the JSON download"), "{report}");
    assert!(report.contains("ok   pyarrow reads datasets/large/data.parquet with a filter on note: "), "{report}");
    // Dates and date-times come back from Excel as dates, numbers and booleans as such.
    assert!(report.contains("ok   openpyxl reads datasets/large/data.xlsx: 2345 typed rows equal to the JSON download"), "{report}");
    let old = consumers(&f.root().join("public"), Some(&old_pyarrow()));
    assert!(old.contains("ok   pyarrow reads datasets/large/data.parquet with a filter on note: "), "{old}");
}

#[test]
fn schemathesis_finds_no_failure_in_the_demo_api_served_with_its_headers_file() {
    if !consumers_installed() {
        return;
    }
    let public = common::demo_public();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let host = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/validators/static_host.py");
    let mut server = Command::new("python3").arg(host).arg(&public).arg(port.to_string()).spawn().unwrap();
    let origin = format!("http://127.0.0.1:{port}");
    // Wait for the host to answer (at most 10 s).
    let up = (0..100).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    // Schemathesis keeps a cache in its working folder: a temporary one, not the repository.
    let scratch = tempfile::tempdir().unwrap();
    let out = up.then(|| {
        Command::new("st")
            .current_dir(scratch.path())
            .args(["run", &format!("{origin}/api/openapi.json"), "--url", &origin, "--phases", "examples,coverage,fuzzing", "--max-time", "30", "-w", "2"])
            .args(["--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"])
            .output()
            .unwrap()
    });
    let _ = server.kill();
    let _ = server.wait();
    let out = out.expect("the static host did not start");
    let report = text(&out);
    // 404 is documented for every path, enums list what exists, the host sends the _headers types.
    assert!(out.status.success() && report.contains("No issues found"), "{report}");
}
