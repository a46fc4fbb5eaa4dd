//! The validate stage: checks every dataset against its schema and the portal's own rules
//! (agency codes, publishable category, bilingual titles) and returns typed tables plus
//! diagnostics. It never prints, exits or writes.

mod foreign_keys;
pub mod personal;
pub mod role;
pub mod table;

use crate::diagnostic::{Code, Diagnostic, Location, Report};
use crate::lang::Text;
use crate::session::Hooks;
use crate::load::dataset::DataCategory;
use crate::load::cache::Stored;
use crate::load::{DatasetSource, Source};
use crate::model::Table;
use polars::prelude::DataFrame;
use std::collections::{BTreeMap, BTreeSet};

/// The dataset that holds the agency registry, and its resource.
pub const AGENCY_REGISTRY: (&str, &str) = ("agencies", "agencies");

/// The longest description (per language) a dataset may have.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// The theme codes a dataset may use.
pub const THEMES: &[&str] = &[
    "budget", "finance", "e-government", "public-services", "geography", "population",
    "procurement", "open-government", "personal-data",
];

/// Typed tables, keyed by (dataset id, resource name), and everything found wrong.
#[derive(Debug, Default)]
pub struct Validated {
    /// Each resource's data, typed per its schema (absent where columns are missing); a table
    /// the build cache holds is read only where a rule needs its rows.
    pub tables: Tables,
    /// The problems found.
    pub report: Report,
}

/// Validates every dataset of `source`.
pub fn validate(source: &Source) -> Validated {
    validate_with(source, Hooks::default())
}

/// Typed tables, keyed by (dataset id, resource name).
pub type Tables = BTreeMap<(String, String), Table>;

/// One table checked against its schema, keyed by (dataset id, resource name): its typed
/// table (none where columns are missing) and its diagnostics. What [`check_dataset`] gives
/// and [`finish`] takes.
pub type TableChecked = ((String, String), Option<Table>, Report);

/// [`validate`], reusing results from `hooks.cache` for tables whose data and schema did not
/// change, and advancing `hooks.progress` by the rows checked.
pub fn validate_with(source: &Source, hooks: Hooks) -> Validated {
    // Plain threads, not `par_iter`: see `crate::parallel` for the stack overflow this avoids.
    let checked = crate::parallel::map(&source.datasets, |d| check_dataset(d, hooks));
    finish_with(source, checked.into_iter().flatten().collect(), hooks.cache)
}

/// Checks every table of one dataset against its schema (the rules within one table), as soon
/// as it is read: see [`crate::load::load_each`]. [`finish`] applies the rules across tables
/// and datasets.
pub fn check_dataset(dataset: &DatasetSource, hooks: Hooks) -> Vec<TableChecked> {
    if let Some(p) = hooks.progress {
        p.rows.inc_length(dataset.resources.iter().filter_map(|r| r.rows()).map(|n| n as u64).sum());
    }
    (0..dataset.resources.len()).filter_map(|i| check_resource(dataset, i, hooks)).collect()
}

