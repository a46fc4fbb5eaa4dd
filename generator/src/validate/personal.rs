//! The personal-data gate and the privacy rules: every column not declared as personal data is
//! scanned for Thai national IDs, phone numbers, e-mail addresses and passport numbers, as
//! written (a Polars regex pass picks the candidate cells; only those are looked at one by one)
//! and, for number columns, as published; so are the CSV header labels and every published text
//! of the metadata. Declarations and policies are checked for completeness. Values are only
//! ever shown masked.

use crate::diagnostic::{Code, Diagnostic, LISTED_PER_FILE_AND_CODE, Location, Report, column_letter};
use crate::lang::Text;
use crate::load::dataset::Treatment;
use crate::load::privacy::{NOTICE, PRACTICE, Policy, Requirement, TOPICS};
use crate::load::table::RawTable;
use crate::load::schema::Schema;
use crate::load::{DatasetSource, Source};
use crate::personal::{self, Kind};
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Scans the header labels and every text column of `raw` except the declared ones. Cells are
/// looked at only in a file whose bytes may hold personal data, and then only the cells a
/// Polars regular expression picks ([`personal::CANDIDATE`]). In the columns the schema types
/// as numbers (`numeric`, read as text from a workbook), a cell written as a plain number is
/// not taken for a phone number: it is published as a number, and a budget of 6,668,065,447
/// baht is no landline (+66 6806 5447); national IDs are still looked for there.
pub fn scan(raw: &RawTable, file: &Path, declared: &BTreeSet<usize>, numeric: &BTreeSet<usize>) -> PolarsResult<Report> {
    let mut report = Report::default();
    let mut listed = Vec::new();
    let mut total = 0usize;
    let mut note = |row: usize, ci: usize, text: &str, published: Option<&str>| {
        let amount = row > 1 && numeric.contains(&ci) && is_plain_number(text);
        let found = personal::find(text).into_iter().find(|(_, kind)| !(amount && matches!(kind, Kind::Mobile | Kind::Landline)));
        let Some((range, kind)) = found else { return };
        total += 1;
        if listed.len() < LISTED_PER_FILE_AND_CODE {
            let label = raw.header.get(ci).cloned().unwrap_or_default();
            let masked = personal::mask_value(&text[range]);
            listed.push(finding(file, row, ci, &label, kind, &masked, published));
        }
    };
    // The header row is published as the CSV's first line and as the data dictionary's names.
    for (ci, label) in raw.header.iter().enumerate() {
        note(1, ci, label, None);
    }
    let may_hold = raw.traits.personal_candidates
        || raw.traits.nbsp
        || raw.traits.thai_digits
        || raw.traits.personal_variants
        // A table made in memory (`sala init`) has no scan of its bytes.
        || raw.text.is_none();
    if may_hold {
        // Columns Polars typed while parsing hold numbers only; `scan_published` reads them.
        let text_columns = raw.frame.columns().iter().enumerate().filter(|(_, c)| c.dtype() == &DataType::String).map(|(i, _)| i);
        for ci in text_columns.filter(|c| !declared.contains(c)) {
            let name = RawTable::column_name(ci);
            let plan = raw
                .frame
                .clone()
                .lazy()
                .with_row_index("__row", None)
                .filter(col(name.as_str()).str().contains(lit(personal::CANDIDATE), true))
                .select([col("__row"), col(name.as_str())]);
            let candidates = crate::validate::table::collect(plan, raw.frame.height())?;
            let rows = candidates.column("__row")?.cast(&DataType::UInt64)?;
            let texts = candidates.column(name.as_str())?.str()?.clone();
            for (row, text) in rows.u64()?.iter().zip(texts.iter()) {
                let (Some(row), Some(text)) = (row, text) else { continue };
                note(row as usize + 2, ci, text, None);
            }
        }
    }
    report.extend_counted(listed, total);
    Ok(report)
}

