//! `content/privacy/<code>.toml`: each agency's personal-data policy and practice statement, as
//! the Personal Data Protection Act B.E. 2562 and the government's guideline require, with the
//! personal-data exchanges that make up the portal's data-sharing register.

use crate::lang::Text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A required item of a policy: its key in the file and its name in both languages.
pub struct Requirement {
    /// The TOML key.
    pub key: &'static str,
    /// What it is called, in Thai and English.
    pub th: &'static str,
    /// English name.
    pub en: &'static str,
}

const fn req(key: &'static str, th: &'static str, en: &'static str) -> Requirement {
    Requirement { key, th, en }
}

/// The seven topics of the government's personal-data policy guideline (`[topics]`).
pub const TOPICS: &[Requirement] = &[
    req("scope", "ขอบเขตและวิธีการเก็บรวบรวมข้อมูลส่วนบุคคล", "scope and method of collection"),
    req("purposes", "วัตถุประสงค์ของการเก็บรวบรวม", "purposes of collection"),
    req("non_disclosure", "ข้อจำกัดการเปิดเผยข้อมูลนอกวัตถุประสงค์", "prohibition of disclosure beyond those purposes"),
    req("security", "มาตรการรักษาความมั่นคงปลอดภัย", "security measures"),
    req("openness", "การเปิดเผยแนวปฏิบัติและนโยบาย", "openness about practices and policy"),
    req("duty_to_explain", "หน้าที่ชี้แจงต่อเจ้าของข้อมูล", "the controller's duty to explain to the data subject"),
    req("compliance", "ความรับผิดชอบในการปฏิบัติตามนโยบาย", "the controller's commitment to comply"),
];

/// The items of the practice statement (`[practice]`).
pub const PRACTICE: &[Requirement] = &[
    req("agency_name", "ชื่อหน่วยงาน", "agency name"),
    req("scope", "ขอบเขตการบังคับใช้", "scope of application"),
    req("collection_use", "การเก็บรวบรวม จำแนก และใช้ข้อมูล", "collection, classification and use"),
    req("exchange", "หน่วยงานที่แลกเปลี่ยนข้อมูลและประเภทข้อมูล", "agencies personal data is exchanged with, and which kinds"),
    req("combining", "เจตนาในการรวมข้อมูลจากแหล่งอื่น", "intent when combining data from other sources"),
    req("access", "ผู้อื่นที่เข้าถึงข้อมูลได้", "who else can access stored data"),
    req("choice", "สิทธิเลือกอนุญาตหรือปฏิเสธการใช้อื่น", "the data subject's choice to allow or refuse other uses"),
    req("see_and_correct", "การตรวจดูและแก้ไขข้อมูลของตนเอง", "how to see and correct one's own data"),
    req("security", "มาตรการรักษาความปลอดภัย (แนวปฏิบัติ)", "security measures (practice)"),
    req("contact_office", "ช่องทางติดต่อ: สำนักงาน", "office contact"),
    req("contact_online", "ช่องทางติดต่อ: ออนไลน์", "online contact"),
];

/// What a notice must tell the data subject under section 23 of the Act (`[notice]`).
pub const NOTICE: &[Requirement] = &[
    req("legal_basis", "วัตถุประสงค์และฐานทางกฎหมาย", "purpose and legal basis"),
    req("obligation", "การให้ข้อมูลเป็นหน้าที่ตามกฎหมายหรือสัญญาหรือไม่ และผลของการไม่ให้", "whether giving the data is required, and what follows if not"),
    req("data_and_retention", "ข้อมูลที่เก็บและระยะเวลาการเก็บรักษา", "which data is collected and how long it is kept"),
    req("recipients", "ผู้ที่อาจได้รับการเปิดเผยข้อมูล", "who it may be disclosed to"),
    req("dpo", "ข้อมูลติดต่อผู้ควบคุมข้อมูลและเจ้าหน้าที่คุ้มครองข้อมูลส่วนบุคคล", "contact of the controller and the data protection officer"),
    req("rights", "สิทธิของเจ้าของข้อมูล", "the data subject's rights"),
];

/// A personal-data policy as written.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The agency's registry code (absent for the portal's own policy).
    #[serde(default)]
    pub agency: Option<String>,
    /// The policy's title.
    pub title: Text,
    /// When it took effect.
    #[serde(default)]
    pub effective: Option<toml::value::Datetime>,
    /// Its version.
    #[serde(default)]
    pub version: Option<String>,
    /// The guideline's seven topics, by key.
    #[serde(default)]
    pub topics: BTreeMap<String, Text>,
    /// The practice statement, by key.
    #[serde(default)]
    pub practice: BTreeMap<String, Text>,
    /// The section 23 notice, by key.
    #[serde(default)]
    pub notice: BTreeMap<String, Text>,
    /// Personal data exchanged with other agencies.
    #[serde(default)]
    pub exchanges: Vec<Exchange>,
}

/// One exchange of personal data with another agency.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Exchange {
    /// The other agency's registry code.
    pub with: String,
    /// Whether this agency sends, receives or both.
    pub direction: Direction,
    /// The kinds of personal data.
    pub data: Text,
    /// What it is exchanged for.
    pub purpose: Text,
    /// The law or agreement that allows it.
    #[serde(default)]
    pub legal_basis: Text,
}

/// Which way personal data flows in an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// This agency sends data to the other.
    Sends,
    /// This agency receives data from the other.
    Receives,
    /// Both ways.
    Both,
}

/// A policy file, parsed.
#[derive(Debug, Clone)]
pub struct PolicySource {
    /// The slug: the file name without `.toml` (an agency code in lowercase, or `portal`).
    pub slug: String,
    /// The file, relative to the portal folder.
    pub file: PathBuf,
    /// The policy.
    pub policy: Policy,
}