/// Checks resource `i` of dataset `d`, or takes its result from the cache.
fn check_resource(d: &DatasetSource, i: usize, hooks: Hooks) -> Option<TableChecked> {
    let r = &d.resources[i];
    let rows = r.rows()?;
    if let Some(p) = hooks.progress {
        p.rows.inc(rows as u64);
    }
    // A table checked before with the same data and schema (in memory for `serve`, or on
    // disk, when load found it there and did not read the file): its diagnostics are
    // already placed in their files and sheets.
    let key = r.check_key();
    if let Some((stored, mut report)) = hooks.cache.and_then(|c| c.checked(key)) {
        // The cache keeps the file's read warnings with its check (see `keep_checked` below):
        // reported from here when load did not read the file, by load when it did.
        if let Some(read) = &r.read_warnings {
            report.diagnostics.retain(|d| !read.contains(d));
        }
        let table = stored.map(|stored| match stored {
            Stored::Frame(frame, years) => Table::kept(r.file.clone(), frame, years),
            Stored::Entry(entry) => {
                // Read when a rule or an output needs its rows; should the cache's copy not
                // read back, the data file is read and checked again.
                let (again, personal) = (r.read_again(), personal::declared_columns(d));
                let (file, schema_file) = (r.file.clone(), r.schema_file.clone());
                Table::lazy(
                    r.file.clone(),
                    entry.rows,
                    entry.years.clone(),
                    Box::new(move || {
                        entry.read().or_else(|cached| {
                            let checked = again.read().map(|raw| table::check_table(again.schema(), &raw, &file, &schema_file, &personal));
                            match checked {
                                Ok(table::Checked { frame: Some(frame), .. }) => Ok(frame),
                                Ok(_) => Err(format!("{cached}; checked again, its columns are no longer complete: build again")),
                                Err(again) => Err(format!("{cached}; reading it again failed: {again}")),
                            }
                        })
                    }),
                )
            }
        });
        return Some(((d.id.clone(), r.meta.name.clone()), table, report));
    }
    let raw = r.table.as_ref()?;
    // Polars is a large dependency: should it ever panic on a file, that file gets an
    // error diagnostic and the rest of the portal is still checked.
    // The inputs are only read, so a panic cannot leave them half-changed.
    let personal = personal::declared_columns(d);
    let check = std::panic::AssertUnwindSafe(|| table::check_table(&r.schema, raw, &r.file, &r.schema_file, &personal));
    let checked = relocated(raw, std::panic::catch_unwind(check).unwrap_or_else(|_| table::Checked::internal_error(&r.file)));
    if let Some(c) = hooks.cache {
        let mut kept = checked.report.clone();
        kept.diagnostics.extend(r.read_warnings.iter().flatten().cloned());
        c.keep_checked(key, &(checked.frame.clone(), kept), rows);
    }
    let table = checked.frame.map(|frame| Table::ready(r.file.clone(), frame));
    Some(((d.id.clone(), r.meta.name.clone()), table, checked.report))
}

/// The rules across tables and datasets (foreign keys, the agency registry, metadata), given
/// every table's own check (from [`check_dataset`]).
pub fn finish(source: &Source, checked: Vec<TableChecked>) -> Validated {
    finish_with(source, checked, None)
}

/// [`finish`], taking from `cache` the personal-data scan of each dataset whose metadata and
/// schemas did not change since the last build (see [`personal::scan_metadata_with`]).
pub fn finish_with(source: &Source, checked: Vec<TableChecked>, cache: Option<&crate::load::cache::Cache>) -> Validated {
    let mut validated = Validated::default();
    for (key, table, report) in checked {
        validated.report.merge(report);
        if let Some(table) = table {
            validated.tables.insert(key, table);
        }
    }
    foreign_keys::check(source, &validated.tables, &mut validated.report);
    let agencies = agency_codes(source, &validated);
    check_registry(source, &validated.tables, &mut validated.report);
    for dataset in &source.datasets {
        check_metadata(dataset, agencies.as_ref(), &mut validated.report);
        check_contact(dataset, &source.config.contact.email, &mut validated.report);
        role::check_role(dataset, &mut validated.report);
        if let Some(codes) = &agencies {
            role::check_role_data(dataset, &validated.tables, codes, &mut validated.report);
        }
    }
    personal::check_declarations(source, &mut validated.report);
    personal::check_policies(source, agencies.as_ref(), &mut validated.report);
    personal::scan_metadata_with(source, cache, &mut validated.report);
    // Whatever rule reported it, no value leaves Sala with personal data readable in it (nor
    // a file's name or a column's label).
    for d in &mut validated.report.diagnostics {
        let file = d.location.file.to_string_lossy();
        let masked = crate::personal::mask_path(&file);
        if masked != file {
            d.location.file = masked.into();
        }
        if let Some(c) = &mut d.location.column {
            *c = crate::personal::mask_text(c);
        }
        if let Some(v) = &mut d.value {
            *v = crate::personal::mask_text(v);
        }
        d.message.th = crate::personal::mask_text(&d.message.th);
        d.message.en = crate::personal::mask_text(&d.message.en);
        if let Some(src) = &mut d.source {
            src.text = crate::personal::mask_text(&src.text);
        }
    }
    validated.report.sort();
    validated
}

