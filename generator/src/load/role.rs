//! Dataset roles: a dataset tells Sala that it holds budget authorities, expenditures,
//! e-service assessments, targets or project deliverables, and which of its own columns carries each meaning, so agencies keep
//! their column names and Sala still computes finance pages and maturity scores from them.

use crate::lang::Text;
use crate::load::schema::FieldType;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `[role]` in `dataset.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RoleMeta {
    /// What the dataset holds.
    #[serde(rename = "type")]
    pub kind: RoleKind,
    /// The resource that holds it (may be left out when the dataset has one resource).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Meaning → the resource's column name.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
}

/// The roles Sala computes pages from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoleKind {
    /// Budget authorities (appropriations) by fiscal year, agency, programme and standard object.
    FinanceAuthorities,
    /// Actual expenditures (disbursements), with the same keys.
    FinanceExpenditures,
    /// E-services assessed on the UN e-government survey's criteria.
    EServices,
    /// Targets for the maturity index and stage completion, of the portal, a ministry or an agency.
    Targets,
    /// E-government projects' deliverables with due dates and progress.
    Projects,
}

/// One meaning a role's columns can carry.
#[derive(Debug, Clone, Copy)]
pub struct Meaning {
    /// The key under `[role.columns]`.
    pub key: &'static str,
    /// Whether the role needs it.
    pub required: bool,
    /// The column types that fit it.
    pub types: &'static [FieldType],
    /// What it is, in Thai.
    pub th: &'static str,
    /// What it is, in English.
    pub en: &'static str,
}

impl Meaning {
    /// What the meaning is, in both languages.
    pub fn text(&self) -> Text {
        Text::new(self.th, self.en)
    }
}

const YEAR: &[FieldType] = &[FieldType::Integer, FieldType::Year];
const TEXT: &[FieldType] = &[FieldType::String];
const ID: &[FieldType] = &[FieldType::String, FieldType::Integer];
const AMOUNT: &[FieldType] = &[FieldType::Number, FieldType::Integer];
const FLAG: &[FieldType] = &[FieldType::Boolean];
const DATE: &[FieldType] = &[FieldType::Date];

const fn m(key: &'static str, required: bool, types: &'static [FieldType], th: &'static str, en: &'static str) -> Meaning {
    Meaning { key, required, types, th, en }
}

const FINANCE: &[Meaning] = &[
    m("fiscal_year", true, YEAR, "ปีงบประมาณ (พ.ศ.)", "fiscal year (Buddhist era)"),
    m("agency", true, TEXT, "รหัสหน่วยงาน", "agency code"),
    m("program", true, TEXT, "แผนงาน", "programme"),
    m("program_en", false, TEXT, "ชื่อแผนงานภาษาอังกฤษ", "programme's English name"),
    m("standard_object", true, TEXT, "งบรายจ่าย (หมวดรายจ่ายมาตรฐาน)", "standard object (budget category)"),
    m("amount", true, AMOUNT, "จำนวนเงินเป็นบาท", "amount in baht"),
];

/// The e-service criteria in survey order: stage 2, stage 3, stage 4.
pub const CRITERIA: [&str; 10] = [
    "downloadable_forms", "audio_video", "multilingual", "two_way_contact",
    "online_survey", "online_application", "online_payment", "end_to_end",
    "data_exchange", "one_stop",
];

const E_SERVICES: &[Meaning] = &[
    m("service_id", true, ID, "รหัสบริการ", "service identifier"),
    m("agency", true, TEXT, "รหัสหน่วยงาน", "agency code"),
    m("name", true, TEXT, "ชื่อบริการ", "service name"),
    m("name_en", false, TEXT, "ชื่อบริการภาษาอังกฤษ", "service's English name"),
    m("url", false, TEXT, "ที่อยู่เว็บไซต์ของบริการ", "service URL"),
    m("downloadable_forms", true, FLAG, "มีแบบฟอร์มให้ดาวน์โหลด (ขั้นที่ 2)", "downloadable forms (stage 2)"),
    m("audio_video", true, FLAG, "มีสื่อเสียงหรือวิดีโอ (ขั้นที่ 2)", "audio and video (stage 2)"),
    m("multilingual", true, FLAG, "ให้บริการมากกว่าหนึ่งภาษา (ขั้นที่ 2)", "more than one language (stage 2)"),
    m("two_way_contact", true, FLAG, "ติดต่อสื่อสารสองทาง (ขั้นที่ 2)", "two-way contact (stage 2)"),
    m("online_survey", true, FLAG, "แบบสำรวจออนไลน์ (ขั้นที่ 3)", "online survey (stage 3)"),
    m("online_application", true, FLAG, "ยื่นคำขอออนไลน์ (ขั้นที่ 3)", "online application (stage 3)"),
    m("online_payment", true, FLAG, "ชำระเงินออนไลน์ (ขั้นที่ 3)", "online payment (stage 3)"),
    m("end_to_end", true, FLAG, "ธุรกรรมออนไลน์ครบวงจรพร้อมติดตามสถานะ (ขั้นที่ 3)", "end-to-end transaction (stage 3)"),
    m("data_exchange", true, FLAG, "แลกเปลี่ยนข้อมูลระหว่างหน่วยงานอัตโนมัติ (ขั้นที่ 4)", "automatic inter-agency data exchange (stage 4)"),
    m("one_stop", true, FLAG, "บริการเบ็ดเสร็จที่ยึดประชาชนเป็นศูนย์กลาง (ขั้นที่ 4)", "one-stop citizen-centred service (stage 4)"),
    m("assessment_year", false, YEAR, "ปีงบประมาณที่ประเมิน (พ.ศ.)", "fiscal year of the assessment (Buddhist era)"),
    m("assessment_date", false, DATE, "วันที่ประเมิน", "date of the assessment"),
];

/// The indicators a target can be set for, as written in a targets dataset.
pub const INDICATORS: [&str; 5] = ["maturity_index", "stage1", "stage2", "stage3", "stage4"];

const TARGETS: &[Meaning] = &[
    m("agency", false, TEXT, "รหัสกระทรวงหรือหน่วยงาน (ว่าง = ทั้งศูนย์กลางข้อมูล)", "ministry or agency code (empty: the whole portal)"),
    m("indicator", true, TEXT, "ตัวชี้วัด (maturity_index, stage1 … stage4)", "indicator (maturity_index, stage1 … stage4)"),
    m("target", true, AMOUNT, "ค่าเป้าหมาย (ร้อยละ)", "target value (percent)"),
    m("due_year", true, YEAR, "ปีงบประมาณที่ต้องบรรลุ (พ.ศ.)", "fiscal year to reach it by (Buddhist era)"),
    m("note", false, TEXT, "คำอธิบายเป้าหมาย", "what the target is for"),
    m("note_en", false, TEXT, "คำอธิบายเป้าหมายภาษาอังกฤษ", "what the target is for, in English"),
];

const PROJECTS: &[Meaning] = &[
    m("agency", true, TEXT, "รหัสหน่วยงาน", "agency code"),
    m("project", true, TEXT, "ชื่อโครงการ", "project name"),
    m("project_en", false, TEXT, "ชื่อโครงการภาษาอังกฤษ", "project's English name"),
    m("deliverable", true, TEXT, "ผลผลิตที่ต้องส่งมอบ", "deliverable"),
    m("deliverable_en", false, TEXT, "ผลผลิตภาษาอังกฤษ", "deliverable's English name"),
    m("due_date", true, DATE, "วันครบกำหนด", "due date"),
    m("percent_complete", true, AMOUNT, "ร้อยละความสำเร็จ", "percent complete"),
    m("reported", false, DATE, "วันที่รายงานความก้าวหน้า", "date the progress was reported"),
    m("status", false, TEXT, "สถานะตามที่หน่วยงานรายงาน", "status as the agency reported it"),
];

impl RoleKind {
    /// Every role.
    pub const ALL: [RoleKind; 5] =
        [RoleKind::FinanceAuthorities, RoleKind::FinanceExpenditures, RoleKind::EServices, RoleKind::Targets, RoleKind::Projects];

    /// The name written in `dataset.toml`.
    pub fn name(self) -> &'static str {
        match self {
            RoleKind::FinanceAuthorities => "finance-authorities",
            RoleKind::FinanceExpenditures => "finance-expenditures",
            RoleKind::EServices => "e-services",
            RoleKind::Targets => "targets",
            RoleKind::Projects => "projects",
        }
    }

    /// The meanings its columns carry.
    pub fn meanings(self) -> &'static [Meaning] {
        match self {
            RoleKind::FinanceAuthorities | RoleKind::FinanceExpenditures => FINANCE,
            RoleKind::EServices => E_SERVICES,
            RoleKind::Targets => TARGETS,
            RoleKind::Projects => PROJECTS,
        }
    }
}

impl RoleMeta {
    /// Of a dataset's resource names, the one the role is about: the named one, or the only one.
    pub fn resource_in<'a>(&self, names: &'a [String]) -> Option<&'a str> {
        match &self.resource {
            Some(name) => names.iter().find(|r| *r == name).map(String::as_str),
            None if names.len() == 1 => names.first().map(String::as_str),
            None => None,
        }
    }

    /// The column mapped to `meaning`, if any.
    pub fn column(&self, meaning: &str) -> Option<&str> {
        self.columns.get(meaning).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_and_meaning_is_documented() {
        let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/formats.md")).unwrap();
        for kind in RoleKind::ALL {
            assert!(docs.contains(&format!("`{}`", kind.name())), "docs/formats.md does not document the role {}", kind.name());
            for m in kind.meanings() {
                assert!(docs.contains(&format!("`{}`", m.key)), "docs/formats.md does not document {} of {}", m.key, kind.name());
            }
        }
        assert!(docs.contains("`role-error`"));
    }
}
