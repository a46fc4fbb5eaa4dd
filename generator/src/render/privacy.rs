//! Personal-data pages: each agency's policy and practice statement, the portal's own, the
//! index of policies, the data-sharing register (also as JSON and CSV), and the notice on each
//! dataset page saying whether it holds personal data.

use super::OutputFile;
use super::page::{PageJob, agency_link, date_text, every_language, t};
use crate::lang::{Lang, Text};
use crate::load::dataset::Treatment;
use crate::load::privacy::{Direction, NOTICE, PRACTICE, PolicySource, Requirement, TOPICS};
use crate::model::{Dataset, Site};
use serde_json::{Value, json};
use std::collections::BTreeMap;

fn name_of(site: &Site, p: &PolicySource, lang: Lang) -> String {
    match &p.policy.agency {
        Some(code) => site.agency(code).map_or(code.clone(), |a| a.name.get(lang).to_string()),
        None => site.config.title.get(lang).to_string(),
    }
}

fn sections(site: &Site, section: &str, items: &BTreeMap<String, Text>, required: &[Requirement], lang: Lang) -> Vec<Value> {
    required
        .iter()
        .filter_map(|r| {
            let text = items.get(r.key)?;
            let heading = t(site, lang, &format!("policy_{section}_{}", r.key));
            Some(json!({"key": r.key, "heading": heading, "html": super::markdown::metadata_to_html(text.get(lang), &site.urls.link(""))}))
        })
        .collect()
}

fn direction_key(d: Direction) -> &'static str {
    match d {
        Direction::Sends => "direction_sends",
        Direction::Receives => "direction_receives",
        Direction::Both => "direction_both",
    }
}

/// The rows of the data-sharing register: every exchange of every agency policy.
fn register_rows(site: &Site, lang: Lang) -> Vec<Value> {
    site.policies
        .iter()
        .filter_map(|p| p.policy.agency.as_ref().map(|code| (p, code)))
        .flat_map(|(p, code)| {
            p.policy.exchanges.iter().map(move |x| {
                json!({
                    "agency": agency_link(site, code, lang),
                    "with": agency_link(site, &x.with, lang),
                    "direction": t(site, lang, direction_key(x.direction)),
                    "data": x.data.get(lang),
                    "purpose": x.purpose.get(lang),
                    "legal_basis": x.legal_basis.get(lang),
                })
            })
        })
        .collect()
}

/// The pages of the privacy section in `lang`.
pub(super) fn page_jobs(site: &Site, lang: Lang) -> Vec<PageJob<'static>> {
    if site.policies.is_empty() {
        return Vec::new();
    }
    let urls = &site.urls;
    let policies: Vec<Value> = site
        .policies
        .iter()
        .map(|p| {
            json!({
                "name": name_of(site, p, lang),
                "title": p.policy.title.get(lang),
                "url": urls.link(&urls.privacy(lang, &p.slug)),
                "effective": date_text(&p.policy.effective, lang),
                "is_portal": p.policy.agency.is_none(),
            })
        })
        .collect();
    let mut jobs = vec![
        PageJob {
            template: "privacy-index.html",
            lang,
            paths: every_language(site, |l| urls.privacy_index(l)),
            title: t(site, lang, "privacy"),
            description: t(site, lang, "privacy_intro"),
            context: json!({"policies": policies, "register_url": urls.link(&urls.privacy_register(lang))}).into(),
            key: None,
        },
        PageJob {
            template: "privacy-register.html",
            lang,
            paths: every_language(site, |l| urls.privacy_register(l)),
            title: t(site, lang, "privacy_register"),
            description: t(site, lang, "privacy_register_intro"),
            context: json!({
                "rows": register_rows(site, lang),
                "json_url": urls.link(&urls.api_privacy_register("json")),
                "csv_url": urls.link(&urls.api_privacy_register("csv")),
                "index_url": urls.link(&urls.privacy_index(lang)),
            })
            .into(),
            key: None,
        },
    ];
    for p in &site.policies {
        let policy = &p.policy;
        let exchanges: Vec<Value> = policy
            .exchanges
            .iter()
            .map(|x| {
                json!({
                    "with": agency_link(site, &x.with, lang),
                    "direction": t(site, lang, direction_key(x.direction)),
                    "data": x.data.get(lang),
                    "purpose": x.purpose.get(lang),
                    "legal_basis": x.legal_basis.get(lang),
                })
            })
            .collect();
        jobs.push(PageJob {
            template: "privacy.html",
            lang,
            paths: every_language(site, |l| urls.privacy(l, &p.slug)),
            title: policy.title.get(lang).to_string(),
            description: t(site, lang, "privacy_intro"),
            context: json!({
                "policy": {
                    "name": name_of(site, p, lang),
                    "agency": policy.agency.as_deref().map(|c| agency_link(site, c, lang)),
                    "effective": date_text(&policy.effective, lang),
                    "version": policy.version,
                    "topics": sections(site, "topics", &policy.topics, TOPICS, lang),
                    "practice": sections(site, "practice", &policy.practice, PRACTICE, lang),
                    "notice": sections(site, "notice", &policy.notice, NOTICE, lang),
                    "exchanges": exchanges,
                },
                "index_url": urls.link(&urls.privacy_index(lang)),
                "register_url": urls.link(&urls.privacy_register(lang)),
            })
            .into(),
            key: None,
        });
    }
    jobs
}