/// The rows of `table`, read now if they were not yet; when they cannot be (its copy in the
/// build cache and its data file both failed), an error diagnostic says so and None.
pub(crate) fn rows_of<'a>(table: &'a Table, report: &mut Report) -> Option<&'a DataFrame> {
    match table.frame() {
        Ok(frame) => Some(frame),
        Err(e) => {
            // Each rule that needs the table asks again: it is said once.
            let file = table.file().to_path_buf();
            if !report.diagnostics.iter().any(|d| d.code == Code::SourceError && d.location.file == file && d.rule.as_deref() == Some(UNREADABLE)) {
                report.push(
                    Diagnostic::error(
                        Code::SourceError,
                        Location::file(file),
                        Text::new(format!("อ่านตารางนี้ไม่ได้: {e}"), format!("the table cannot be read: {e}")),
                        Text::new(
                            "สร้างเว็บไซต์อีกครั้ง (ครั้งต่อไปจะอ่านไฟล์ข้อมูลใหม่) หากยังเกิดซ้ำ ให้ลบโฟลเดอร์ .sala-cache",
                            "build again (the next build reads the data file again); should it repeat, delete the .sala-cache folder",
                        ),
                    )
                    .with_rule(UNREADABLE.to_string()),
                );
            }
            None
        }
    }
}

/// The rule named by the diagnostic of a table that cannot be read.
const UNREADABLE: &str = "read";

/// `checked` with its positions moved to the sheet, or the one of many files, that holds them.
fn relocated(raw: &crate::load::table::RawTable, mut checked: table::Checked) -> table::Checked {
    for d in &mut checked.report.diagnostics {
        raw.places.relocate(&mut d.location);
    }
    checked
}

/// Warns when nobody can be written to about a dataset: neither its `contact.email` nor the
/// portal's. Citizens need someone to ask, and data.json (DCAT-US) requires an address.
fn check_contact(dataset: &DatasetSource, portal_email: &str, report: &mut Report) {
    if !dataset.meta.contact.email.trim().is_empty() || !portal_email.trim().is_empty() {
        return;
    }
    report.push(Diagnostic::warning(
        Code::MetadataError,
        Location::file(&dataset.meta_file),
        Text::new("ไม่มีอีเมลติดต่อเรื่องชุดข้อมูลนี้ (contact.email)", "nobody can be e-mailed about this dataset (contact.email)"),
        Text::new(
            "ใส่อีเมลของหน่วยงานผู้ดูแลใน [contact] ของชุดข้อมูล หรือใส่ [contact] email ใน site.toml",
            "give the maintaining office's address in the dataset's [contact], or a portal address in site.toml's [contact]",
        ),
    ));
}

/// The codes in the agency registry, or None when there is no readable registry.
fn agency_codes(source: &Source, validated: &Validated) -> Option<BTreeSet<String>> {
    let (d, r) = AGENCY_REGISTRY;
    if !source.datasets.iter().any(|ds| ds.id == d) {
        return None;
    }
    // One that cannot be read is reported by `check_registry`.
    let frame = validated.tables.get(&(d.to_string(), r.to_string()))?.frame().ok()?;
    let codes = frame.column("code").ok()?.str().ok()?.clone();
    Some(codes.iter().flatten().map(str::to_string).collect())
}

/// The institutional forms an agency may have (`form` in the registry).
pub const FORMS: &[&str] = &["ministry", "department", "office", "public-organization", "state-enterprise", "independent-agency", "local-government"];

