//! Checks a dataset's `[role]`: the resource exists, every meaning the role needs is mapped to
//! a column of that resource, and each column's type fits its meaning. Agency codes in a role's
//! data must be in the registry, since finance pages and scores are filed under them.

use crate::diagnostic::{Code, Diagnostic, Location, Report};
use crate::lang::Text;
use crate::load::role::{INDICATORS, RoleKind, RoleMeta};
use crate::load::schema::Schema;
use crate::load::DatasetSource;
use polars::prelude::DataFrame;
use std::collections::BTreeSet;

/// Checks the `[role]` of `dataset`, if it has one, against the resource's schema.
pub fn check_role(dataset: &DatasetSource, report: &mut Report) {
    let Some(role) = &dataset.meta.role else { return };
    let at = || Location::file(&dataset.meta_file);
    let kind = role.kind.name();
    let names: Vec<String> = dataset.meta.resources.iter().map(|r| r.name.clone()).collect();
    let Some(resource) = role.resource_in(&names) else {
        let (message, help) = match &role.resource {
            Some(name) => (
                Text::new(format!("[role] ชี้ไปที่ทรัพยากร \"{name}\" ซึ่งไม่มีในชุดข้อมูลนี้"), format!("[role] names the resource \"{name}\", which this dataset does not have")),
                Text::new(format!("ใช้ชื่อทรัพยากรชื่อใดชื่อหนึ่ง: {}", names.join(", ")), format!("use one of the resource names: {}", names.join(", "))),
            ),
            None => (
                Text::new("ชุดข้อมูลมีหลายทรัพยากร แต่ [role] ไม่ได้ระบุว่าใช้ทรัพยากรใด", "the dataset has several resources and [role] does not say which one it is about"),
                Text::new(format!("เพิ่ม resource = \"…\" ใต้ [role] เป็นชื่อใดชื่อหนึ่ง: {}", names.join(", ")), format!("add resource = \"…\" under [role], one of: {}", names.join(", "))),
            ),
        };
        report.push(Diagnostic::error(Code::RoleError, at(), message, help).with_rule(format!("type = \"{kind}\"")));
        return;
    };
    // The schema may be missing when it failed to load; that has its own diagnostic already.
    let Some(schema) = dataset.resources.iter().find(|r| r.meta.name == resource).map(|r| &r.schema) else { return };
    check_mapping(role, resource, schema, at(), report);
    if role.column("assessment_year").is_some() && role.column("assessment_date").is_some() {
        report.push(
            Diagnostic::error(
                Code::RoleError,
                at(),
                Text::new("[role.columns] ระบุทั้ง assessment_year และ assessment_date", "[role.columns] maps both assessment_year and assessment_date"),
                Text::new("ระบุอย่างใดอย่างหนึ่ง: ปีงบประมาณที่ประเมิน หรือวันที่ประเมิน", "map one of them: the assessment's fiscal year or its date"),
            )
            .with_rule(format!("type = \"{kind}\"")),
        );
    }
}

fn check_mapping(role: &RoleMeta, resource: &str, schema: &Schema, at: Location, report: &mut Report) {
    let kind = role.kind.name();
    let meanings = role.kind.meanings();
    for key in role.columns.keys() {
        if !meanings.iter().any(|m| m.key == key) {
            let keys: Vec<&str> = meanings.iter().map(|m| m.key).collect();
            report.push(
                Diagnostic::error(
                    Code::RoleError,
                    at.clone(),
                    Text::new(
                        format!("[role.columns] มี \"{key}\" ซึ่งบทบาท {kind} ไม่ได้ใช้"),
                        format!("[role.columns] has \"{key}\", which the role {kind} does not use"),
                    ),
                    Text::new(format!("ใช้ชื่อใดชื่อหนึ่ง: {}", keys.join(", ")), format!("use one of: {}", keys.join(", "))),
                )
                .with_value(key.clone()),
            );
        }
    }
    for meaning in meanings {
        let Some(column) = role.column(meaning.key) else {
            if meaning.required {
                let what = meaning.text();
                report.push(
                    Diagnostic::error(
                        Code::RoleError,
                        at.clone(),
                        Text::new(
                            format!("บทบาท {kind} ต้องการคอลัมน์ {} ({}) แต่ [role.columns] ไม่ได้ระบุ", meaning.key, what.th),
                            format!("the role {kind} needs a column for {} ({}), but [role.columns] does not map it", meaning.key, what.en),
                        ),
                        Text::new(
                            format!("เพิ่ม {} = \"ชื่อคอลัมน์\" ใต้ [role.columns]", meaning.key),
                            format!("add {} = \"<column name>\" under [role.columns]", meaning.key),
                        ),
                    )
                    .with_rule(format!("type = \"{kind}\"")),
                );
            }
            continue;
        };
        let Some(field) = schema.fields.iter().find(|f| f.name == column) else {
            report.push(
                Diagnostic::error(
                    Code::RoleError,
                    at.clone(),
                    Text::new(
                        format!("[role.columns] ให้ {} เป็นคอลัมน์ \"{column}\" ซึ่งไม่มีในทรัพยากร {resource}", meaning.key),
                        format!("[role.columns] maps {} to \"{column}\", which is not a column of the resource {resource}", meaning.key),
                    ),
                    Text::new("ใช้ชื่อคอลัมน์ตามที่เขียนใน schema", "use a column name exactly as the schema writes it"),
                )
                .with_value(column.to_string()),
            );
            continue;
        };
        if !meaning.types.contains(&field.field_type) {
            let fits: Vec<&str> = meaning.types.iter().map(|t| t.name()).collect();
            report.push(
                Diagnostic::error(
                    Code::RoleError,
                    at.clone(),
                    Text::new(
                        format!("คอลัมน์ \"{column}\" เป็นชนิด {} แต่ {} ต้องเป็นชนิด {}", field.field_type.name(), meaning.key, fits.join(" หรือ ")),
                        format!("the column \"{column}\" is of type {}, but {} needs type {}", field.field_type.name(), meaning.key, fits.join(" or ")),
                    ),
                    Text::new(
                        format!("แก้ type ของคอลัมน์ \"{column}\" ใน schema หรือให้ {} ชี้ไปที่คอลัมน์อื่น", meaning.key),
                        format!("change the type of \"{column}\" in the schema, or map {} to another column", meaning.key),
                    ),
                )
                .with_value(column.to_string())
                .with_rule(format!("type = {}", fits.join(" | "))),
            );
        }
    }
}

