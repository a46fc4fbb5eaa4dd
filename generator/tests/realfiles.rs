//! Agency files as they come: workbooks read directly, Excel's "Unicode Text", one table in
//! many files, and `sala infer` adding a file to a dataset.

mod common;

use common::{Fixture, text};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn workbook() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/workbook/budget.xlsx")
}

const META: &str = "title = { th = \"งบประมาณ\", en = \"Budget\" }\ndescription = { th = \"คำอธิบาย\", en = \"Description\" }\nagency = \"TEST\"\nlicense = \"CC-BY-4.0\"\nmodified = 2025-02-01\n";

/// `check --format json`: (exit code, the JSON).
fn check(f: &Fixture) -> (i32, Value) {
    let out = f.sala(&["check", "--format", "json"]);
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", text(&out)));
    (out.status.code().unwrap(), json)
}

/// (code, file, sheet, row, column number, value) of every diagnostic.
fn places(json: &Value) -> Vec<(String, String, Option<String>, Option<u64>, Option<u64>, Option<String>)> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let l = &d["location"];
            (
                d["code"].as_str().unwrap().to_string(),
                l["file"].as_str().unwrap().to_string(),
                l["sheet"].as_str().map(str::to_string),
                l["row"].as_u64(),
                l["column_number"].as_u64(),
                d["value"].as_str().map(str::to_string),
            )
        })
        .collect()
}

const BUDGET_FIELDS: &str = "[[resources.schema.fields]]\nname = \"province_code\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"province\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"amount 2566\"\ntype = \"number\"\n[[resources.schema.fields]]\nname = \"amount 2567\"\ntype = \"number\"\n";

const EVENTS_FIELDS: &str = "[[resources.schema.fields]]\nname = \"date\"\ntype = \"date\"\n[[resources.schema.fields]]\nname = \"event\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"visitors\"\ntype = \"integer\"\n";