/// Checks the agency registry's own rows: codes usable in web addresses and unique ignoring
/// case (they become `/agencies/<code>/`), known institutional forms, parents that exist.
fn check_registry(source: &Source, tables: &Tables, report: &mut Report) {
    let (d, r) = AGENCY_REGISTRY;
    let Some(frame) = tables.get(&(d.to_string(), r.to_string())).and_then(|t| rows_of(t, report)) else { return };
    let Some(file) = source.datasets.iter().find(|ds| ds.id == d).and_then(|ds| ds.resources.iter().find(|x| x.meta.name == r)).map(|x| x.file.clone()) else { return };
    let text = |name: &str| -> Vec<String> {
        frame.column(name).ok().and_then(|c| c.str().ok().cloned()).map(|c| c.iter().map(|v| v.unwrap_or("").to_string()).collect()).unwrap_or_default()
    };
    let (codes, forms, parents) = (text("code"), text("form"), text("parent"));
    let known: BTreeSet<&str> = codes.iter().map(String::as_str).collect();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let at = |row: usize, column: &str| Location { file: file.clone(), row: Some(row + 2), column_number: None, column: Some(column.to_string()), sheet: None };
    for (i, code) in codes.iter().enumerate() {
        let usable = !code.is_empty() && code.len() <= 32 && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !usable {
            report.push(
                Diagnostic::error(
                    Code::MetadataError,
                    at(i, "code"),
                    Text::new("รหัสหน่วยงานต้องเป็นอักษรอังกฤษ ตัวเลข หรือ - เท่านั้น", "an agency code may hold only English letters, digits and '-'"),
                    Text::new("แก้รหัส เพราะรหัสจะเป็นที่อยู่เว็บของหน้าหน่วยงาน", "correct the code: it becomes the agency page's web address"),
                )
                .with_value(code.clone()),
            );
        }
        if let Some(first) = seen.insert(code.to_ascii_lowercase(), i) {
            report.push(
                Diagnostic::error(
                    Code::UniqueError,
                    at(i, "code"),
                    Text::new(format!("รหัส \"{code}\" ซ้ำกับแถว {} (ไม่แยกตัวพิมพ์เล็กใหญ่)", first + 2), format!("the code \"{code}\" repeats row {} (ignoring capitals)", first + 2)),
                    Text::new("ให้ทุกหน่วยงานมีรหัสต่างกัน", "give every agency a different code"),
                )
                .with_value(code.clone()),
            );
        }
        if let Some(form) = forms.get(i).filter(|f| !FORMS.contains(&f.as_str())) {
            report.push(
                Diagnostic::error(
                    Code::ConstraintError,
                    at(i, "form"),
                    Text::new(format!("ไม่รู้จักรูปแบบองค์กร \"{form}\""), format!("unknown institutional form \"{form}\"")),
                    Text::new(format!("ใช้ค่าใดค่าหนึ่ง: {}", FORMS.join(", ")), format!("use one of: {}", FORMS.join(", "))),
                )
                .with_value(form.clone()),
            );
        }
        if let Some(parent) = parents.get(i).filter(|p| !p.is_empty() && !known.contains(p.as_str())) {
            report.push(
                Diagnostic::error(
                    Code::ForeignKey,
                    at(i, "parent"),
                    Text::new(format!("ไม่มีหน่วยงานต้นสังกัด \"{parent}\" ในทะเบียน"), format!("the parent \"{parent}\" is not in the registry")),
                    Text::new("ใช้รหัสกระทรวงที่มีในทะเบียน หรือเว้นว่างถ้าเป็นกระทรวง", "use a ministry code from the registry, or leave it empty for a ministry"),
                )
                .with_value(parent.clone()),
            );
        }
    }
}

