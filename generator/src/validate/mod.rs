//! The validate stage: checks every dataset against its schema and the portal's own rules
//! (agency codes, publishable category, bilingual titles) and returns typed tables plus
//! diagnostics. It never prints, exits or writes.

mod foreign_keys;
pub mod table;

use crate::diagnostic::{Code, Diagnostic, Location, Report};
use crate::lang::Text;
use crate::session::Hooks;
use crate::load::dataset::DataCategory;
use crate::load::{DatasetSource, Source};
use polars::prelude::DataFrame;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// The dataset that holds the agency registry, and its resource.
pub const AGENCY_REGISTRY: (&str, &str) = ("agencies", "agencies");

/// The theme codes a dataset may use.
pub const THEMES: &[&str] = &[
    "budget", "finance", "e-government", "public-services", "geography", "population",
    "procurement", "open-government", "personal-data",
];

/// Typed tables, keyed by (dataset id, resource name), and everything found wrong.
#[derive(Debug, Default)]
pub struct Validated {
    /// Each resource's data, typed per its schema (absent where columns are missing).
    pub tables: BTreeMap<(String, String), DataFrame>,
    /// The problems found.
    pub report: Report,
}

/// Validates every dataset of `source`.
pub fn validate(source: &Source) -> Validated {
    validate_with(source, Hooks::default())
}

/// [`validate`], reusing results from `hooks.cache` for tables whose data and schema did not
/// change, and advancing `hooks.progress` by the rows checked.
pub fn validate_with(source: &Source, hooks: Hooks) -> Validated {
    let jobs: Vec<(&DatasetSource, usize)> = source
        .datasets
        .iter()
        .flat_map(|d| (0..d.resources.len()).map(move |i| (d, i)))
        .collect();
    if let Some(p) = hooks.progress {
        p.rows.set_length(jobs.iter().filter_map(|(d, i)| d.resources[*i].table.as_ref()).map(|t| t.rows() as u64).sum());
    }
    let checked: Vec<((String, String), table::Checked)> = jobs
        .par_iter()
        .filter_map(|(d, i)| {
            let r = &d.resources[*i];
            let raw = r.table.as_ref()?;
            let key = (r.fingerprint, format!("{}\u{0}{}", d.meta_file.display(), serde_json::to_string(&r.schema).unwrap_or_default()));
            let cached = hooks.cache.and_then(|c| c.checked(&key));
            if let Some(p) = hooks.progress {
                p.rows.inc(raw.rows() as u64);
            }
            if let Some((frame, report)) = cached {
                return Some(((d.id.clone(), r.meta.name.clone()), table::Checked { frame, report }));
            }
            // Polars is a large dependency: should it ever panic on a file, that file gets an
            // error diagnostic and the rest of the portal is still checked.
            // The inputs are only read, so a panic cannot leave them half-changed.
            let check = std::panic::AssertUnwindSafe(|| table::check_table(&r.schema, raw, &r.file, &d.meta_file));
            let checked = std::panic::catch_unwind(check)
                .unwrap_or_else(|_| table::Checked::internal_error(&r.file));
            if let Some(c) = hooks.cache {
                c.keep_checked(key, (checked.frame.clone(), checked.report.clone()));
            }
            Some(((d.id.clone(), r.meta.name.clone()), checked))
        })
        .collect();
    let mut validated = Validated::default();
    for (key, c) in checked {
        validated.report.merge(c.report);
        if let Some(frame) = c.frame {
            validated.tables.insert(key, frame);
        }
    }
    foreign_keys::check(source, &validated.tables, &mut validated.report);
    let agencies = agency_codes(source, &validated);
    for dataset in &source.datasets {
        check_metadata(dataset, agencies.as_ref(), &mut validated.report);
    }
    validated.report.sort();
    validated
}

/// The codes in the agency registry, or None when there is no readable registry.
fn agency_codes(source: &Source, validated: &Validated) -> Option<BTreeSet<String>> {
    let (d, r) = AGENCY_REGISTRY;
    if !source.datasets.iter().any(|ds| ds.id == d) {
        return None;
    }
    let frame = validated.tables.get(&(d.to_string(), r.to_string()))?;
    let codes = frame.column("code").ok()?.str().ok()?.clone();
    Some(codes.iter().flatten().map(str::to_string).collect())
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
    if meta.description.is_empty() {
        report.push(Diagnostic::warning(
            Code::MetadataError,
            at(),
            Text::new("ชุดข้อมูลไม่มีคำอธิบาย (description)", "the dataset has no description"),
            Text::new("อธิบายว่าข้อมูลคืออะไรและได้มาอย่างไร ทั้งสองภาษา", "say what the data is and how it was made, in both languages"),
        ));
    }
    if meta.license.trim().is_empty() {
        report.push(Diagnostic::error(
            Code::MetadataError,
            at(),
            Text::new("ไม่ได้ระบุสัญญาอนุญาต (license)", "no license is given"),
            Text::new("ระบุรหัสสัญญาอนุญาต เช่น license = \"CC-BY-4.0\"", "give a license id, e.g. license = \"CC-BY-4.0\""),
        ));
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
                Diagnostic::warning(
                    Code::MetadataError,
                    at(),
                    Text::new(format!("ไม่รู้จักหมวดหมู่ \"{theme}\""), format!("unknown theme \"{theme}\"")),
                    Text::new(format!("ใช้หมวดหมู่ใดหมวดหมู่หนึ่ง: {}", THEMES.join(", ")), format!("use one of: {}", THEMES.join(", "))),
                )
                .with_value(theme.clone()),
            );
        }
    }
    match agencies {
        _ if meta.agency.trim().is_empty() && dataset.id != AGENCY_REGISTRY.0 => report.push(Diagnostic::error(
            Code::UnknownAgency,
            at(),
            Text::new("ไม่ได้ระบุรหัสหน่วยงาน (agency)", "no agency code is given (agency)"),
            Text::new(
                "ใส่รหัสหน่วยงานของท่านจากคอลัมน์ code ใน datasets/agencies/agencies.csv เช่น agency = \"BB\"",
                "give your agency's code from the code column of datasets/agencies/agencies.csv, e.g. agency = \"BB\"",
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
