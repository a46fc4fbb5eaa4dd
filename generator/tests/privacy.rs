//! Personal data: policies must cover every required topic in both languages, undeclared
//! personal data stops the build and is only ever shown masked, and declared columns are
//! dropped, masked or hashed in every published file.

mod common;

use common::{Fixture, files_under, text};
use sala::load::privacy::{NOTICE, PRACTICE, TOPICS};

/// A complete policy for the agency TEST, with `skip` (section, key, language) left out.
fn policy(skip: Option<(&str, &str, &str)>) -> String {
    let mut out = String::from("agency = \"TEST\"\ntitle = { th = \"นโยบาย\", en = \"Policy\" }\neffective = 2024-06-01\n");
    for (section, items) in [("topics", TOPICS), ("practice", PRACTICE), ("notice", NOTICE)] {
        out.push_str(&format!("[{section}]\n"));
        for r in items {
            let th = if skip == Some((section, r.key, "th")) { String::new() } else { format!("th = \"{} ของกรมทดสอบ\"", r.th) };
            let en = if skip == Some((section, r.key, "en")) { String::new() } else { format!("en = \"{} of the Department of Tests\"", r.en) };
            let both: Vec<String> = [th, en].into_iter().filter(|s| !s.is_empty()).collect();
            if !both.is_empty() {
                out.push_str(&format!("{} = {{ {} }}\n", r.key, both.join(", ")));
            }
        }
    }
    out.push_str("[[exchanges]]\nwith = \"MIN\"\ndirection = \"sends\"\ndata = { th = \"ชื่อ\", en = \"names\" }\npurpose = { th = \"สวัสดิการ\", en = \"welfare\" }\n");
    out
}

#[test]
fn a_complete_policy_passes_and_is_published_in_both_languages() {
    let f = Fixture::new();
    f.write("content/privacy/test.toml", policy(None));
    let out = f.sala(&["build", "--lang", "en"]);
    assert!(out.status.success(), "{}", text(&out));
    let page = std::fs::read_to_string(f.root().join("public/en/privacy/test/index.html")).unwrap();
    assert!(page.contains("Purpose and legal basis"), "the notice's headings are shown");
    assert!(std::fs::read_to_string(f.root().join("public/privacy/test/index.html")).unwrap().contains("ขอบเขตและวิธีการเก็บรวบรวมข้อมูลส่วนบุคคล"));
    let register: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(f.root().join("public/api/v1/privacy/register.json")).unwrap()).unwrap();
    assert_eq!(register["exchanges"][0]["with"], "MIN");
    assert!(std::fs::read_to_string(f.root().join("public/en/privacy/register/index.html")).unwrap().contains("welfare"));
}

#[test]
fn removing_any_required_topic_in_either_language_fails_naming_it() {
    let f = Fixture::new();
    for (section, items) in [("topics", TOPICS), ("practice", PRACTICE), ("notice", NOTICE)] {
        for r in items {
            for (lang, word) in [("th", "in Thai"), ("en", "in English")] {
                f.write("content/privacy/test.toml", policy(Some((section, r.key, lang))));
                let out = f.sala(&["check", "--format", "concise", "--lang", "en"]);
                assert_eq!(out.status.code(), Some(1), "{section}.{} {lang}", r.key);
                let expected = format!(
                    "content/privacy/test.toml: error[policy-error] the policy lacks the topic \"{}\" ({section}.{}) {word}\n",
                    r.en, r.key
                );
                let stdout = String::from_utf8_lossy(&out.stdout);
                let about_the_file: String = stdout.lines().filter(|l| l.starts_with("content/privacy/test.toml")).map(|l| format!("{l}\n")).collect();
                assert_eq!(about_the_file, expected);
            }
        }
    }
}

#[test]
fn the_demo_policies_are_complete_and_every_agency_has_one() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let checked = sala::check(root).unwrap();
    let policy_problems: Vec<_> = checked.report.diagnostics.iter().filter(|d| d.code.as_str() == "policy-error").collect();
    assert!(policy_problems.is_empty(), "{policy_problems:#?}");
    let policies = std::fs::read_dir(root.join("content/privacy")).unwrap().count();
    assert!(policies >= 13, "12 agencies and the portal: {policies}");
}

const FREE_TEXT: &str = r#"
[[resources.schema.fields]]
name = "case"
type = "integer"
[[resources.schema.fields]]
name = "note"
type = "string"
"#;