/// Scans the number columns as they are published: a national ID written with thousands
/// separators (`1,900,000,011,541`) or in Thai digits is published as the plain 13 digits.
/// `frame` is the typed table (columns named after the schema's fields); `positions` maps
/// field index → column index. Only whole numbers of 13 digits are looked at one by one.
pub fn scan_published(frame: &DataFrame, schema: &Schema, positions: &BTreeMap<usize, usize>, raw: &RawTable, file: &Path, declared: &BTreeSet<usize>) -> PolarsResult<Report> {
    let mut report = Report::default();
    let mut listed = Vec::new();
    let mut total = 0usize;
    for (&fi, &ci) in positions {
        let name = schema.fields[fi].name.as_str();
        let Ok(column) = frame.column(name) else { continue };
        if declared.contains(&ci) || !matches!(column.dtype(), DataType::Int64 | DataType::Float64) {
            continue;
        }
        // Most number columns hold nothing as large as an ID: one pass for the largest value.
        if !column.as_materialized_series().max::<f64>()?.is_some_and(|max| max >= 1e12) {
            continue;
        }
        let value = col(name);
        let whole = value.clone().cast(DataType::Int64);
        let thirteen_digits = value.clone().gt_eq(lit(1_000_000_000_000i64)).and(value.clone().lt(lit(9_000_000_000_000i64)));
        let is_whole = whole.clone().cast(DataType::Float64).eq(value.clone().cast(DataType::Float64));
        let plan = frame.select([name])?.lazy().with_row_index("__row", None).filter(thirteen_digits.and(is_whole)).select([col("__row"), whole.alias("__whole")]);
        let candidates = crate::validate::table::collect(plan, frame.height())?;
        let rows = candidates.column("__row")?.cast(&DataType::UInt64)?;
        let numbers = candidates.column("__whole")?.i64()?.clone();
        for (row, n) in rows.u64()?.iter().zip(numbers.iter()) {
            let (Some(row), Some(n)) = (row, n) else { continue };
            if !personal::number_is_thai_id(n) {
                continue;
            }
            total += 1;
            if listed.len() < LISTED_PER_FILE_AND_CODE {
                let published = n.to_string();
                let label = raw.header.get(ci).cloned().unwrap_or_else(|| name.to_string());
                listed.push(finding(file, row as usize + 2, ci, &label, Kind::NationalId, &personal::mask_value(&published), Some(&published)));
            }
        }
    }
    report.extend_counted(listed, total);
    Ok(report)
}

/// Whether `text` is a number as a number column holds it: digits (ASCII or Thai) with
/// thousands separators and a decimal point, a leading minus, or in parentheses as accounts
/// write a negative amount. A leading `+` is a phone's country code, not an amount's sign.
fn is_plain_number(text: &str) -> bool {
    let t = text.trim();
    let t = t.strip_prefix('(').and_then(|t| t.strip_suffix(')')).unwrap_or(t);
    let t = t.strip_prefix('-').unwrap_or(t);
    t.chars().next().is_some_and(crate::lang::is_digit) && t.chars().all(|c| crate::lang::is_digit(c) || c == ',' || c == '.')
}

/// `label` as a key of a TOML inline table: bare when TOML allows it (ASCII letters, digits,
/// `_` and `-`), else quoted (a Thai column name), so that the line can be pasted as shown.
fn toml_key(label: &str) -> String {
    if !label.is_empty() && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        label.to_string()
    } else {
        crate::diagnostic::toml_string(label)
    }
}

