//! `sala check`: each rule gives its exact diagnostic (code, row as a spreadsheet counts it,
//! column), and the exit code tells CI whether the data may be published.

mod common;

use common::{Fixture, text};
use serde_json::Value;

const FIELDS: &str = r#"
primaryKey = ["year", "code"]
[[resources.schema.fields]]
name = "year"
type = "integer"
constraints = { required = true, minimum = 2560, maximum = 2600 }
[[resources.schema.fields]]
name = "code"
type = "string"
constraints = { required = true, pattern = "[A-Z]{2}-\\d{3}" }
[[resources.schema.fields]]
name = "kind"
type = "string"
constraints = { enum = ["web", "hotline"] }
[[resources.schema.fields]]
name = "amount"
type = "number"
constraints = { minimum = 0 }
[[resources.schema.fields]]
name = "opened"
type = "date"
[[resources.schema.fields]]
name = "online"
type = "boolean"
[[resources.schema.fields]]
name = "ref"
type = "string"
constraints = { unique = true }
"#;

const HEADER: &str = "year,code,kind,amount,opened,online,ref\n";
const GOOD_ROW: &str = "2567,AB-001,web,1500.5,2024-10-01,true,r1\n";

/// The JSON diagnostics of `sala check` on a dataset with `rows` after the header.
fn diagnostics(rows: &str) -> (i32, Vec<Value>) {
    let f = Fixture::new();
    f.dataset("d", FIELDS, format!("{HEADER}{GOOD_ROW}{rows}"));
    let out = f.sala(&["check", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
    (out.status.code().unwrap(), json["diagnostics"].as_array().unwrap().clone())
}

/// The single diagnostic for `row`, as (code, row, column, value, rule).
fn single(row: &str) -> (String, u64, String, String, String) {
    let (code, diags) = diagnostics(row);
    assert_eq!(code, 1, "{diags:#?}");
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d["location"]["file"], "datasets/d/data.csv");
    (
        d["code"].as_str().unwrap().to_string(),
        d["location"]["row"].as_u64().unwrap(),
        d["location"]["column"].as_str().unwrap_or("").to_string(),
        d["value"].as_str().unwrap_or("").to_string(),
        d["rule"].as_str().unwrap_or("").to_string(),
    )
}

fn owned(code: &str, row: u64, col: &str, value: &str, rule: &str) -> (String, u64, String, String, String) {
    (code.into(), row, col.into(), value.into(), rule.into())
}

/// `sala infer` on `csv`, written as `in/<file>`, into the dataset `id`.
fn infer_csv(f: &Fixture, file: &str, csv: &str, id: &str) -> std::process::Output {
    let path = f.write(&format!("in/{file}"), csv);
    f.sala(&["infer", path.to_str().unwrap(), "--dataset", id])
}

/// `sala infer` as [`infer_csv`], which must succeed: the dataset.toml it wrote.
fn inferred_toml(f: &Fixture, file: &str, csv: &str, id: &str) -> String {
    inferred_text(f, file, csv, id);
    std::fs::read_to_string(f.root().join(format!("datasets/{id}/dataset.toml"))).unwrap()
}

/// `sala infer` as [`infer_csv`], which must succeed: what it printed (its notes).
fn inferred_text(f: &Fixture, file: &str, csv: &str, id: &str) -> String {
    let out = infer_csv(f, file, csv, id);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    text(&out)
}

/// `sala build`, which must succeed: the CSV published for the dataset `id`'s resource `data`.
fn built_csv(f: &Fixture, id: &str) -> String {
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    std::fs::read_to_string(f.root().join(format!("public/datasets/{id}/data.csv"))).unwrap()
}

/// The `[[resources.schema.fields]]` table of the field `name` in a dataset.toml's text.
fn schema_field(toml: &str, name: &str) -> String {
    toml.split("[[resources.schema.fields]]").find(|t| t.contains(&format!("name = \"{name}\""))).unwrap_or_else(|| panic!("no field {name}: {toml}")).to_string()
}

/// `sala check --format json` on the portal: its exit code, and its errors.
fn check_errors(f: &Fixture) -> (Option<i32>, Vec<Value>) {
    let out = f.sala(&["check", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
    (out.status.code(), json["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] == "error").cloned().collect())
}

#[test]
fn clean_data_passes_with_exit_code_zero() {
    let (code, diags) = diagnostics("2568,AB-002,hotline,0,2025-01-31,false,r2\n");
    assert_eq!((code, diags.len()), (0, 0), "{diags:#?}");
}

#[test]
fn a_word_in_an_integer_column_is_a_type_error_at_its_row_and_column() {
    assert_eq!(single("25x7,AB-002,web,1,2024-10-01,true,r2\n"), owned("type-error", 3, "year", "25x7", "type = integer"));
}

#[test]
fn number_date_and_boolean_types_are_checked() {
    assert_eq!(single("2567,AB-002,web,1.2.3,2024-10-01,true,r2\n"), owned("type-error", 3, "amount", "1.2.3", "type = number"));
    assert_eq!(single("2567,AB-002,web,1,2024-13-01,true,r2\n"), owned("type-error", 3, "opened", "2024-13-01", "type = date"));
    assert_eq!(single("2567,AB-002,web,1,2024-10-01,maybe,r2\n"), owned("type-error", 3, "online", "maybe", "type = boolean"));
}

#[test]
fn an_empty_required_cell_is_a_constraint_error() {
    assert_eq!(single("2567,,web,1,2024-10-01,true,r2\n"), owned("constraint-error", 3, "code", "", "required"));
}

#[test]
fn minimum_maximum_enum_and_pattern_are_constraint_errors() {
    assert_eq!(single("2567,AB-002,web,-5,2024-10-01,true,r2\n"), owned("constraint-error", 3, "amount", "-5", "minimum = 0"));
    assert_eq!(single("2700,AB-002,web,1,2024-10-01,true,r2\n"), owned("constraint-error", 3, "year", "2700", "maximum = 2600"));
    assert_eq!(single("2567,AB-002,fax,1,2024-10-01,true,r2\n"), owned("constraint-error", 3, "kind", "fax", "enum = [web, hotline]"));
    assert_eq!(single("2567,AB-2,web,1,2024-10-01,true,r2\n"), owned("constraint-error", 3, "code", "AB-2", "pattern = [A-Z]{2}-\\d{3}"));
}

#[test]
fn a_repeated_unique_value_names_the_row_it_repeats() {
    let (code, diags) = diagnostics("2567,AB-002,web,1,2024-10-01,true,r9\n2567,AB-003,web,1,2024-10-01,true,r9\n");
    assert_eq!(code, 1);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["code"], "unique-error");
    assert_eq!(diags[0]["location"]["row"], 4);
    assert_eq!(diags[0]["message"]["en"], "\"r9\" repeats row 3");
}

#[test]
fn a_repeated_primary_key_is_reported_on_the_later_row() {
    let (code, diags) = diagnostics("2567,AB-001,hotline,1,2024-10-01,true,r2\n");
    assert_eq!(code, 1);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["code"], "primary-key");
    assert_eq!(diags[0]["location"]["row"], 3);
    assert_eq!(diags[0]["value"], "2567, AB-001");
    assert_eq!(diags[0]["message"]["en"], "the primary key (year, code) repeats row 2");
}

#[test]
fn a_primary_key_compares_values_however_the_file_is_read() {
    // 02567 is the year 2567: the same key, whether Polars typed the column while parsing
    // (a clean file) or the text was read as text (a space at a cell's edge elsewhere).
    for (row, read_as_text) in [("02567,AB-001,hotline,1,2024-10-01,true,r2\n", false), ("02567,AB-001,hotline,1,2024-10-01,true,r2 \n", true)] {
        let (code, diags) = diagnostics(row);
        assert_eq!(code, 1);
        let key: Vec<&Value> = diags.iter().filter(|d| d["code"] == "primary-key").collect();
        assert_eq!(key.len(), 1, "{diags:#?}");
        assert_eq!((&key[0]["location"]["row"], &key[0]["value"]), (&Value::from(3), &Value::from("02567, AB-001")));
        assert_eq!(diags.len(), if read_as_text { 2 } else { 1 }, "{diags:#?}");
    }
}

#[test]
fn the_human_report_names_file_row_column_value_and_rule() {
    let f = Fixture::new();
    f.dataset("d", FIELDS, format!("{HEADER}{GOOD_ROW}2567,AB-002,web,abc,2024-10-01,true,r2\n"));
    let out = f.sala(&["check", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out);
    assert!(report.contains("datasets/d/data.csv"), "{report}");
    assert!(report.contains("error[type-error] row 3, column D (amount): \"abc\" is not a valid number"), "{report}");
    assert!(report.contains("value: \"abc\""), "{report}");
    assert!(report.contains("rule: type = number"), "{report}");
    assert!(report.contains("fix: "), "{report}");
    assert!(report.contains("1 error(s), 0 warning(s)"), "{report}");
}

#[test]
fn messages_default_to_thai() {
    let f = Fixture::new();
    f.dataset("d", FIELDS, format!("{HEADER}{GOOD_ROW}2567,AB-002,web,abc,2024-10-01,true,r2\n"));
    let report = text(&f.sala(&["check"]));
    assert!(report.contains("แถว 3, คอลัมน์ D (amount): \"abc\" ไม่ใช่ตัวเลข"), "{report}");
}

#[test]
fn header_problems_name_the_column() {
    let f = Fixture::new();
    f.dataset("d", FIELDS, "year,code,kind,amount,opened,online,extra\n2567,AB-001,web,1,2024-10-01,true,x\n");
    let out = f.sala(&["check", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<(String, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap().to_string(), d["location"]["column"].as_str().unwrap_or("").to_string()))
        .collect();
    assert_eq!(codes, [("missing-label".to_string(), "ref".to_string()), ("extra-label".to_string(), "extra".to_string())]);
}

#[test]
fn an_unknown_agency_code_is_an_error_with_the_fix() {
    let f = Fixture::new();
    f.dataset("d", FIELDS, format!("{HEADER}{GOOD_ROW}"));
    let toml = std::fs::read_to_string(f.root().join("datasets/d/dataset.toml")).unwrap().replace("agency = \"TEST\"", "agency = \"NOPE\"");
    f.write("datasets/d/dataset.toml", toml);
    let out = f.sala(&["check", "--format", "concise", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "datasets/d/dataset.toml: error[unknown-agency] the agency code \"NOPE\" is not in the agency registry\n"
    );
}

#[test]
fn a_toml_mistake_names_its_line_and_column() {
    let f = Fixture::new();
    f.dataset("d", FIELDS, format!("{HEADER}{GOOD_ROW}"));
    let toml = std::fs::read_to_string(f.root().join("datasets/d/dataset.toml")).unwrap().replace("license = ", "licence = ");
    f.write("datasets/d/dataset.toml", toml);
    let out = f.sala(&["check", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "metadata-error");
    assert_eq!(d["location"]["row"], 4);
    assert_eq!(d["location"]["column_number"], 1);
    assert!(d["message"]["en"].as_str().unwrap().contains("unknown field `licence`"), "{d}");
}

#[test]
fn github_format_prints_workflow_annotations() {
    let f = Fixture::new();
    f.dataset("d", FIELDS, format!("{HEADER}{GOOD_ROW}2567,AB-002,web,abc,2024-10-01,true,r2\n"));
    let out = f.sala(&["check", "--format", "github", "--lang", "en"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("::error file=datasets/d/data.csv,line=3,col=4,title=type-error::row 3, column D (amount): \"abc\" is not a valid number%0Avalue: \"abc\"%0Afix: "),
        "{stdout}"
    );
    // A cell holding line breaks puts the rows below it lower in the file: the annotation is
    // on the line where the row begins, the message still names the row.
    f.dataset("d", FIELDS, format!("{HEADER}{GOOD_ROW}2567,AB-002,\"web\nand\ndesk\",1,2024-10-01,true,r2\n2567,AB-003,web,abc,2024-10-01,true,r3\n"));
    let out = f.sala(&["check", "--format", "github", "--lang", "en"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("::error file=datasets/d/data.csv,line=3,col=3,title=constraint-error::row 3, column C (kind): \"web%0Aand%0Adesk\""), "{stdout}");
    assert!(stdout.contains("\n::error file=datasets/d/data.csv,line=6,col=4,title=type-error::row 4, column D (amount): \"abc\""), "{stdout}");
}

#[test]
fn a_missing_site_toml_says_how_to_fix_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sala")).args(["check", "--root"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error[missing-site-config]: ไม่พบ site.toml ใน "), "{err}");
    assert!(err.contains(" / no site.toml in "), "{err}");
    assert!(err.contains("sala init DIR"), "{err}");
}

#[test]
fn only_the_first_instances_are_listed_but_all_are_counted() {
    let mut rows = String::new();
    for i in 0..120 {
        rows.push_str(&format!("bad,AB-{:03},web,1,2024-10-01,true,x{i}\n", i + 2));
    }
    let (code, diags) = diagnostics(&rows);
    assert_eq!(code, 1);
    assert_eq!(diags.len(), sala::diagnostic::LISTED_PER_FILE_AND_CODE);
    let f = Fixture::new();
    f.dataset("d", FIELDS, format!("{HEADER}{GOOD_ROW}{rows}"));
    let json: Value = serde_json::from_slice(&f.sala(&["check", "--format", "json"]).stdout).unwrap();
    assert_eq!(json["errors"], 120);
    assert_eq!(json["unlisted"][0]["count"], 70);
}

#[test]
fn a_foreign_key_to_another_dataset_names_the_missing_value_and_its_row() {
    let f = Fixture::new();
    f.dataset(
        "d",
        r#"foreignKeys = [{ fields = "agency", reference = { dataset = "agencies", resource = "agencies", fields = "code" } }]
[[resources.schema.fields]]
name = "agency"
type = "string"
[[resources.schema.fields]]
name = "amount"
type = "integer"
"#,
        "agency,amount\nTEST,1\nMIN,2\nTSET,3\n,4\n",
    );
    let json: Value = serde_json::from_slice(&f.sala(&["check", "--format", "json"]).stdout).unwrap();
    let diags = json["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["code"], "foreign-key");
    assert_eq!(diags[0]["location"]["row"], 4);
    assert_eq!(diags[0]["location"]["column"], "agency");
    // The target by the title people know it by, the row as the file has it.
    assert_eq!(diags[0]["message"]["en"], "\"TSET\" is not in \"Agency registry\" (code)");
    assert_eq!(diags[0]["message"]["th"], "ไม่พบ \"TSET\" ใน \"ทะเบียนหน่วยงาน\" (code)");
    assert_eq!(diags[0]["rule"], "foreignKeys agency → agencies/agencies (code)");
    assert_eq!(diags[0]["source"]["text"], "TSET,3");
}

/// A key whose target table is declared but cannot be read (its file named with the wrong
/// case) gets only the target's own error: it was also told that the target "does not exist"
/// and to point its foreignKeys elsewhere. A target that is not declared anywhere still is.
#[test]
fn a_foreign_key_to_a_table_that_cannot_be_read_defers_to_that_tables_error() {
    let f = Fixture::new();
    f.dataset("provinces", "[[resources.schema.fields]]\nname = \"code\"\ntype = \"string\"\n", "code\nTH-10\n");
    let toml = f.root().join("datasets/provinces/dataset.toml");
    std::fs::write(&toml, std::fs::read_to_string(&toml).unwrap().replace("path = \"data.csv\"", "path = \"DATA.csv\"")).unwrap();
    let fk = |dataset: &str| format!("foreignKeys = [{{ fields = \"province\", reference = {{ dataset = \"{dataset}\", resource = \"data\", fields = \"code\" }} }}]\n[[resources.schema.fields]]\nname = \"province\"\ntype = \"string\"\n");
    f.dataset("offices", &fk("provinces"), "province\nTH-10\n");
    f.dataset("schools", &fk("no-such-dataset"), "province\nTH-10\n");
    let json: Value = serde_json::from_slice(&f.sala(&["check", "--format", "json"]).stdout).unwrap();
    let found: Vec<(String, String)> = json["diagnostics"].as_array().unwrap().iter().map(|d| (d["location"]["file"].as_str().unwrap().to_string(), d["code"].as_str().unwrap().to_string())).collect();
    assert_eq!(found.iter().filter(|(file, _)| file.starts_with("datasets/offices")).count(), 0, "{json:#}");
    assert!(found.iter().any(|(file, _)| file.starts_with("datasets/provinces")), "{json:#}");
    assert!(found.contains(&("datasets/schools/dataset.toml".to_string(), "schema-error".to_string())), "{json:#}");
}

#[test]
fn a_composite_foreign_key_within_the_resource_is_checked() {
    let f = Fixture::new();
    f.dataset(
        "d",
        r#"foreignKeys = [{ fields = ["parent_year", "parent"], reference = { fields = ["year", "id"] } }]
[[resources.schema.fields]]
name = "year"
type = "integer"
[[resources.schema.fields]]
name = "id"
type = "string"
[[resources.schema.fields]]
name = "parent_year"
type = "integer"
[[resources.schema.fields]]
name = "parent"
type = "string"
"#,
        "year,id,parent_year,parent\n2567,a,,\n2567,b,2567,a\n2568,c,2568,a\n",
    );
    let json: Value = serde_json::from_slice(&f.sala(&["check", "--format", "json"]).stdout).unwrap();
    let diags = json["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!((diags[0]["code"].as_str(), diags[0]["location"]["row"].as_u64(), diags[0]["value"].as_str()), (Some("foreign-key"), Some(4), Some("2568, a")));
}

#[test]
fn the_fix_names_the_likely_slip_letters_for_digits_and_unannounced_separators() {
    let (_, diags) = diagnostics("2567,AB-002,web,\"12,5OO\",2024-10-01,true,r2\n2567,AB-003,web,\"21,905,000\",2024-10-01,true,r3\n");
    let help: Vec<&str> = diags.iter().map(|d| d["help"]["en"].as_str().unwrap()).collect();
    assert_eq!(
        help,
        [
            "the value has the letter O or l where the digit 0 or 1 was probably meant: type the digits",
            "the value has thousands separators: add groupChar = \",\" to the field, or write the number without commas, e.g. 21905000.50",
        ]
    );
}

#[test]
fn a_file_over_a_megabyte_is_checked_exactly_like_a_small_one() {
    // Large files are mapped and scanned in parts beside the parse: the planted problems are
    // still found at their exact rows, and nothing else is.
    let schema = r#"
[[resources.schema.fields]]
name = "id"
type = "integer"
constraints = { unique = true }
[[resources.schema.fields]]
name = "name"
type = "string"
[[resources.schema.fields]]
name = "amount"
type = "number"
constraints = { minimum = 0 }
"#;
    let mut csv = String::from("id,name,amount\n");
    for i in 0..40_000 {
        match i {
            20_000 => csv.push_str("20000,แผนงานพื้นฐาน,-1\n"),
            30_000 => csv.push_str("30000,แผนงานพื้นฐาน\n"),
            35_000 => csv.push_str("35000,โทร 081-234-5678,5\n"),
            _ => csv.push_str(&format!("{i},แผนงานพื้นฐาน,{}.50\n", i * 7)),
        }
    }
    assert!(csv.len() > 1 << 20);
    let f = Fixture::new();
    f.dataset("d", schema, csv);
    let out = f.sala(&["check", "--format", "json", "--lang", "en"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
    let found: Vec<(String, u64, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["location"]["row"].as_u64().unwrap(),
                d["location"]["column"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let mut found = found;
    found.sort_by_key(|d| d.1);
    assert_eq!(
        found,
        [
            ("constraint-error".to_string(), 20_002, "amount".to_string()),
            ("missing-cell".to_string(), 30_002, "amount".to_string()),
            ("personal-data".to_string(), 35_002, "name".to_string()),
        ]
    );
}

#[test]
fn a_missing_column_is_numbered_where_the_schema_puts_it() {
    let f = Fixture::new();
    f.dataset("d", FIELDS, "year,code,kind,opened,online,ref\n2567,AB-001,web,2024-10-01,true,r1\n");
    let out = f.sala(&["check", "--lang", "en"]);
    let report = text(&out);
    assert!(
        report.contains("error[missing-label] row 1, column D (amount): the schema has a field \"amount\" (field 4) but the CSV has no column of that name"),
        "{report}"
    );
}

#[test]
fn a_schema_error_names_its_file_and_the_rows_are_still_checked() {
    let f = Fixture::new();
    f.write(
        "datasets/d/dataset.toml",
        "title = { th = \"ก\", en = \"a\" }\ndescription = \"d\"\nagency = \"TEST\"\nlicense = \"CC-BY-4.0\"\n[[resources]]\nname = \"data\"\npath = \"data.csv\"\nschema = \"schema.json\"\n",
    );
    f.write(
        "datasets/d/schema.json",
        r#"{"fields": [{"name": "name", "type": "string", "constraints": {"minimum": "a"}},
                      {"name": "at", "type": "datetime", "constraints": {"minimum": "2024-01-01T00:00:00"}}]}"#,
    );
    f.write("datasets/d/data.csv", "name,at\nb,2023-06-01T00:00:00\n");
    let out = f.sala(&["check", "--format", "concise", "--lang", "en"]);
    let report = text(&out);
    assert!(
        report.contains("datasets/d/schema.json: error[schema-error] field \"name\" has minimum, which its type string does not support"),
        "{report}"
    );
    // The limit on the datetime is a rule like any other, and still checked.
    assert!(report.contains("datasets/d/data.csv:2:2: error[constraint-error] 2023-06-01T00:00:00 is less than the minimum 2024-01-01T00:00:00 (column at)"), "{report}");
    assert!(!report.contains("dataset.toml: error[schema-error]"), "{report}");
    // In Thai (the default), the one-line format names the column in Thai too.
    let thai = text(&f.sala(&["check", "--format", "concise"]));
    assert!(thai.contains(" (คอลัมน์ at)\n"), "{thai}");
    assert!(!thai.contains("(column "), "{thai}");
}

#[test]
fn keys_the_standard_allows_are_kept_and_published() {
    let f = Fixture::new();
    f.write(
        "datasets/d/dataset.toml",
        "title = { th = \"ก\", en = \"a\" }\ndescription = \"d\"\nagency = \"TEST\"\nlicense = \"CC-BY-4.0\"\nmodified = 2025-02-01\n[contact]\nname = \"x\"\nemail = \"a@example.go.th\"\n[[resources]]\nname = \"data\"\npath = \"data.csv\"\nschema = \"schema.json\"\n",
    );
    f.write(
        "datasets/d/schema.json",
        r#"{"title": "Places", "x-source": {"system": "GIS"},
            "fields": [{"name": "id", "type": "integer", "unit": "item", "example": "7", "constraints": {"x-checked": true}},
                       {"name": "where", "type": "geopoint", "format": "array"}]}"#,
    );
    f.write("datasets/d/data.csv", "id,where\n1,\"[100.5018, 13.7563]\"\n");
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let package: Value = serde_json::from_str(&std::fs::read_to_string(f.root().join("public/datasets/d/datapackage.json")).unwrap()).unwrap();
    let schema = &package["resources"][0]["schema"];
    assert_eq!(schema["title"], "Places");
    assert_eq!(schema["x-source"]["system"], "GIS");
    assert_eq!(schema["fields"][0]["unit"], "item");
    assert_eq!(schema["fields"][0]["example"], "7");
    assert_eq!(schema["fields"][0]["constraints"]["x-checked"], true);
    assert_eq!(schema["fields"][1]["format"], "array");
    let csv = std::fs::read_to_string(f.root().join("public/datasets/d/data.csv")).unwrap();
    assert_eq!(csv, "id,where\n1,\"[100.5018, 13.7563]\"\n");
}

#[test]
fn a_misspelt_rule_is_kept_but_warned_about() {
    let f = Fixture::new();
    f.dataset("d", "[[resources.schema.fields]]\nname = \"id\"\ntype = \"integer\"\nconstraint = { required = true }\n", "id\n1\n");
    let out = f.sala(&["check", "--format", "concise", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("datasets/d/dataset.toml: warning[schema-error] field \"id\" has the key \"constraint\", which Sala does not read: did you mean \"constraints\"?"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_schema_naming_one_field_twice_is_refused_without_checking_rows() {
    let f = Fixture::new();
    f.dataset("d", "[[resources.schema.fields]]\nname = \"id\"\ntype = \"integer\"\n[[resources.schema.fields]]\nname = \"id\"\ntype = \"string\"\n", "id\nx\n");
    let out = f.sala(&["check", "--format", "concise", "--lang", "en"]);
    let report = text(&out);
    assert!(report.contains("datasets/d/dataset.toml: error[schema-error] the schema has two fields named \"id\""), "{report}");
    assert!(!report.contains("data.csv"), "{report}");
}

/// A Buddhist-era year in `modified` or `issued` (2568-01-01, the likeliest slip of a Thai
/// civil servant) is an error naming the Christian-era date to write: the pages said the year
/// 3111 and the feeds and catalogs a date 543 years ahead. `statistics.years` that is not one
/// year or a range in order is a warning (the year filter and the catalogs left it out).
#[test]
fn buddhist_era_dates_and_unreadable_statistics_years_are_named_with_their_fix() {
    let f = Fixture::new();
    f.dataset("dated", "[[resources.schema.fields]]\nname = \"id\"\ntype = \"integer\"\n", "id\n1\n");
    let toml = f.root().join("datasets/dated/dataset.toml");
    let text_of = std::fs::read_to_string(&toml).unwrap().replace("modified = 2025-02-01", "modified = 2568-01-31\nissued = 2567-10-01\n[statistics]\nyears = \"2568-2565\"");
    std::fs::write(&toml, text_of).unwrap();
    let out = f.sala(&["check", "--format", "json", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, String, String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["location"]["file"] == "datasets/dated/dataset.toml")
        .map(|d| (d["severity"].as_str().unwrap().to_string(), d["message"]["en"].as_str().unwrap().to_string(), d["value"].as_str().unwrap_or("").to_string(), d["help"]["en"].as_str().unwrap().to_string()))
        .collect();
    let expected = [
        ("error", "the issued date is in the Buddhist era (year 2567)", "2567-10-01", "write the date in the Christian era: issued = 2024-10-01"),
        ("error", "the modified date is in the Buddhist era (year 2568)", "2568-01-31", "write the date in the Christian era: modified = 2025-01-31"),
        (
            "warning",
            "statistics.years = \"2568-2565\" is not one fiscal year or a range from first to last, so the year filter and the catalogs leave it out",
            "2568-2565",
            "write one Buddhist-era year or a range from first to last, e.g. years = \"2565-2568\"",
        ),
    ];
    let expected: Vec<(String, String, String, String)> = expected.iter().map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string())).collect();
    assert_eq!(found, expected);
}

/// The empty columns a spreadsheet exports past the table (`,,,` on every row): infer leaves
/// them out of the schema and says so (it named them column_d… and check then asked for those
/// names to be written in the file), and check warns, publishing the table without them.
#[test]
fn columns_with_neither_a_name_nor_a_value_are_left_out_with_a_warning() {
    let f = Fixture::new();
    let out = infer_csv(&f, "trail.csv", "code,amount,,,\nA1,10,,,\nA2,20,,, \n", "trail");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("note: column(s) C, D, E have neither a name nor any value, so the schema leaves them out: they can be deleted from the file"), "{}", text(&out));
    let toml = std::fs::read_to_string(f.root().join("datasets/trail/dataset.toml")).unwrap();
    assert!(!toml.contains("column_c"), "{toml}");
    f.dataset("trail", "[[resources.schema.fields]]\nname = \"code\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"amount\"\ntype = \"integer\"\n", "code,amount,,,\nA1,10,,,\nA2,20,,, \n");
    let out = f.sala(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, String, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap().to_string(), d["severity"].as_str().unwrap().to_string(), d["message"]["en"].as_str().unwrap().to_string()))
        .collect();
    let expected: Vec<(String, String, String)> = ["C", "D", "E"]
        .iter()
        .map(|c| ("blank-label".to_string(), "warning".to_string(), format!("column {c} has neither a name nor any value, so it is not published")))
        .collect();
    assert_eq!(found, expected);
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(f.root().join("public/datasets/trail/data.csv")).unwrap(), "code,amount\nA1,10\nA2,20\n");
}

/// A row with more cells than the header whose extra cells are empty (Excel's trailing `,,`
/// under a header that has none) loses nothing when they are cut: a warning that names the
/// cells, not the extra-cell error a stray value gets; the table is published without them.
#[test]
fn empty_cells_past_the_header_are_a_warning_and_a_stray_value_an_error() {
    let f = Fixture::new();
    let schema = "[[resources.schema.fields]]\nname = \"code\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"amount\"\ntype = \"integer\"\n";
    f.dataset("padded", schema, "code,amount\nA1,10,,\nA2,20,\nA3,30\n");
    let found = |out: &std::process::Output| -> Vec<(String, String, u64, String)> {
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_string(),
                    d["severity"].as_str().unwrap().to_string(),
                    d["location"]["row"].as_u64().unwrap_or(0),
                    d["message"]["en"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let out = f.sala(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let warning = |row: u64, message: &str| ("extra-cell".to_string(), "warning".to_string(), row, message.to_string());
    assert_eq!(
        found(&out),
        [
            warning(2, "the row has 4 cells but the header has 2: the extra cells C–D are empty and are left out (nothing is lost)"),
            warning(3, "the row has 3 cells but the header has 2: the extra cell C is empty and is left out (nothing is lost)"),
        ]
    );
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(f.root().join("public/datasets/padded/data.csv")).unwrap(), "code,amount\nA1,10\nA2,20\nA3,30\n");
    // A value past the header is still an error, beside the warning of an empty one.
    f.dataset("padded", schema, "code,amount\nA1,10,,\nA2,20,x\n");
    let out = f.sala(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let found = found(&out);
    assert_eq!(found.iter().map(|(c, s, r, _)| (c.as_str(), s.as_str(), *r)).collect::<Vec<_>>(), [("extra-cell", "warning", 2), ("extra-cell", "error", 3)]);
}

/// Tables copied from reports bring a totals row (รวม), which anyone summing the column counts
/// twice, and notes or source lines under the data: warnings naming the row and cell. A name
/// that only begins with รวม, a label beside no amount, and the last row of a two-column
/// table without its amount are data.
#[test]
fn totals_rows_and_notes_under_the_data_are_named() {
    let f = Fixture::new();
    let schema = "[[resources.schema.fields]]\nname = \"project\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"province\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"amount\"\ntype = \"integer\"\n";
    f.dataset(
        "report",
        schema,
        "project,province,amount\nรวมพลังสร้างสุข,เชียงใหม่,100\nTotal,เชียงราย,\nถนน,ลำพูน,200\nรวม (Total),,300\n,,\n\"ที่มา: สำนักงบประมาณ, 2567\",,\nปรับปรุงล่าสุด 1 ต.ค. 2567,,\n",
    );
    f.dataset("series", "[[resources.schema.fields]]\nname = \"year\"\ntype = \"integer\"\n[[resources.schema.fields]]\nname = \"amount\"\ntype = \"integer\"\n", "year,amount\n2566,10\n2567,\n");
    let out = f.sala(&["check", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, String, u64, String, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "totals-row" || d["code"] == "note-row")
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["location"]["file"].as_str().unwrap().to_string(),
                d["location"]["row"].as_u64().unwrap(),
                d["location"]["column"].as_str().unwrap().to_string(),
                d["value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let row = |code: &str, row: u64, value: &str| (code.to_string(), "datasets/report/data.csv".to_string(), row, "project".to_string(), value.to_string());
    assert_eq!(found, [row("totals-row", 5, "รวม (Total)"), row("note-row", 7, "ที่มา: สำนักงบประมาณ, 2567"), row("note-row", 8, "ปรับปรุงล่าสุด 1 ต.ค. 2567")]);
    let totals = json["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "totals-row").unwrap();
    assert_eq!(totals["severity"], "warning");
    assert_eq!(
        totals["message"]["en"],
        "the row looks like a totals row (\"รวม (Total)\"): anyone who sums the column or charts it would count its amounts twice"
    );
}

/// A header typed with spaces around its names (` amount `): infer proposes the names without
/// them, and check matched names exactly, so the file infer had just described failed with a
/// missing-label and an extra-label per column. Each is its field's column, with a warning.
#[test]
fn a_header_name_with_spaces_around_it_is_its_fields_column_with_a_warning() {
    let f = Fixture::new();
    let toml = inferred_toml(&f, "spaced.csv", " amount , name \n1,x\n2,y\n", "spaced");
    let toml = toml.lines().filter(|l| !l.contains("TODO")).collect::<Vec<_>>().join("\n");
    f.write("datasets/spaced/dataset.toml", format!("title = {{ th = \"ก\", en = \"a\" }}\ndescription = \"d\"\nagency = \"TEST\"\nlicense = \"CC-BY-4.0\"\n{}", toml.split_once("[[resources]]").map(|(_, r)| format!("[[resources]]{r}")).unwrap()));
    let out = f.sala(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, String, u64, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["location"]["file"] == "datasets/spaced/spaced.csv")
        .map(|d| (d["code"].as_str().unwrap().to_string(), d["severity"].as_str().unwrap().to_string(), d["location"]["column_number"].as_u64().unwrap(), d["message"]["en"].as_str().unwrap().to_string()))
        .collect();
    let warning = |c: u64, m: &str| ("extra-whitespace".to_string(), "warning".to_string(), c, m.to_string());
    assert_eq!(
        found,
        [
            warning(1, "the column name \" amount \" has spaces around it: it is read as the schema's column \"amount\""),
            warning(2, "the column name \" name \" has spaces around it: it is read as the schema's column \"name\""),
        ]
    );
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(f.root().join("public/datasets/spaced/spaced.csv")).unwrap(), "amount,name\n1,x\n2,y\n");
}

/// Thai documents write dates with Thai month names and Buddhist-era years (`1 ต.ค. 2567`,
/// `15 พฤศจิกายน 2567`): infer kept them as text, so they were published as text that no
/// client sorts or filters as dates. `%d %b %Y` reads them (with `calendar = "buddhist"`),
/// and they are published as ISO dates.
#[test]
fn thai_month_names_are_read_as_dates() {
    let f = Fixture::new();
    let toml = inferred_toml(&f, "orders.csv", "order,signed\nA1,1 ต.ค. 2567\nA2,15 พฤศจิกายน 2567\nA3,31 ธ.ค 2567\nA4,2 ม.ค. พ.ศ. 2568\n", "orders");
    assert!(toml.contains("type = \"date\"") && toml.contains("format = \"%d %b %Y\"") && toml.contains("calendar = \"buddhist\""), "{toml}");
    let fields = "[[resources.schema.fields]]\nname = \"order\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"signed\"\ntype = \"date\"\nformat = \"%d %b %Y\"\ncalendar = \"buddhist\"\n";
    f.dataset("orders", fields, "order,signed\nA1,1 ต.ค. 2567\nA2,15 พฤศจิกายน 2567\nA3,31 ธ.ค 2567\nA4,2 ม.ค. พ.ศ. 2568\n");
    assert_eq!(built_csv(&f, "orders"), "order,signed\nA1,2024-10-01\nA2,2024-11-15\nA3,2024-12-31\nA4,2025-01-02\n");
    // A day the month has not is a type error at its cell.
    f.dataset("orders", fields, "order,signed\nA1,31 พ.ย. 2567\n");
    let (code, diagnostics) = {
        let out = f.sala(&["check", "--format", "json"]);
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), json["diagnostics"].as_array().unwrap().clone())
    };
    assert_eq!(code, Some(1));
    let d = diagnostics.iter().find(|d| d["code"] == "type-error").unwrap();
    assert_eq!((d["location"]["row"].as_u64(), d["value"].as_str()), (Some(2), Some("31 พ.ย. 2567")));
}

/// A file exported without its header row (its first row taken for the column names) gave a
/// missing-label and an extra-label for every column, none saying what happened, and the
/// first row would have been lost from every download. One missing-header error gives the
/// line to insert; the other rows are still checked in the schema's order.
#[test]
fn a_file_without_its_header_row_is_told_with_the_line_to_insert() {
    let f = Fixture::new();
    let fields = "[[resources.schema.fields]]\nname = \"province\"\ntype = \"string\"\n\
        [[resources.schema.fields]]\nname = \"fiscal_year\"\ntype = \"year\"\ncalendar = \"buddhist\"\n\
        [[resources.schema.fields]]\nname = \"amount\"\ntype = \"number\"\ngroupChar = \",\"\n";
    f.dataset("budget", fields, "เชียงใหม่,2567,\"1,500.50\"\nลำพูน,2567,abc\nน่าน,2568,900\n");
    let out = f.sala(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, Option<u64>, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| (d["code"].as_str().unwrap().to_string(), d["location"]["row"].as_u64(), d["value"].as_str().unwrap_or_default().to_string()))
        .collect();
    assert_eq!(found, [("missing-header".to_string(), Some(1), "เชียงใหม่,2567,\"1,500.50\"".to_string()), ("type-error".to_string(), Some(2), "abc".to_string())]);
    let missing = json["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "missing-header").unwrap();
    assert!(missing["help"]["en"].as_str().unwrap().ends_with("insert this header line as the file's first line: province,fiscal_year,amount"), "{missing}");
    // With its header, it builds.
    f.dataset("budget", fields, "province,fiscal_year,amount\nเชียงใหม่,2567,\"1,500.50\"\nลำพูน,2567,1\nน่าน,2568,900\n");
    assert!(f.sala(&["build"]).status.success());
    // Columns named otherwise (a name is no value of its field's type) are still named one by one.
    f.dataset("budget", fields, "จังหวัด,ปีงบประมาณ,จำนวนเงิน\nเชียงใหม่,2567,1\n");
    let out = f.sala(&["check", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = json["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] == "error").map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes.iter().filter(|c| **c == "missing-label").count(), 3, "{codes:?}");
    assert!(!codes.contains(&"missing-header"), "{codes:?}");
}

/// Declares `dialect` (an inline table's keys) on the resource of the dataset `id` written by
/// [`Fixture::dataset`].
fn declare_dialect(f: &Fixture, id: &str, dialect: &str) {
    let path = f.root().join(format!("datasets/{id}/dataset.toml"));
    let toml = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, toml.replace("path = \"data.csv\"\n", &format!("path = \"data.csv\"\ndialect = {{ {dialect} }}\n"))).unwrap();
}

/// A first line `sep=;` (a hint some programs write for Excel, which hides the line) was read
/// as the header: infer proposed columns `sep=` and `column_b` with the real header as data,
/// and check gave a label error per column. The line names the separator: the table is read
/// with it, below that line, and rows keep the file's numbers.
#[test]
fn a_separator_line_for_excel_is_read_as_the_separator() {
    let f = Fixture::new();
    let toml = inferred_toml(&f, "budget.csv", "\u{feff}sep=;\r\nprovince;amount\r\nเชียงใหม่;1500\r\n", "budget");
    assert!(toml.contains("name = \"province\"") && !toml.contains("sep=") && !toml.contains("headerRows"), "{toml}");
    assert!(schema_field(&toml, "amount").contains("type = \"integer\""), "{toml}");
    let fields = "[[resources.schema.fields]]\nname = \"province\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"amount\"\ntype = \"integer\"\n";
    f.dataset("budget", fields, "sep=;\nprovince;amount\nเชียงใหม่;1500\nลำพูน;x\n");
    let (code, errors) = check_errors(&f);
    assert_eq!(code, Some(1));
    let found: Vec<_> = errors.iter().map(|e| (e["code"].as_str(), e["location"]["row"].as_u64(), e["value"].as_str())).collect();
    assert_eq!(found, [(Some("type-error"), Some(4), Some("x"))]);
    f.dataset("budget", fields, "sep=;\nprovince;amount\nเชียงใหม่;1500\nลำพูน;900\n");
    let out = f.sala(&["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!text(&out).contains("warning[source-error]"), "{}", text(&out));
    assert_eq!(built_csv(&f, "budget"), "province,amount\nเชียงใหม่,1500\nลำพูน,900\n");
}

/// The schema of [`a_csv_header_of_two_rows_is_read_as_one_with_joined_names`]'s file.
fn fields_of_two_rows() -> String {
    let field = |n: &str| format!("[[resources.schema.fields]]\nname = \"{n}\"\ntype = \"integer\"\ngroupChar = \",\"\n");
    format!("[[resources.schema.fields]]\nname = \"จังหวัด\"\ntype = \"string\"\n{}{}{}{}", field("งบประมาณ 2567 แผน"), field("งบประมาณ 2567 ผล"), field("งบประมาณ 2568 แผน"), field("งบประมาณ 2568 ผล"))
}

/// A sheet whose header has merged group cells over sub-labels exports to CSV as two rows
/// (`จังหวัด,งบประมาณ 2567,,…` over `,แผน,ผล,…`): infer proposed a text column per group with
/// the sub-labels as data and `column_c` names. It declares the header's two rows
/// (`headerRows = [1, 2]`, Frictionless's Table Dialect) and names each column by its group
/// and sub-label, as the workbook reader does; check and build read the file so.
#[test]
fn a_csv_header_of_two_rows_is_read_as_one_with_joined_names() {
    let f = Fixture::new();
    let csv = "จังหวัด,งบประมาณ 2567,,งบประมาณ 2568,\n,แผน,ผล,แผน,ผล\nเชียงใหม่,\"1,500\",1400,1600,1550\nลำพูน,900,880,950,940\n";
    let path = f.write("in/budget.csv", csv);
    let out = f.sala(&["infer", path.to_str().unwrap(), "--dataset", "budget"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("rows 1 and 2 are a header of two rows (group labels merged over sub-labels): read as one with dialect = { headerRows = [1, 2] }, the columns are named จังหวัด, งบประมาณ 2567 แผน, งบประมาณ 2567 ผล, งบประมาณ 2568 แผน, งบประมาณ 2568 ผล"), "{}", text(&out));
    let toml = std::fs::read_to_string(f.root().join("datasets/budget/dataset.toml")).unwrap();
    assert!(toml.contains("dialect = { headerRows = [1, 2] }\n"), "{toml}");
    assert!(schema_field(&toml, "งบประมาณ 2567 แผน").contains("type = \"integer\""), "{toml}");
    assert!(toml.contains("primaryKey = [\"จังหวัด\"]"), "{toml}");
    // Not declared under the joined names: one error says what to declare.
    f.dataset("budget", &fields_of_two_rows(), csv);
    let (code, errors) = check_errors(&f);
    assert_eq!(code, Some(1));
    let two = errors.iter().find(|e| e["code"] == "incorrect-label").unwrap_or_else(|| panic!("{errors:?}"));
    assert_eq!(two["location"]["row"].as_u64(), Some(1));
    assert_eq!(two["help"]["en"], "declare it on the resource in dataset.toml: dialect = { headerRows = [1, 2] }");
    assert!(!errors.iter().any(|e| e["code"] == "missing-label" || e["code"] == "extra-label"), "{errors:?}");
    // Declared, the file is checked as one table under the joined names, rows as the file has them.
    let fields = fields_of_two_rows();
    f.dataset("budget", &fields, csv.replace("880", "88o"));
    declare_dialect(&f, "budget", "headerRows = [1, 2]");
    let (code, errors) = check_errors(&f);
    assert_eq!(code, Some(1));
    let found: Vec<_> = errors.iter().map(|e| (e["code"].as_str(), e["location"]["row"].as_u64(), e["location"]["column"].as_str(), e["value"].as_str())).collect();
    assert_eq!(found, [(Some("type-error"), Some(4), Some("งบประมาณ 2567 ผล"), Some("88o"))]);
    f.dataset("budget", &fields, csv);
    declare_dialect(&f, "budget", "headerRows = [1, 2]");
    assert_eq!(built_csv(&f, "budget"), "จังหวัด,งบประมาณ 2567 แผน,งบประมาณ 2567 ผล,งบประมาณ 2568 แผน,งบประมาณ 2568 ผล\nเชียงใหม่,1500,1400,1600,1550\nลำพูน,900,880,950,940\n");
    // `headerJoin` joins them otherwise; rows that are not the header's are refused with the fix.
    f.dataset("budget", &fields.replace("งบประมาณ 2567 ", "งบประมาณ 2567/").replace("งบประมาณ 2568 ", "งบประมาณ 2568/"), csv);
    declare_dialect(&f, "budget", "headerRows = [1, 2], headerJoin = \"/\"");
    assert_eq!(check_errors(&f), (Some(0), Vec::new()));
    f.dataset("budget", &fields, csv);
    declare_dialect(&f, "budget", "headerRows = [1, 3]");
    let (code, errors) = check_errors(&f);
    assert_eq!(code, Some(1));
    assert!(errors[0]["message"]["en"].as_str().unwrap().starts_with("headerRows = [1, 3] must be the header's consecutive row numbers"), "{errors:?}");
    // Below a title, the two rows are found where the header starts.
    let said = inferred_text(&f, "titled.csv", &format!("งบประมาณรายจ่าย (หน่วย: บาท),,,,\n{csv}"), "titled");
    assert!(said.contains("row 1 is above the header (row 2)") && said.contains("rows 2 and 3 are a header of two rows"), "{said}");
    let toml = std::fs::read_to_string(f.root().join("datasets/titled/dataset.toml")).unwrap();
    assert!(toml.contains("dialect = { headerRows = [2, 3] }\n") && toml.contains("name = \"งบประมาณ 2568 ผล\""), "{toml}");
    // Undeclared, check's warning and error both give the two rows.
    f.dataset("budget", &fields_of_two_rows(), format!("งบประมาณรายจ่าย (หน่วย: บาท),,,,\n{csv}"));
    let out = f.sala(&["check", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let helps: Vec<&str> = json["diagnostics"].as_array().unwrap().iter().filter(|d| d["location"]["file"] == "datasets/budget/data.csv").filter_map(|d| d["help"]["en"].as_str()).collect();
    assert!(helps[0].contains("declare that the table starts at row 2 with dialect = { headerRows = [2, 3] }"), "{helps:?}");
    assert!(helps.contains(&"declare it on the resource in dataset.toml: dialect = { headerRows = [2, 3] }"), "{helps:?}");
    std::fs::remove_dir_all(f.root().join("datasets/budget")).unwrap();
    // A blank name over a text column is no group (a sub-label's column holds numbers).
    let toml = inferred_toml(&f, "notes.csv", "office,,amount\nA,note,1\nB,other,2\n", "notes");
    assert!(!toml.contains("headerRows"), "{toml}");
}

/// A report-like sheet saved as CSV has its title above the header (`รายงานงบประมาณ ปี 2567,,`),
/// blank lines, its unit at the right (`,,,หน่วย: คน`), a report exporter's key-value lines
/// (`หน่วยงานเจ้าของโครงการ,…`): infer proposed the title as the one column's name (or `column_b`, with
/// the header as data), and check gave label errors for every column. The table is read from
/// its header, whatever the delimiter, its rows numbered as the file has them: infer declares
/// where it starts (`headerRows`), and check, where it is not declared, warns that the lines
/// above are not published.
#[test]
fn a_title_or_blank_lines_above_the_header_are_read_past() {
    let f = Fixture::new();
    let cases = [
        ("titled.csv", "รายงานงบประมาณ ปี 2567,,\n,,\nprovince,amount,persons\nA,1,3\nB,2,4\n", "rows 1–2 are above the header (row 3)", "headerRows = [3]"),
        ("semicolons.csv", "รายงานงบประมาณ ปี 2567\nprovince;amount\nA;1\nB;2\n", "row 1 is above the header (row 2)", "delimiter = \";\", headerRows = [2]"),
        ("blank.csv", "\n\nprovince,amount\nA,1\nB,2\n", "rows 1–2 are above the header (row 3)", "headerRows = [3]"),
        // A unit at the right of its own line, as Thai reports put it.
        ("unit.csv", "สถิติจำนวนนักท่องเที่ยว,,,\n,,,หน่วย: คน\nprovince,amount,persons,share\nA,1,3,0.5\nB,2,4,0.5\n", "rows 1–2 are above the header (row 3)", "headerRows = [3]"),
        // A report exporter's key-value lines, a blank line and the unit, none padded.
        (
            "boq.csv",
            "หน่วยงานเจ้าของโครงการ,กรมทางหลวงชนบท\nแบบเลขที่,ทช-2567-014\nเมื่อวันที่,05/12/2567\n\nหน่วย : บาท\nprovince,amount,unit,price,note\nA,1,ลบ.ม.,85,\nB,2,ตัน,24500,เฉลี่ย\nC,3,ชิ้น,10,\nD,4,ชุด,500,ใหม่\n",
            "rows 1–5 are above the header (row 6)",
            "headerRows = [6]",
        ),
    ];
    for (file, csv, said, dialect) in cases {
        let path = f.write(&format!("in/{file}"), csv);
        let out = f.sala(&["infer", path.to_str().unwrap(), "--dataset", "report"]);
        assert_eq!(out.status.code(), Some(0), "{file}: {}", text(&out));
        assert!(text(&out).contains(said), "{file}: {}", text(&out));
        let toml = std::fs::read_to_string(f.root().join("datasets/report/dataset.toml")).unwrap();
        assert!(toml.contains(&format!("dialect = {{ {dialect} }}\n")) && toml.contains("name = \"province\""), "{file}: {toml}");
        assert!(schema_field(&toml, "amount").contains("type = \"integer\""), "{file}: {toml}");
        std::fs::remove_dir_all(f.root().join("datasets/report")).unwrap();
    }
    let fields = "[[resources.schema.fields]]\nname = \"province\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"amount\"\ntype = \"integer\"\n";
    f.dataset("report", fields, "รายงานงบประมาณ ปี 2567 (หน่วย: บาท),\n,\nprovince,amount\nA,1\nB,x\n");
    let out = f.sala(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<_> = json["diagnostics"].as_array().unwrap().iter().map(|d| (d["severity"].as_str(), d["code"].as_str(), d["location"]["row"].as_u64())).collect();
    assert_eq!(found, [(Some("warning"), Some("source-error"), Some(1)), (Some("error"), Some("type-error"), Some(5))]);
    let warning = &json["diagnostics"][0];
    assert_eq!(warning["message"]["en"], "the table's header is row 3 (province, amount): rows 1–2 above it (a title, a unit, notes, blank lines) are no part of the table, so the table was read from row 3 and rows 1–2 are not published");
    assert!(warning["help"]["en"].as_str().unwrap().contains("declare that the table starts at row 3 with dialect = { headerRows = [3] }"), "{warning}");
    // The row shown is the file's row 5.
    let human = text(&f.sala(&["check"]));
    assert!(human.contains("5 | B,x"), "{human}");
    // Declared, nothing is said of those rows; the download has the table alone.
    f.dataset("report", fields, "รายงานงบประมาณ ปี 2567 (หน่วย: บาท),\n,\nprovince,amount\nA,1\nB,2\n");
    declare_dialect(&f, "report", "headerRows = [3]");
    let out = f.sala(&["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!text(&out).contains("source-error"), "{}", text(&out));
    assert_eq!(built_csv(&f, "report"), "province,amount\nA,1\nB,2\n");
    // A line above as full as the table's rows (two values over two columns) could be its
    // header, and is not read past: where a row below is the schema's names, one error gives
    // the row to declare.
    f.dataset("report", fields, "sep=;\ncreated;2024-05-01T08:00\nprovince;amount\nA;1\n");
    let (code, errors) = check_errors(&f);
    assert_eq!(code, Some(1));
    assert!(!errors.iter().any(|e| e["code"] == "missing-label" || e["code"] == "extra-label"), "{errors:?}");
    assert_eq!((errors[0]["code"].as_str(), errors[0]["location"]["row"].as_u64()), (Some("incorrect-label"), Some(2)));
    assert_eq!(errors[0]["help"]["en"], "declare it on the resource in dataset.toml: dialect = { headerRows = [3] } (or delete the rows above the header from the file)");
    declare_dialect(&f, "report", "headerRows = [3]");
    assert_eq!(check_errors(&f), (Some(0), Vec::new()));
    // A table of one column, and a header with a blank first label (a pandas index), start at row 1.
    for csv in ["id\n1\n2\n", ",amount\n0,5\n1,6\n"] {
        let toml = inferred_toml(&f, "plain.csv", csv, "plain");
        assert!(!toml.contains("headerRows"), "{csv}: {toml}");
        std::fs::remove_dir_all(f.root().join("datasets/plain")).unwrap();
    }
}

/// Thai forms and spreadsheets write two-digit Buddhist-era years (`01/10/67`, `1 ต.ค. 67`):
/// infer kept them as text, and a schema saying `format = "%d/%m/%y"` with
/// `calendar = "buddhist"` failed every cell (chrono's `%y` reads 67 as 2067, and the era
/// was looked for in a four-digit year). 67 is B.E. 2567, published as 2024.
#[test]
fn two_digit_buddhist_years_are_read_as_dates() {
    let f = Fixture::new();
    let source = "office,visited,signed,at\nA,01/10/67,1 ต.ค. 67,01/10/67 08:30\nB,15/11/67,15 พฤศจิกายน 67,15/11/67 13:05\nC,๓๑/๑๒/๖๗,31 ธ.ค 67,31/12/67 23:59\nD,02/01/68,2 ม.ค. 68,02/01/68 00:00\n";
    let toml = inferred_toml(&f, "visits.csv", source, "visits");
    let field = |name: &str| schema_field(&toml, name);
    for (name, kind, format) in [("visited", "date", "%d/%m/%y"), ("signed", "date", "%d %b %y"), ("at", "datetime", "%d/%m/%y %H:%M")] {
        let field = field(name);
        assert!(field.contains(&format!("type = \"{kind}\"")) && field.contains(&format!("format = \"{format}\"")) && field.contains("calendar = \"buddhist\""), "{toml}");
    }
    let fields = "[[resources.schema.fields]]\nname = \"office\"\ntype = \"string\"\n\
        [[resources.schema.fields]]\nname = \"visited\"\ntype = \"date\"\nformat = \"%d/%m/%y\"\ncalendar = \"buddhist\"\n\
        [[resources.schema.fields]]\nname = \"signed\"\ntype = \"date\"\nformat = \"%d %b %y\"\ncalendar = \"buddhist\"\n\
        [[resources.schema.fields]]\nname = \"at\"\ntype = \"datetime\"\nformat = \"%d/%m/%y %H:%M\"\ncalendar = \"buddhist\"\n";
    f.dataset("visits", fields, source);
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        std::fs::read_to_string(f.root().join("public/datasets/visits/data.csv")).unwrap(),
        "office,visited,signed,at\nA,2024-10-01,2024-10-01,2024-10-01T08:30:00\nB,2024-11-15,2024-11-15,2024-11-15T13:05:00\n\
         C,2024-12-31,2024-12-31,2024-12-31T23:59:00\nD,2025-01-02,2025-01-02,2025-01-02T00:00:00\n"
    );
    // A four-digit year where the format says two is a type error at its cell, not B.E. 2020.
    f.dataset("visits", fields, "office,visited,signed,at\nA,01/10/2567,1 ต.ค. 67,01/10/67 08:30\n");
    let (code, errors) = check_errors(&f);
    assert_eq!(code, Some(1));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0]["code"].as_str(), errors[0]["location"]["row"].as_u64(), errors[0]["value"].as_str()), (Some("type-error"), Some(2), Some("01/10/2567")));
    // Years that are no later than this one in the Christian era stay in it.
    let toml = inferred_toml(&f, "ce.csv", "office,visited\nA,01/10/24\nB,15/11/24\n", "ce");
    assert!(toml.contains("format = \"%d/%m/%y\"") && !toml.contains("calendar"), "{toml}");
}

/// Tables copied out of PDF budgets set thousands apart with spaces (`1 500 000`): infer kept
/// them as text. It proposes `groupChar = " "`, the build publishes plain numbers, and a
/// misplaced space is a type error, never another number.
#[test]
fn numbers_grouped_by_spaces_are_inferred_with_their_group_char() {
    let f = Fixture::new();
    let source = "province,amount,rate\nเชียงใหม่,1 500 000,1 250.5\nลำพูน,900 000,12.25\nน่าน,12 500,3\n";
    let toml = inferred_toml(&f, "spaces.csv", source, "spaces");
    let field = |name: &str| schema_field(&toml, name);
    assert!(field("amount").contains("type = \"integer\"\ngroupChar = \" \""), "{toml}");
    assert!(field("rate").contains("type = \"number\"\ngroupChar = \" \""), "{toml}");
    let fields = "[[resources.schema.fields]]\nname = \"province\"\ntype = \"string\"\n\
        [[resources.schema.fields]]\nname = \"amount\"\ntype = \"integer\"\ngroupChar = \" \"\n\
        [[resources.schema.fields]]\nname = \"rate\"\ntype = \"number\"\ngroupChar = \" \"\n";
    f.dataset("spaces", fields, source);
    assert!(f.sala(&["build"]).status.success());
    assert_eq!(std::fs::read_to_string(f.root().join("public/datasets/spaces/data.csv")).unwrap(), "province,amount,rate\nเชียงใหม่,1500000,1250.5\nลำพูน,900000,12.25\nน่าน,12500,3\n");
    f.dataset("spaces", fields, "province,amount,rate\nเชียงใหม่,1 500 00,1\nลำพูน,900  000,2\n");
    let out = f.sala(&["check", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<(u64, &str)> = json["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "type-error").map(|d| (d["location"]["row"].as_u64().unwrap(), d["value"].as_str().unwrap())).collect();
    assert_eq!(errors, [(2, "1 500 00"), (3, "900  000")]);
}

/// Files from places that write decimal commas (`1,5`, `1.234,5`, with `;` between cells)
/// were inferred as text. infer proposes `decimalChar = ","` (and `groupChar = "."` where the
/// thousands are dotted); `1,500` alone stays the thousands-grouped 1500.
#[test]
fn decimal_commas_are_inferred_as_numbers() {
    let f = Fixture::new();
    let source = "province;amount;total;count\nA;1,5;1.234,5;1,500\nB;2,25;12,0;2,000\nC;10;1.000.000,25;12\n";
    let toml = inferred_toml(&f, "rates.csv", source, "rates");
    let field = |name: &str| schema_field(&toml, name);
    assert!(field("amount").contains("type = \"number\"\ndecimalChar = \",\"\ntitle"), "{toml}");
    assert!(field("total").contains("type = \"number\"\ndecimalChar = \",\"\ngroupChar = \".\"\n"), "{toml}");
    assert!(field("count").contains("type = \"integer\"\ngroupChar = \",\"\n"), "{toml}");
    let fields = "[[resources.schema.fields]]\nname = \"province\"\ntype = \"string\"\n\
        [[resources.schema.fields]]\nname = \"amount\"\ntype = \"number\"\ndecimalChar = \",\"\n\
        [[resources.schema.fields]]\nname = \"total\"\ntype = \"number\"\ndecimalChar = \",\"\ngroupChar = \".\"\n\
        [[resources.schema.fields]]\nname = \"count\"\ntype = \"integer\"\ngroupChar = \",\"\n";
    f.dataset("rates", &format!("{fields}\n[resources.dialect]\ndelimiter = \";\"\n"), source);
    assert_eq!(built_csv(&f, "rates"), "province,amount,total,count\nA,1.5,1234.5,1500\nB,2.25,12,2000\nC,10,1000000.25,12\n");
}

/// A sheet exported without its date format writes the day numbers dates are kept as
/// (45383): infer read them as codes and said "if they are amounts, set integer". It says what
/// they are, with the first one's date, and how to export the file again.
#[test]
fn spreadsheet_day_numbers_under_a_date_name_are_named_as_dates() {
    let f = Fixture::new();
    let out = infer_csv(&f, "contracts.csv", "office,date_signed,amount\nA,45383,1\nB,45400,2\nC,45500,3\n", "contracts");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("note: column date_signed holds numbers such as 45383, the day numbers a spreadsheet keeps dates as (45383 is 2024-04-01)"), "{said}");
    assert!(said.contains("(45383 คือ 1 เม.ย. 2567)"), "{said}");
    assert!(!said.contains("if they are amounts"), "{said}");
    // Numbers under another name are no dates.
    let out = infer_csv(&f, "stock.csv", "office,items\nA,45383\nB,45400\n", "stock");
    assert!(!text(&out).contains("day numbers"), "{}", text(&out));
}

/// Numbers copied out of PDFs and web pages carry the minus sign U+2212 (`−1,500`) or an
/// invisible zero-width space (`1500\u{200b}`): type errors a person cannot see, and infer kept
/// such columns as text. They are read as the numbers shown; dates written with dots
/// (`01.10.2567`) are inferred as dates.
#[test]
fn numbers_with_a_minus_sign_or_an_invisible_space_and_dotted_dates_are_read() {
    let f = Fixture::new();
    let source = "item,amount,change,signed\nA,\"\u{2212}1,500\",\u{2212}12.5,01.10.2567\nB,200\u{200b},3,15.11.2567\nC,\"1,000\",\u{feff}4,31.12.2567\n";
    let toml = inferred_toml(&f, "ledger.csv", source, "ledger");
    let field = |name: &str| schema_field(&toml, name);
    assert!(field("amount").contains("type = \"integer\"\ngroupChar = \",\""), "{toml}");
    assert!(field("change").contains("type = \"number\""), "{toml}");
    assert!(field("signed").contains("type = \"date\"\nformat = \"%d.%m.%Y\"\ncalendar = \"buddhist\""), "{toml}");
    let fields = "[[resources.schema.fields]]\nname = \"item\"\ntype = \"string\"\n\
        [[resources.schema.fields]]\nname = \"amount\"\ntype = \"integer\"\ngroupChar = \",\"\n\
        [[resources.schema.fields]]\nname = \"change\"\ntype = \"number\"\n\
        [[resources.schema.fields]]\nname = \"signed\"\ntype = \"date\"\nformat = \"%d.%m.%Y\"\ncalendar = \"buddhist\"\n";
    f.dataset("ledger", fields, source);
    assert_eq!(built_csv(&f, "ledger"), "item,amount,change,signed\nA,-1500,-12.5,2024-10-01\nB,200,3,2024-11-15\nC,1000,4,2024-12-31\n");
}

/// infer proposed one-column keys only, and took an amount that happened to differ in every
/// row for one: a table by province and quarter got `primaryKey = ["amount"]`, which next
/// quarter's file breaks. Amounts and counts are never keys; two columns whose pairs differ are.
#[test]
fn infer_proposes_a_key_of_two_columns_and_never_an_amount() {
    let f = Fixture::new();
    let csv = f.write(
        "in/budget.csv",
        "province,ปีงบประมาณ,amount,จำนวนโครงการ\nเชียงใหม่,2567,100,3\nเชียงใหม่,2568,200,4\nลำพูน,2567,50,5\nลำพูน,2568,70,6\n",
    );
    let out = f.sala(&["infer", csv.to_str().unwrap(), "--dataset", "budget"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let toml = std::fs::read_to_string(f.root().join("datasets/budget/dataset.toml")).unwrap();
    assert!(toml.contains("primaryKey = [\"province\", \"ปีงบประมาณ\"]   # suggested: every pair of values is present and different\n"), "{toml}");
    assert!(!toml.contains("unique = true"), "{toml}");
    let said = text(&out);
    assert!(said.contains("province                 string                       required, primary key"), "{said}");
    // Filled in, the proposed key passes check.
    let filled = toml.replace("title = { th = \"\", en = \"\" }", "title = { th = \"ก\", en = \"A\" }").replace("description = { th = \"\", en = \"\" }", "description = { th = \"ก\", en = \"A\" }");
    let filled = filled.replace("agency = \"\"", "agency = \"TEST\"").replace("license = \"\"", "license = \"CC-BY-4.0\"");
    std::fs::write(f.root().join("datasets/budget/dataset.toml"), filled).unwrap();
    let out = f.sala(&["check", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<_> = json["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] == "error" && d["location"]["file"].as_str().unwrap().ends_with(".csv")).collect();
    assert!(errors.is_empty(), "{errors:?}");
}

/// An inch mark in a cell (`ท่อ 4" ยาว 6 ม.`), as supply lists write sizes, made the whole file
/// unreadable ("CSV malformed: expected 1 rows, actual 2 rows, in chunk starting at byte
/// offset 14"): Excel and Python's csv read it as text. A file whose quotes open no cell is
/// read so; one that also quotes cells names the row and cell to correct.
#[test]
fn a_quote_inside_a_cell_is_text_where_the_file_quotes_nothing() {
    let f = Fixture::new();
    let source = "item,size,qty\nA,ท่อ 4\" ยาว 6 ม.,3\nB,ข้อต่อ 2\",5\nC,ปกติ,7\n";
    let out = infer_csv(&f, "supplies.csv", source, "supplies");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let fields = "[[resources.schema.fields]]\nname = \"item\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"size\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"qty\"\ntype = \"integer\"\n";
    f.dataset("supplies", fields, source);
    assert_eq!(built_csv(&f, "supplies"), "item,size,qty\nA,\"ท่อ 4\"\" ยาว 6 ม.\",3\nB,\"ข้อต่อ 2\"\"\",5\nC,ปกติ,7\n");
    f.dataset("supplies", fields, "item,size,qty\n\"A, big\",ท่อ 4\" ยาว 6 ม.,3\nB,ข้อต่อ 2\",5\n");
    let (code, errors) = check_errors(&f);
    assert_eq!(code, Some(1));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0]["code"].as_str(), errors[0]["location"]["row"].as_u64(), errors[0]["location"]["column_number"].as_u64()), (Some("source-error"), Some(2), Some(2)));
    assert!(errors[0]["message"]["en"].as_str().unwrap().starts_with("cell B of this row has a double quote (\") inside a value"), "{}", errors[0]);
}

/// A spreadsheet saving CSV writes numbers as its columns show them: 13-digit ids in a narrow
/// column became `1.10170020345E+12`, their last digits lost, and infer proposed a number
/// column in silence. It names the column, how many cells, and what to do.
#[test]
fn numbers_in_scientific_notation_are_named_with_what_they_lose() {
    let f = Fixture::new();
    let said = inferred_text(&f, "ids.csv", "name,citizen_id,amount\nA,1.10170020345E+12,5\nB,3.10050012345E+12,6\nC,1234567890123,7\n", "ids");
    assert!(said.contains("note: column citizen_id has 2 number(s) in scientific notation, such as 1.10170020345E+12: a spreadsheet saves CSV as its columns show numbers"), "{said}");
    assert!(!said.contains("column amount has"), "{said}");
}

/// pandas' `to_csv` writes its index as a first column under a blank header (two of the three
/// budget tables of kaogeek/thailand-budget-pdf2csv have it): infer named it `column_a` and
/// asked for its name to be written in the file, which would publish row numbers as data. It
/// says what the column is and how to export without it; a blank first column of data keeps
/// the plain note.
#[test]
fn a_first_column_of_row_numbers_under_a_blank_header_is_named_as_an_index() {
    let f = Fixture::new();
    let said = inferred_text(&f, "budget.csv", ",ITEM_ID,AMOUNT\n0,2022.3.1.0,\"800,000,000\"\n1,2022.3.1.1,\"5,000\"\n2,2022.3.1.2,\"12,000\"\n", "budget");
    assert!(
        said.contains("note: column A has no name in the header row and holds only the row numbers 0, 1, 2, … a program wrote (such as pandas' index), not data: export the file again without it (pandas: to_csv(index=False))"),
        "{said}"
    );
    let out = infer_csv(&f, "codes.csv", ",ITEM_ID\n7,a\n3,b\n9,c\n", "codes");
    assert!(text(&out).contains("note: column A has no name in the header row, so it was named column_a: write that name"), "{}", text(&out));
    // check says so too: under the schema infer wrote (`column_a`), and under one without it.
    let (code, errors) = check_errors(&f);
    assert_eq!(code, Some(1));
    let blank = |file: &str| errors.iter().find(|e| e["code"] == "blank-label" && e["location"]["file"].as_str().is_some_and(|p| p.ends_with(file))).cloned();
    let index = blank("budget/budget.csv").unwrap_or_else(|| panic!("{errors:?}"));
    assert_eq!(index["help"]["en"], "it holds only the row numbers 0, 1, 2, … (pandas' index), not data: export the file again without it (to_csv(index=False)) and remove the field column_a from the schema; or, to publish them, write column_a in the header row's cell A1");
    assert_eq!(blank("codes/codes.csv").unwrap()["help"]["en"], "write column_a in the header row's cell A1");
    let fields = "[[resources.schema.fields]]\nname = \"amount\"\ntype = \"integer\"\n";
    f.dataset("plain", fields, ",amount\n1,5\n2,6\n3,7\n");
    let (_, errors) = check_errors(&f);
    let plain = errors.iter().find(|e| e["location"]["file"] == "datasets/plain/data.csv" && e["code"] == "blank-label").unwrap_or_else(|| panic!("{errors:?}"));
    assert_eq!(plain["help"]["en"], "it holds only the row numbers 1, 2, 3, … (pandas' index), not data: export the file again without it (to_csv(index=False)), or delete the column");
}

/// Budget tables copied from documents write amounts with the currency (`฿1,500`,
/// `1,500 บาท`, `THB 12.50`): infer kept them as text, published as text no client sums. It
/// proposes `bareNumber = false` (the validator already read them), and the build publishes
/// plain numbers.
#[test]
fn amounts_written_with_the_currency_are_inferred_as_numbers() {
    let f = Fixture::new();
    let source = "item,price,cost,fee\nA,฿1500,\"1,500 บาท\",THB 12.50\nB,฿2000,\"2,000 บาท\",THB 3\nC,฿12,12 บาท,THB 4.25\n";
    let toml = inferred_toml(&f, "prices.csv", source, "prices");
    assert!(schema_field(&toml, "price").contains("type = \"integer\"\nbareNumber = false"), "{toml}");
    assert!(schema_field(&toml, "cost").contains("type = \"integer\"\ngroupChar = \",\"\nbareNumber = false"), "{toml}");
    assert!(schema_field(&toml, "fee").contains("type = \"number\"\nbareNumber = false"), "{toml}");
    let fields = "[[resources.schema.fields]]\nname = \"item\"\ntype = \"string\"\n\
        [[resources.schema.fields]]\nname = \"price\"\ntype = \"integer\"\nbareNumber = false\n\
        [[resources.schema.fields]]\nname = \"cost\"\ntype = \"integer\"\ngroupChar = \",\"\nbareNumber = false\n\
        [[resources.schema.fields]]\nname = \"fee\"\ntype = \"number\"\nbareNumber = false\n";
    f.dataset("prices", fields, source);
    assert_eq!(built_csv(&f, "prices"), "item,price,cost,fee\nA,1500,1500,12.5\nB,2000,2000,3\nC,12,12,4.25\n");
}

/// A header cell typed on two lines (Alt+Enter: `งบประมาณ\n(บาท)`), as Thai budget sheets
/// have them, gave a column name with a line break in it, in every download's header and the
/// API. infer names it as the sheet shows it, `งบประมาณ (บาท)`, and check reads that cell as
/// the column, with a warning.
#[test]
fn a_header_cell_on_two_lines_names_its_column_on_one() {
    let f = Fixture::new();
    let source = "province,\"งบประมาณ\n(บาท)\"\nเชียงใหม่,1500\nลำพูน,900\n";
    let toml = inferred_toml(&f, "budget.csv", source, "budget");
    assert!(schema_field(&toml, "งบประมาณ (บาท)").contains("type = \"integer\""), "{toml}");
    let fields = "[[resources.schema.fields]]\nname = \"province\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"งบประมาณ (บาท)\"\ntype = \"integer\"\n";
    f.dataset("budget", fields, source);
    let out = f.sala(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let warnings: Vec<&str> = json["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "extra-whitespace").map(|d| d["message"]["en"].as_str().unwrap()).collect();
    assert_eq!(warnings, ["the column name \"งบประมาณ\n(บาท)\" has a line break or repeated spaces in its cell: it is read as the schema's column \"งบประมาณ (บาท)\""]);
    assert_eq!(built_csv(&f, "budget"), "province,งบประมาณ (บาท)\nเชียงใหม่,1500\nลำพูน,900\n");
}

/// Percentages as a spreadsheet exports them (`12.5%`) were inferred as text: a number with
/// `bareNumber = false`, published as 12.5. A column of another unit stays text.
#[test]
fn percentages_are_inferred_as_numbers_without_their_sign() {
    let f = Fixture::new();
    let toml = inferred_toml(&f, "rates.csv", "province,rate,weight\nเชียงใหม่,12.5%,5 kg\nลำพูน,7%,6 kg\nน่าน,100 %,7 kg\n", "rates");
    let field = |name: &str| schema_field(&toml, name);
    assert!(field("rate").contains("type = \"number\"\nbareNumber = false"), "{toml}");
    assert!(field("weight").contains("type = \"string\""), "{toml}");
    let fields = "[[resources.schema.fields]]\nname = \"province\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"rate\"\ntype = \"number\"\nbareNumber = false\n[[resources.schema.fields]]\nname = \"weight\"\ntype = \"string\"\n";
    f.dataset("rates", fields, "province,rate,weight\nเชียงใหม่,12.5%,5 kg\nลำพูน,7%,6 kg\nน่าน,100 %,7 kg\n");
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(f.root().join("public/datasets/rates/data.csv")).unwrap(), "province,rate,weight\nเชียงใหม่,12.5,5 kg\nลำพูน,7,6 kg\nน่าน,100,7 kg\n");
}

/// Lines of spaces or tabs only (a hand edit's leftovers, often at the end) are blank rows,
/// named as such; they were a missing-cell error per line beside whitespace warnings.
#[test]
fn a_line_of_spaces_only_is_a_blank_row() {
    let f = Fixture::new();
    let fields = "[[resources.schema.fields]]\nname = \"code\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"amount\"\ntype = \"integer\"\n";
    f.dataset("ws", fields, "code,amount\nA1,1\n   \nA2,2\n\t\n");
    let out = f.sala(&["check", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["location"]["file"] == "datasets/ws/data.csv")
        .map(|d| (d["code"].as_str().unwrap().to_string(), d["location"]["row"].as_u64().unwrap()))
        .collect();
    assert_eq!(found, [("blank-row".to_string(), 3), ("blank-row".to_string(), 5)]);
}

/// What infer proposed wrong on real files: a budget table sorted by amount (amounts of one
/// width in ascending order were taken for codes and published as text), times without seconds
/// (text), and a measured decimal value unique by chance proposed as the primary key.
#[test]
fn infer_types_sorted_amounts_times_without_seconds_and_keys_as_a_person_would() {
    let f = Fixture::new();
    let infer = |file: &str, csv: &str, id: &str| -> String {
        let path = f.write(&format!("in/{file}"), csv);
        let out = f.sala(&["infer", path.to_str().unwrap(), "--dataset", id]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        text(&out)
    };
    let field = |id: &str, name: &str| -> String {
        let toml = std::fs::read_to_string(f.root().join(format!("datasets/{id}/dataset.toml"))).unwrap();
        toml.split("[[resources.schema.fields]]").find(|s| s.contains(&format!("name = \"{name}\""))).unwrap().to_string()
    };
    infer("budget.csv", "หน่วยงาน,งบประมาณ (บาท)\nกรมการปกครอง,1523400\nกรมการพัฒนาชุมชน,2871000\nกรมที่ดิน,3090500\n", "budget");
    assert!(field("budget", "งบประมาณ (บาท)").contains("type = \"integer\""), "{}", field("budget", "งบประมาณ (บาท)"));
    // The same shape under a name that says nothing stays a code, and infer says how to change it.
    let said = infer("places.csv", "place,area\nA,100101\nB,100102\nC,100201\n", "places");
    assert!(field("places", "area").contains("type = \"string\""));
    assert!(said.contains("column area holds numbers of one width in ascending order, so it was read as codes (text): if they are amounts or counts, set type = \"integer\""), "{said}");
    infer("pm.csv", "station,measured,local\nA,2024-10-01 08:30,01/10/2567 08:30\nB,2024-10-01 09:30,01/10/2567 09:30\n", "pm");
    assert!(field("pm", "measured").contains("type = \"datetime\"\nformat = \"%Y-%m-%d %H:%M\""), "{}", field("pm", "measured"));
    assert!(field("pm", "local").contains("format = \"%d/%m/%Y %H:%M\"\ncalendar = \"buddhist\""), "{}", field("pm", "local"));
    let said = infer("speed.csv", "province,quarter,avg_mbps\nน่าน,Q1,185.48\nน่าน,Q2,201.07\nลำพูน,Q1,170.2\n", "speed");
    // The key is the province and quarter, never the measured value.
    assert!(said.contains("avg_mbps                 number                       required\n"), "{said}");
    assert!(std::fs::read_to_string(f.root().join("datasets/speed/dataset.toml")).unwrap().contains("primaryKey = [\"province\", \"quarter\"]"));
    assert!(!field("speed", "avg_mbps").contains("unique"), "{}", field("speed", "avg_mbps"));
}

/// Two columns of one name (`quarter` twice, as an export joined from two tables writes it):
/// infer names the second `quarter_2` and says to write it in the file; check then gave a
/// missing-label ("add the column to the CSV", though it is there) beside a duplicate-label.
/// One error now, naming the cell to write the name in.
#[test]
fn a_repeated_column_name_infer_renamed_is_one_error_with_the_cell_to_fix() {
    let f = Fixture::new();
    let toml = inferred_toml(&f, "q.csv", "province,quarter,speed,quarter\nน่าน,Q1,185,2024-Q1\nลำพูน,Q1,170,2024-Q1\n", "q");
    let resources = toml.split_once("[[resources]]").map(|(_, r)| format!("[[resources]]{r}")).unwrap();
    let resources: String = resources.lines().filter(|l| !l.contains("TODO")).collect::<Vec<_>>().join("\n");
    f.write("datasets/q/dataset.toml", format!("title = {{ th = \"ก\", en = \"a\" }}\ndescription = \"d\"\nagency = \"TEST\"\nlicense = \"CC-BY-4.0\"\n{resources}"));
    let out = f.sala(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, u64, String, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| (d["code"].as_str().unwrap().to_string(), d["location"]["column_number"].as_u64().unwrap(), d["message"]["en"].as_str().unwrap().to_string(), d["help"]["en"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        found,
        [(
            "duplicate-label".to_string(),
            4,
            "column D is named \"quarter\" as column B is, where the schema calls it \"quarter_2\"".to_string(),
            "write quarter_2 in the header row's cell D1".to_string()
        )]
    );
}

/// A file exported without its header row: its first row of data became the column names
/// and was missing from everything published, without a word. infer says so; a table whose
/// column names are years is not such a file.
#[test]
fn infer_says_when_the_first_row_reads_as_data() {
    let f = Fixture::new();
    let out = infer_csv(&f, "budget.csv", "กรุงเทพมหานคร,10,29716463204\nสมุทรปราการ,11,2305145210\nนนทบุรี,12,1890234455\n", "budget");
    assert!(
        text(&out).contains("note: the first row (กรุงเทพมหานคร, 10, 29716463204) reads as a row of data, not column names (a number names no column): if the file has no header row, add one with the column names at the top and run sala infer again, or that row is missing from the data published"),
        "{}",
        text(&out)
    );
    let out = infer_csv(&f, "years.csv", "province,2566,2567\nน่าน,10,12\nลำพูน,11,13\n", "years");
    assert!(!text(&out).contains("reads as a row of data"), "{}", text(&out));
}

/// A cell longer than an Excel cell holds was cut in the .xlsx download without a word: a
/// warning at its first cell per column, with how many more; a shorter one says nothing.
#[test]
fn a_cell_longer_than_excel_holds_is_named() {
    let f = Fixture::new();
    let fields = "[[resources.schema.fields]]\nname = \"id\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"text\"\ntype = \"string\"\n";
    let long = "ก".repeat(40_000);
    let limit = "a".repeat(32_767);
    f.dataset("long", fields, format!("id,text\nA,{limit}\nB,{long}\nC,{long}x\n"));
    let out = f.sala(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, u64, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["location"]["file"] == "datasets/long/data.csv")
        .map(|d| (d["code"].as_str().unwrap().to_string(), d["location"]["row"].as_u64().unwrap(), d["message"]["en"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        found,
        [(
            "long-cell".to_string(),
            3,
            "the value has 40000 characters, but an Excel cell holds 32767 at most, so the .xlsx download cuts it there (CSV, JSON and Parquet keep it whole) (and 1 more in this column)".to_string()
        )]
    );
}
