//! The personal-data gate and the privacy rules: every column not declared as personal data is
//! scanned for Thai national IDs, phone numbers, e-mail addresses and passport numbers (a Polars
//! regex pass picks the candidate cells; only those are looked at one by one); declarations and
//! policies are checked for completeness. Values are only ever shown masked.

use crate::diagnostic::{Code, Diagnostic, LISTED_PER_FILE_AND_CODE, Location, Report, column_letter};
use crate::lang::Text;
use crate::load::dataset::Treatment;
use crate::load::privacy::{NOTICE, PRACTICE, Policy, Requirement, TOPICS};
use crate::load::table::RawTable;
use crate::load::{DatasetSource, Source};
use crate::personal::{self, Kind};
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What may start a piece of personal data; cells without it are not looked at.
const CANDIDATE: &str = r"[0-9](?:[- ]?[0-9]){8}|@|[A-Z]{2}[0-9]{7}";

/// Scans every column of `raw` except the declared ones.
pub fn scan(raw: &RawTable, file: &Path, declared: &BTreeSet<usize>) -> PolarsResult<Report> {
    let mut report = Report::default();
    if !raw.traits.personal_candidates {
        return Ok(report);
    }
    let mut listed = Vec::new();
    let mut total = 0usize;
    // Columns Polars typed while parsing hold numbers only, never read where this scan could
    // find anything (see `load::table`); only text columns are looked at.
    let text_columns = raw.frame.columns().iter().enumerate().filter(|(_, c)| c.dtype() == &DataType::String).map(|(i, _)| i);
    for ci in text_columns.filter(|c| !declared.contains(c)) {
        let name = RawTable::column_name(ci);
        let candidates = raw
            .frame
            .clone()
            .lazy()
            .with_row_index("__row", None)
            .filter(col(name.as_str()).str().contains(lit(CANDIDATE), true))
            .select([col("__row"), col(name.as_str())])
            .collect()?;
        let rows = candidates.column("__row")?.cast(&DataType::UInt64)?;
        let texts = candidates.column(name.as_str())?.str()?.clone();
        for (row, text) in rows.u64()?.iter().zip(texts.iter()) {
            let (Some(row), Some(text)) = (row, text) else { continue };
            let found = personal::find(text);
            let Some((range, kind)) = found.first() else { continue };
            total += 1;
            if listed.len() < LISTED_PER_FILE_AND_CODE {
                let label = raw.header.get(ci).cloned().unwrap_or_default();
                listed.push(finding(file, row as usize + 2, ci, &label, *kind, &personal::mask_value(&text[range.clone()])));
            }
        }
    }
    report.extend_counted(listed, total);
    Ok(report)
}

fn finding(file: &Path, row: usize, column: usize, label: &str, kind: Kind, masked: &str) -> Diagnostic {
    let (th, en) = kind.name();
    Diagnostic::error(
        Code::PersonalData,
        Location { file: file.to_path_buf(), row: Some(row), column_number: Some(column + 1), column: Some(label.to_string()), sheet: None },
        Text::new(
            format!("พบ{th} ({masked}) ในคอลัมน์ {} ที่ไม่ได้ประกาศว่าเป็นข้อมูลส่วนบุคคล", column_letter(column + 1)),
            format!("a {en} ({masked}) is in column {}, which is not declared as personal data", column_letter(column + 1)),
        ),
        Text::new(
            format!("ลบข้อมูลนั้นออก หรือประกาศคอลัมน์ใน dataset.toml: [personal_data] columns = {{ {label} = \"mask\" }} (หรือ drop / hash; public ต้องมี legal_basis)"),
            format!("remove it, or declare the column in dataset.toml: [personal_data] columns = {{ {label} = \"mask\" }} (or drop / hash; public needs a legal_basis)"),
        ),
    )
    .with_value(masked.to_string())
    .with_rule("personal data must be declared ([personal_data])")
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
