//! Builds small portals in temporary folders and runs the `sala` binary on them.
#![allow(dead_code)]

pub mod portal;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A portal in a temporary folder: site.toml and an agency registry with two agencies.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

pub const AGENCIES_TOML: &str = r#"
title = { th = "ทะเบียนหน่วยงาน", en = "Agency registry" }
description = { th = "หน่วยงาน", en = "Agencies" }
agency = "TEST"
license = "CC-BY-4.0"
modified = 2025-01-31

[[resources]]
name = "agencies"
path = "agencies.csv"
schema = "schema.json"
"#;

pub const AGENCIES_SCHEMA: &str = r#"{
  "fields": [
    {"name": "code", "type": "string", "constraints": {"required": true, "unique": true}},
    {"name": "name_th", "type": "string"}, {"name": "name_en", "type": "string"},
    {"name": "parent", "type": "string"}, {"name": "form", "type": "string"},
    {"name": "website", "type": "string"}
  ],
  "primaryKey": "code"
}"#;

pub const AGENCIES_CSV: &str = "code,name_th,name_en,parent,form,website\nMIN,กระทรวงทดสอบ,Ministry of Tests,,ministry,https://min.example.go.th\nTEST,กรมทดสอบ,Department of Tests,MIN,department,https://test.example.go.th\n";

impl Fixture {
    /// A portal with site.toml and the agency registry.
    pub fn new() -> Fixture {
        let f = Fixture { dir: tempfile::tempdir().unwrap() };
        f.write(
            "site.toml",
            "title = { th = \"พอร์ทัลทดสอบ\", en = \"Test portal\" }\nbase_url = \"https://data.example.go.th/\"\n[contact]\nemail = \"opendata@example.go.th\"\n",
        );
        f.write("datasets/agencies/dataset.toml", AGENCIES_TOML);
        f.write("datasets/agencies/schema.json", AGENCIES_SCHEMA);
        f.write("datasets/agencies/agencies.csv", AGENCIES_CSV);
        f
    }

    /// The portal folder.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders).
    pub fn write(&self, path: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.root().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, contents).unwrap();
        p
    }

    /// Adds a dataset with one resource `data` read from `data.csv` and an inline schema
    /// given as TOML `[[resources.schema.fields]]` tables (and any other schema keys).
    pub fn dataset(&self, id: &str, schema_toml: &str, csv: impl AsRef<[u8]>) {
        let toml = format!(
            "title = {{ th = \"ชุดข้อมูล {id}\", en = \"Dataset {id}\" }}\ndescription = {{ th = \"คำอธิบาย\", en = \"Description\" }}\nagency = \"TEST\"\nlicense = \"CC-BY-4.0\"\nmodified = 2025-02-01\n\n[[resources]]\nname = \"data\"\npath = \"data.csv\"\n\n[resources.schema]\n{schema_toml}\n"
        );
        self.write(&format!("datasets/{id}/dataset.toml"), toml);
        self.write(&format!("datasets/{id}/data.csv"), csv);
    }

    /// Runs `sala <args> --root <portal>` with English messages and no colour.
    pub fn sala(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sala"));
        // A fixed build date (2026-01-01), so that freshness and project states do not change
        // with the day the tests run.
        cmd.args(args).arg("--root").arg(self.root()).env("NO_COLOR", "1").env("SOURCE_DATE_EPOCH", "1767225600");
        cmd.output().unwrap()
    }
}

/// Standard output and error as one string.
pub fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// Every file under `dir`, as paths relative to it with `/`.
pub fn files_under(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"))
        .collect();
    files.sort();
    files
}

/// Metadata of a dataset that fills every catalog field: themes, tags, dates, frequency,
/// statistics, contact.
pub const FULL_METADATA: &str = r#"
title = { th = "งบประมาณทดสอบ", en = "Test budget" }
description = { th = "งบประมาณรายปีของกรมทดสอบ", en = "Annual budget of the Department of Tests" }
agency = "TEST"
themes = ["budget", "finance"]
tags = { th = ["งบประมาณ", "ทดสอบ"], en = ["budget", "test"] }
license = "CC-BY-4.0"
frequency = "annual"
issued = 2024-10-01
modified = 2025-10-15
data_type = "statistical"
geo_coverage = { th = "ประเทศ", en = "Country" }
language = ["th", "en"]

