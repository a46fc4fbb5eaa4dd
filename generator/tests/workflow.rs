//! The civil servant's workflow: `sala init`, `sala infer`, `sala check`, `sala build`, and the
//! messages a newcomer's mistakes get.

mod common;

use common::{Fixture, text};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sala_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sala")).args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/infer").join(name)
}

/// A new portal made by `sala init` in a temporary folder; returns (temp dir, portal folder).
fn new_portal() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = sala_in(
        tmp.path(),
        &["init", "portal", "--title-th", "ข้อมูลเปิด \"ทดสอบ\"", "--title-en", "Test open data", "--base-url", "https://data.test.go.th"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let root = tmp.path().join("portal");
    (tmp, root)
}

fn check_json(root: &Path) -> (i32, Value) {
    let out = sala_in(root, &["check", "--format", "json"]);
    (out.status.code().unwrap(), serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", text(&out))))
}

/// (code, severity, file, English message) of every diagnostic.
fn summary(json: &Value) -> Vec<(String, String, String, String)> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                d["location"]["file"].as_str().unwrap().to_string(),
                d["message"]["en"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn diag(code: &str, severity: &str, file: &str, message: &str) -> (String, String, String, String) {
    (code.to_string(), severity.to_string(), file.to_string(), message.to_string())
}

#[test]
fn a_new_portal_passes_check_and_builds_as_it_stands() {
    let (_tmp, root) = new_portal();
    let (code, json) = check_json(&root);
    assert_eq!((code, json["errors"].as_u64(), json["warnings"].as_u64()), (0, Some(0), Some(0)), "{json}");
    let site = std::fs::read_to_string(root.join("site.toml")).unwrap();
    assert!(site.contains("title = { th = 'ข้อมูลเปิด \"ทดสอบ\"', en = \"Test open data\" }"), "{site}");
    assert!(site.contains("base_url = \"https://data.test.go.th\""), "{site}");
    for file in ["README.md", ".gitignore", ".github/workflows/sala.yml", "content/about.md", "content/about.en.md", "themes/default/templates/base.html", "themes/default/i18n/th.toml"] {
        assert!(root.join(file).is_file(), "{file} missing");
    }
    let out = sala_in(&root, &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let about = std::fs::read_to_string(root.join("public/en/about/index.html")).unwrap();
    assert!(about.contains("Edit this page in"), "{about}");
    let agency = std::fs::read_to_string(root.join("public/en/agencies/example/index.html")).unwrap();
    assert!(agency.contains("Example Agency"));
}

#[test]
fn init_never_overwrites_a_portal() {
    let (tmp, root) = new_portal();
    std::fs::write(root.join("site.toml"), "kept").unwrap();
    let out = sala_in(tmp.path(), &["init", "portal"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error[already-exists]: portal/site.toml already exists: Sala never overwrites it;"), "{err}");
    assert_eq!(std::fs::read_to_string(root.join("site.toml")).unwrap(), "kept");
}

#[test]
fn init_infer_fill_in_check_and_build_publish_a_new_dataset() {
    let (_tmp, root) = new_portal();
    std::fs::copy(fixture("projects.csv"), root.join("projects.csv")).unwrap();
    let out = sala_in(&root, &["infer", "projects.csv", "--dataset", "road-projects"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("4 rows, 11 columns → datasets/road-projects/dataset.toml (4 แถว 11 คอลัมน์)\n"), "{}", text(&out));
    assert!(root.join("datasets/road-projects/projects.csv").is_file());

    // Right after infer, check points only at what the person must fill in.
    let (code, json) = check_json(&root);
    assert_eq!(code, 1);
    let meta = "datasets/road-projects/dataset.toml";
    assert_eq!(
        summary(&json),
        [
            // Column titles are left TODO too, and asked for in both languages.
            diag("metadata-error", "warning", meta, "columns with no Thai title (title.th): projects.project_id, projects.agency_code, projects.project_name, projects.budget, projects.unit_price, projects.approved, projects.start_date, projects.signed_on, projects.reported_on, projects.fiscal_year, projects.note; with no English title (title.en): projects.project_id, projects.agency_code, projects.project_name, projects.budget, projects.unit_price, projects.approved, projects.start_date, projects.signed_on, projects.reported_on, projects.fiscal_year, projects.note"),
            diag("metadata-error", "error", meta, "the dataset has no title in Thai (title.th)"),
            diag("metadata-error", "error", meta, "the dataset has no title in English (title.en)"),
            diag("metadata-error", "warning", meta, "the dataset has no description"),
            diag("metadata-error", "warning", meta, "the dataset has no modified date"),
            diag("metadata-error", "error", meta, "no license is given"),
            diag("unknown-agency", "error", meta, "no agency code is given (agency)"),
        ]
    );
    // The example it gives is this portal's own agency (it said "BB", not in a new registry).
    let agency = json["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "unknown-agency").unwrap();
    assert_eq!(agency["help"]["en"], "give your agency's code from the code column of datasets/agencies/agencies.csv, e.g. agency = \"EXAMPLE\"", "{agency}");

    // The person fills in the marked lines.
    let path = root.join(meta);
    let toml = std::fs::read_to_string(&path).unwrap();
    let filled = toml
        .replacen("title = { th = \"\", en = \"\" }", "title = { th = \"โครงการถนน\", en = \"Road projects\" }", 1)
        .replacen("description = { th = \"\", en = \"\" }", "description = { th = \"โครงการ\", en = \"Projects\" }", 1)
        .replacen("agency = \"\"", "agency = \"EXAMPLE\"", 1)
        .replacen("license = \"\"", "license = \"CC-BY-4.0\"", 1)
        .replacen("# modified = 2025-01-31", "modified = 2025-01-31", 1);
    // Each column's title, in both languages (here the name, as a hurried person would).
    let filled = filled
        .lines()
        .scan(String::new(), |name, line| {
            if let Some(n) = line.strip_prefix("name = ") {
                *name = n.trim_matches('"').to_string();
            }
            Some(if line.starts_with("title = { th = \"\", en = \"\" }   # TODO") { format!("title = {{ th = \"{name}\", en = \"{name}\" }}") } else { line.to_string() })
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&path, filled).unwrap();
    let (code, json) = check_json(&root);
    assert_eq!((code, json["errors"].as_u64(), json["warnings"].as_u64()), (0, Some(0), Some(0)), "{json}");

    let out = sala_in(&root, &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let page = std::fs::read_to_string(root.join("public/en/datasets/road-projects/index.html")).unwrap();
    assert!(page.contains("Road projects"));
    let csv = std::fs::read_to_string(root.join("public/datasets/road-projects/projects.csv")).unwrap();
    // Thai digits, group separators and Buddhist-era dates come out canonical.
    assert!(csv.contains("\n3,003,โรงเรียนบ้านนา,123,12000,true,2025-01-31,2025-01-31,2025-01-31,2025,ซ่อมแซม\n"), "{csv}");
}

/// (type, format, calendar, groupChar, required, unique) of each field written by infer.
fn inferred_fields(toml_text: &str) -> Vec<(String, String, String, String, bool, bool)> {
    let value: toml::Value = toml::from_str(toml_text).unwrap();
    value["resources"][0]["schema"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
            let c = |k: &str| f.get("constraints").and_then(|c| c.get(k)).and_then(|v| v.as_bool()).unwrap_or(false);
            (format!("{}:{}", s("name"), s("type")), s("format"), s("calendar"), s("groupChar"), c("required"), c("unique"))
        })
        .collect()
}

#[test]
fn infer_finds_types_formats_eras_and_keys_on_the_fixtures() {
    let f = Fixture::new();
    let out = f.sala(&["infer", fixture("projects.csv").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let toml_text = std::fs::read_to_string(f.root().join("datasets/projects/dataset.toml")).unwrap();
    let row = |nt: &str, format: &str, cal: &str, group: &str, req: bool, uniq: bool| {
        (nt.to_string(), format.to_string(), cal.to_string(), group.to_string(), req, uniq)
    };
    assert_eq!(
        inferred_fields(&toml_text),
        [
            // An id is a code: text, and the proposed key, the only column declared unique
            // (other values that differ this year may repeat next year).
            row("project_id:string", "", "", "", true, true),
            // Codes with leading zeros stay text.
            row("agency_code:string", "", "", "", true, false),
            row("project_name:string", "", "", "", true, false),
            row("budget:integer", "", "", ",", true, false),
            row("unit_price:number", "", "", ",", true, false),
            row("approved:boolean", "", "", "", true, false),
            row("start_date:date", "", "", "", true, false),
            row("signed_on:date", "%d/%m/%Y", "buddhist", "", true, false),
            row("reported_on:date", "", "buddhist", "", true, false),
            row("fiscal_year:year", "", "buddhist", "", true, false),
            row("note:string", "", "", "", false, false),
        ]
    );
    assert!(toml_text.contains("primaryKey = [\"project_id\"]"), "{toml_text}");
    assert!(toml_text.contains("name = \"budget\"\ntype = \"integer\"\ngroupChar = \",\"\ntitle = { th = \"\", en = \"\" }   # TODO"), "{toml_text}");
    assert!(toml_text.contains("data_category = \"public\""));
}

/// A far-future "no end" date (9999-12-31) or a spreadsheet's day zero (1900-01-01) says
/// nothing of a column's era: its other years do, for dates and years alike.
/// see: contracts.csv with end dates 2024-12-31, 9999-12-31, 2025-09-30 was declared
/// `calendar = "buddhist"`, and every date published 543 years early.
#[test]
fn infer_reads_the_era_from_the_years_and_not_from_sentinels() {
    let f = Fixture::new();
    let csv = f.write(
        "in/contracts.csv",
        "contract_id,start_date,end_date,signed_on,fiscal_year\n\
         C-001,2024-01-01,2024-12-31,01/10/2567,2568\n\
         C-002,1900-01-01,9999-12-31,15/11/2567,9999\n\
         C-003,2023-10-01,2025-09-30,31/12/9999,2568\n",
    );
    let out = f.sala(&["infer", csv.to_str().unwrap(), "--dataset", "contracts"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("note:"), "{}", text(&out));
    let toml_text = std::fs::read_to_string(f.root().join("datasets/contracts/dataset.toml")).unwrap();
    let row = |nt: &str, format: &str, cal: &str| (nt.to_string(), format.to_string(), cal.to_string(), String::new(), true, false);
    assert_eq!(
        inferred_fields(&toml_text),
        [
            ("contract_id:string".to_string(), String::new(), String::new(), String::new(), true, true),
            row("start_date:date", "", ""),
            row("end_date:date", "", ""),
            row("signed_on:date", "%d/%m/%Y", "buddhist"),
            row("fiscal_year:year", "", "buddhist"),
        ]
    );
    let out = f.sala(&["check", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(summary(&json).iter().all(|d| d.2 == "datasets/contracts/dataset.toml"), "{json}");
}

/// A column whose years are of both eras is proposed in the era most of them are, and the
/// cells of the other era are named: one era is wrong for them, whichever is declared.
#[test]
fn infer_names_the_cells_of_a_column_whose_years_mix_the_two_eras() {
    let f = Fixture::new();
    let csv = f.write("in/reports.csv", "report_id,reported_on\nR1,2567-10-01\nR2,2567-11-15\nR3,2024-12-01\nR4,9999-12-31\n");
    let out = f.sala(&["infer", csv.to_str().unwrap(), "--dataset", "reports"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "note: column reported_on has years of both eras: it was proposed in the Buddhist era (calendar = \"buddhist\"), as most of its years are, but 1 cell(s) (row, value) look Christian-era: 4 \"2024-12-01\"; write every year of the column in one era and run infer again / \
         คอลัมน์ reported_on มีปีทั้งสองศักราช: เสนอเป็นพุทธศักราช (calendar = \"buddhist\") ตามปีส่วนใหญ่ แต่ 1 ช่องนี้ (แถว ค่า) ดูเป็นคริสต์ศักราช: 4 \"2024-12-01\"; แก้ให้ทุกปีในคอลัมน์เป็นศักราชเดียวกันแล้วรัน infer ใหม่\n"
    );
    let toml_text = std::fs::read_to_string(f.root().join("datasets/reports/dataset.toml")).unwrap();
    assert_eq!(inferred_fields(&toml_text)[1].2, "buddhist", "{toml_text}");
}

#[test]
fn infer_flags_personal_data_and_check_then_blocks_publishing() {
    let f = Fixture::new();
    let out = f.sala(&["infer", fixture("residents.csv").to_str().unwrap(), "--dataset", "residents"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "warning: column ref may hold personal data (อาจเป็นข้อมูลส่วนบุคคล): Thai national id numbers / เลขประจำตัวประชาชน\n\
         warning: column first_name may hold personal data (อาจเป็นข้อมูลส่วนบุคคล): a person's name / ชื่อบุคคล\n\
         warning: column mobile may hold personal data (อาจเป็นข้อมูลส่วนบุคคล): a phone number / หมายเลขโทรศัพท์\n"
    );
    let toml_text = std::fs::read_to_string(f.root().join("datasets/residents/dataset.toml")).unwrap();
    assert!(toml_text.contains("data_category = \"personal\"\n"), "{toml_text}");
    let out = f.sala(&["check", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(summary(&json).contains(&diag(
        "not-public",
        "error",
        "datasets/residents/dataset.toml",
        "the dataset's data_category is not public, so it cannot be published"
    )));
}

/// Thai column names of personal data are flagged as the English ones are; a bare ชื่อ is a
/// person's name beside a surname or a title column.
/// see: a register headed คำนำหน้า, ชื่อ, นามสกุล, ที่อยู่, วันเดือนปีเกิด was written
/// data_category = "public" without a warning, while the same columns in English were flagged.
#[test]
fn infer_flags_thai_named_personal_data() {
    let f = Fixture::new();
    let csv = f.write(
        "in/register.csv",
        "ลำดับ,คำนำหน้า,ชื่อ,นามสกุล,ชื่อ - สกุล,ที่อยู่,วันเดือนปีเกิด,วันเกิด,เลขประจำตัวประชาชน,เบอร์โทรศัพท์,เบอร์โทร,อีเมล,อำเภอ\n\
         1,นาย,สมชาย,ใจดี,สมชาย ใจดี,99/1 หมู่ 3,12/05/2510,12/05/2510,ไม่ระบุ,ไม่ระบุ,ไม่ระบุ,ไม่ระบุ,เมืองเชียงใหม่\n\
         2,นางสาว,มาลี,รักดี,มาลี รักดี,45 หมู่ 7,30/09/2535,30/09/2535,ไม่ระบุ,ไม่ระบุ,ไม่ระบุ,ไม่ระบุ,สารภี\n",
    );
    let out = f.sala(&["infer", csv.to_str().unwrap(), "--dataset", "register"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let flagged = |column: &str, why: &str| format!("warning: column {column} may hold personal data (อาจเป็นข้อมูลส่วนบุคคล): {why}\n");
    let expected = [
        flagged("คำนำหน้า", "a person's title / คำนำหน้าชื่อ"),
        flagged("ชื่อ", "a person's name, beside a surname or a title / ชื่อบุคคล (คู่กับนามสกุลหรือคำนำหน้าชื่อ)"),
        flagged("นามสกุล", "a person's name / ชื่อบุคคล"),
        flagged("ชื่อ - สกุล", "a person's name / ชื่อบุคคล"),
        flagged("ที่อยู่", "an address / ที่อยู่"),
        flagged("วันเดือนปีเกิด", "a date of birth / วันเกิด"),
        flagged("วันเกิด", "a date of birth / วันเกิด"),
        flagged("เลขประจำตัวประชาชน", "a citizen id / เลขประจำตัวประชาชน"),
        flagged("เบอร์โทรศัพท์", "a phone number / หมายเลขโทรศัพท์"),
        flagged("เบอร์โทร", "a phone number / หมายเลขโทรศัพท์"),
        flagged("อีเมล", "an e-mail address / อีเมล"),
    ]
    .concat();
    assert_eq!(String::from_utf8_lossy(&out.stderr), expected);
    let toml_text = std::fs::read_to_string(f.root().join("datasets/register/dataset.toml")).unwrap();
    assert!(toml_text.contains("data_category = \"personal\"\n"), "{toml_text}");
}

/// Values say it too: a column of titles (นาย, นางสาว, ด.ญ.) whatever its name, with the
/// bare ชื่อ beside it, and names written after a title.
#[test]
fn infer_flags_columns_of_titles_and_of_titled_names() {
    let f = Fixture::new();
    let csv = f.write(
        "in/grants.csv",
        "ลำดับ,คำ,ชื่อ,ผู้รับทุน,อำเภอ\n1,นาย,สมชาย,นายสมชาย ใจดี,เมือง\n2,นางสาว,มาลี,นางสาวมาลี รักดี,สารภี\n3,ด.ญ.,ก้อย,ด.ญ.ก้อย มีสุข,สารภี\n",
    );
    let out = f.sala(&["infer", csv.to_str().unwrap(), "--dataset", "grants"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "warning: column คำ may hold personal data (อาจเป็นข้อมูลส่วนบุคคล): persons' titles (นาย, นางสาว…) / คำนำหน้าชื่อบุคคล\n\
         warning: column ชื่อ may hold personal data (อาจเป็นข้อมูลส่วนบุคคล): a person's name, beside a surname or a title / ชื่อบุคคล (คู่กับนามสกุลหรือคำนำหน้าชื่อ)\n\
         warning: column ผู้รับทุน may hold personal data (อาจเป็นข้อมูลส่วนบุคคล): persons' names after a title (นาย, นางสาว…) / ชื่อบุคคลที่มีคำนำหน้าชื่อ\n"
    );
}

/// The names of agencies, projects, provinces and indicators, an agency's address and e-mail,
/// a currency and a count of dwellings are no personal data; nor is a bare ชื่อ with no
/// surname or title beside it, nor a column of positions (นายกเทศมนตรี…).
#[test]
fn infer_does_not_flag_thai_names_of_agencies_projects_and_places() {
    let f = Fixture::new();
    let csv = f.write(
        "in/projects.csv",
        "รหัส,ชื่อ,ชื่อหน่วยงาน,ชื่อโครงการ,ชื่อจังหวัด,ชื่อตัวชี้วัด,ที่อยู่หน่วยงาน,อีเมลหน่วยงาน,สกุลเงิน,จำนวนที่อยู่อาศัย,ตำแหน่ง\n\
         A1,ถนนสายหนึ่ง,กรมทางหลวง,ถนนสายหนึ่ง,น่าน,ระยะทาง,1 ถ.ศรีอยุธยา,info@doh.go.th,บาท,1200,นายกเทศมนตรีตำบล บ้านนา\n\
         A2,สะพานหนึ่ง,กรมทางหลวงชนบท,สะพานหนึ่ง,แพร่,จำนวนสะพาน,2 ถ.พระราม 6,info@drr.go.th,บาท,800,นายกเทศมนตรีตำบล บ้านไร่\n",
    );
    let out = f.sala(&["infer", csv.to_str().unwrap(), "--dataset", "projects"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let toml_text = std::fs::read_to_string(f.root().join("datasets/projects/dataset.toml")).unwrap();
    assert!(toml_text.contains("data_category = \"public\""), "{toml_text}");
}

#[test]
fn infer_reads_windows_874_files_and_declares_the_encoding() {
    let f = Fixture::new();
    let (bytes, _, _) = encoding_rs::WINDOWS_874.encode("code,name\nA1,กรุงเทพมหานคร\nA2,เชียงใหม่\n");
    let csv = f.write("legacy.csv", bytes);
    let out = f.sala(&["infer", csv.to_str().unwrap(), "--dataset", "legacy"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let toml_text = std::fs::read_to_string(f.root().join("datasets/legacy/dataset.toml")).unwrap();
    assert!(toml_text.contains("encoding = \"windows-874\"\n"), "{toml_text}");
    let out = f.sala(&["check", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    // Only the metadata to fill in: no encoding warning, no type errors.
    assert!(summary(&json).iter().all(|d| d.2 == "datasets/legacy/dataset.toml"), "{json}");
}

#[test]
fn infer_refuses_a_file_already_in_the_dataset() {
    let f = Fixture::new();
    let csv = fixture("projects.csv");
    assert_eq!(f.sala(&["infer", csv.to_str().unwrap()]).status.code(), Some(0));
    let out = f.sala(&["infer", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("datasets/projects/projects.csv already exists"), "{}", text(&out));
}

// The newcomer's mistakes, each with its exact message and one-sentence fix.

/// (message, help) in English of the only diagnostic `check` reports.
fn only_problem(f: &Fixture) -> (String, String, String) {
    let out = f.sala(&["check", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let all = json["diagnostics"].as_array().unwrap();
    assert_eq!(all.len(), 1, "{json}");
    let d = &all[0];
    (d["code"].as_str().unwrap().into(), d["message"]["en"].as_str().unwrap().into(), d["help"]["en"].as_str().unwrap().into())
}

const SIMPLE: &str = "[[resources.schema.fields]]\nname = \"id\"\ntype = \"integer\"\n";

#[test]
fn mistake_missing_site_toml() {
    let dir = tempfile::tempdir().unwrap();
    let out = sala_in(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error[missing-site-config]: ไม่พบ site.toml ใน {dir}: สั่ง sala ในโฟลเดอร์ของพอร์ทัล (โฟลเดอร์ที่มี site.toml) ระบุ --root DIR หรือสร้างพอร์ทัลใหม่ด้วย `sala init DIR` / no site.toml in {dir}: run `sala build` in a portal folder (one with site.toml), pass --root DIR, or create a portal with `sala init DIR`\n",
            dir = dir.path().canonicalize().unwrap().display()
        )
    );
}

#[test]
fn mistake_unknown_agency_code() {
    let f = Fixture::new();
    f.dataset("d", SIMPLE, "id\n1\n");
    let toml = std::fs::read_to_string(f.root().join("datasets/d/dataset.toml")).unwrap();
    f.write("datasets/d/dataset.toml", toml.replace("agency = \"TEST\"", "agency = \"TSET\""));
    assert_eq!(
        only_problem(&f),
        (
            "unknown-agency".into(),
            "the agency code \"TSET\" is not in the agency registry".into(),
            "use a code from the code column of datasets/agencies/agencies.csv, or add the agency to the registry first".into()
        )
    );
}

#[test]
fn mistake_resource_path_that_does_not_exist() {
    let f = Fixture::new();
    f.dataset("d", SIMPLE, "id\n1\n");
    let toml = std::fs::read_to_string(f.root().join("datasets/d/dataset.toml")).unwrap();
    f.write("datasets/d/dataset.toml", toml.replace("path = \"data.csv\"", "path = \"Data.csv\""));
    assert_eq!(
        only_problem(&f),
        (
            "missing-file".into(),
            "the file \"Data.csv\" is not in the dataset's folder".into(),
            "check the file name's spelling (capitals matter) or add the file to the folder".into()
        )
    );
}

#[test]
fn mistake_schema_field_not_in_the_csv() {
    let f = Fixture::new();
    f.dataset("d", &format!("{SIMPLE}\n[[resources.schema.fields]]\nname = \"amount\"\ntype = \"number\"\n"), "id,amuont\n1,2\n");
    let out = f.sala(&["check", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "missing-label");
    assert_eq!(d["message"]["en"], "the schema has a field \"amount\" (field 2) but the CSV has no column of that name");
    // Numbered where the schema puts it, as frictionless numbers a missing label.
    assert_eq!(d["location"]["column_number"], 2);
    assert_eq!(d["help"]["en"], "add the column to the CSV, or rename the schema field to match the header exactly (capitals matter)");
}

#[test]
fn mistake_toml_syntax_error_with_line_and_column() {
    let f = Fixture::new();
    f.dataset("d", SIMPLE, "id\n1\n");
    let toml = std::fs::read_to_string(f.root().join("datasets/d/dataset.toml")).unwrap();
    f.write("datasets/d/dataset.toml", toml.replace("license = \"CC-BY-4.0\"", "license = CC-BY-4.0"));
    let out = f.sala(&["check", "--format", "concise", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("datasets/d/dataset.toml:4:11: error[metadata-error] dataset.toml is not valid: "), "{stdout}");
    let (code, _, help) = only_problem(&f);
    assert_eq!(code, "metadata-error");
    assert_eq!(help, "fix the line shown following docs/formats.md (keys spelt right, text in double quotes)");
}

#[test]
fn the_demo_and_new_portals_ship_the_pull_request_workflow() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let workflow = std::fs::read_to_string(repo.join(".github/workflows/sala.yml")).unwrap();
    assert!(workflow.contains("on:\n  pull_request:\n  push:\n    branches: [main]\n"), "{workflow}");
    assert!(workflow.contains("run: sala check --format github\n"));
    assert!(workflow.contains("run: sala build\n"));
    assert!(workflow.contains("uses: actions/deploy-pages@v4"));
    let (_tmp, root) = new_portal();
    assert_eq!(std::fs::read_to_string(root.join(".github/workflows/sala.yml")).unwrap(), workflow);
}

#[test]
fn the_build_summary_counts_everything_and_ci_logs_have_no_progress_bars() {
    let f = Fixture::new();
    f.dataset("d", SIMPLE, "id\n1\n2\n3\n");
    let out = f.sala(&["build", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(0));
    // stderr is a pipe here, as in CI: no bars, no escape codes.
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let public = f.root().join("public");
    // Everything but the marker that tells the next build the folder is Sala's.
    let files: Vec<String> = common::files_under(&public).into_iter().filter(|f| f != ".sala-output").collect();
    let pages = files.iter().filter(|p| p.ends_with(".html")).count();
    let bytes: u64 = files.iter().map(|p| std::fs::metadata(public.join(p)).unwrap().len()).sum();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let expected_start = format!(
        "Built the site: 2 datasets, 5 rows, {pages} pages, {} files ({:.1} MB) in ",
        files.len(),
        bytes as f64 / 1e6
    );
    assert!(stdout.starts_with(&expected_start), "{stdout}\nexpected {expected_start}");
    assert!(stdout.contains(" s, 0 warnings → "), "{stdout}");

    // A warning is counted.
    f.dataset("e", SIMPLE, "id\n 4\n");
    let out = f.sala(&["build", "--lang", "en"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains(" s, 1 warnings → "), "{}", text(&out));
}

#[test]
fn infer_declares_dash_as_a_missing_value_so_the_column_stays_numeric() {
    let f = Fixture::new();
    let csv = f.write("counts.csv", "district,count,share\nA,12,0.5\nB,-,-\nC,7,N/A\n");
    let out = f.sala(&["infer", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let toml_text = std::fs::read_to_string(f.root().join("datasets/counts/dataset.toml")).unwrap();
    assert!(toml_text.contains("missingValues = [\"\", \"-\", \"N/A\"]"), "{toml_text}");
    let fields: Vec<String> = inferred_fields(&toml_text).into_iter().map(|f| f.0).collect();
    assert_eq!(fields, ["district:string", "count:integer", "share:number"]);
    // An Excel "Comma Style" zero is written `-`: the person is told those cells become nulls.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("note: column count has 1 cell(s) written \"-\", read as \"no value\" (missingValues): if they are zeros shown in Excel's Comma Style, write 0 in the file"), "{stderr}");
    assert!(stderr.contains("note: column share has 1 cell(s) written \"-\""), "{stderr}");
    let out = f.sala(&["check", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(summary(&json).iter().all(|d| d.2 == "datasets/counts/dataset.toml"), "{json}");
}

#[test]
fn every_page_has_an_icon_and_a_link_preview_and_the_logo_must_exist() {
    let f = Fixture::new();
    f.dataset("d", SIMPLE, "id\n1\n");
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let page = std::fs::read_to_string(f.root().join("public/en/datasets/d/index.html")).unwrap();
    for tag in [
        "<link href=/static/favicon.svg rel=icon>",
        "<meta content=\"Dataset d\" property=og:title>",
        "<meta content=https://data.example.go.th/en/datasets/d/ property=og:url>",
        "<meta content=en_US property=og:locale>",
    ] {
        assert!(page.contains(tag), "{tag} missing");
    }
    assert!(f.root().join("public/static/favicon.svg").is_file());
    // Thai type is shipped, not left to whatever the reader's machine has.
    let css = std::fs::read_to_string(f.root().join("public/static/style.css")).unwrap();
    for font in ["sarabun-thai-400-normal.woff2", "sarabun-thai-700-normal.woff2", "sarabun-latin-400-normal.woff2"] {
        assert!(css.contains(&format!("url(fonts/{font})")), "{font}");
        let bytes = std::fs::read(f.root().join("public/static/fonts").join(font)).unwrap();
        assert!(bytes.starts_with(b"wOF2") && bytes.len() < 16_000, "{font}: a small WOFF2 subset");
    }
    let site = std::fs::read_to_string(f.root().join("site.toml")).unwrap();
    f.write("site.toml", format!("logo = \"emblem.svg\"\n{site}"));
    let out = f.sala(&["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("logo = \"emblem.svg\" is not a file in themes/default/static/"), "{}", text(&out));
    f.write("themes/default/static/emblem.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let home = std::fs::read_to_string(f.root().join("public/index.html")).unwrap();
    assert!(home.contains("<img alt height=40 src=/static/emblem.svg width=40>"), "the emblem is beside the name");
    assert!(home.contains("<meta content=https://data.example.go.th/static/emblem.svg property=og:image>"));
}