#[test]
fn a_workbook_sheet_is_checked_with_positions_as_the_spreadsheet_shows_them() {
    let f = Fixture::new();
    std::fs::create_dir_all(f.root().join("datasets/budget")).unwrap();
    std::fs::copy(workbook(), f.root().join("datasets/budget/budget.xlsx")).unwrap();
    // No sheet named: the first, whose title row is skipped and two-row header joined.
    f.write("datasets/budget/dataset.toml", format!("{META}\n[[resources]]\nname = \"budget\"\npath = \"budget.xlsx\"\n\n[resources.schema]\n{BUDGET_FIELDS}"));
    let (code, json) = check(&f);
    assert_eq!(code, 1, "{json}");
    // The one bad cell, D6 of sheet งบประมาณ, as Excel shows it.
    assert_eq!(
        places(&json),
        [("type-error".to_string(), "datasets/budget/budget.xlsx".to_string(), Some("งบประมาณ".to_string()), Some(6), Some(4), Some("ไม่ทราบ".to_string()))],
        "{json}"
    );
    let out = f.sala(&["check", "--format", "concise"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("datasets/budget/budget.xlsx[งบประมาณ]:6:4: error[type-error]"), "{}", text(&out));
    let out = f.sala(&["check", "--lang", "en"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("sheet \"งบประมาณ\", row 6, column D (amount 2567)"), "{}", text(&out));
}

#[test]
fn a_workbook_cell_whose_formula_failed_is_a_spreadsheet_error_at_its_cell() {
    // see: a workbook's #DIV/0! and #N/A cells were read as text, and passed in a text column.
    let f = Fixture::new();
    std::fs::create_dir_all(f.root().join("datasets/districts")).unwrap();
    let book = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/workbook/errors.xlsx");
    std::fs::copy(book, f.root().join("datasets/districts/errors.xlsx")).unwrap();
    let fields = "[[resources.schema.fields]]\nname = \"code\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"district\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"people\"\ntype = \"integer\"\n[[resources.schema.fields]]\nname = \"households\"\ntype = \"integer\"\n[[resources.schema.fields]]\nname = \"per_household\"\ntype = \"string\"\n";
    f.write("datasets/districts/dataset.toml", format!("{META}\n[[resources]]\nname = \"districts\"\npath = \"errors.xlsx\"\n\n[resources.schema]\n{fields}"));
    let (code, json) = check(&f);
    assert_eq!(code, 1, "{json}");
    let at = |row: u64, value: &str| {
        ("spreadsheet-error".to_string(), "datasets/districts/errors.xlsx".to_string(), Some("อำเภอ".to_string()), Some(row), Some(5), Some(value.to_string()))
    };
    assert_eq!(places(&json), [at(4, "#DIV/0!"), at(5, "#N/A")], "{json}");
    let out = f.sala(&["check", "--format", "concise", "--lang", "en"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with(
            "datasets/districts/errors.xlsx[อำเภอ]:4:5: error[spreadsheet-error] \"#DIV/0!\" is a spreadsheet's error value, not data (a division by zero)"
        ),
        "{}",
        text(&out)
    );
}

/// The districts dataset over the workbook fixture `book` (its last column text).
fn districts(book: &str) -> Fixture {
    let f = Fixture::new();
    std::fs::create_dir_all(f.root().join("datasets/districts")).unwrap();
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/workbook").join(book), f.root().join("datasets/districts").join(book)).unwrap();
    let fields = "[[resources.schema.fields]]\nname = \"code\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"district\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"people\"\ntype = \"integer\"\n[[resources.schema.fields]]\nname = \"households\"\ntype = \"integer\"\n[[resources.schema.fields]]\nname = \"per_household\"\ntype = \"string\"\n";
    f.write("datasets/districts/dataset.toml", format!("{META}\n[[resources]]\nname = \"districts\"\npath = \"{book}\"\n\n[resources.schema]\n{fields}"));
    f
}

#[test]
fn an_error_value_calamine_does_not_know_is_named_at_its_cell_not_a_sheet_that_cannot_be_read() {
    // see: a sheet holding Excel 365's #SPILL! could not be read at all ("Unsupported cell
    // error value").
    let f = districts("spill.xlsx");
    let (code, json) = check(&f);
    assert_eq!(code, 1, "{json}");
    let at = |row: u64, value: &str| {
        ("spreadsheet-error".to_string(), "datasets/districts/spill.xlsx".to_string(), Some("อำเภอ".to_string()), Some(row), Some(5), Some(value.to_string()))
    };
    assert_eq!(places(&json), [at(4, "#SPILL!"), at(5, "#N/A")], "{json}");
}

#[test]
fn formulas_saved_without_their_results_are_named_not_read_as_empty_in_silence() {
    // see: a workbook written by a script (openpyxl) keeps formulas without results; the
    // column was published empty without a word.
    let f = districts("uncalculated.xlsx");
    let (code, json) = check(&f);
    assert_eq!(code, 0, "{json}");
    assert_eq!(
        places(&json),
        [("spreadsheet-error".to_string(), "datasets/districts/uncalculated.xlsx".to_string(), Some("อำเภอ".to_string()), Some(2), Some(5), None)],
        "{json}"
    );
    let d = &json["diagnostics"][0];
    assert_eq!(d["severity"], "warning");
    assert_eq!(
        d["message"]["en"],
        "cells E2, E3, E4, E5 hold formulas but the file has no saved results for them (a file written by a program or script that does not calculate), so they read as empty"
    );
    // A workbook saved by a spreadsheet program, with every result, says nothing of it.
    let (_, json) = check(&districts("errors.xlsx"));
    assert!(!json.to_string().contains("no saved results"), "{json}");
}

#[test]
fn a_named_sheet_keeps_its_dates_and_numbers_and_is_published_as_csv() {
    let f = Fixture::new();
    std::fs::create_dir_all(f.root().join("datasets/events")).unwrap();
    std::fs::copy(workbook(), f.root().join("datasets/events/book.xlsx")).unwrap();
    f.write(
        "datasets/events/dataset.toml",
        format!("{META}\n[[resources]]\nname = \"events\"\npath = \"book.xlsx\"\nsheet = \"events\"\n\n[resources.schema]\n{EVENTS_FIELDS}"),
    );
    let (code, json) = check(&f);
    assert_eq!((code, json["errors"].as_u64(), json["warnings"].as_u64()), (0, Some(0), Some(0)), "{json}");
    let out = f.sala(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // Dates as dates (the display format d/m/yyyy is not the value), counts as integers.
    let csv = std::fs::read_to_string(f.root().join("public/datasets/events/events.csv")).unwrap();
    assert_eq!(csv, "date,event,visitors\n2024-01-15,เปิดศูนย์ข้อมูล,120\n2024-02-29,อบรมเจ้าหน้าที่,45\n2024-03-01,open day,300\n");
    // A sheet that is not there: the sheets that are, named.
    f.write("datasets/events/dataset.toml", format!("{META}\n[[resources]]\nname = \"events\"\npath = \"book.xlsx\"\nsheet = \"Sheet1\"\n\n[resources.schema]\n{EVENTS_FIELDS}"));
    let (_, json) = check(&f);
    let d = &json["diagnostics"][0];
    assert_eq!(d["message"]["en"], "the workbook has no sheet named \"Sheet1\"", "{json}");
    assert_eq!(d["help"]["en"], "give one of its sheets in sheet = \"…\": งบประมาณ, events, notes", "{json}");
}

#[test]
fn infer_writes_one_resource_per_sheet_that_holds_a_table() {
    let f = Fixture::new();
    let out = f.sala(&["infer", workbook().to_str().unwrap(), "--dataset", "budget"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let toml_text = std::fs::read_to_string(f.root().join("datasets/budget/dataset.toml")).unwrap();
    let meta: toml::Value = toml::from_str(&toml_text).unwrap();
    let resources = meta["resources"].as_array().unwrap();
    // The "notes" sheet holds one line of text, no table.
    let sheets: Vec<(&str, &str)> = resources.iter().map(|r| (r["name"].as_str().unwrap(), r["sheet"].as_str().unwrap())).collect();
    assert_eq!(sheets, [("sheet-1", "งบประมาณ"), ("events", "events")], "{toml_text}");
    let types = |r: &toml::Value| -> Vec<(String, String)> {
        r["schema"]["fields"].as_array().unwrap().iter().map(|f| (f["name"].as_str().unwrap().to_string(), f["type"].as_str().unwrap().to_string())).collect()
    };
    let pairs = |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
    // Codes written as text in the sheet stay text; the one unknown amount keeps its column text.
    assert_eq!(types(&resources[0]), pairs(&[("province_code", "string"), ("province", "string"), ("amount 2566", "number"), ("amount 2567", "string")]));
    assert_eq!(types(&resources[1]), pairs(&[("date", "date"), ("event", "string"), ("visitors", "integer")]));
    assert!(String::from_utf8_lossy(&out.stdout).contains("events sheet \"events\" (แผ่นงาน): 3 rows, 3 columns"), "{}", text(&out));
    // The cell that keeps a column from being numbers is named at the sheet's own row.
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("note: column amount 2567 is text because of 1 cell(s) (row, value): 6 \"ไม่ทราบ\"; without them it would be number"),
        "{}",
        text(&out)
    );
    // What check then asks for is the metadata only: the sheets read as infer read them.
    let (_, json) = check(&f);
    assert!(places(&json).iter().all(|p| p.1 == "datasets/budget/dataset.toml"), "{json}");
}

#[test]
fn excel_unicode_text_is_read_with_a_warning() {
    let f = Fixture::new();
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend("code\tname\r\n10\tกรุงเทพมหานคร\r\n50\tเชียงใหม่\r\n".encode_utf16().flat_map(u16::to_le_bytes));
    f.dataset("provinces", "[[resources.schema.fields]]\nname = \"code\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"name\"\ntype = \"string\"\n", &bytes);
    let (code, json) = check(&f);
    assert_eq!(code, 0, "{json}");
    let messages: Vec<&str> = json["diagnostics"].as_array().unwrap().iter().map(|d| d["message"]["en"].as_str().unwrap()).collect();
    assert_eq!(
        messages,
        ["the file is UTF-16LE (Excel's \"Unicode Text\"), not UTF-8; it was converted", "the file separates cells with '\\t', not commas; it was read that way"],
        "{json}"
    );
    let out = f.sala(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let csv = std::fs::read_to_string(f.root().join("public/datasets/provinces/data.csv")).unwrap();
    assert_eq!(csv, "code,name\n10,กรุงเทพมหานคร\n50,เชียงใหม่\n");
}

const YEAR_FIELDS: &str = "[[resources.schema.fields]]\nname = \"year\"\ntype = \"integer\"\n[[resources.schema.fields]]\nname = \"amount\"\ntype = \"number\"\n";

#[test]
fn a_resource_of_three_files_is_one_table_and_each_problem_names_its_file_and_row() {
    let f = Fixture::new();
    f.write(
        "datasets/spending/dataset.toml",
        format!("{META}\n[[resources]]\nname = \"spending\"\npath = [\"2565.csv\", \"2566.csv\", \"2567.csv\"]\n\n[resources.schema]\n{YEAR_FIELDS}"),
    );
    f.write("datasets/spending/2565.csv", "year,amount\n2565,10\n2565,11\n");
    f.write("datasets/spending/2566.csv", "year,amount\n2566,12\n2566,1x3\n2566,14\n");
    f.write("datasets/spending/2567.csv", "year,amount\n2567,15\n2567,abc\n");
    let (code, json) = check(&f);
    assert_eq!(code, 1, "{json}");
    let p = |file: &str, row, value: &str| ("type-error".to_string(), format!("datasets/spending/{file}"), None, Some(row), Some(2), Some(value.to_string()));
    assert_eq!(places(&json), [p("2566.csv", 3, "1x3"), p("2567.csv", 3, "abc")], "{json}");

    // Fixed, the three files are published as one download.
    f.write("datasets/spending/2566.csv", "year,amount\n2566,12\n2566,13\n2566,14\n");
    f.write("datasets/spending/2567.csv", "year,amount\n2567,15\n2567,16\n");
    let out = f.sala(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let csv = std::fs::read_to_string(f.root().join("public/datasets/spending/spending.csv")).unwrap();
    assert_eq!(csv, "year,amount\n2565,10\n2565,11\n2566,12\n2566,13\n2566,14\n2567,15\n2567,16\n");

    // A file whose columns differ is named, with both headers.
    f.write("datasets/spending/2567.csv", "year,total\n2567,15\n");
    let (_, json) = check(&f);
    assert_eq!(places(&json)[0].0, "incorrect-label", "{json}");
    assert_eq!(places(&json)[0].1, "datasets/spending/2567.csv", "{json}");
    assert_eq!(json["diagnostics"][0]["message"]["en"], "this file's columns (year, total) differ from the first file's (year, amount)");
}

#[test]
fn infer_adds_a_file_with_the_same_columns_to_the_resource_and_others_as_new_resources() {
    let f = Fixture::new();
    let first = f.write("in/spending-2566.csv", "year,amount\n2566,12\n2566,13\n");
    let second = f.write("in/spending-2567.csv", "year,amount\n2567,15\n");
    let other = f.write("in/offices.csv", "code,name\nA1,สำนักงานหนึ่ง\n");
    let infer = |file: &Path| f.sala(&["infer", file.to_str().unwrap(), "--dataset", "spending"]);
    assert_eq!(infer(&first).status.code(), Some(0));
    let out = infer(&second);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("Added to the existing dataset \"spending\" as one more file of resource \"spending-2566\" (same columns) / เพิ่มในชุดข้อมูล \"spending\" ที่มีอยู่แล้ว เป็นอีกไฟล์หนึ่งของทรัพยากร \"spending-2566\" (คอลัมน์เดียวกัน)\n"),
        "{}",
        text(&out)
    );
    let toml_text = std::fs::read_to_string(f.root().join("datasets/spending/dataset.toml")).unwrap();
    assert!(toml_text.contains("path = [\"spending-2566.csv\", \"spending-2567.csv\"]\n"), "{toml_text}");
    assert!(f.root().join("datasets/spending/spending-2567.csv").is_file());
    // Other columns: a resource of its own, and infer says the file joined an existing dataset.
    let out = infer(&other);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with(
            "Added to the existing dataset \"spending\" as a new resource \"offices\" (no resource of it has these columns); if the file belongs to another dataset, remove that resource from datasets/spending/dataset.toml, move the file datasets/spending/offices.csv out and run sala infer again with --dataset <id> / \
             เพิ่มในชุดข้อมูล \"spending\" ที่มีอยู่แล้ว เป็นทรัพยากรใหม่ \"offices\" (ไม่มีทรัพยากรใดของชุดข้อมูลนี้ที่มีคอลัมน์เหล่านี้) ถ้าไฟล์นี้เป็นของชุดข้อมูลอื่น ให้ลบทรัพยากรนั้นออกจาก datasets/spending/dataset.toml ย้ายไฟล์ datasets/spending/offices.csv ออก แล้วสั่ง sala infer ใหม่พร้อม --dataset <รหัส>\n"
        ),
        "{}",
        text(&out)
    );
    let meta: toml::Value = toml::from_str(&std::fs::read_to_string(f.root().join("datasets/spending/dataset.toml")).unwrap()).unwrap();
    let names: Vec<&str> = meta["resources"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["spending-2566", "offices"]);
    // A file already in the dataset is refused.
    let out = infer(&second);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("datasets/spending/spending-2567.csv already exists"), "{}", text(&out));
    // check reads the two files as one table: only the metadata to fill in remains.
    let (_, json) = check(&f);
    assert!(places(&json).iter().all(|p| p.1 == "datasets/spending/dataset.toml"), "{json}");
}

const PACKAGE: &str = r#"{
  "profile": "tabular-data-package",
  "name": "spending",
  "title": "Spending by year",
  "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
  "resources": [{
    "name": "spending",
    "path": "spending.csv",
    "format": "csv",
    "mediatype": "text/csv",
    "encoding": "utf-8",
    "dialect": {"delimiter": ",", "skipInitialSpace": false},
    "schema": {"fields": [{"name": "year", "type": "integer"}, {"name": "amount", "type": "number"}]}
  }]
}"#;

#[test]
fn a_frictionless_data_package_is_read_without_dataset_toml_and_says_what_is_missing() {
    let f = Fixture::new();
    f.write("datasets/spending/datapackage.json", PACKAGE);
    f.write("datasets/spending/spending.csv", "year,amount\n2566,12.5\n2567,x\n");
    let (code, json) = check(&f);
    assert_eq!(code, 1, "{json}");
    let package = "datasets/spending/datapackage.json".to_string();
    let warning = json["diagnostics"].as_array().unwrap().iter().find(|d| d["severity"] == "warning" && d["location"]["file"] == package.as_str()).unwrap_or_else(|| panic!("{json}"));
    assert_eq!(warning["message"]["en"], "the dataset was read from datapackage.json, which lacks what Sala needs: title.th, description.th, description.en, agency");
    // The data is checked with the package's schema.
    assert!(places(&json).contains(&("type-error".to_string(), "datasets/spending/spending.csv".to_string(), None, Some(3), Some(2), Some("x".to_string()))), "{json}");

    // A small dataset.toml beside it gives the rest; the resources stay in the package.
    f.write("datasets/spending/spending.csv", "year,amount\n2566,12.5\n2567,13\n");
    f.write(
        "datasets/spending/dataset.toml",
        "title = { th = \"รายจ่ายรายปี\", en = \"Spending by year\" }\ndescription = { th = \"รายจ่าย\", en = \"Spending\" }\nagency = \"TEST\"\nmodified = 2025-02-01\n",
    );
    let (code, json) = check(&f);
    assert_eq!((code, json["errors"].as_u64(), json["warnings"].as_u64()), (0, Some(0), Some(0)), "{json}");
    let out = f.sala(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let page = std::fs::read_to_string(f.root().join("public/datasets/spending/index.html")).unwrap();
    assert!(page.contains("รายจ่ายรายปี"), "the Thai title from dataset.toml");
    assert_eq!(std::fs::read_to_string(f.root().join("public/datasets/spending/spending.csv")).unwrap(), "year,amount\n2566,12.5\n2567,13\n");

    // A dataset.toml giving the title in Thai only takes the English from the package (it
    // dropped the package's and said title.en was missing).
    f.write(
        "datasets/spending/dataset.toml",
        "title = { th = \"รายจ่ายรายปี\" }\ndescription = { th = \"รายจ่าย\", en = \"Spending\" }\nagency = \"TEST\"\nmodified = 2025-02-01\n",
    );
    let (code, json) = check(&f);
    assert_eq!((code, json["errors"].as_u64(), json["warnings"].as_u64()), (0, Some(0), Some(0)), "{json}");
    let out = f.sala(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let api: Value = serde_json::from_str(&std::fs::read_to_string(f.root().join("public/api/v1/datasets/spending.json")).unwrap()).unwrap();
    assert_eq!(api["dataset"]["title"], serde_json::json!({"th": "รายจ่ายรายปี", "en": "Spending by year"}), "{api}");

    // A problem of the package's resources is the package's, not dataset.toml's.
    f.write("datasets/spending/datapackage.json", PACKAGE.replace("\"path\": \"spending.csv\",", ""));
    let (code, json) = check(&f);
    assert_eq!(code, 1, "{json}");
    let errors: Vec<&Value> = json["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] == "error").collect();
    assert_eq!(errors.len(), 1, "{json}");
    assert_eq!(errors[0]["location"]["file"], package.as_str(), "{json}");

    // The package's dialect as frictionless-py 5 writes it (the CSV's own keys in `csv`),
    // with the table below a title line (`headerRows`): read so, rows as the file has them.
    let dialect = r#""dialect": {"headerRows": [2], "csv": {"delimiter": ";", "skipInitialSpace": false}}"#;
    f.write("datasets/spending/datapackage.json", PACKAGE.replace(r#""dialect": {"delimiter": ",", "skipInitialSpace": false}"#, dialect));
    f.write("datasets/spending/spending.csv", "Spending (THB millions)\nyear;amount\n2566;12.5\n2567;x\n");
    let (code, json) = check(&f);
    assert_eq!((code, json["errors"].as_u64(), json["warnings"].as_u64()), (1, Some(1), Some(0)), "{json}");
    assert!(places(&json).contains(&("type-error".to_string(), "datasets/spending/spending.csv".to_string(), None, Some(4), Some(2), Some("x".to_string()))), "{json}");
}

#[test]
fn a_local_government_is_an_agency_form_of_its_own() {
    let f = Fixture::new();
    f.write(
        "datasets/agencies/agencies.csv",
        format!("{}BMA,กรุงเทพมหานคร,Bangkok Metropolitan Administration,,local-government,https://www.bangkok.go.th\n", common::AGENCIES_CSV),
    );
    f.dataset("complaints", "[[resources.schema.fields]]\nname = \"id\"\ntype = \"integer\"\n", "id\n1\n");
    f.write("datasets/complaints/dataset.toml", std::fs::read_to_string(f.root().join("datasets/complaints/dataset.toml")).unwrap().replace("agency = \"TEST\"", "agency = \"BMA\""));
    let (code, json) = check(&f);
    assert_eq!((code, json["errors"].as_u64()), (0, Some(0)), "{json}");
    let out = f.sala(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let page = std::fs::read_to_string(f.root().join("public/agencies/bma/index.html")).unwrap_or_else(|_| panic!("{:?}", common::files_under(&f.root().join("public/agencies"))));
    assert!(page.contains("องค์กรปกครองส่วนท้องถิ่น"), "the form's Thai name");
}

#[test]
fn infer_names_a_column_whose_header_cell_is_blank_and_says_so() {
    let f = Fixture::new();
    let csv = f.write("in/codes.csv", "code,,amount\nA1,x,1\nA2,y,2\n");
    let out = f.sala(&["infer", csv.to_str().unwrap(), "--dataset", "codes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("note: column B has no name in the header row, so it was named column_b: write that name (or a better one) in the file too"),
        "{}",
        text(&out)
    );
    let toml_text = std::fs::read_to_string(f.root().join("datasets/codes/dataset.toml")).unwrap();
    assert!(toml_text.contains("name = \"column_b\"\ntype = \"string\"\n"), "{toml_text}");
    assert!(!toml_text.contains("name = \"\""), "{toml_text}");
}

/// Two exports pasted side by side repeat a column's name, and pasted one under the other
/// repeat the header row: `infer` numbers the second name apart and says to write it in the
/// file, names the repeated header row, and once both are mended in the file `check` passes;
/// before, `check` names the repeated row (and only that row) as the header again.
#[test]
fn infer_numbers_a_repeated_column_name_and_names_a_repeated_header_row() {
    let f = Fixture::new();
    let csv = f.write("in/refs.csv", "REF_DOC,amount,REF_DOC\nA1,10,B1\nA2,20,B2\nREF_DOC,amount,REF_DOC\nA3,30,B3\n");
    let out = f.sala(&["infer", csv.to_str().unwrap(), "--dataset", "refs"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let printed = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(printed.contains("note: column C is named \"REF_DOC\" as column A is, so it was named REF_DOC_2: write that name in the file's header row too (column names must differ)"), "{printed}");
    assert!(printed.contains("note: row 4 repeats the header row (two exports pasted together?): delete it and run sala infer again"), "{printed}");
    let toml_text = std::fs::read_to_string(f.root().join("datasets/refs/dataset.toml")).unwrap();
    assert!(toml_text.contains("name = \"REF_DOC_2\"\n"), "{toml_text}");
    f.write("datasets/refs/refs.csv", "REF_DOC,amount,REF_DOC_2\nA1,10,B1\nA2,20,B2\nREF_DOC,amount,REF_DOC_2\nA3,30,B3\n");
    let out = f.sala(&["check", "--format", "concise", "--lang", "en"]);
    let report = text(&out);
    let problems: Vec<&str> = report.lines().filter(|l| l.contains("refs.csv")).collect();
    assert_eq!(problems, ["datasets/refs/refs.csv:4: error[repeated-header] the row repeats the header row (as when two exports are pasted one under the other)"], "{report}");
    f.write("datasets/refs/refs.csv", "REF_DOC,amount,REF_DOC_2\nA1,10,B1\nA2,20,B2\nA3,30,B3\n");
    let out = f.sala(&["check", "--format", "concise", "--lang", "en"]);
    assert!(!text(&out).contains("refs.csv"), "{}", text(&out));
}

/// Blank rows and a source line under the table (as reports copied into a spreadsheet have
/// them) are named by `infer`, with what to do; they are not silently counted as data.
#[test]
fn infer_names_blank_rows_and_a_note_below_the_data() {
    let f = Fixture::new();
    let csv = f.write("in/beds.csv", "province,beds,year\nน่าน,12,2553\nแพร่,8,2553\n,,\nลำปาง,20,2553\n,,\nที่มา: กระทรวงสาธารณสุข,,\n");
    let out = f.sala(&["infer", csv.to_str().unwrap(), "--dataset", "beds"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let printed = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(printed.contains("note: rows 4, 6 are blank: delete them and run sala infer again"), "{printed}");
    assert!(printed.contains("note: row 7 below the data has text in one cell only (a note or a source line?): move it into the dataset's description and delete it"), "{printed}");
    assert!(printed.contains("แถว 4, 6 ว่างทั้งแถว"), "{printed}");
}

/// In a sheet whose table starts below a title, the blank rows and the note under the table
/// are named by the sheet and the rows the spreadsheet shows, as `check` names them.
/// see: infer called the source line of an NSO-style .xls (sheet row 10) "row 8", a data row.
#[test]
fn infer_names_stray_rows_of_a_sheet_by_the_sheets_rows() {
    let f = Fixture::new();
    let book = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/workbook/beds.xlsx");
    let out = f.sala(&["infer", book.to_str().unwrap(), "--dataset", "beds"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let notes: Vec<String> = String::from_utf8_lossy(&out.stderr).lines().filter(|l| l.starts_with("note:")).map(str::to_string).collect();
    assert_eq!(
        notes,
        [
            "note: rows 6, 8 of sheet \"เตียง\" are blank: delete them and run sala infer again (sala check reports a blank row as an error, and a blank row makes no column required here) / แถว 6, 8 ในแผ่นงาน \"เตียง\" ว่างทั้งแถว: ลบออกแล้วเรียก sala infer อีกครั้ง (sala check ถือว่าแถวว่างเป็นข้อผิดพลาด และแถวว่างทำให้ไม่มีคอลัมน์ใดถูกเสนอเป็น required)",
            "note: row 9 of sheet \"เตียง\" below the data has text in one cell only (a note or a source line?): move it into the dataset's description and delete it / แถว 9 ในแผ่นงาน \"เตียง\" ใต้ข้อมูลมีข้อความเพียงช่องเดียว (หมายเหตุหรือแหล่งที่มา?): ย้ายไปไว้ในคำอธิบายชุดข้อมูล (description) แล้วลบแถวนั้นออก",
        ]
    );
    // check names the same rows.
    let (_, json) = check(&f);
    let blank: Vec<_> = places(&json).into_iter().filter(|p| p.0 == "blank-row").map(|p| (p.2, p.3)).collect();
    assert_eq!(blank, [(Some("เตียง".to_string()), Some(6)), (Some("เตียง".to_string()), Some(8))], "{json}");
}

/// A file name with a line break in it: what `infer` writes still parses (its header comment
/// held the name, and the name's second line was read as TOML).
#[test]
fn infer_writes_toml_that_parses_whatever_the_file_is_named() {
    let f = Fixture::new();
    let csv = f.write("in/prov\nline.csv", "code,name\nA1,x\nA2,y\n");
    let out = f.sala(&["infer", csv.to_str().unwrap(), "--dataset", "lines"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let written = std::fs::read_to_string(f.root().join("datasets/lines/dataset.toml")).unwrap();
    assert!(toml::from_str::<toml::Table>(&written).is_ok(), "{written}");
    let report = text(&f.sala(&["check", "--format", "concise", "--lang", "en"]));
    // Only the lines to fill in are missing: the file itself is valid TOML.
    assert!(!report.contains("is not valid"), "{report}");
}

/// A Thai file name leaves no Latin letters for an id: `infer` names the file and says how to
/// give one (it printed `"" cannot be a dataset id`).
#[test]
fn infer_of_a_thai_file_name_says_to_give_an_id() {
    let f = Fixture::new();
    let csv = f.write("in/จังหวัด.csv", "code,name\nA1,x\n");
    let out = f.sala(&["infer", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("the file name \"จังหวัด\" gives no dataset id (ids are Latin letters): give one with --dataset"), "{}", text(&out));
}

/// A Thai file name with a year leaves the year alone, which the next file of that year
/// shares: `infer` asks for an id as it does for an all-Thai name.
/// see: "ข้อมูลประชากร 2567.csv" and then "งบประมาณ 2567.csv" both went to datasets/2567, the
/// second silently added to the first as another resource.
#[test]
fn infer_of_a_thai_file_name_with_a_year_says_to_give_an_id() {
    let f = Fixture::new();
    for name in ["ข้อมูลประชากร 2567", "งบประมาณ 2567 (2)"] {
        let csv = f.write(&format!("in/{name}.csv"), "code,name\nA1,x\n");
        let out = f.sala(&["infer", csv.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(text(&out).contains(&format!("the file name \"{name}\" gives no dataset id (ids are Latin letters): give one with --dataset")), "{}", text(&out));
    }
    assert!(!f.root().join("datasets/2567").exists() && !f.root().join("datasets/2567-2").exists());
    // A name of Latin letters and a year is an id as before.
    let csv = f.write("in/budget 2567.csv", "code,name\nA1,x\n");
    assert_eq!(f.sala(&["infer", csv.to_str().unwrap()]).status.code(), Some(0));
    assert!(f.root().join("datasets/budget-2567/dataset.toml").is_file());
}

/// A workbook of no bytes (a save or an upload that failed) is said to be empty, with what
/// to do, in `check` and in `infer`; not as the zip reader's "Could not find EOCD".
#[test]
fn an_empty_workbook_is_said_to_be_empty() {
    let f = Fixture::new();
    let book = f.write("in/budget.xlsx", "");
    let out = f.sala(&["infer", book.to_str().unwrap(), "--dataset", "budget"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("the workbook is empty (0 bytes); save the workbook again from the spreadsheet program"), "{}", text(&out));
    assert!(!text(&out).contains("EOCD"), "{}", text(&out));
}

#[test]
fn infer_keeps_codes_as_text_and_declares_unique_only_on_the_proposed_key() {
    let f = Fixture::new();
    let csv = f.write("in/subdistricts.csv", "subdistrict_code,postal_code,รหัสอำเภอ,name,population\n100101,10200,1001,พระบรมมหาราชวัง,3122\n100102,10200,1001,วังบูรพาภิรมย์,5611\n100103,10200,1001,วัดราชบพิธ,4011\n");
    let out = f.sala(&["infer", csv.to_str().unwrap(), "--dataset", "subdistricts"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let meta: toml::Value = toml::from_str(&std::fs::read_to_string(f.root().join("datasets/subdistricts/dataset.toml")).unwrap()).unwrap();
    let schema = &meta["resources"][0]["schema"];
    let fields: Vec<(String, String, bool)> = schema["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let unique = f.get("constraints").and_then(|c| c.get("unique")).and_then(|u| u.as_bool()).unwrap_or(false);
            (f["name"].as_str().unwrap().to_string(), f["type"].as_str().unwrap().to_string(), unique)
        })
        .collect();
    let expected = [
        ("subdistrict_code", "string", true),
        ("postal_code", "string", false),
        ("รหัสอำเภอ", "string", false),
        ("name", "string", false),
        ("population", "integer", false),
    ];
    assert_eq!(fields, expected.map(|(n, t, u)| (n.to_string(), t.to_string(), u)));
    assert_eq!(schema["primaryKey"].as_array().unwrap()[0].as_str(), Some("subdistrict_code"));
}

#[test]
fn infer_names_the_few_cells_that_keep_a_column_from_being_numbers() {
    let f = Fixture::new();
    let mut csv = String::from("office,amount\n");
    for i in 0..30 {
        let amount = match i {
            4 => "000".to_string(),
            19 => "…".to_string(),
            _ => (100 + i).to_string(),
        };
        csv.push_str(&format!("A{i},{amount}\n"));
    }
    let file = f.write("in/budget.csv", csv);
    let out = f.sala(&["infer", file.to_str().unwrap(), "--dataset", "budget"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("note: column amount is text because of 2 cell(s) (row, value): 6 \"000\", 21 \"…\"; without them it would be integer: correct the data and run infer again"),
        "{}",
        text(&out)
    );
}

#[test]
fn misplaced_thousands_separators_are_errors_not_other_numbers() {
    let f = Fixture::new();
    f.dataset(
        "budget",
        "[[resources.schema.fields]]\nname = \"item\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"amount\"\ntype = \"number\"\ngroupChar = \",\"\n",
        "item,amount\na,\"1,825,000\"\nb,\"18,250,00\"\nc,\"25,\"\nd,\"22,7\"\ne,\"18,250.50\"\nf,950\n",
    );
    let (code, json) = check(&f);
    assert_eq!(code, 1, "{json}");
    let p = |row, value: &str| ("type-error".to_string(), "datasets/budget/data.csv".to_string(), None, Some(row), Some(2), Some(value.to_string()));
    assert_eq!(places(&json), [p(3, "18,250,00"), p(4, "25,"), p(5, "22,7")], "{json}");
    assert!(json["diagnostics"][0]["help"]["en"].as_str().unwrap().starts_with("the thousands separators are misplaced"), "{json}");
}

fn encoding_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/encoding").join(name)
}

const PLACES_FIELDS: &str = "[[resources.schema.fields]]\nname = \"name\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"city\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"visitors\"\ntype = \"integer\"\n";

#[test]
fn a_windows_874_file_whose_bytes_start_like_utf8_is_read_as_thai() {
    // Converted with iconv; "สันพระเนตร" and "ขะเนจื้อ" hold เน + a consonant, E0 B9 xx: bytes
    // that are also UTF-8 Thai. They come first, as in the interior ministry's list.
    let bytes = std::fs::read(encoding_fixture("subdistricts-874.csv")).unwrap();
    let first_row = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
    assert_eq!(&bytes[first_row + 13..first_row + 23], b"\xca\xd1\xb9\xbe\xc3\xd0\xe0\xb9\xb5\xc3", "the first row holds สันพระเนตร");
    assert!(bytes.windows(3).filter(|w| w[0] == 0xE0 && (w[1] == 0xB8 || w[1] == 0xB9) && (0x80..=0xBF).contains(&w[2])).count() >= 2);
    let f = Fixture::new();
    let file = f.root().join("subdistricts.csv");
    std::fs::copy(encoding_fixture("subdistricts-874.csv"), &file).unwrap();
    let out = f.sala(&["infer", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("18 rows, 4 columns"), "{}", text(&out));
    let toml = std::fs::read_to_string(f.root().join("datasets/subdistricts/dataset.toml")).unwrap();
    assert!(toml.contains("encoding = \"windows-874\""), "{toml}");
    assert!(toml.contains("name = \"ชื่อตำบล\""), "{toml}");

    // check reads it as Thai with a warning, and the download is UTF-8.
    f.write("datasets/s/dataset.toml", format!("{META}\n[[resources]]\nname = \"s\"\npath = \"s.csv\"\n\n[resources.schema]\n[[resources.schema.fields]]\nname = \"รหัสตำบล\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"รหัสไปรษณีย์\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"ชื่อตำบล\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"ชื่อตำบลภาษาอังกฤษ\"\ntype = \"string\"\n"));
    std::fs::remove_dir_all(f.root().join("datasets/subdistricts")).unwrap();
    std::fs::copy(encoding_fixture("subdistricts-874.csv"), f.root().join("datasets/s/s.csv")).unwrap();
    let (code, json) = check(&f);
    assert_eq!((code, json["errors"].as_u64(), json["warnings"].as_u64()), (0, Some(0), Some(1)), "{json}");
    assert_eq!(json["diagnostics"][0]["message"]["en"], "the file is not UTF-8; it reads as Thai in Windows-874 (TIS-620) and was converted");
    let out = f.sala(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let csv = std::fs::read_to_string(f.root().join("public/datasets/s/s.csv")).unwrap();
    assert!(csv.starts_with("รหัสตำบล,รหัสไปรษณีย์,ชื่อตำบล,ชื่อตำบลภาษาอังกฤษ\n501210,50210,สันพระเนตร,San Phra Net\n571603,63140,ขะเนจื้อ,Khane Chue\n"), "{csv}");
}

#[test]
fn latin1_and_greek_files_are_errors_that_ask_for_the_encoding_and_then_read() {
    for (file, likely, declared, row, text_in_csv) in [
        ("latin1.csv", "windows-1252", "latin1", 2, "Café de Flore,Paris,120"),
        ("greek.csv", "windows-1253", "iso-8859-7", 1, "Γιώργος,Αθήνα,120"),
    ] {
        let f = Fixture::new();
        let header = if file == "greek.csv" { "[[resources.schema.fields]]\nname = \"όνομα\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"πόλη\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"επισκέπτες\"\ntype = \"integer\"\n" } else { PLACES_FIELDS };
        let resource = |encoding: &str| format!("{META}\n[[resources]]\nname = \"places\"\npath = \"places.csv\"\n{encoding}\n[resources.schema]\n{header}");
        f.write("datasets/places/dataset.toml", resource(""));
        std::fs::copy(encoding_fixture(file), f.root().join("datasets/places/places.csv")).unwrap();
        let (code, json) = check(&f);
        assert_eq!(code, 1, "{json}");
        // Never converted as Thai: one error, at the first row that is not ASCII.
        assert_eq!(places(&json), [("encoding-error".to_string(), "datasets/places/places.csv".to_string(), None, Some(row), None, None)], "{json}");
        let d = &json["diagnostics"][0];
        assert_eq!(
            d["message"]["en"].as_str().unwrap(),
            format!("the file's encoding is unknown: it was tried as UTF-8, UTF-16 and Thai (Windows-874/TIS-620), and is none of them; its bytes look most like {likely}"),
        );
        assert!(d["help"]["en"].as_str().unwrap().contains(&format!("encoding = \"{likely}\"")), "{d}");
        assert!(d["help"]["th"].as_str().unwrap().contains("encoding = "), "{d}");
        // With the encoding declared (any WHATWG label), the file reads and is published as UTF-8.
        f.write("datasets/places/dataset.toml", resource(&format!("encoding = \"{declared}\"\n")));
        let (code, json) = check(&f);
        assert_eq!((code, json["errors"].as_u64(), json["warnings"].as_u64()), (0, Some(0), Some(0)), "{json}");
        let out = f.sala(&["build"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let csv = std::fs::read_to_string(f.root().join("public/datasets/places/places.csv")).unwrap();
        assert!(csv.contains(text_in_csv), "{csv}");
    }
}

#[test]
fn infer_refuses_a_latin1_file_until_told_its_encoding() {
    let f = Fixture::new();
    let file = f.root().join("cafes.csv");
    std::fs::copy(encoding_fixture("latin1.csv"), &file).unwrap();
    let out = f.sala(&["infer", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("its bytes look most like windows-1252") && err.contains(&format!("or run sala infer --encoding <label> {}", file.display())), "{err}");
    // The row of the first byte that is not ASCII (`Café`, row 2), as `check` would name it.
    assert!(err.starts_with(&format!("error[usage-error]: {}:2: row 2: the file's encoding is unknown", file.display())), "{err}");
    assert!(err.contains(" / แถว 2: ไม่รู้ว่าไฟล์เข้ารหัสอักขระแบบใด"), "{err}");
    assert!(!f.root().join("datasets/cafes").exists());
    let out = f.sala(&["infer", "--encoding", "latin1", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let toml = std::fs::read_to_string(f.root().join("datasets/cafes/dataset.toml")).unwrap();
    assert!(toml.contains("encoding = \"windows-1252\""), "{toml}");
    assert!(toml.contains("name = \"visitors\"\ntype = \"integer\""), "{toml}");
}

/// `dataset.toml` as `infer` wrote it, with its TODOs filled in (each column titled by its name).
fn filled_in(toml: &str) -> String {
    let mut name = String::new();
    toml.replacen("title = { th = \"\", en = \"\" }", "title = { th = \"ชุดข้อมูล\", en = \"Dataset\" }", 1)
        .replacen("description = { th = \"\", en = \"\" }", "description = { th = \"คำอธิบาย\", en = \"Description\" }", 1)
        .replacen("agency = \"\"", "agency = \"TEST\"", 1)
        .replacen("license = \"\"", "license = \"CC-BY-4.0\"", 1)
        .replacen("# modified = 2025-01-31", "modified = 2025-01-31", 1)
        .lines()
        .map(|line| {
            if let Some(n) = line.strip_prefix("name = ") {
                name = n.trim_matches('"').to_string();
            }
            if line.starts_with("title = { th = \"\", en = \"\" }   # TODO") { format!("title = {{ th = \"{name}\", en = \"{name}\" }}") } else { line.to_string() }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn infer_types_codes_as_text_timestamps_with_offsets_as_datetimes_and_lon_lat_as_geopoints() {
    let f = Fixture::new();
    let file = f.root().join("cases.csv");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/infer/cases.csv"), &file).unwrap();
    let out = f.sala(&["infer", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let path = f.root().join("datasets/cases/dataset.toml");
    let toml = std::fs::read_to_string(&path).unwrap();
    let value: toml::Value = toml::from_str(&toml).unwrap();
    let types: Vec<String> = value["resources"][0]["schema"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{}:{}{}", f["name"].as_str().unwrap(), f["type"].as_str().unwrap(), f.get("calendar").map_or(String::new(), |c| format!(":{}", c.as_str().unwrap()))))
        .collect();
    assert_eq!(
        types,
        [
            "case_no:string",      // leading zeros
            "sub_district:string", // different six-digit numbers in order: a list keyed by code
            "postal_code:string",  // named a code
            "reported_at:datetime",
            "location:geopoint",
            "place_latlon:string", // lat,lon: kept text, with a note
            "fiscal_year:year:buddhist",
            "amount:integer",
            "population:integer",
        ]
    );
    assert!(text(&out).contains("note: column place_latlon holds lat,lon pairs, but Table Schema's geopoint is lon,lat"), "{}", text(&out));
    // What infer proposes, check accepts; the downloads hold canonical values.
    std::fs::write(&path, filled_in(&toml)).unwrap();
    let (code, json) = check(&f);
    assert_eq!((code, json["errors"].as_u64(), json["warnings"].as_u64()), (0, Some(0), Some(0)), "{json}");
    let out = f.sala(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let csv = std::fs::read_to_string(f.root().join("public/datasets/cases/cases.csv")).unwrap();
    // Offsets that differ (+00, +07:00) are written in Thai time, the same instants.
    assert!(csv.contains("\n000123,100101,10200,2024-05-13T15:12:45.123+07:00,\"100.5018,13.7563\",\"13.7563,100.5018\",2016,1234500,45000\n"), "{csv}");
    assert!(csv.contains("\n000124,100102,10200,2024-05-13T09:00:00+07:00,"), "{csv}");
}

#[test]
fn codes_are_never_grouped_and_buddhist_years_are_shown_as_written_on_thai_pages() {
    let f = Fixture::new();
    f.dataset(
        "grants",
        "[[resources.schema.fields]]\nname = \"postal_code\"\ntype = \"integer\"\ntitle = { th = \"รหัสไปรษณีย์\", en = \"Postal code\" }\n\
         [[resources.schema.fields]]\nname = \"agency\"\ntype = \"integer\"\ntitle = { th = \"รหัสหน่วยงาน\", en = \"Agency code\" }\n\
         [[resources.schema.fields]]\nname = \"fiscal_year\"\ntype = \"year\"\ncalendar = \"buddhist\"\ntitle = { th = \"ปีงบประมาณ\", en = \"Fiscal year\" }\nconstraints = { minimum = 2550, maximum = 2570 }\n\
         [[resources.schema.fields]]\nname = \"amount\"\ntype = \"integer\"\ntitle = { th = \"จำนวนเงิน\", en = \"Amount\" }\n\
         [[resources.schema.fields]]\nname = \"budget_2567\"\ntype = \"integer\"\ntitle = { th = \"งบประมาณปี 2567 (บาท)\", en = \"Revenue per year\" }\n",
        "postal_code,agency,fiscal_year,amount,budget_2567\n10200,3906023,2559,1234500,9876543\n",
    );
    let out = f.sala(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let th = std::fs::read_to_string(f.root().join("public/datasets/grants/index.html")).unwrap();
    let en = std::fs::read_to_string(f.root().join("public/en/datasets/grants/index.html")).unwrap();
    for page in [&th, &en] {
        assert!(page.contains(">10200<") && page.contains(">3906023<") && page.contains(">1,234,500<"), "{page}");
        assert!(!page.contains("10,200") && !page.contains("3,906,023"), "{page}");
        // An amount whose title says ปี or year is an amount (it was shown 9876543).
        assert!(page.contains(">9,876,543<"), "{page}");
    }
    // Thai pages: the year as written (B.E.), the column saying so; English pages: CE, saying so.
    assert!(th.contains(">2559<") && !th.contains(">2016<") && th.contains("ปีงบประมาณ (พ.ศ.)"), "{th}");
    assert!(en.contains(">2016<") && !en.contains(">2559<") && en.contains("Fiscal year (CE)"), "{en}");
    // The downloads hold CE years and say so.
    let csv = std::fs::read_to_string(f.root().join("public/datasets/grants/data.csv")).unwrap();
    assert_eq!(csv, "postal_code,agency,fiscal_year,amount,budget_2567\n10200,3906023,2016,1234500,9876543\n");
    let package: Value = serde_json::from_str(&std::fs::read_to_string(f.root().join("public/datasets/grants/datapackage.json")).unwrap()).unwrap();
    let year = &package["resources"][0]["schema"]["fields"][2];
    assert!(year["descriptions"]["en"].as_str().unwrap().contains("the downloads (CSV, JSON, Parquet) write them in the Common Era (CE = B.E. − 543)"), "{year}");
    assert!(year["descriptions"]["th"].as_str().unwrap().contains("คริสต์ศักราช"), "{year}");
    // Limits written in B.E., like the values, are checked as such and published in CE.
    assert_eq!(year["constraints"], serde_json::json!({"minimum": 2007, "maximum": 2027}), "{year}");
    assert!(en.contains("the downloads (CSV, JSON, Parquet) write them in the Common Era"), "the data dictionary says it too");
}

#[test]
fn a_licence_must_be_known_and_an_unknown_one_names_the_closest() {
    let f = Fixture::new();
    let with_license = |id: &str| META.replace("license = \"CC-BY-4.0\"", &format!("license = \"{id}\""));
    let resource = "\n[[resources]]\nname = \"data\"\npath = \"data.csv\"\n\n[resources.schema]\n[[resources.schema.fields]]\nname = \"a\"\ntype = \"integer\"\n";
    f.write("datasets/d/data.csv", "a\n1\n");
    f.write("datasets/d/dataset.toml", format!("{}{resource}", with_license("CC-BY-4")));
    let (code, json) = check(&f);
    assert_eq!(code, 1, "{json}");
    let d = &json["diagnostics"][0];
    assert_eq!((d["code"].as_str(), d["message"]["en"].as_str(), d["value"].as_str()), (Some("metadata-error"), Some("unknown licence \"CC-BY-4\""), Some("CC-BY-4")), "{json}");
    assert!(d["help"]["en"].as_str().unwrap().starts_with("use an SPDX or Open Definition id; the closest are \"CC-BY-4.0\" (Creative Commons Attribution 4.0 International)"), "{d}");

    // A licence that is not open is published, with a warning.
    f.write("datasets/d/dataset.toml", format!("{}{resource}", with_license("CC-BY-NC-4.0")));
    let (code, json) = check(&f);
    assert_eq!((code, json["warnings"].as_u64()), (0, Some(1)), "{json}");
    assert!(json["diagnostics"][0]["message"]["en"].as_str().unwrap().contains("is not an open licence"), "{json}");

    // data.go.th's "Open Data Common", as thai_gdc spells it, links to data.go.th's terms.
    f.write("datasets/d/dataset.toml", format!("{}{resource}", with_license("Open Data Common")));
    let (code, json) = check(&f);
    assert_eq!((code, json["errors"].as_u64(), json["warnings"].as_u64()), (0, Some(0), Some(0)), "{json}");
    let out = f.sala(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let package: Value = serde_json::from_str(&std::fs::read_to_string(f.root().join("public/datasets/d/datapackage.json")).unwrap()).unwrap();
    assert_eq!(
        package["licenses"][0],
        serde_json::json!({"name": "Open-Data-Common", "path": "https://data.go.th/pages/dga-open-government-license", "title": "Open Data Common (DGA Open Government License, data.go.th)"})
    );

    // A licence named by the URL of its text, as a Frictionless package's `path` names it, is
    // that licence (it was "unknown", with Open-Data-Common as the closest id).
    f.write("datasets/d/dataset.toml", format!("{}{resource}", with_license("https://creativecommons.org/licenses/by-sa/4.0/")));
    let (code, json) = check(&f);
    assert_eq!((code, json["errors"].as_u64(), json["warnings"].as_u64()), (0, Some(0), Some(0)), "{json}");
    let out = f.sala(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let package: Value = serde_json::from_str(&std::fs::read_to_string(f.root().join("public/datasets/d/datapackage.json")).unwrap()).unwrap();
    assert_eq!(package["licenses"][0]["name"], "CC-BY-SA-4.0", "{package}");
    let api: Value = serde_json::from_str(&std::fs::read_to_string(f.root().join("public/api/v1/datasets/d.json")).unwrap()).unwrap();
    assert_eq!(api["dataset"]["license"], "CC-BY-SA-4.0", "{api}");
}

#[test]
fn check_and_build_count_the_same_warnings() {
    let f = Fixture::new();
    // Warnings of several kinds: many of one kind in one file (more than are listed), a
    // Windows-874 file, a closed licence, a misspelt key, blank column titles, no modified date.
    let mut rows = String::from("a,b\n");
    for i in 0..60 {
        rows.push_str(&format!("{i}, x{i} \n"));
    }
    for i in 60..90 {
        rows.push_str(&format!("{i},กํา\n"));
    }
    f.dataset("many", "[[resources.schema.fields]]\nname = \"a\"\ntype = \"integer\"\n[[resources.schema.fields]]\nname = \"b\"\ntype = \"string\"\n", rows);
    f.write("datasets/thai/dataset.toml", format!("{}\n[[resources]]\nname = \"s\"\npath = \"s.csv\"\n\n[resources.schema]\n[[resources.schema.fields]]\nname = \"รหัสตำบล\"\ntype = \"string\"\ntitle = {{ th = \"\", en = \"\" }}\nconstraint = {{ required = true }}\n[[resources.schema.fields]]\nname = \"รหัสไปรษณีย์\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"ชื่อตำบล\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"ชื่อตำบลภาษาอังกฤษ\"\ntype = \"string\"\n", META.replace("CC-BY-4.0", "CC-BY-NC-4.0").replace("modified = 2025-02-01\n", "")));
    std::fs::copy(encoding_fixture("subdistricts-874.csv"), f.root().join("datasets/thai/s.csv")).unwrap();
    let (code, json) = check(&f);
    assert_eq!(code, 0, "{json}");
    let warnings = json["warnings"].as_u64().unwrap();
    let listed = json["diagnostics"].as_array().unwrap().len() as u64;
    let codes: std::collections::BTreeSet<&str> = json["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(codes.len() >= 4 && warnings > listed, "several kinds, some unlisted: {codes:?} {warnings} {listed}");
    let out = f.sala(&["build", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains(&format!(" {warnings} warnings → ")), "check counts {warnings}: {summary}");
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("0 error(s), {warnings} warning(s)")), "{}", text(&out));
}

#[test]
fn a_resource_of_a_utf8_file_and_a_quoted_crlf_windows_874_file_shows_each_row_as_its_file_has_it() {
    let f = Fixture::new();
    f.write(
        "datasets/spending/dataset.toml",
        format!(
            "{META}\n[[resources]]\nname = \"spending\"\npath = [\"2566.csv\", \"2567.csv\"]\n\n[resources.schema]\n\
             [[resources.schema.fields]]\nname = \"province\"\ntype = \"string\"\nconstraints = {{ enum = [\"กรุงเทพมหานคร\", \"เชียงใหม่\"] }}\n\
             [[resources.schema.fields]]\nname = \"amount\"\ntype = \"number\"\n"
        ),
    );
    f.write("datasets/spending/2566.csv", "province,amount\nกรุงเทพมหานคร,1\nเชียงใหม่,2x\n");
    // A Thai Excel export: Windows-874, CRLF, every field quoted.
    let thai = encoding_rs::WINDOWS_874.encode("\"province\",\"amount\"\r\n\"เชียงใหม่\",\"3\"\r\n\"ขอนแก่น\",\"4\"\r\n").0.into_owned();
    f.write("datasets/spending/2567.csv", thai);
    let (code, json) = check(&f);
    assert_eq!(code, 1, "{json}");
    let found: Vec<_> = places(&json).into_iter().filter(|p| p.0 != "encoding-error").collect();
    let p = |code: &str, file: &str, row, column, value: &str| (code.to_string(), format!("datasets/spending/{file}"), None, Some(row), Some(column), Some(value.to_string()));
    assert_eq!(found, [p("type-error", "2566.csv", 3, 2, "2x"), p("constraint-error", "2567.csv", 3, 1, "ขอนแก่น")], "{json}");
    // The rows shown come from each file's own text (the cells are dropped once checked),
    // decoded and without their quotes.
    let source = |code: &str| json["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == code).map(|d| d["source"]["text"].clone());
    assert_eq!(source("type-error"), Some(Value::from("เชียงใหม่,2x")), "{json}");
    assert_eq!(source("constraint-error"), Some(Value::from("ขอนแก่น,4")), "{json}");
}

#[test]
fn a_foreign_key_error_in_a_resource_of_many_files_names_its_file_and_row() {
    let f = Fixture::new();
    f.write(
        "datasets/spending/dataset.toml",
        format!(
            "{META}\n[[resources]]\nname = \"provinces\"\npath = \"provinces.csv\"\n\n[resources.schema]\nprimaryKey = [\"code\"]\n[[resources.schema.fields]]\nname = \"code\"\ntype = \"string\"\n\n\
             [[resources]]\nname = \"spending\"\npath = [\"2565.csv\", \"2566.csv\", \"2567.csv\"]\n\n[resources.schema]\n\
             [[resources.schema.fields]]\nname = \"province\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"amount\"\ntype = \"number\"\n\
             [[resources.schema.foreignKeys]]\nfields = [\"province\"]\nreference = {{ resource = \"provinces\", fields = [\"code\"] }}\n"
        ),
    );
    f.write("datasets/spending/provinces.csv", "code\n10\n50\n");
    f.write("datasets/spending/2565.csv", "province,amount\n10,1\n50,2\n");
    f.write("datasets/spending/2566.csv", "province,amount\n10,3\n50,4\n99,5\n");
    f.write("datasets/spending/2567.csv", "province,amount\n77,6\n10,7\n");
    let (code, json) = check(&f);
    assert_eq!(code, 1, "{json}");
    let p = |file: &str, row, value: &str| ("foreign-key".to_string(), format!("datasets/spending/{file}"), None, Some(row), Some(1), Some(value.to_string()));
    assert_eq!(places(&json), [p("2566.csv", 4, "99"), p("2567.csv", 2, "77")], "{json}");
    // The row shown is the file's: its cells as written.
    assert_eq!(json["diagnostics"][0]["source"]["text"], "99,5", "{json}");
}

/// An agency without a parent whose form is not a ministry (an independent body such as the
/// Election Commission) is not a ministry: not counted as one on the home page, not a value of
/// the ministry filter, its page not headed as a ministry's; it is still a top-level publisher
/// in the agency lists.
#[test]
fn an_independent_agency_without_a_parent_is_not_counted_as_a_ministry() {
    let f = Fixture::new();
    f.write(
        "datasets/agencies/agencies.csv",
        format!("{}ECT,สำนักงานคณะกรรมการการเลือกตั้ง,Office of the Election Commission,,independent-agency,https://www.ect.go.th\n", common::AGENCIES_CSV),
    );
    f.dataset("results", "[[resources.schema.fields]]\nname = \"id\"\ntype = \"integer\"\n", "id\n1\n");
    let toml = f.root().join("datasets/results/dataset.toml");
    std::fs::write(&toml, std::fs::read_to_string(&toml).unwrap().replace("agency = \"TEST\"", "agency = \"ECT\"")).unwrap();
    let out = f.sala(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let public = f.root().join("public");
    assert!(public.join("agencies/ect/index.html").is_file());
    assert!(!public.join("browse/ministry/ect").exists(), "{:?}", common::files_under(&public.join("browse/ministry")));
    assert!(public.join("browse/ministry/min/index.html").is_file());
    let home = std::fs::read_to_string(public.join("en/index.html")).unwrap();
    let agencies = std::fs::read_to_string(public.join("en/agencies/index.html")).unwrap();
    assert!(agencies.contains("Office of the Election Commission"), "{agencies}");
    let page = std::fs::read_to_string(public.join("en/agencies/ect/index.html")).unwrap();
    assert!(!page.contains("Organisations of the ministry"), "{page}");
    // One ministry (MIN) and two other agencies (TEST, ECT).
    assert!(home.contains("<dt>agencies</dt><dd>2</dd>") && home.contains("<dt>ministries</dt><dd>1</dd>"), "{home}");
}

/// A workbook's hidden sheet (a lookup list, working calculations, at times the personal data
/// the shown sheets sum up) was made a resource by infer and published; a resource without
/// `sheet` read the first sheet even when hidden. Hidden sheets are left out, with a note
/// naming them, and the first sheet shown is the default.
#[test]
fn hidden_sheets_are_left_out_and_never_the_default() {
    let f = Fixture::new();
    let mut book = rust_xlsxwriter::Workbook::new();
    let hidden = book.add_worksheet().set_name("staff").unwrap();
    for (c, v) in ["name", "national_id"].iter().enumerate() {
        hidden.write_string(0, c as u16, *v).unwrap();
    }
    hidden.write_string(1, 0, "สมชาย ใจดี").unwrap();
    hidden.write_string(1, 1, "1101700203450").unwrap();
    hidden.set_hidden(true);
    let data = book.add_worksheet().set_name("data").unwrap();
    for (c, v) in ["province", "amount"].iter().enumerate() {
        data.write_string(0, c as u16, *v).unwrap();
    }
    data.write_string(1, 0, "เชียงใหม่").unwrap();
    data.write_number(1, 1, 1500).unwrap();
    data.set_active(true);
    let path = f.root().join("in/book.xlsx");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    book.save(&path).unwrap();
    let out = f.sala(&["infer", path.to_str().unwrap(), "--dataset", "book"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("note: sheet \"staff\" is hidden in the workbook, so it was left out: to publish it, add a resource with sheet = \"staff\""), "{}", text(&out));
    let toml = std::fs::read_to_string(f.root().join("datasets/book/dataset.toml")).unwrap();
    assert_eq!(toml.matches("[[resources]]").count(), 1, "{toml}");
    assert!(toml.contains("sheet = \"data\"") && !toml.contains("national_id"), "{toml}");
    // Without `sheet`, the first sheet shown is read, not the hidden one before it.
    std::fs::copy(&path, f.root().join("datasets/book/book.xlsx")).unwrap();
    f.write(
        "datasets/book/dataset.toml",
        format!("{META}\n[[resources]]\nname = \"data\"\npath = \"book.xlsx\"\n\n[resources.schema]\n[[resources.schema.fields]]\nname = \"province\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"amount\"\ntype = \"integer\"\n"),
    );
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(f.root().join("public/datasets/book/data.csv")).unwrap(), "province,amount\nเชียงใหม่,1500\n");
}