fn finding(file: &Path, row: usize, column: usize, label: &str, kind: Kind, masked: &str, published: Option<&str>) -> Diagnostic {
    let (th, en) = kind.name();
    let letter = column_letter(column + 1);
    let (where_th, where_en) = match (row, published) {
        (1, _) => (format!("ในชื่อคอลัมน์ {letter} (แถวหัวตาราง)"), format!("in the header label of column {letter}")),
        (_, Some(_)) => (
            format!("ในคอลัมน์ {letter} เมื่อเผยแพร่เป็นตัวเลข (ตัดตัวคั่นหลักพันหรือแปลงเลขไทยแล้ว) ซึ่งไม่ได้ประกาศว่าเป็นข้อมูลส่วนบุคคล"),
            format!("in column {letter} as it is published (a number, separators removed), which is not declared as personal data"),
        ),
        _ => (format!("ในคอลัมน์ {letter} ที่ไม่ได้ประกาศว่าเป็นข้อมูลส่วนบุคคล"), format!("in column {letter}, which is not declared as personal data")),
    };
    let key = toml_key(label);
    let help = if row == 1 {
        Text::new("เปลี่ยนชื่อคอลัมน์ (ทั้งใน CSV และ schema) ให้ไม่มีข้อมูลส่วนบุคคล", "rename the column (in the CSV and the schema) so that its label holds no personal data")
    } else {
        Text::new(
            format!("ลบข้อมูลนั้นออก หรือประกาศคอลัมน์ใน dataset.toml: [personal_data] columns = {{ {key} = \"redact\" }} (หรือ mask / drop / hash; public ต้องมี legal_basis)"),
            format!("remove it, or declare the column in dataset.toml: [personal_data] columns = {{ {key} = \"redact\" }} (or mask / drop / hash; public needs a legal_basis)"),
        )
    };
    let location = Location { file: file.to_path_buf(), row: Some(row), column_number: Some(column + 1), column: (row != 1).then(|| label.to_string()), sheet: None };
    Diagnostic::error(
        Code::PersonalData,
        location,
        Text::new(format!("พบ{th} ({masked}) {where_th}"), format!("{} {en} ({masked}) is {where_en}", article(en))),
        help,
    )
    .with_value(masked.to_string())
    .with_rule("personal data must be declared ([personal_data])")
}

/// One published text of the portal's metadata, and where it is.
struct Published<'a> {
    /// The file it is written in (or, for a name, the file or folder named).
    file: &'a Path,
    /// Which field, e.g. `title.th` or `resources."data".schema.fields."note".title.en`.
    place: String,
    /// The text.
    text: &'a str,
    /// Whether phone numbers and e-mail addresses belong there (contact fields, a policy's
    /// contact sections, a page marked `contact = true`).
    contact: bool,
}

/// Scans every text of the portal that is published besides the data: `site.toml`, each
/// dataset's metadata, schema titles, descriptions, examples and enumerations, resource names,
/// folder and file names, content pages and privacy policies. National IDs and passport
/// numbers are errors everywhere; phone numbers and e-mail addresses are errors outside
/// contact information, unless they are given as contact information somewhere. Files are read again to find the line of each finding.
pub fn scan_metadata(source: &Source, report: &mut Report) {
    scan_metadata_with(source, None, report)
}

