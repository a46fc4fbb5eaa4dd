//! The downloads as their readers see them: the workbook Sala writes itself (typed cells that
//! a spreadsheet reader gets back as typed, text escaped as Excel escapes it) and the zips'
//! compression.

mod common;

use calamine::{Data, DataType, Reader, Xlsx};
use common::text;
use std::io::Read;

const FIELDS: &str = "[[resources.schema.fields]]\nname = \"id\"\ntype = \"integer\"\n\n\
[[resources.schema.fields]]\nname = \"name\"\ntype = \"string\"\ntitle = { th = \"ชื่อ\", en = \"Name\" }\n\n\
[[resources.schema.fields]]\nname = \"amount\"\ntype = \"number\"\n\n\
[[resources.schema.fields]]\nname = \"paid\"\ntype = \"boolean\"\n\n\
[[resources.schema.fields]]\nname = \"day\"\ntype = \"date\"\n";

const CSV: &str = "id,name,amount,paid,day\n\
1,a & b <c>,1.5,true,2025-01-31\n\
2,\" lead\",,false,1899-12-31\n\
3,_x0041_ kept,-20,,\n\
4,ข้าวหอมมะลิ,1234567.25,true,2024-02-29\n";

fn built() -> (common::Fixture, std::path::PathBuf) {
    let f = common::Fixture::new();
    f.dataset("cells", FIELDS, CSV);
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let public = f.root().join("public");
    (f, public)
}

fn entry(zip_path: &std::path::Path, name: &str) -> (String, zip::CompressionMethod) {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip_path).unwrap()).unwrap();
    let mut entry = archive.by_name(name).unwrap();
    let method = entry.compression();
    let mut s = String::new();
    entry.read_to_string(&mut s).unwrap();
    (s, method)
}

#[test]
fn the_workbook_gives_a_spreadsheet_reader_every_value_typed_and_every_text_unchanged() {
    let (_f, public) = built();
    let path = public.join("datasets/cells/data.xlsx");
    let mut book: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), vec!["data".to_string()]);
    let range = book.worksheet_range("data").unwrap();
    assert_eq!(range.get_size(), (5, 5));
    let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(header, ["id", "ชื่อ / Name", "amount", "paid", "day"]);
    assert_eq!(rows[1][0], Data::Float(1.0));
    assert_eq!(rows[1][1], Data::String("a & b <c>".into()));
    assert_eq!(rows[1][2], Data::Float(1.5));
    assert_eq!(rows[1][3], Data::Bool(true));
    assert_eq!(rows[1][4].as_date(), chrono::NaiveDate::from_ymd_opt(2025, 1, 31));
    assert!(matches!(rows[1][4], Data::DateTime(_)), "a date is an Excel date: {:?}", rows[1][4]);
    // Leading spaces kept; a missing number is an empty cell; Excel has no dates before 1900.
    assert_eq!(rows[2][1], Data::String(" lead".into()));
    assert_eq!(rows[2][2], Data::Empty);
    assert_eq!(rows[2][3], Data::Bool(false));
    assert_eq!(rows[2][4], Data::String("1899-12-31".into()));
    // Text that looks like Excel's own escape stays that text.
    assert_eq!(rows[3][1], Data::String("_x0041_ kept".into()));
    assert_eq!(rows[3][2], Data::Float(-20.0));
    assert_eq!(rows[3][3], Data::Empty);
    assert_eq!(rows[4][1], Data::String("ข้าวหอมมะลิ".into()));
    assert_eq!(rows[4][2], Data::Float(1234567.25));
    assert_eq!(rows[4][4].as_date(), chrono::NaiveDate::from_ymd_opt(2024, 2, 29));
    // The cells as Excel itself writes them.
    let (sheet, method) = entry(&path, "xl/worksheets/sheet1.xml");
    assert_eq!(method, zip::CompressionMethod::Deflated);
    assert!(sheet.contains("<dimension ref=\"A1:E5\"/>"), "{sheet}");
    assert!(sheet.contains("<c r=\"B2\" t=\"inlineStr\"><is><t>a &amp; b &lt;c&gt;</t></is></c>"), "{sheet}");
    assert!(sheet.contains("<c r=\"B3\" t=\"inlineStr\"><is><t xml:space=\"preserve\"> lead</t></is></c>"), "{sheet}");
    assert!(sheet.contains("<c r=\"B4\" t=\"inlineStr\"><is><t>_x005F_x0041_ kept</t></is></c>"), "{sheet}");
    assert!(sheet.contains("<c r=\"E2\" s=\"2\"><v>45688</v></c>"), "{sheet}");
    assert!(sheet.contains("<c r=\"D3\" t=\"b\"><v>0</v></c>"), "{sheet}");
    assert!(sheet.contains("<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"), "{sheet}");
    // The title and the date of the data's last change, never the clock.
    let (core, _) = entry(&path, "docProps/core.xml");
    assert!(core.contains(">2025-02-01T00:00:00Z</dcterms:created>"), "{core}");
    let (app, _) = entry(&path, "docProps/app.xml");
    assert!(app.contains("<vt:lpstr>data</vt:lpstr>"), "{app}");
}

/// A year is four digits in the CSV, as Table Schema writes it (frictionless refuses `1` for
/// the year 0001 in a published file checked against its published schema).
#[test]
fn years_are_published_with_four_digits() {
    let f = common::Fixture::new();
    f.dataset("years", "[[resources.schema.fields]]\nname = \"year\"\ntype = \"year\"\n", "year\n0001\n0999\n2024\n");
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", common::text(&out));
    let csv = std::fs::read_to_string(f.root().join("public/datasets/years/data.csv")).unwrap();
    assert_eq!(csv, "year\n0001\n0999\n2024\n");
}

#[test]
fn the_dataset_zip_and_the_workbook_are_deflated_and_the_zip_holds_the_csv_beside_it() {
    let (_f, public) = built();
    let zip_path = public.join("datasets/cells/cells.zip");
    let (csv, method) = entry(&zip_path, "data.csv");
    assert_eq!(method, zip::CompressionMethod::Deflated);
    assert_eq!(csv, std::fs::read_to_string(public.join("datasets/cells/data.csv")).unwrap());
    let mut archive = zip::ZipArchive::new(std::fs::File::open(public.join("datasets/cells/data.xlsx")).unwrap()).unwrap();
    let names: Vec<String> = archive.file_names().map(str::to_string).collect();
    assert_eq!(
        names,
        [
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/_rels/workbook.xml.rels",
            "xl/theme/theme1.xml",
            "xl/styles.xml",
            "xl/workbook.xml",
            "xl/worksheets/sheet1.xml",
            "docProps/core.xml",
            "docProps/app.xml"
        ]
    );
    for i in 0..archive.len() {
        let e = archive.by_index(i).unwrap();
        assert_eq!(e.compression(), zip::CompressionMethod::Deflated, "{}", e.name());
        assert_eq!(e.last_modified().map(|d| d.year()), Some(1980), "{}", e.name());
    }
}