/// Checks a role's data: agency codes the registry does not have (the figures would be filed
/// under an agency with no page), and fiscal years written in the Christian era (B.E. is CE + 543).
pub fn check_role_data(
    dataset: &DatasetSource,
    tables: &super::Tables,
    agencies: &BTreeSet<String>,
    report: &mut Report,
) {
    let Some(role) = &dataset.meta.role else { return };
    let names: Vec<String> = dataset.meta.resources.iter().map(|r| r.name.clone()).collect();
    let Some(resource) = role.resource_in(&names) else { return };
    let Some(frame) = tables.get(&(dataset.id.clone(), resource.to_string())).and_then(|t| super::rows_of(t, report)) else { return };
    let file = dataset.resources.iter().find(|r| r.meta.name == resource).map(|r| r.file.clone()).unwrap_or_default();
    for meaning in ["fiscal_year", "assessment_year", "due_year"] {
        if let Some(column) = role.column(meaning) {
            check_buddhist_era(frame, column, &file, role, report);
        }
    }
    if let Some(column) = role.column("indicator") {
        check_indicators(frame, column, &file, report);
    }
    if let Some(column) = role.column("percent_complete") {
        check_percent(frame, column, &file, report);
    }
    if matches!(role.kind, RoleKind::Targets | RoleKind::Projects) {
        // A target or deliverable without these cannot be judged, and would silently be left out.
        for meaning in ["indicator", "target", "due_year", "project", "deliverable", "due_date", "percent_complete"] {
            if let Some(column) = role.column(meaning) {
                check_filled(frame, meaning, column, &file, role, report);
            }
        }
    }
    let Some(column) = role.column("agency") else { return };
    let Some(values) = frame.column(column).ok().and_then(|c| c.str().ok().cloned()) else { return };
    let unknown: BTreeSet<&str> = values.iter().flatten().filter(|v| !v.trim().is_empty() && !agencies.contains(*v)).collect();
    for code in unknown {
        report.push(
            Diagnostic::error(
                Code::UnknownAgency,
                Location { column: Some(column.to_string()), ..Location::file(&file) },
                Text::new(
                    format!("คอลัมน์ {column} มีรหัสหน่วยงาน \"{code}\" ซึ่งไม่มีในทะเบียนหน่วยงาน"),
                    format!("the column {column} has the agency code \"{code}\", which is not in the agency registry"),
                ),
                Text::new(
                    "ใช้รหัสจากคอลัมน์ code ใน datasets/agencies/agencies.csv หรือเพิ่มหน่วยงานลงในทะเบียนก่อน",
                    "use a code from the code column of datasets/agencies/agencies.csv, or add the agency to the registry first",
                ),
            )
            .with_value(code.to_string())
            .with_rule(format!("role {}", role.kind.name())),
        );
    }
}

/// Years before B.E. 2400 (CE 1857) are Christian-era years: Thai fiscal years are written in the Buddhist era.
const FIRST_BUDDHIST_ERA_YEAR: i64 = *crate::model::coverage::BUDDHIST_YEARS.start();