/// [`scan_metadata`], taking from `cache` the scan of each dataset whose metadata files and
/// schemas did not change (keyed by [`dataset_key`]); whether a finding is reported (a contact
/// given elsewhere) is decided anew in every build, from every dataset's findings.
pub fn scan_metadata_with(source: &Source, cache: Option<&crate::load::cache::Cache>, report: &mut Report) {
    let mut head: Vec<Published> = Vec::new();
    let site = Path::new("site.toml");
    let c = &source.config;
    push_text(&mut head, site, "title", &c.title, false);
    push_text(&mut head, site, "description", &c.description, false);
    push_text(&mut head, site, "contact.name", &c.contact.name, true);
    head.push(Published { file: site, place: "contact.email".into(), text: &c.contact.email, contact: true });
    head.push(Published { file: site, place: "contact.feedback_url".into(), text: &c.contact.feedback_url, contact: true });
    let mut tail: Vec<Published> = Vec::new();
    for page in &source.pages {
        let f = page.file.as_path();
        let contact = page.front.contact;
        push_name(&mut tail, f, "file name", &page.slug);
        tail.push(Published { file: f, place: "title".into(), text: &page.front.title, contact });
        tail.push(Published { file: f, place: "description".into(), text: &page.front.description, contact });
        tail.push(Published { file: f, place: "body".into(), text: &page.body, contact });
    }
    for p in &source.policies {
        let f = p.file.as_path();
        let policy = &p.policy;
        push_text(&mut tail, f, "title", &policy.title, false);
        if let Some(v) = &policy.version {
            tail.push(Published { file: f, place: "version".into(), text: v, contact: false });
        }
        for (section, items) in [("topics", &policy.topics), ("practice", &policy.practice), ("notice", &policy.notice)] {
            for (key, text) in items {
                // The agency's (and its DPO's) office address, phone and e-mail belong here.
                let contact = CONTACT_ITEMS.contains(&(section, key.as_str()));
                push_text(&mut tail, f, &format!("{section}.{key}"), text, contact);
            }
        }
        for (i, x) in policy.exchanges.iter().enumerate() {
            for (place, text) in [("data", &x.data), ("purpose", &x.purpose), ("legal_basis", &x.legal_basis)] {
                push_text(&mut tail, f, &format!("exchanges[{i}].{place}"), text, false);
            }
        }
    }
    // On every core: 10,000 datasets' metadata is some 400,000 texts; a rebuild scans only
    // the datasets whose metadata or schemas changed.
    // (Plain Rust, no Polars: Rayon's pool is safe here, see `crate::parallel`.)
    let (head, tail, datasets) = {
        use rayon::prelude::*;
        let found = |texts: &[Published]| -> Vec<Found> { texts.par_iter().flat_map_iter(found_in).collect() };
        let datasets: Vec<Scanned> = source
            .datasets
            .par_iter()
            .map(|d| match (cache, d.meta_key) {
                (Some(c), Some(meta_key)) => c.scanned(&d.id, dataset_key(d, meta_key), || scan_dataset(d)),
                _ => scan_dataset(d),
            })
            .collect();
        (found(&head), found(&tail), datasets)
    };
    // The order a clean build has always reported them in: the site, each dataset's texts,
    // each dataset's enumerations and examples, pages, policies.
    let all: Vec<&Found> = head.iter().chain(datasets.iter().flat_map(|d| &d.texts)).chain(datasets.iter().flat_map(|d| &d.values)).chain(&tail).collect();
    // Phone numbers and addresses given as contact information anywhere (the portal's, a
    // dataset's, an agency's DPO) may be repeated on any page.
    let declared: BTreeSet<String> = all.iter().filter(|f| f.contact && f.kind.is_contact()).map(|f| personal::contact_key(&f.written, f.kind)).collect();
    let mut files: BTreeMap<&Path, Option<String>> = BTreeMap::new();
    for f in all {
        if f.kind.is_contact() && (f.contact || declared.contains(&personal::contact_key(&f.written, f.kind))) {
            continue;
        }
        let content = files.entry(f.file.as_path()).or_insert_with(|| std::fs::read_to_string(source.root.join(&f.file)).ok());
        report.push(metadata_finding(f, content.as_deref()));
    }
}

/// One piece of personal data found in a published text (before deciding whether it is a
/// contact given elsewhere): what the build cache keeps of a dataset's scan.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Found {
    /// The file it is written in (or, for a name, the file or folder named).
    file: std::path::PathBuf,
    /// Which field.
    place: String,
    /// What is written.
    written: String,
    /// What it is.
    kind: Kind,
    /// Whether it is in contact information.
    contact: bool,
}

/// The findings in one dataset's published texts: its metadata and schema texts, then its
/// schemas' enumerations and examples (reported after every dataset's texts).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Scanned {
    /// In the metadata, names, and schema titles and descriptions.
    texts: Vec<Found>,
    /// In the schemas' enumerations and examples.
    values: Vec<Found>,
}

/// Everything a dataset's scan reads besides its metadata files' bytes (`meta_key`): its
/// folder and file, the resources whose schema could be read (a resource left out for a
/// missing file is not scanned), and their schemas (with the columns declared personal).
fn dataset_key(d: &DatasetSource, meta_key: u64) -> u64 {
    let mut h = crate::load::cache::KeyHasher::new();
    h.add(&meta_key).add(&d.id).add(&d.meta_file);
    for r in &d.resources {
        h.add(&r.meta.name).add(&r.schema_key);
    }
    h.finish()
}