/// A licence must be one Sala knows (SPDX, Open Definition, data.go.th's): an unknown id would
/// be published as a link to a page that does not exist. A licence that is not open is allowed
/// with a warning, since data under it is not open data.
fn check_license(id: &str, at: Location, report: &mut Report) {
    match crate::model::license::find(id) {
        Some(l) if !l.open => report.push(
            Diagnostic::warning(
                Code::MetadataError,
                at,
                Text::new(
                    format!("สัญญาอนุญาต \"{}\" ({}) ไม่ใช่สัญญาอนุญาตแบบเปิด: ข้อมูลนี้จึงไม่ใช่ข้อมูลเปิดตาม Open Definition", l.id, l.name),
                    format!("the licence \"{}\" ({}) is not an open licence: data under it is not open data (Open Definition)", l.id, l.name),
                ),
                Text::new(
                    "ถ้าเผยแพร่ได้ ให้ใช้สัญญาอนุญาตแบบเปิด เช่น license = \"CC-BY-4.0\" หรือ \"Open-Data-Common\" ของ data.go.th",
                    "where the data may be opened, use an open licence, e.g. license = \"CC-BY-4.0\", or data.go.th's \"Open-Data-Common\"",
                ),
            )
            .with_value(id.to_string()),
        ),
        Some(_) => {}
        None => {
            let near: Vec<String> = crate::model::license::closest(id, 3).iter().map(|l| format!("\"{}\" ({})", l.id, l.name)).collect();
            report.push(
                Diagnostic::error(
                    Code::MetadataError,
                    at,
                    Text::new(format!("ไม่รู้จักสัญญาอนุญาต \"{id}\""), format!("unknown licence \"{id}\"")),
                    Text::new(
                        format!("ใช้รหัส SPDX หรือ Open Definition ที่ใกล้ที่สุดคือ {} (รายการทั้งหมดอยู่ใน docs/formats.md)", near.join(", ")),
                        format!("use an SPDX or Open Definition id; the closest are {} (docs/formats.md lists them all)", near.join(", ")),
                    ),
                )
                .with_value(id.to_string()),
            );
        }
    }
}