#[test]
fn a_valid_national_id_in_free_text_stops_the_build_and_is_shown_masked() {
    let f = Fixture::new();
    assert!(f.sala(&["build"]).status.success());
    let before = files_under(&f.root().join("public"));
    f.dataset("cases", FREE_TEXT, "case,note\n1,ติดต่อแล้ว\n2,ผู้ร้อง 1-1017-00230-70-8 ขอข้อมูล\n");
    let out = f.sala(&["build", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out);
    assert!(
        report.contains("error[personal-data] row 3, column B (note): a Thai national ID number (1-1017-xxxxx-xx-8) is in column B, which is not declared as personal data"),
        "{report}"
    );
    assert!(!report.contains("00230"), "the full number must never be printed:\n{report}");
    assert_eq!(files_under(&f.root().join("public")), before, "nothing was published");
    let json = text(&f.sala(&["check", "--format", "json"]));
    assert!(!json.contains("00230") && json.contains("1-1017-xxxxx-xx-8"), "{json}");
}

#[test]
fn thirteen_digit_numbers_with_a_wrong_check_digit_are_not_flagged() {
    let f = Fixture::new();
    f.dataset("products", FREE_TEXT, "case,note\n1,รหัสสินค้า 1101700230705\n2,8850999320001 และ 1-1017-00230-70-1\n");
    let out = f.sala(&["check", "--lang", "en"]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn phones_emails_and_passports_are_caught_too() {
    let f = Fixture::new();
    f.dataset("contacts", FREE_TEXT, "case,note\n1,โทร 081-234-5678\n2,อีเมล somchai@example.co.th\n3,passport AA1234567\n4,สำนักงาน 02 123 4567\n");
    let json: serde_json::Value = serde_json::from_slice(&f.sala(&["check", "--format", "json"]).stdout).unwrap();
    let found: Vec<(u64, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["location"]["row"].as_u64().unwrap(), d["value"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        found,
        [(2, "081-2xx-xxx8".to_string()), (3, "somxxxi@example.co.th".to_string()), (4, "AA1xxxxx7".to_string()), (5, "02 1xx xxx7".to_string())]
    );
}

#[test]
fn declared_columns_are_dropped_masked_or_hashed_in_every_published_file() {
    let f = Fixture::new();
    let schema = r#"
[[resources.schema.fields]]
name = "case"
type = "integer"
[[resources.schema.fields]]
name = "citizen_id"
type = "string"
[[resources.schema.fields]]
name = "name"
type = "string"
[[resources.schema.fields]]
name = "email"
type = "string"
[[resources.schema.fields]]
name = "district"
type = "string"
"#;
    f.dataset(
        "welfare",
        schema,
        "case,citizen_id,name,email,district\n1,1-1017-00230-70-8,สมหญิงทดสอบ,somying@example.co.th,บางรัก\n2,3-1005-00412-33-1,สมชายทดสอบ,somchai@example.co.th,ปทุมวัน\n",
    );
    let toml = std::fs::read_to_string(f.root().join("datasets/welfare/dataset.toml")).unwrap();
    let toml = toml.replace(
        "\n[[resources]]",
        "\n[personal_data]\nlegal_basis = { th = \"มาตรา 24 (4)\", en = \"Section 24 (4)\" }\ncolumns = { citizen_id = \"mask\", name = \"drop\", email = \"hash\" }\n\n[[resources]]",
    );
    f.write("datasets/welfare/dataset.toml", toml);
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let public = f.root().join("public");
    let originals = ["1-1017-00230-70-8", "1101700230708", "00230", "สมหญิงทดสอบ", "สมชายทดสอบ", "somying@", "somchai@", "3-1005-00412-33-1", "00412"];
    let mut checked = 0;
    for file in files_under(&public) {
        let bytes = std::fs::read(public.join(&file)).unwrap();
        let content = String::from_utf8_lossy(&bytes);
        for original in originals {
            assert!(!content.contains(original), "{file} contains {original}");
        }
        checked += 1;
    }
    assert!(checked > 20);
    let csv = std::fs::read_to_string(public.join("datasets/welfare/data.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "case,citizen_id,email,district");
    assert!(lines[1].starts_with("1,1-1017-xxxxx-xx-8,"), "{csv}");
    let hash = lines[1].split(',').nth(2).unwrap();
    assert_eq!(hash.len(), 16, "{csv}");
    assert!(lines[1].ends_with(",บางรัก"));
    let page = std::fs::read_to_string(public.join("en/datasets/welfare/index.html")).unwrap();
    assert!(page.contains("This dataset holds personal data"), "the page says so plainly");
    assert!(page.contains("<code>name</code>: removed, not published"));
    // The source stays intact.
    assert!(std::fs::read_to_string(f.root().join("datasets/welfare/data.csv")).unwrap().contains("1-1017-00230-70-8"));
}

#[test]
fn a_public_column_needs_a_legal_basis() {
    let f = Fixture::new();
    f.dataset("d", FREE_TEXT, "case,note\n1,x\n");
    let toml = std::fs::read_to_string(f.root().join("datasets/d/dataset.toml")).unwrap();
    f.write("datasets/d/dataset.toml", toml.replace("\n[[resources]]", "\n[personal_data]\ncolumns = { note = \"public\" }\n\n[[resources]]"));
    let out = f.sala(&["check", "--format", "concise", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("error[personal-data] the column \"note\" would publish personal data as is (public) but no legal basis is given"), "{}", text(&out));
}