/// The findings in `t`, in the order found.
fn found_in(t: &Published) -> Vec<Found> {
    personal::find(t.text)
        .into_iter()
        .map(|(range, kind)| Found { file: t.file.to_path_buf(), place: t.place.clone(), written: t.text[range].to_string(), kind, contact: t.contact })
        .collect()
}

/// Scans the published texts of one dataset.
fn scan_dataset(d: &DatasetSource) -> Scanned {
    let mut texts: Vec<Published> = Vec::new();
    let f = d.meta_file.as_path();
    let m = &d.meta;
    let folder = f.parent().unwrap_or(f);
    push_name(&mut texts, folder, "folder name", &d.id);
    for (place, text) in [("title", &m.title), ("description", &m.description), ("objective", &m.objective), ("geo_coverage", &m.geo_coverage), ("data_source", &m.data_source)] {
        push_text(&mut texts, f, place, text, false);
    }
    for (lang, tags) in [("th", &m.tags.th), ("en", &m.tags.en)] {
        for (i, tag) in tags.iter().enumerate() {
            texts.push(Published { file: f, place: format!("tags.{lang}[{i}]"), text: tag, contact: false });
        }
    }
    for (place, text) in [("license", &m.license), ("agency", &m.agency)] {
        texts.push(Published { file: f, place: place.into(), text, contact: false });
    }
    push_text(&mut texts, f, "contact.name", &m.contact.name, true);
    texts.push(Published { file: f, place: "contact.email".into(), text: &m.contact.email, contact: true });
    if let Some(st) = &m.statistics {
        texts.push(Published { file: f, place: "statistics.years".into(), text: &st.years, contact: false });
        push_text(&mut texts, f, "statistics.disaggregation", &st.disaggregation, false);
        push_text(&mut texts, f, "statistics.unit", &st.unit, false);
    }
    if let Some(p) = &m.personal_data {
        push_text(&mut texts, f, "personal_data.legal_basis", &p.legal_basis, false);
    }
    for r in &m.resources {
        let at = format!("resources.\"{}\"", r.name);
        push_name(&mut texts, f, &format!("{at}.name"), &r.name);
        for path in r.path.files() {
            push_name(&mut texts, f, &format!("{at}.path"), path);
        }
        push_text(&mut texts, f, &format!("{at}.title"), &r.title, false);
        push_text(&mut texts, f, &format!("{at}.description"), &r.description, false);
    }
    for r in &d.resources {
        let at = format!("resources.\"{}\".schema.fields", r.meta.name);
        for field in &r.schema.fields {
            let at = format!("{at}.\"{}\"", field.name);
            push_text(&mut texts, f, &format!("{at}.title"), &field.title, false);
            push_text(&mut texts, f, &format!("{at}.description"), &field.description, false);
        }
    }
    // Values written in TOML that are not strings (enumerations, examples) as text.
    let mut values: Vec<(String, String)> = Vec::new();
    for r in &d.resources {
        for field in &r.schema.fields {
            let at = format!("resources.\"{}\".schema.fields.\"{}\"", r.meta.name, field.name);
            for (i, v) in field.constraints.enum_values.iter().flatten().enumerate() {
                values.push((format!("{at}.constraints.enum[{i}]"), toml_text(v)));
            }
            if let Some(v) = &field.example {
                values.push((format!("{at}.example"), toml_text(v)));
            }
        }
    }
    let values: Vec<Published> = values.iter().map(|(place, text)| Published { file: f, place: place.clone(), text, contact: false }).collect();
    Scanned { texts: texts.iter().flat_map(found_in).collect(), values: values.iter().flat_map(found_in).collect() }
}

/// The items of a policy that are contact information: the office, online contact, and the
/// controller's and data protection officer's contact.
const CONTACT_ITEMS: &[(&str, &str)] = &[("practice", "contact_office"), ("practice", "contact_online"), ("notice", "dpo")];

fn push_text<'a>(texts: &mut Vec<Published<'a>>, file: &'a Path, place: &str, text: &'a crate::lang::Text, contact: bool) {
    texts.push(Published { file, place: format!("{place}.th"), text: &text.th, contact });
    texts.push(Published { file, place: format!("{place}.en"), text: &text.en, contact });
}

