//! The personal-data gate against a corpus: every way of writing a national ID, a phone number,
//! an e-mail address or a passport number, in cells, in number columns and in every published
//! place of the metadata, is caught; look-alikes taken from real government data (decimals,
//! web addresses, file names, coordinates, codes, wrong check digits) pass; and what `redact`
//! publishes holds none of the leaked digits anywhere in the output.

mod common;

use common::{Fixture, files_under, text};
use std::collections::BTreeSet;

/// A valid national ID made from `seed`: twelve digits and their check digit.
fn id(seed: u64) -> String {
    let first = 1 + seed % 8;
    let body = format!("{first}{:011}", (seed.wrapping_mul(2_654_435_761) % 100_000_000_000));
    let digits: Vec<u32> = body.chars().map(|c| c.to_digit(10).unwrap()).collect();
    let sum: u32 = digits.iter().enumerate().map(|(i, d)| d * (13 - i as u32)).sum();
    let id = format!("{body}{}", (11 - sum % 11) % 10);
    assert!(sala::personal::thai_id_valid(&id));
    id
}

/// `id` grouped as printed on the card (1-2345-67890-12-3) with `sep` between the groups.
fn grouped(id: &str, sep: &str) -> String {
    [&id[0..1], &id[1..5], &id[5..10], &id[10..12], &id[12..13]].join(sep)
}

/// `text` with its ASCII digits written as Thai (`thai`) or full-width digits.
fn digits_as(text: &str, thai: bool) -> String {
    let zero = if thai { '๐' } else { '０' };
    text.chars().map(|c| c.to_digit(10).map_or(c, |d| char::from_u32(zero as u32 + d).unwrap())).collect()
}

/// A Thai mobile number made from `seed`, as ten digits.
fn mobile(seed: u64) -> String {
    format!("08{}{:07}", seed % 10, (seed * 7_919 + 1_000_000) % 10_000_000)
}

/// The leak forms for cells of a text column: (what it is, the cell, the planted value as
/// ASCII: the digits of an ID or phone number, or the e-mail or passport number).
fn text_leaks() -> Vec<(&'static str, String, String)> {
    let m = |s: u64| mobile(s);
    let dashed = |p: &str| format!("{}-{}-{}", &p[0..3], &p[3..6], &p[6..10]);
    let spaced = |p: &str| format!("{} {} {}", &p[1..3], &p[3..6], &p[6..10]);
    let mut leaks: Vec<(&'static str, String, String)> = vec![
        ("ID with dashes", format!("ผู้ร้อง {} ขอข้อมูล", grouped(&id(1), "-")), id(1)),
        ("ID with en dashes", grouped(&id(2), "–"), id(2)),
        ("ID with em dashes", grouped(&id(3), "—"), id(3)),
        ("ID with minus signs", grouped(&id(4), "−"), id(4)),
        ("ID with dots", grouped(&id(5), "."), id(5)),
        ("ID with slashes", grouped(&id(6), "/"), id(6)),
        ("ID with underscores", grouped(&id(7), "_"), id(7)),
        ("ID with spaces", grouped(&id(8), " "), id(8)),
        ("ID with non-breaking spaces", grouped(&id(9), "\u{a0}"), id(9)),
        ("ID with double spaces", grouped(&id(10), "  "), id(10)),
        ("ID with spaced dashes", grouped(&id(11), " - "), id(11)),
        ("ID with a zero-width space", format!("{}\u{200b}{}", &id(12)[..5], &id(12)[5..]), id(12)),
        ("ID with a soft hyphen", format!("{}\u{ad}{}", &id(13)[..5], &id(13)[5..]), id(13)),
        ("ID in Thai digits", format!("เลขบัตร {}", digits_as(&id(14), true)), id(14)),
        ("ID in Thai digits with dashes", digits_as(&grouped(&id(15), "-"), true), id(15)),
        ("ID in full-width digits", digits_as(&id(16), false), id(16)),
        ("ID inside a Thai sentence", format!("ผู้ร้อง{}ขอรับเงินช่วยเหลือ", id(17)), id(17)),
        ("ID after a year", format!("ปี 2567 {}", id(18)), id(18)),
        ("ID glued to a year by a slash", format!("{}/2567", id(19)), id(19)),
        ("ID in brackets", format!("({})", id(20)), id(20)),
        ("ID after a label", format!("ID:{}", id(21)), id(21)),
        ("mobile with dashes", format!("โทร {}", dashed(&m(1))), m(1)),
        ("mobile with dots", { let p = m(2); format!("{}.{}.{}", &p[0..3], &p[3..6], &p[6..10]) }, m(2)),
        ("mobile +66", format!("+66 {}", spaced(&m(3))), m(3)),
        ("mobile +66 (0)", format!("+66 (0) {}", spaced(&m(4))), m(4)),
        ("mobile +66 without spaces", format!("+66{}", &m(5)[1..]), m(5)),
        ("mobile in Thai digits", digits_as(&dashed(&m(6)), true), m(6)),
        ("mobile in full-width digits", digits_as(&m(7), false), m(7)),
        ("mobile inside a Thai sentence", format!("ติดต่อกลับที่{}ครับ", m(8)), m(8)),
        ("mobile after Tel.", format!("Tel.{}", m(9)), m(9)),
        ("mobile with en dashes", { let p = m(10); format!("{}–{}–{}", &p[0..3], &p[3..6], &p[6..10]) }, m(10)),
        ("mobile in brackets", { let p = m(11); format!("({}) {} {}", &p[0..3], &p[3..6], &p[6..10]) }, m(11)),
        ("landline in brackets", "แจ้งที่ (02) 123-4567 ในเวลาราชการ".into(), "021234567".into()),
        ("landline with dashes", "02-234-5678".into(), "022345678".into()),
        ("landline +66", "+66 2 345 6789".into(), "023456789".into()),
        ("landline in Thai digits", "๐๒ ๔๕๖ ๗๘๙๐".into(), "024567890".into()),
        ("e-mail", "ส่งถึง somchai.k@example.co.th".into(), "somchai.k@".into()),
        ("e-mail with a full-width at sign", "somying＠example.co.th".into(), "somying".into()),
        ("e-mail with a Thai domain", "ติดต่อ สมศรี somsri@ตัวอย่าง.ไทย".into(), "somsri@".into()),
        ("passport", "หนังสือเดินทาง AA1234567".into(), "AA1234567".into()),
        ("passport in lower case", "passport ab2345678".into(), "ab2345678".into()),
        ("passport with a space", "AC 3456789".into(), "AC 3456789".into()),
    ];
    leaks.sort_by_key(|(what, _, _)| *what);
    leaks
}