[contact]
name = { th = "กลุ่มงานข้อมูล", en = "Data Unit" }
email = "data@test.example.go.th"

[statistics]
years = "2566-2568"

[[resources]]
name = "budget"
path = "budget.csv"
title = { th = "งบประมาณ", en = "Budget" }

[resources.schema]
primaryKey = "fiscal_year"

[[resources.schema.fields]]
name = "fiscal_year"
type = "integer"
title = { th = "ปีงบประมาณ", en = "Fiscal year" }
constraints = { required = true, unique = true, minimum = 2560 }

[[resources.schema.fields]]
name = "amount"
type = "number"
title = { th = "จำนวนเงิน (บาท)", en = "Amount (baht)" }
groupChar = ","

[[resources.schema.fields]]
name = "office"
type = "geopoint"
title = { th = "ที่ตั้งสำนักงาน (ละติจูด,ลองจิจูด)", en = "Office location (lat,lon)" }
"#;

/// The schema of the large dataset: every type that Parquet must keep.
pub const LARGE_SCHEMA: &str = r#"
primaryKey = "id"
[[resources.schema.fields]]
name = "id"
type = "integer"
constraints = { required = true, unique = true }
[[resources.schema.fields]]
name = "day"
type = "date"
format = "%d/%m/%Y"
[[resources.schema.fields]]
name = "amount"
type = "number"
[[resources.schema.fields]]
name = "paid"
type = "boolean"
[[resources.schema.fields]]
name = "note"
type = "string"
[[resources.schema.fields]]
name = "fy"
type = "year"
[[resources.schema.fields]]
name = "at"
type = "datetime"
"#;

/// How many rows the large dataset has: three pages of paged JSON (1,000 + 1,000 + 345).
pub const LARGE_ROWS: usize = 2345;

/// A portal for the machine-readable outputs: `budget` with full metadata (modified
/// 2025-10-15) and `large` with 2,345 rows of dates, numbers, booleans, text and gaps.
pub fn machine_fixture() -> Fixture {
    let f = Fixture::new();
    f.write("datasets/budget/dataset.toml", FULL_METADATA);
    f.write("datasets/budget/budget.csv", "fiscal_year,amount,office\n2566,\"1,250,000.50\",\"100.5018,13.7563\"\n2567,1300000,\"100.5018,13.7563\"\n2568,,\n");
    let mut csv = String::from("id,day,amount,paid,note,fy,at\n");
    for i in 1..=LARGE_ROWS {
        let note = match i % 7 {
            0 => String::new(),
            1 => "\"ค่าใช้จ่าย, งวดที่ 1\"".to_string(),
            _ => format!("row {i}"),
        };
        let (day, month, paid) = (i % 28 + 1, i % 12 + 1, if i % 2 == 0 { "true" } else { "false" });
        csv.push_str(&format!("{i},{day:02}/{month:02}/2024,{}.25,{paid},{note},{},2024-{month:02}-{day:02}T{:02}:30:00\n", i * 3, 2560 + i % 9, i % 24));
    }
    f.dataset("large", LARGE_SCHEMA, csv);
    f
}

/// The repository's root (the demo portal).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The demo portal built once per test binary into a temporary folder; its `public/`.
pub fn demo_public() -> PathBuf {
    static OUT: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    OUT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let built = sala::build(&repo_root(), Some(&dir.path().join("public"))).unwrap();
        assert!(built.published.is_some(), "the demo has errors: {:#?}", built.report.diagnostics);
        dir
    })
    .path()
    .join("public")
}

/// A file of the built demo, as text.
pub fn read_demo(path: &str) -> String {
    std::fs::read_to_string(demo_public().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}