/// A file or folder name, each part of the path without its extension: a name is read as a
/// token of its own (`1101700230708.csv` holds an ID, where `photos/1683953166401.jpeg` in a
/// text is a file name whose digits are not one).
fn push_name<'a>(texts: &mut Vec<Published<'a>>, file: &'a Path, place: &str, name: &'a str) {
    for part in name.split(['/', '\\']) {
        let stem = match part.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() && (1..=5).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_alphanumeric()) => stem,
            _ => part,
        };
        texts.push(Published { file, place: place.to_string(), text: stem, contact: false });
    }
}

/// A TOML value as the text a page shows of it.
fn toml_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn metadata_finding(t: &Found, content: Option<&str>) -> Diagnostic {
    let (kind, written) = (t.kind, t.written.as_str());
    let (th, en) = kind.name();
    let masked = personal::mask_value(written);
    // The line where it is written, when the file holds it as it was read (not escaped).
    let location = content
        .and_then(|c| c.find(written).map(|at| &c[..at]))
        .map(|before| Location::line(&t.file, before.matches('\n').count() + 1, before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1))
        .unwrap_or_else(|| Location::file(&t.file));
    let place = &t.place;
    let help = if kind.is_contact() {
        Text::new(
            "ลบออก: หมายเลขโทรศัพท์และอีเมลเผยแพร่ได้เฉพาะในช่องติดต่อ ([contact] ของ dataset.toml หรือ site.toml, หัวข้อติดต่อของนโยบาย) หรือในหน้าเนื้อหาที่ระบุ contact = true",
            "remove it: phone numbers and e-mail addresses are published only in contact fields ([contact] in dataset.toml or site.toml, a policy's contact items) or on a content page marked contact = true",
        )
    } else {
        Text::new("ลบออก: ห้ามเผยแพร่เลขประจำตัวประชาชนและเลขหนังสือเดินทางในคำอธิบายข้อมูล ชื่อไฟล์ หรือหน้าเนื้อหา", "remove it: national ID and passport numbers may never be published in metadata, names or pages")
    };
    Diagnostic::error(
        Code::PersonalData,
        location,
        Text::new(format!("พบ{th} ({masked}) ใน {place} ซึ่งจะถูกเผยแพร่"), format!("{} {en} ({masked}) is in {place}, which is published", article(en))),
        help,
    )
    .with_value(masked)
    .with_rule("no personal data in published metadata")
}

/// The English article before a kind's name ("an e-mail address").
fn article(name: &str) -> &'static str {
    if name.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

/// The columns a dataset declares as personal data, per resource (declarations name columns).
pub fn declared_columns(dataset: &DatasetSource) -> BTreeSet<String> {
    dataset.meta.personal_data.as_ref().map(|p| p.columns.keys().cloned().collect()).unwrap_or_default()
}