/// Leak forms for number columns: (what it is, the `amount` cell, the `code` cell).
fn number_leaks() -> Vec<(&'static str, String, String)> {
    let with_commas = |id: &str| {
        let mut out = String::new();
        for (i, c) in id.chars().enumerate() {
            if i > 0 && (id.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    vec![
        ("ID with thousands separators in a number column", format!("\"{}\"", with_commas(&id(40))), "1".into()),
        ("ID in Thai digits in a number column", digits_as(&id(41), true), "2".into()),
        ("ID with separators in Thai digits in a number column", format!("\"{}\"", digits_as(&with_commas(&id(42)), true)), "3".into()),
        ("ID in an integer column", "5".into(), id(43)),
    ]
}

const CELLS_SCHEMA: &str = r#"
[[resources.schema.fields]]
name = "case"
type = "integer"
[[resources.schema.fields]]
name = "note"
type = "string"
[[resources.schema.fields]]
name = "amount"
type = "number"
groupChar = ","
[[resources.schema.fields]]
name = "code"
type = "integer"
"#;

/// The `cells` dataset's CSV: one text leak per row, then one number leak per row. Returns the
/// CSV and the row (1-based, header = 1) and column letter of each leak.
fn cells_csv() -> (String, Vec<(String, usize, &'static str)>) {
    let mut csv = String::from("case,note,amount,code\n");
    let mut at = Vec::new();
    for (i, (what, cell, _)) in text_leaks().into_iter().enumerate() {
        csv.push_str(&format!("{i},\"{cell}\",1,1\n"));
        at.push((what.to_string(), i + 2, "B"));
    }
    let first = text_leaks().len();
    for (k, (what, amount, code)) in number_leaks().into_iter().enumerate() {
        csv.push_str(&format!("{},ปกติ,{amount},{code}\n", first + k));
        at.push((what.to_string(), first + k + 2, if code.len() > 5 { "D" } else { "C" }));
    }
    (csv, at)
}

/// The places of the metadata where a leak is planted: (place, what `check` names, the text).
/// Each is written into the portal by [`plant_metadata`].
fn metadata_portal() -> (Fixture, Vec<(&'static str, String)>) {
    let f = Fixture::new();
    let leak = |n: u64| id(100 + n);
    let planted: Vec<(&'static str, String)> = vec![
        ("title.th", leak(1)),
        ("title.en", leak(2)),
        ("description.th", leak(3)),
        ("description.en", "0812223333".into()),
        ("tags.th[0]", leak(4)),
        ("tags.en[0]", "tags.person@example.com".into()),
        ("objective.th", "AB7654321".into()),
        ("data_source.en", leak(5)),
        ("geo_coverage.th", digits_as(&leak(6), true)),
        ("contact.name.th", leak(7)),
        ("statistics.unit.en", leak(8)),
        ("resources.\"data\".title.th", leak(9)),
        ("resources.\"data\".description.en", grouped(&leak(10), "-")),
        ("resources.\"data\".schema.fields.\"note\".title.th", leak(11)),
        ("resources.\"data\".schema.fields.\"note\".description.en", "0899998888".into()),
        ("resources.\"data\".schema.fields.\"kind\".constraints.enum[1]", leak(12)),
        ("resources.\"data\".schema.fields.\"kind\".example", leak(13)),
        ("resources.\"extra\".name", leak(14)),
        ("resources.\"extra\".path", leak(15)),
    ];
    let get = |place: &str| planted.iter().find(|(p, _)| *p == place).map(|(_, t)| t.clone()).unwrap();
    f.write(
        "datasets/meta/dataset.toml",
        format!(
            r#"title = {{ th = "ชุดข้อมูล {}", en = "Dataset {}" }}
description = {{ th = "ผู้ร้อง {} ขอข้อมูล", en = "call {}" }}
agency = "TEST"
license = "CC-BY-4.0"
modified = 2025-02-01
tags = {{ th = ["{}"], en = ["{}"] }}
objective = {{ th = "ตรวจ {}", en = "checks" }}
data_source = {{ th = "กรม", en = "from {}" }}
geo_coverage = {{ th = "{}", en = "country" }}

[contact]
name = {{ th = "{}", en = "Data unit" }}
email = "data@test.example.go.th"

[statistics]
unit = {{ th = "บาท", en = "{}" }}

[[resources]]
name = "data"
path = "data.csv"
title = {{ th = "{}", en = "Data" }}
description = {{ th = "ข้อมูล", en = "{}" }}
[resources.schema]
[[resources.schema.fields]]
name = "note"
type = "string"
title = {{ th = "{}", en = "Note" }}
description = {{ th = "หมายเหตุ", en = "{}" }}
[[resources.schema.fields]]
name = "kind"
type = "string"
example = "{}"
constraints = {{ enum = ["a", "{}"] }}

[[resources]]
name = "{}"
path = "{}.csv"
[resources.schema]
[[resources.schema.fields]]
name = "x"
type = "string"
"#,
            get("title.th"),
            get("title.en"),
            get("description.th"),
            get("description.en"),
            get("tags.th[0]"),
            get("tags.en[0]"),
            get("objective.th"),
            get("data_source.en"),
            get("geo_coverage.th"),
            get("contact.name.th"),
            get("statistics.unit.en"),
            get("resources.\"data\".title.th"),
            get("resources.\"data\".description.en"),
            get("resources.\"data\".schema.fields.\"note\".title.th"),
            get("resources.\"data\".schema.fields.\"note\".description.en"),
            get("resources.\"data\".schema.fields.\"kind\".example"),
            get("resources.\"data\".schema.fields.\"kind\".constraints.enum[1]"),
            get("resources.\"extra\".name"),
            get("resources.\"extra\".path"),
        ),
    );
    f.write("datasets/meta/data.csv", "note,kind\nok,a\n");
    f.write(&format!("datasets/meta/{}.csv", get("resources.\"extra\".path")), "x\nok\n");
    (f, planted)
}

/// Every personal-data error of `check` as (file, place or row, masked value).
fn personal_errors(f: &Fixture) -> Vec<serde_json::Value> {
    let out = f.sala(&["check", "--format", "json", "--lang", "en"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", text(&out)));
    json["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "personal-data" && d["severity"] == "error").cloned().collect()
}

#[test]
fn every_leak_form_in_cells_and_number_columns_is_caught_where_it_is() {
    let f = Fixture::new();
    let (csv, at) = cells_csv();
    f.dataset("cells", CELLS_SCHEMA, &csv);
    let errors = personal_errors(&f);
    let found: BTreeSet<(u64, String)> = errors
        .iter()
        .filter(|d| d["location"]["file"] == "datasets/cells/data.csv")
        .map(|d| (d["location"]["row"].as_u64().unwrap(), d["location"]["column_number"].as_u64().map(|n| ((b'A' + n as u8 - 1) as char).to_string()).unwrap()))
        .collect();
    let missed: Vec<&(String, usize, &str)> = at.iter().filter(|(_, row, column)| !found.contains(&(*row as u64, column.to_string()))).collect();
    assert!(missed.is_empty(), "not caught: {missed:#?}");
    assert_eq!(found.len(), at.len(), "one finding per planted leak, nothing else: {errors:#?}");
    assert!(at.len() >= 46);
    // Shown masked, never in full.
    let report = text(&f.sala(&["check", "--lang", "en"]));
    for (what, cell, planted) in text_leaks() {
        assert!(!report.contains(&planted) && !report.contains(&cell), "{what}: {planted} is printed in full:\n{report}");
    }
    let amount = errors.iter().find(|d| d["location"]["row"].as_u64() == Some(text_leaks().len() as u64 + 2)).unwrap();
    assert_eq!(
        amount["message"]["en"].as_str().unwrap(),
        format!("a Thai national ID number ({}) is in column C as it is published (a number, separators removed), which is not declared as personal data", sala::personal::mask_value(&id(40)))
    );
}

#[test]
fn every_leak_form_in_the_metadata_is_caught_naming_the_place() {
    let (f, planted) = metadata_portal();
    // A content page, a policy, the site's own metadata and a CSV header.
    f.write("content/1101700230708.md", format!("+++\ntitle = \"ข่าว {}\"\ndescription = \"{}\"\n+++\nผู้ร้องเลขที่ {} แจ้งว่า โทร 081-555-6666\n", id(201), id(202), id(203)));
    f.write("content/contact.md", format!("+++\ntitle = \"ติดต่อ\"\ncontact = true\n+++\nโทร 02-111-2222 อีเมล info@test.example.go.th\n\nแต่ไม่ใช่ {}\n", id(204)));
    let policy = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/privacy/dga.toml")).unwrap();
    let policy = policy
        .replacen("agency = \"DGA\"", "agency = \"TEST\"", 1)
        .replacen("dpo = { th = \"", &format!("dpo = {{ th = \"โทร 02-142-1000 เลข {} ", id(205)), 1)
        .replacen("scope = { th = \"", "scope = { th = \"โทร 089-777-6666 ", 1);
    f.write("content/privacy/test.toml", policy);
    f.write(
        "site.toml",
        format!(
            "title = {{ th = \"พอร์ทัล\", en = \"Portal\" }}\ndescription = {{ th = \"ดูแลโดย {}\", en = \"x\" }}\nbase_url = \"https://data.example.go.th/\"\n[contact]\nname = {{ th = \"ทีมข้อมูล โทร 02-333-4444\", en = \"Data team\" }}\nemail = \"opendata@example.go.th\"\n",
            id(206)
        ),
    );
    let label = id(207);
    f.dataset("header", &format!("[[resources.schema.fields]]\nname = \"{label}\"\ntype = \"string\"\n"), format!("{label}\nok\n"));
    f.write(&format!("datasets/{}/dataset.toml", id(208)), std::fs::read_to_string(f.root().join("datasets/header/dataset.toml")).unwrap().replace(&label, "x"));
    f.write(&format!("datasets/{}/data.csv", id(208)), "x\nok\n");

    let errors = personal_errors(&f);
    let said = |d: &serde_json::Value| format!("{} {}", d["location"]["file"].as_str().unwrap(), d["message"]["en"].as_str().unwrap());
    let all: Vec<String> = errors.iter().map(said).collect();
    // The extra resource is named by an ID: its place is shown with the name masked.
    let extra = format!("resources.\"{}\"", sala::personal::mask_value(&planted.iter().find(|(p, _)| p.ends_with("extra\".name")).unwrap().1));
    let mut expected: Vec<(String, String)> =
        planted.iter().map(|(place, _)| ("datasets/meta/dataset.toml".to_string(), format!(" is in {}, which is published", place.replace("resources.\"extra\"", &extra)))).collect();
    expected.extend([
        ("content/11017xxxxxxx8.md".to_string(), " is in file name, which is published".to_string()),
        ("content/11017xxxxxxx8.md".to_string(), " is in title, which is published".to_string()),
        ("content/11017xxxxxxx8.md".to_string(), " is in description, which is published".to_string()),
        ("content/11017xxxxxxx8.md".to_string(), "a Thai national ID number".to_string()),
        ("content/11017xxxxxxx8.md".to_string(), "a mobile phone number (081-5xx-xxx6) is in body".to_string()),
        ("content/contact.md".to_string(), "a Thai national ID number".to_string()),
        ("content/privacy/test.toml".to_string(), "a Thai national ID number".to_string()),
        ("content/privacy/test.toml".to_string(), "a mobile phone number (089-7xx-xxx6) is in topics.scope.th".to_string()),
        ("site.toml".to_string(), " is in description.th, which is published".to_string()),
        ("datasets/header/data.csv".to_string(), "in the header label of column A".to_string()),
        (format!("datasets/{}", sala::personal::mask_value(&id(208))), " is in folder name, which is published".to_string()),
    ]);
    for (file, words) in &expected {
        assert!(all.iter().any(|a| a.starts_with(&format!("{file} ")) && a.contains(words.as_str())), "{file}: \"{words}\" not reported in\n{all:#?}");
    }
    assert!(expected.len() >= 30);
    // Contact information where it belongs is not an error: the dataset's and the site's
    // contact, a page marked contact = true, the policy's DPO section.
    for allowed in ["data@test.example.go.th", "02-333-4444", "02-111-2222", "info@test.example.go.th", "02-142-1000", "dpo@dga.example.go.th"] {
        let masked = sala::personal::mask_text(allowed);
        assert!(!all.iter().any(|a| a.contains(&masked)), "{allowed} is contact information where it belongs: {all:#?}");
    }
    // The full values are never printed, in any format.
    let human = text(&f.sala(&["check", "--lang", "en"]));
    for (_, leak) in &planted {
        let digits: String = leak.chars().filter(char::is_ascii_digit).collect();
        assert!(digits.len() < 9 || !human.contains(&digits), "{leak} printed:\n{human}");
    }
    assert!(!human.contains(&id(203)) && !human.contains(&id(208)), "{human}");
}

/// Look-alikes from real data (a budget bill extracted from PDFs, complaint records with photo
/// links, geographic data, invoices and products) that must pass.
const LOOK_ALIKES: &[&str] = &[
    "3365466.6666666665",
    "3493.622473361866",
    "งบประมาณ 3365466.6666666665 บาท",
    "https://example.go.th/complaints/photos/1683953166401.jpeg",
    "photos/1683953166401.jpeg",
    "1683953166401.jpeg",
    "https://maps.example.com/@13.7563309,100.5017651,17z",
    "a3f50812345678b2.png",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "IMG_20230512_0812345678.jpg",
    "POLYGON ((154.035 3496 26.426, 100.0812345 13.6789012, 154.035 3496 26.426))",
    "MULTIPOLYGON (((100.5018 13.7563, 100.5019 13.7564, 100.5018 13.7563)))",
    r#"{"type":"Point","coordinates":[100.08123456,13.02123456]}"#,
    "lat 13.7563309 lon 100.5017651",
    "C070320029",
    "C07032-0029",
    "INV-0812345678",
    "PO2567/0812345678",
    "1101700230705",
    "1-1017-00230-70-5",
    "1683953166402",
    "8850999320001",
    "รหัสสินค้า 8851234567890",
    "เลขที่ใบแจ้งหนี้ 2567000123456",
    "ISBN 978-616-123-456-7",
    "งบประมาณ 3,480,000,000,000.00 บาท",
    "12345678.00",
    "0.0812345678",
    "2024-10-01 12:30:00",
    "15/01/2567",
    "06/10/2566 09:01",
    "รายงาน ณ 8/9/2566 09:15 น.",
    "2566-10-06 09:01",
    "เวลา 10:30-11:45 น.",
    "ปี 2567-2568",
    "No 1234567",
    "ref 00123456789",
];

#[test]
fn look_alikes_from_real_data_pass() {
    let f = Fixture::new();
    let mut csv = String::from("case,note,amount,code\n");
    for (i, cell) in LOOK_ALIKES.iter().enumerate() {
        csv.push_str(&format!("{i},\"{}\",{},{}\n", cell.replace('"', "\"\""), ["\"3,480,000,000,000\"", "3365466.6666666665", "1900000011541.5", "\"1,683,953,166,402\""][i % 4], ["3480000000000", "1683953166402", "1234567890123", "8850999320001"][i % 4]));
    }
    f.dataset("real", CELLS_SCHEMA, &csv);
    let out = f.sala(&["check", "--format", "concise", "--lang", "en"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(LOOK_ALIKES.len() >= 30);
    // Each alone, too: as the only cell of a file, where no other text opens the scan.
    for cell in LOOK_ALIKES {
        assert_eq!(sala::personal::find(cell), [], "{cell}");
    }
}

/// Amounts of billions of baht in number columns (real Bureau of the Budget tables hold
/// 6,668,065,447 for one province) are published as numbers and are no phone numbers, however
/// the cell is written: plain, with separators, negative, in Thai digits (which make the column
/// read as text first, as a workbook's cells are). A phone number found
/// in a column with a Thai name gets a fix whose TOML can be pasted as shown (the name quoted).
#[test]
fn amounts_in_number_columns_are_no_phone_numbers_and_the_fix_quotes_a_thai_name() {
    let f = Fixture::new();
    let csv = "case,note,amount,code\n1,ok,๖๖๖๘๐๖๕๔๔๗,6652313857\n2,ok,\"6,652,313,857\",66523138570\n3,ok,-6652313857,6668065447\n";
    f.dataset("budget", CELLS_SCHEMA, csv);
    let out = f.sala(&["check", "--format", "concise", "--lang", "en"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains("personal-data"), "{}", text(&out));

    let schema = "[[resources.schema.fields]]\nname = \"หมายเหตุ\"\ntype = \"string\"\n";
    f.dataset("contacts", schema, "หมายเหตุ\nโทร 081-234-5678\n");
    let out = f.sala(&["check", "--lang", "en"]);
    let printed = text(&out);
    assert!(!out.status.success(), "{printed}");
    assert!(printed.contains("a mobile phone number (081-2xx-xxx8) is in column A, which is not declared as personal data"), "{printed}");
    assert!(printed.contains(r#"[personal_data] columns = { "หมายเหตุ" = "redact" }"#), "{printed}");
    let pasted: toml::Table = toml::from_str(r#"columns = { "หมายเหตุ" = "redact" }"#).unwrap();
    assert_eq!(pasted["columns"]["หมายเหตุ"].as_str(), Some("redact"));
}

#[test]
fn redacted_columns_publish_none_of_the_leaked_digits_anywhere() {
    let f = Fixture::new();
    let (csv, _) = cells_csv();
    f.dataset("cells", CELLS_SCHEMA, &csv);
    let toml = std::fs::read_to_string(f.root().join("datasets/cells/dataset.toml")).unwrap();
    f.write(
        "datasets/cells/dataset.toml",
        toml.replace(
            "\n[[resources]]",
            "\n[personal_data]\nlegal_basis = { th = \"มาตรา 24 (4)\", en = \"Section 24 (4)\" }\ncolumns = { note = \"redact\", amount = \"redact\", code = \"redact\" }\n\n[[resources]]",
        ),
    );
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let public = f.root().join("public");
    // Each leak as written and as its plain value (digits as ASCII), and each number-column ID.
    let mut needles = BTreeSet::new();
    for (_, cell, planted) in text_leaks() {
        needles.insert(planted);
        if !cell.contains(' ') {
            needles.insert(cell);
        }
    }
    for (_, amount, code) in number_leaks() {
        needles.extend([amount.trim_matches('"').to_string(), code].into_iter().filter(|n| n.len() > 5));
    }
    needles.extend([id(40), id(41), id(42), id(43)]);
    let mut checked = 0;
    for file in files_under(&public) {
        let bytes = std::fs::read(public.join(&file)).unwrap();
        let content = String::from_utf8_lossy(&bytes);
        // The digits with anything between them removed, so that a number grouped on a page
        // (1,234,567,…) is found too.
        let plain: String = content.chars().filter(|c| c.is_ascii_digit() || !c.is_ascii_punctuation() && !c.is_whitespace()).collect();
        for needle in &needles {
            assert!(!content.contains(needle.as_str()), "{file} contains {needle}");
            if needle.chars().all(|c| c.is_ascii_digit()) && needle.len() >= 13 {
                assert!(!plain.contains(needle.as_str()), "{file} contains {needle} with separators");
            }
        }
        checked += 1;
    }
    assert!(checked > 20);
    // The rest of each text stays readable.
    let csv_out = std::fs::read_to_string(public.join("datasets/cells/data.csv")).unwrap();
    assert!(csv_out.contains("ผู้ร้อง x-xxxx-xxxxx-xx-x ขอข้อมูล"), "{csv_out}");
    assert!(csv_out.contains("ติดต่อกลับที่xxxxxxxxxxครับ"), "{csv_out}");
}