fn check_metadata(dataset: &DatasetSource, agencies: Option<&BTreeSet<String>>, report: &mut Report) {
    let file = &dataset.meta_file;
    let meta = &dataset.meta;
    let at = || Location::file(file);
    for (lang, text, th_name) in [("th", &meta.title.th, "ภาษาไทย"), ("en", &meta.title.en, "ภาษาอังกฤษ")] {
        if text.trim().is_empty() {
            report.push(Diagnostic::error(
                Code::MetadataError,
                at(),
                Text::new(format!("ชุดข้อมูลไม่มีชื่อ{th_name} (title.{lang})"), format!("the dataset has no title in {} (title.{lang})", if lang == "th" { "Thai" } else { "English" })),
                Text::new(
                    "เขียนชื่อทั้งสองภาษา เช่น title = { th = \"…\", en = \"…\" }",
                    "give the title in both languages, e.g. title = { th = \"…\", en = \"…\" }",
                ),
            ));
        }
    }
    // Descriptions are rendered as markdown, whose parser has slow inputs: keep them bounded.
    if [&meta.description, &meta.objective, &meta.data_source].iter().any(|t| t.iter().any(|s| s.len() > MAX_TEXT_BYTES)) {
        report.push(Diagnostic::error(
            Code::MetadataError,
            at(),
            Text::new(format!("ข้อความอธิบายยาวเกิน {} KB", MAX_TEXT_BYTES / 1024), format!("a description is longer than {} KB", MAX_TEXT_BYTES / 1024)),
            Text::new("ย่อคำอธิบาย และย้ายรายละเอียดไปไว้ในหน้าเนื้อหา (content/)", "shorten it, and move the details to a content page (content/)"),
        ));
    }
    if meta.description.is_empty() {
        report.push(Diagnostic::warning(
            Code::MetadataError,
            at(),
            Text::new("ชุดข้อมูลไม่มีคำอธิบาย (description)", "the dataset has no description"),
            Text::new("อธิบายว่าข้อมูลคืออะไรและได้มาอย่างไร ทั้งสองภาษา", "say what the data is and how it was made, in both languages"),
        ));
    }
    if meta.modified.is_none() && meta.issued.is_none() {
        // data.json requires a modified date, and feeds and sitemaps order datasets by it.
        report.push(Diagnostic::warning(
            Code::MetadataError,
            at(),
            Text::new("ชุดข้อมูลไม่มีวันที่ปรับปรุงล่าสุด (modified)", "the dataset has no modified date"),
            Text::new(
                "ใส่วันที่ข้อมูลเปลี่ยนครั้งล่าสุด เช่น modified = 2025-10-15 แคตตาล็อก (data.json, DCAT) และฟีดต้องใช้วันที่นี้",
                "give the date the data last changed, e.g. modified = 2025-10-15; the catalogs (data.json, DCAT) and the feed need it",
            ),
        ));
    }
    // A Buddhist-era year in a date (2568-01-01): the pages would say 3111, the feeds and
    // catalogs a date 543 years ahead, and the dataset would sort as the newest.
    for (key, date) in [("issued", &meta.issued), ("modified", &meta.modified)] {
        let Some(date) = date.as_ref().and_then(|d| d.date) else { continue };
        if i64::from(date.year) >= *crate::model::coverage::BUDDHIST_YEARS.start() {
            let ce = format!("{:04}-{:02}-{:02}", date.year - 543, date.month, date.day);
            report.push(
                Diagnostic::error(
                    Code::MetadataError,
                    at(),
                    Text::new(format!("วันที่ {key} ใช้ปี พ.ศ. {}", date.year), format!("the {key} date is in the Buddhist era (year {})", date.year)),
                    Text::new(format!("เขียนวันที่เป็นปี ค.ศ.: {key} = {ce}"), format!("write the date in the Christian era: {key} = {ce}")),
                )
                .with_value(date.to_string()),
            );
        }
    }
    if let Some(years) = meta.statistics.as_ref().map(|s| s.years.trim()).filter(|y| !y.is_empty()) {
        if crate::model::coverage::statistics_years(years).is_none() {
            report.push(
                Diagnostic::warning(
                    Code::MetadataError,
                    at(),
                    Text::new(
                        format!("statistics.years = \"{years}\" ไม่ใช่ปีงบประมาณหนึ่งปี หรือช่วงปีจากน้อยไปมาก จึงไม่แสดงในตัวกรองปีและแคตตาล็อก"),
                        format!("statistics.years = \"{years}\" is not one fiscal year or a range from first to last, so the year filter and the catalogs leave it out"),
                    ),
                    Text::new("เขียนปี พ.ศ. หนึ่งปี หรือช่วงปีจากน้อยไปมาก เช่น years = \"2565-2568\"", "write one Buddhist-era year or a range from first to last, e.g. years = \"2565-2568\""),
                )
                .with_value(years.to_string()),
            );
        }
    }
    if meta.license.trim().is_empty() {
        report.push(Diagnostic::error(
            Code::MetadataError,
            at(),
            Text::new("ไม่ได้ระบุสัญญาอนุญาต (license)", "no license is given"),
            Text::new("ระบุรหัสสัญญาอนุญาต เช่น license = \"CC-BY-4.0\"", "give a license id, e.g. license = \"CC-BY-4.0\""),
        ));
    } else {
        check_license(&meta.license, at(), report);
    }
    if meta.data_category != DataCategory::Public {
        report.push(Diagnostic::error(
            Code::NotPublic,
            at(),
            Text::new(
                "ชุดข้อมูลนี้ไม่ได้จัดเป็นข้อมูลสาธารณะ (data_category) จึงเผยแพร่ไม่ได้",
                "the dataset's data_category is not public, so it cannot be published",
            ),
            Text::new(
                "เผยแพร่ได้เฉพาะข้อมูลสาธารณะ: นำชุดข้อมูลนี้ออกจากพอร์ทัล หรือแก้เป็น data_category = \"public\" เมื่อได้รับอนุมัติแล้ว",
                "only public data may be published: remove this dataset from the portal, or set data_category = \"public\" once that is approved",
            ),
        ));
    }
    if meta.resources.is_empty() {
        report.push(Diagnostic::error(
            Code::MetadataError,
            at(),
            Text::new("ชุดข้อมูลไม่มีไฟล์ข้อมูล ([[resources]])", "the dataset has no data files ([[resources]])"),
            Text::new("เพิ่ม [[resources]] ที่มี name, path และ schema", "add a [[resources]] entry with name, path and schema"),
        ));
    }
    let mut names = BTreeSet::new();
    for r in &meta.resources {
        if !names.insert(r.name.as_str()) {
            report.push(Diagnostic::error(
                Code::MetadataError,
                at(),
                Text::new(format!("มีทรัพยากรชื่อ \"{}\" ซ้ำกัน", r.name), format!("two resources are named \"{}\"", r.name)),
                Text::new("ตั้งชื่อทรัพยากรให้ไม่ซ้ำกัน", "give each resource a different name"),
            ));
        }
    }
    for theme in &meta.themes {
        if !THEMES.contains(&theme.as_str()) {
            report.push(
                Diagnostic::error(
                    Code::MetadataError,
                    at(),
                    Text::new(format!("ไม่รู้จักหมวดหมู่ \"{theme}\""), format!("unknown theme \"{theme}\"")),
                    Text::new(format!("ใช้หมวดหมู่ใดหมวดหมู่หนึ่ง: {}", THEMES.join(", ")), format!("use one of: {}", THEMES.join(", "))),
                )
                .with_value(theme.clone()),
            );
        }
    }
    for code in meta.places.iter().filter(|c| crate::model::place::province(c).is_none()) {
        let near = crate::model::place::suggest(code);
        let example = near.first().copied().unwrap_or("TH-50");
        report.push(
            Diagnostic::error(
                Code::MetadataError,
                at(),
                Text::new(format!("\"{code}\" ไม่ใช่รหัสจังหวัด (ISO 3166-2:TH)"), format!("\"{code}\" is not a province code (ISO 3166-2:TH)")),
                Text::new(
                    format!("เขียน TH- ตามด้วยรหัสจังหวัดสองหลักของกรมการปกครอง เช่น places = [\"{example}\"] (ดู docs/formats.md)"),
                    format!("write TH- and the province's two-digit code, e.g. places = [\"{example}\"] (see docs/formats.md)"),
                ),
            )
            .with_value(code.clone()),
        );
    }
    // The example is a code of this portal's registry (a new portal's has only its own).
    let example = agencies.and_then(|codes| codes.iter().next()).map_or("BB", String::as_str);
    match agencies {
        _ if meta.agency.trim().is_empty() && dataset.id != AGENCY_REGISTRY.0 => report.push(Diagnostic::error(
            Code::UnknownAgency,
            at(),
            Text::new("ไม่ได้ระบุรหัสหน่วยงาน (agency)", "no agency code is given (agency)"),
            Text::new(
                format!("ใส่รหัสหน่วยงานของท่านจากคอลัมน์ code ใน datasets/agencies/agencies.csv เช่น agency = {}", crate::diagnostic::toml_string(example)),
                format!("give your agency's code from the code column of datasets/agencies/agencies.csv, e.g. agency = {}", crate::diagnostic::toml_string(example)),
            ),
        )),
        Some(codes) if codes.contains(&meta.agency) => {}
        Some(_) => report.push(
            Diagnostic::error(
                Code::UnknownAgency,
                at(),
                Text::new(
                    format!("ไม่มีรหัสหน่วยงาน \"{}\" ในทะเบียนหน่วยงาน", meta.agency),
                    format!("the agency code \"{}\" is not in the agency registry", meta.agency),
                ),
                Text::new(
                    "ใช้รหัสจากคอลัมน์ code ใน datasets/agencies/agencies.csv หรือเพิ่มหน่วยงานลงในทะเบียนก่อน",
                    "use a code from the code column of datasets/agencies/agencies.csv, or add the agency to the registry first",
                ),
            )
            .with_value(meta.agency.clone()),
        ),
        None if dataset.id == AGENCY_REGISTRY.0 => {}
        None => report.push(Diagnostic::error(
            Code::UnknownAgency,
            at(),
            Text::new(
                "พอร์ทัลไม่มีทะเบียนหน่วยงานที่อ่านได้ (datasets/agencies) จึงตรวจรหัสหน่วยงานไม่ได้",
                "the portal has no readable agency registry (datasets/agencies), so agency codes cannot be checked",
            ),
            Text::new(
                "สร้าง datasets/agencies/ ที่มีไฟล์ agencies.csv (ดู docs/formats.md) หรือแก้ข้อผิดพลาดในทะเบียน",
                "create datasets/agencies/ with agencies.csv (see docs/formats.md), or fix the registry's errors",
            ),
        )),
    }
}