/// Checks each dataset's `[personal_data]` declaration: the columns exist, and a legal basis is
/// given (always required for `public`).
pub fn check_declarations(source: &Source, report: &mut Report) {
    for d in &source.datasets {
        let Some(p) = &d.meta.personal_data else { continue };
        let at = || Location::file(&d.meta_file);
        for (column, treatment) in &p.columns {
            if !d.resources.iter().any(|r| r.schema.field(column).is_some()) {
                report.push(Diagnostic::error(
                    Code::MetadataError,
                    at(),
                    Text::new(format!("[personal_data] ประกาศคอลัมน์ \"{column}\" ที่ไม่มีใน schema"), format!("[personal_data] declares the column \"{column}\", which is in no schema")),
                    Text::new("แก้ชื่อคอลัมน์ให้ตรงกับ schema", "correct the column name to match the schema"),
                ));
            }
            if *treatment == Treatment::Public && p.legal_basis.is_empty() {
                report.push(Diagnostic::error(
                    Code::PersonalData,
                    at(),
                    Text::new(
                        format!("คอลัมน์ \"{column}\" จะเผยแพร่ข้อมูลส่วนบุคคลตามจริง (public) แต่ไม่ได้ระบุฐานทางกฎหมาย"),
                        format!("the column \"{column}\" would publish personal data as is (public) but no legal basis is given"),
                    ),
                    Text::new(
                        "ระบุ legal_basis ใน [personal_data] (เช่น มาตรา 24 พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล) หรือเปลี่ยนเป็น mask / hash / drop",
                        "give legal_basis in [personal_data] (e.g. PDPA section 24), or use mask / hash / drop instead",
                    ),
                ));
            }
        }
        if !p.columns.is_empty() && p.legal_basis.is_empty() && !p.columns.values().any(|t| *t == Treatment::Public) {
            report.push(Diagnostic::warning(
                Code::PersonalData,
                at(),
                Text::new("ชุดข้อมูลมีข้อมูลส่วนบุคคลแต่ไม่ได้ระบุฐานทางกฎหมาย", "the dataset holds personal data but gives no legal basis"),
                Text::new("ระบุ legal_basis ใน [personal_data] ทั้งสองภาษา", "give legal_basis in [personal_data], in both languages"),
            ));
        }
    }
}

fn missing_item(file: &Path, section: &str, req: &Requirement, lang_th: &str, lang_en: &str) -> Diagnostic {
    Diagnostic::error(
        Code::PolicyError,
        Location::file(file),
        Text::new(
            format!("นโยบายขาดหัวข้อ \"{}\" ({section}.{}) {lang_th}", req.th, req.key),
            format!("the policy lacks the topic \"{}\" ({section}.{}) {lang_en}", req.en, req.key),
        ),
        Text::new(
            format!("เพิ่ม {} = {{ th = \"…\", en = \"…\" }} ใต้ [{section}] (ดู docs/privacy.md)", req.key),
            format!("add {} = {{ th = \"…\", en = \"…\" }} under [{section}] (see docs/privacy.md)", req.key),
        ),
    )
    .with_rule(format!("{section}.{} required in Thai and English", req.key))
}