/// What a dataset page says about personal data: whether there is any, what is published of
/// each personal column, the legal basis, and the publishing agency's policy.
pub(super) fn dataset_notice(site: &Site, d: &Dataset, lang: Lang) -> Value {
    let urls = &site.urls;
    let declared = d.meta.personal_data.as_ref();
    let columns: Vec<Value> = declared
        .map(|p| {
            p.columns
                .iter()
                .map(|(name, treatment)| {
                    let key = match treatment {
                        Treatment::Drop => "treatment_drop",
                        Treatment::Mask => "treatment_mask",
                        Treatment::Redact => "treatment_redact",
                        Treatment::Hash => "treatment_hash",
                        Treatment::Public => "treatment_public",
                    };
                    json!({"name": name, "treatment": t(site, lang, key)})
                })
                .collect()
        })
        .unwrap_or_default();
    let policy = site.policy_of(&d.meta.agency);
    json!({
        "contains": !columns.is_empty(),
        "columns": columns,
        "legal_basis": declared.map(|p| p.legal_basis.get(lang).to_string()).unwrap_or_default(),
        "policy_url": policy.map(|p| urls.link(&urls.privacy(lang, &p.slug))).unwrap_or_default(),
        "policy_title": policy.map(|p| p.policy.title.get(lang).to_string()).unwrap_or_default(),
    })
}

/// The sharing register as JSON (both languages) and CSV, under `/api/v1/privacy/`.
pub fn data_files(site: &Site) -> Vec<OutputFile> {
    if site.policies.is_empty() {
        return Vec::new();
    }
    let mut entries = Vec::new();
    for p in &site.policies {
        let Some(code) = &p.policy.agency else { continue };
        for x in &p.policy.exchanges {
            entries.push(json!({
                "agency": code,
                "with": x.with,
                "direction": x.direction,
                "data": x.data,
                "purpose": x.purpose,
                "legal_basis": x.legal_basis,
                "policy": site.urls.absolute(&site.urls.privacy(site.config.default_language, &p.slug)),
            }));
        }
    }
    let json_bytes = super::encode::pretty(&json!({"count": entries.len(), "exchanges": entries}));
    let mut csv = b"agency,with,direction,data_th,data_en,purpose_th,purpose_en,legal_basis_th,legal_basis_en\n".to_vec();
    for p in &site.policies {
        let Some(code) = &p.policy.agency else { continue };
        for x in &p.policy.exchanges {
            let direction = match x.direction {
                Direction::Sends => "sends",
                Direction::Receives => "receives",
                Direction::Both => "both",
            };
            let cells = [code.as_str(), &x.with, direction, &x.data.th, &x.data.en, &x.purpose.th, &x.purpose.en, &x.legal_basis.th, &x.legal_basis.en];
            for (i, cell) in cells.iter().enumerate() {
                if i > 0 {
                    csv.push(b',');
                }
                super::encode::csv_field(&mut csv, cell);
            }
            csv.push(b'\n');
        }
    }
    vec![
        OutputFile::new(site.urls.api_privacy_register("json"), json_bytes),
        OutputFile::new(site.urls.api_privacy_register("csv"), csv),
    ]
}