fn check_buddhist_era(frame: &DataFrame, column: &str, file: &std::path::Path, role: &RoleMeta, report: &mut Report) {
    let Some(years) = frame.column(column).ok().and_then(|c| c.i64().ok().cloned()) else { return };
    let early: BTreeSet<i64> = years.iter().flatten().filter(|y| *y < FIRST_BUDDHIST_ERA_YEAR).collect();
    for year in early {
        report.push(
            Diagnostic::error(
                Code::RoleError,
                Location { column: Some(column.to_string()), ..Location::file(file) },
                Text::new(
                    format!("ปีงบประมาณ {year} ในคอลัมน์ {column} ไม่ใช่ปีพุทธศักราช"),
                    format!("the fiscal year {year} in the column {column} is not a Buddhist-era year"),
                ),
                Text::new(
                    format!("เขียนปีงบประมาณเป็นพุทธศักราช (ค.ศ. + 543) เช่น {}", year + 543),
                    format!("write fiscal years in the Buddhist era (CE + 543), e.g. {}", year + 543),
                ),
            )
            .with_value(year.to_string())
            .with_rule(format!("role {}: fiscal_year >= {FIRST_BUDDHIST_ERA_YEAR}", role.kind.name())),
        );
    }
}

/// Targets name one of the indicators Sala computes.
fn check_indicators(frame: &DataFrame, column: &str, file: &std::path::Path, report: &mut Report) {
    let Some(values) = frame.column(column).ok().and_then(|c| c.str().ok().cloned()) else { return };
    let unknown: BTreeSet<&str> = values.iter().flatten().filter(|v| !INDICATORS.contains(v)).collect();
    for value in unknown {
        report.push(
            Diagnostic::error(
                Code::RoleError,
                Location { column: Some(column.to_string()), ..Location::file(file) },
                Text::new(
                    format!("ตัวชี้วัด \"{value}\" ในคอลัมน์ {column} ไม่ใช่ตัวชี้วัดที่ Sala คำนวณ"),
                    format!("the indicator \"{value}\" in the column {column} is not one Sala computes"),
                ),
                Text::new(format!("ใช้ค่าใดค่าหนึ่ง: {}", INDICATORS.join(", ")), format!("use one of: {}", INDICATORS.join(", "))),
            )
            .with_value(value.to_string())
            .with_rule("role targets: indicator".to_string()),
        );
    }
}

/// Percent complete runs from 0 to 100.
fn check_percent(frame: &DataFrame, column: &str, file: &std::path::Path, report: &mut Report) {
    let Some(values) = frame.column(column).ok().and_then(|c| c.cast(&polars::prelude::DataType::Float64).ok()) else { return };
    let Ok(values) = values.f64().cloned() else { return };
    for (i, v) in values.iter().enumerate() {
        let Some(v) = v else { continue };
        if (0.0..=100.0).contains(&v) {
            continue;
        }
        report.push(
            Diagnostic::error(
                Code::RoleError,
                Location { column: Some(column.to_string()), row: Some(i + 2), ..Location::file(file) },
                Text::new(format!("ร้อยละความสำเร็จ {v} ในคอลัมน์ {column} ไม่อยู่ระหว่าง 0 ถึง 100"), format!("the percent complete {v} in the column {column} is not between 0 and 100")),
                Text::new("เขียนร้อยละเป็นตัวเลข 0–100 เช่น 45 (ไม่ใช่ 0.45)", "write the percentage as a number from 0 to 100, e.g. 45 (not 0.45)"),
            )
            .with_value(v.to_string())
            .with_rule("role projects: 0 <= percent_complete <= 100".to_string()),
        );
    }
}

/// Every row has a value in the column of `meaning`.
fn check_filled(frame: &DataFrame, meaning: &str, column: &str, file: &std::path::Path, role: &RoleMeta, report: &mut Report) {
    let Ok(values) = frame.column(column) else { return };
    let empty = values.null_count();
    if empty == 0 {
        return;
    }
    let first = values.is_null().iter().position(|v| v == Some(true)).map(|i| i + 2);
    report.push(
        Diagnostic::error(
            Code::RoleError,
            Location { column: Some(column.to_string()), row: first, ..Location::file(file) },
            Text::new(
                format!("คอลัมน์ {column} ({meaning}) ว่าง {empty} แถว แถวเหล่านั้นจะไม่ถูกนำไปคำนวณ"),
                format!("the column {column} ({meaning}) is empty in {empty} rows, which could not be counted"),
            ),
            Text::new(format!("กรอก {meaning} ให้ครบทุกแถว"), format!("fill in {meaning} on every row")),
        )
        .with_rule(format!("role {}: {meaning} required", role.kind.name())),
    );
}