/// Checks every policy has each required item in both languages, names a real agency, and
/// lists exchanges with real agencies; warns about agencies without a policy.
pub fn check_policies(source: &Source, agencies: Option<&BTreeSet<String>>, report: &mut Report) {
    let mut covered = BTreeSet::new();
    for p in &source.policies {
        let policy: &Policy = &p.policy;
        if [&policy.topics, &policy.practice, &policy.notice].iter().flat_map(|m| m.values()).any(|t| t.iter().any(|s| s.len() > crate::validate::MAX_TEXT_BYTES)) {
            report.push(Diagnostic::error(
                Code::PolicyError,
                Location::file(&p.file),
                Text::new("มีหัวข้อที่ยาวเกิน 64 KB", "an item is longer than 64 KB"),
                Text::new("ย่อข้อความ หรือแบ่งรายละเอียดไปไว้ในหน้าเนื้อหา", "shorten it, or move the details to a content page"),
            ));
        }
        for (section, items, required) in [("topics", &policy.topics, TOPICS), ("practice", &policy.practice, PRACTICE), ("notice", &policy.notice, NOTICE)] {
            for req in required {
                let text = items.get(req.key);
                let th = text.is_some_and(|t| !t.th.trim().is_empty());
                let en = text.is_some_and(|t| !t.en.trim().is_empty());
                match (th, en) {
                    (true, true) => {}
                    (false, false) => report.push(missing_item(&p.file, section, req, "", "")),
                    (false, true) => report.push(missing_item(&p.file, section, req, "ในภาษาไทย", "in Thai")),
                    (true, false) => report.push(missing_item(&p.file, section, req, "ในภาษาอังกฤษ", "in English")),
                }
            }
            for key in items.keys().filter(|k| !required.iter().any(|r| r.key == k.as_str())) {
                report.push(Diagnostic::warning(
                    Code::PolicyError,
                    Location::file(&p.file),
                    Text::new(format!("ไม่รู้จักหัวข้อ {section}.{key}"), format!("unknown item {section}.{key}")),
                    Text::new("ตรวจการสะกดตาม docs/privacy.md", "check the spelling against docs/privacy.md"),
                ));
            }
        }
        let unknown = |code: &str| agencies.is_some_and(|a| !a.contains(code));
        match (&policy.agency, p.slug.as_str()) {
            (None, "portal") => {}
            (None, _) => report.push(Diagnostic::error(
                Code::PolicyError,
                Location::file(&p.file),
                Text::new("นโยบายไม่ได้ระบุรหัสหน่วยงาน (agency)", "the policy does not name its agency (agency = \"CODE\")"),
                Text::new("เพิ่ม agency = \"รหัสหน่วยงาน\" ที่บรรทัดแรก", "add agency = \"CODE\" at the top"),
            )),
            (Some(code), slug) => {
                if unknown(code) || slug != code.to_ascii_lowercase() {
                    report.push(Diagnostic::error(
                        Code::PolicyError,
                        Location::file(&p.file),
                        Text::new(
                            format!("รหัสหน่วยงาน \"{code}\" ไม่มีในทะเบียน หรือไม่ตรงกับชื่อไฟล์ {slug}.toml"),
                            format!("the agency code \"{code}\" is not in the registry or does not match the file name {slug}.toml"),
                        ),
                        Text::new("ใช้รหัสจากทะเบียนหน่วยงาน และตั้งชื่อไฟล์เป็นรหัสนั้นตัวพิมพ์เล็ก", "use a registry code and name the file after it in lowercase"),
                    ));
                }
                covered.insert(code.clone());
            }
        }
        for x in &policy.exchanges {
            if unknown(&x.with) || policy.agency.as_deref() == Some(x.with.as_str()) {
                report.push(Diagnostic::error(
                    Code::PolicyError,
                    Location::file(&p.file),
                    Text::new(format!("การแลกเปลี่ยนข้อมูลกับ \"{}\" ซึ่งไม่มีในทะเบียนหน่วยงาน", x.with), format!("an exchange with \"{}\", which is not another agency of the registry", x.with)),
                    Text::new("ใช้รหัสหน่วยงานอื่นจากทะเบียน", "use another agency's registry code"),
                ));
            }
            if x.data.iter().any(|t| t.trim().is_empty()) || x.purpose.iter().any(|t| t.trim().is_empty()) {
                report.push(Diagnostic::error(
                    Code::PolicyError,
                    Location::file(&p.file),
                    Text::new(format!("การแลกเปลี่ยนข้อมูลกับ {} ไม่ได้ระบุประเภทข้อมูลหรือวัตถุประสงค์ครบสองภาษา", x.with), format!("the exchange with {} lacks its kinds of data or purpose in Thai or English", x.with)),
                    Text::new("ระบุ data และ purpose ทั้งภาษาไทยและอังกฤษ", "give data and purpose in both Thai and English"),
                ));
            }
        }
    }
    if let Some(codes) = agencies {
        let missing: Vec<&String> = codes.iter().filter(|c| !covered.contains(*c)).collect();
        if !source.policies.is_empty() && !missing.is_empty() {
            let list = missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
            report.push(Diagnostic::warning(
                Code::PolicyError,
                Location::file("content/privacy"),
                Text::new(format!("หน่วยงานเหล่านี้ยังไม่มีนโยบายคุ้มครองข้อมูลส่วนบุคคล: {list}"), format!("these agencies have no personal-data policy yet: {list}")),
                Text::new("เพิ่ม content/privacy/<รหัส>.toml ของแต่ละหน่วยงาน", "add content/privacy/<code>.toml for each of them"),
            ));
        }
    }
}

/// Which datasets' columns are declared, by (dataset id) → column → treatment.
pub fn treatments(source: &Source) -> BTreeMap<String, BTreeMap<String, Treatment>> {
    source
        .datasets
        .iter()
        .filter_map(|d| d.meta.personal_data.as_ref().map(|p| (d.id.clone(), p.columns.clone())))
        .collect()
}
