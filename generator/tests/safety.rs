//! Hostile and broken input: markup in metadata is escaped, a failed build leaves the last good
//! site untouched, and no malformed file makes Sala panic.

mod common;

use common::{Fixture, files_under, text};
use std::path::Path;

const SIMPLE: &str = r#"
[[resources.schema.fields]]
name = "id"
type = "integer"
[[resources.schema.fields]]
name = "note"
type = "string"
title = { th = "<script>alert('th')</script>", en = "<script>alert('en')</script>" }
"#;

#[test]
fn a_script_in_any_metadata_field_is_escaped_never_markup() {
    let f = Fixture::new();
    let evil = "<script>alert(1)</script>";
    f.write(
        "datasets/x/dataset.toml",
        format!(
            r#"title = {{ th = "{evil}", en = "{evil}" }}
description = {{ th = "{evil} <img src=x onerror=alert(2)>", en = "[link](javascript:alert(3)) {evil}" }}
agency = "TEST"
license = "CC-BY-4.0"
tags = {{ th = ["{evil}"], en = ["{evil}"] }}
objective = "{evil}"
[contact]
name = "{evil}"
email = "a@b.c\" onmouseover=\"alert(4)"
[[resources]]
name = "data"
path = "data.csv"
title = "{evil}"
[resources.schema]
{SIMPLE}
"#
        ),
    );
    f.write("datasets/x/data.csv", format!("id,note\n1,{evil}\n2,\"<b onclick=alert(5)>x</b>\"\n"));
    f.write("content/about.md", format!("+++\ntitle = \"{evil}\"\nweight = 1\n+++\nHello {evil} <iframe src=x></iframe>\n"));
    // A licence must be a known id, so markup there is refused before anything is published.
    let meta = f.root().join("datasets/x/dataset.toml");
    let written = std::fs::read_to_string(&meta).unwrap();
    std::fs::write(&meta, written.replace("license = \"CC-BY-4.0\"", &format!("license = \"{evil}\""))).unwrap();
    let out = f.sala(&["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(!f.root().join("public").exists());
    std::fs::write(&meta, written).unwrap();
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let public = f.root().join("public");
    let mut pages = 0;
    for file in files_under(&public).into_iter().filter(|p| p.ends_with(".html")) {
        let html = std::fs::read_to_string(public.join(&file)).unwrap();
        pages += 1;
        for tag in tags(&html) {
            // The scripts Sala writes: schema.org JSON-LD (data, not code; checked below) and the
            // theme's own search script from /static/. Nothing else runs.
            if tag.name == "script" && tag.attributes == [("type".to_string(), "application/ld+json".to_string())] {
                continue;
            }
            let theme_script = tag.name == "script" && tag.attributes.iter().any(|(n, v)| n == "src" && v.starts_with("/static/"));
            assert!(theme_script || !["script", "iframe", "img", "object", "embed"].contains(&tag.name.as_str()), "{file}: <{}> is markup", tag.name);
            for (name, value) in &tag.attributes {
                assert!(!name.starts_with("on"), "{file}: <{} {name}=…> is an event handler", tag.name);
                assert!(!value.trim().to_ascii_lowercase().starts_with("javascript:"), "{file}: {name}={value}");
            }
        }
    }
    assert!(pages >= 10);
    let page = std::fs::read_to_string(public.join("en/datasets/x/index.html")).unwrap();
    assert!(page.contains("<h1>&lt;script>alert(1)&lt;/script></h1>"), "the title is shown, escaped");
    // Inside the JSON-LD script no `<` may appear: `</script>` in a value would end the element.
    let start = page.find("<script type=application/ld+json>").expect("the JSON-LD block") + "<script type=application/ld+json>".len();
    let end = start + page[start..].find("</script>").unwrap();
    let jsonld = &page[start..end];
    assert!(!jsonld.contains('<'), "{jsonld}");
    assert!(jsonld.contains(r#""name":"\u003cscript>alert(1)\u003c/script>""#), "{jsonld}");
    let parsed: serde_json::Value = serde_json::from_str(jsonld).unwrap();
    assert_eq!(parsed["name"], evil, "the JSON-LD still says the title exactly");
}

#[test]
fn a_build_with_errors_leaves_the_existing_site_unchanged() {
    let f = Fixture::new();
    f.dataset("d", SIMPLE, "id,note\n1,ok\n");
    assert!(f.sala(&["build"]).status.success());
    let public = f.root().join("public");
    let before: Vec<(String, Vec<u8>)> =
        files_under(&public).into_iter().map(|p| { let b = std::fs::read(public.join(&p)).unwrap(); (p, b) }).collect();
    assert!(before.len() > 10);

    f.write("datasets/d/data.csv", "id,note\n1,ok\nnot-a-number,bad\n");
    let out = f.sala(&["build", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    let message = text(&out);
    assert!(message.contains("row 3, column A (id): \"not-a-number\" is not a valid integer"), "{message}");
    assert!(message.contains("nothing was published"), "{message}");

    let after: Vec<(String, Vec<u8>)> =
        files_under(&public).into_iter().map(|p| { let b = std::fs::read(public.join(&p)).unwrap(); (p, b) }).collect();
    assert!(before == after, "public/ changed after a failed build");
    let siblings: Vec<String> = std::fs::read_dir(f.root()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(!siblings.iter().any(|s| s.starts_with(".public")), "a temporary folder was left: {siblings:?}");
}

#[test]
fn a_resource_path_leaving_the_portal_is_refused() {
    let f = Fixture::new();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.csv"), "id,note\n1,secret\n").unwrap();
    f.dataset("d", SIMPLE, "id,note\n1,ok\n");
    let toml = std::fs::read_to_string(f.root().join("datasets/d/dataset.toml")).unwrap();
    f.write("datasets/d/dataset.toml", toml.replace("path = \"data.csv\"", "path = \"../../../secret.csv\""));
    let out = f.sala(&["check", "--format", "concise", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("datasets/d/dataset.toml: error[path-escape] \"../../../secret.csv\" points outside the portal folder"), "{}", text(&out));
    // A path that leaves the dataset's folder but not the portal is said as such.
    for inside in ["../other/data.csv", "."] {
        f.write("datasets/d/dataset.toml", toml.replace("path = \"data.csv\"", &format!("path = \"{inside}\"")));
        let out = f.sala(&["check", "--format", "concise", "--lang", "en"]);
        assert!(text(&out).contains(&format!("error[path-escape] \"{inside}\" is not a file in this dataset's folder: Sala reads a dataset's files from its own folder only")), "{}", text(&out));
    }

    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(outside.path().join("secret.csv"), f.root().join("datasets/d/link.csv")).unwrap();
        f.write("datasets/d/dataset.toml", toml.replace("path = \"data.csv\"", "path = \"link.csv\""));
        let out = f.sala(&["check", "--format", "concise", "--lang", "en"]);
        assert!(text(&out).contains("error[path-escape] \"link.csv\" points outside the portal folder"), "{}", text(&out));
    }
}

/// Runs check and build on a portal whose one dataset has `csv` as its data file; Sala must
/// answer with diagnostics or a clean build, never a panic. Returns the codes `check` reported.
fn assert_no_panic(name: &str, csv: &[u8]) -> Vec<String> {
    let f = Fixture::new();
    f.dataset("d", SIMPLE, csv);
    for args in [&["check"][..], &["build"]] {
        let out = f.sala(args);
        let output = text(&out);
        assert!(!output.contains("panicked"), "{name}: {args:?} panicked:\n{output}");
        assert!(matches!(out.status.code(), Some(0..=2)), "{name}: {args:?} exit {:?}\n{output}", out.status.code());
    }
    let json: serde_json::Value = serde_json::from_slice(&f.sala(&["check", "--format", "json"]).stdout).unwrap();
    let mut codes: Vec<String> = json["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect();
    codes.dedup();
    codes
}

#[test]
fn every_malformed_file_in_the_fixtures_gives_its_diagnostic_and_no_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/malformed");
    let expected: &[(&str, &[&str])] = &[
        ("binary-junk.csv", &["encoding-error"]),
        ("blank-header.csv", &["blank-label", "blank-row"]),
        ("blank-rows.csv", &["blank-row"]),
        ("duplicate-header.csv", &["duplicate-label", "missing-label"]),
        ("empty.csv", &["empty-table"]),
        ("header-only.csv", &["empty-table"]),
        ("huge-numbers.csv", &["type-error"]),
        ("mixed-line-endings.csv", &["source-error"]),
        ("quotes-and-newlines.csv", &[]),
        ("ragged-rows.csv", &["extra-cell", "missing-cell"]),
        ("semicolons.csv", &["source-error"]),
        ("truncated-utf8.csv", &["encoding-error"]),
        ("unterminated-quote.csv", &["source-error"]),
        // UTF-16 with its byte-order mark is read (a warning), here a header without its
        // `note` column or any row.
        ("utf16.csv", &["empty-table", "encoding-error", "missing-label"]),
    ];
    assert_eq!(files_under(&dir), expected.iter().map(|(f, _)| f.to_string()).collect::<Vec<_>>(), "every fixture has its expectation");
    for (file, codes) in expected {
        let mut got = assert_no_panic(file, &std::fs::read(dir.join(file)).unwrap());
        got.sort();
        got.dedup();
        assert_eq!(got, *codes, "{file}");
    }
}

#[test]
fn generated_pathological_files_give_diagnostics_and_no_panic() {
    let codes = assert_no_panic("1 MB single line", &vec![b'a'; 1 << 20]);
    assert!(codes.contains(&"missing-label".to_string()) && codes.contains(&"empty-table".to_string()), "{codes:?}");
    let wide: String = (0..10_000).map(|i| format!("c{i}")).collect::<Vec<_>>().join(",");
    let codes = assert_no_panic("10,000 columns", format!("{wide}\n{}\n", vec!["1"; 10_000].join(",")).as_bytes());
    assert!(codes.contains(&"extra-label".to_string()), "{codes:?}");
    let codes = assert_no_panic("random bytes", &(0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect::<Vec<_>>());
    assert!(!codes.is_empty());
}

#[test]
fn broken_toml_anywhere_is_an_error_with_a_location_not_a_panic() {
    let f = Fixture::new();
    f.write("site.toml", "title = { th = \"x\"\nbase_url = 1\n");
    let out = f.sala(&["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("site.toml:2:1: missing comma between key-value pairs"), "{}", text(&out));

    let f = Fixture::new();
    f.dataset("d", SIMPLE, "id,note\n1,a\n");
    f.write("datasets/d/dataset.toml", "title = \n[[resources]\n");
    let out = f.sala(&["check", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).starts_with("datasets/d/dataset.toml:2:13: error[metadata-error]"), "{}", text(&out));
}

/// A start tag as a browser's tokenizer sees it.
struct Tag {
    name: String,
    attributes: Vec<(String, String)>,
}

/// The start tags of an HTML document, skipping text, comments and the raw-text contents of
/// `<title>` (where `<` is only text): enough to tell markup from escaped text.
fn tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        if b[i] != b'<' || i + 1 >= b.len() || !b[i + 1].is_ascii_alphabetic() {
            if b[i..].starts_with(b"<!--") {
                i = html[i..].find("-->").map_or(b.len(), |e| i + e + 3);
            } else {
                i += 1;
            }
            continue;
        }
        i += 1;
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut attributes = Vec::new();
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                i += 1;
                break;
            }
            let a = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'>' {
                i += 1;
            }
            let attr = html[a..i].to_ascii_lowercase();
            let mut value = String::new();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i];
                    let v = i + 1;
                    i = v + b[v..].iter().position(|&c| c == q).unwrap_or(b.len() - v);
                    value = html[v..i].to_string();
                    i += 1;
                } else {
                    let v = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = html[v..i].to_string();
                }
            }
            attributes.push((attr, value));
        }
        if name == "title" {
            i = html[i..].find("</title>").map_or(b.len(), |e| i + e);
        }
        out.push(Tag { name, attributes });
    }
    out
}

#[test]
fn the_tag_scanner_tells_markup_from_text() {
    let found = tags("<title><script>x</title><p class=a onclick=\"f()\">&lt;script&gt;</p><a href='javascript:x'>");
    let names: Vec<&str> = found.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["title", "p", "a"]);
    assert_eq!(found[1].attributes[1], ("onclick".to_string(), "f()".to_string()));
    assert_eq!(found[2].attributes[0].1, "javascript:x");
}
