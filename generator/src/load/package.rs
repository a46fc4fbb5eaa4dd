//! A standard Frictionless `datapackage.json` in a dataset's folder, read without a
//! `dataset.toml`: its resources (paths, schemas, dialects) as they are, and the metadata Sala
//! needs in both languages from a small `dataset.toml` beside it or, failing that, from the
//! package's own `title`, `description` and `licenses`, with a message listing what is missing.

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::lang::Text;
use crate::load::dataset::{DatasetMeta, ResourceMeta};
use std::path::Path;

/// The file's name in a dataset folder.
pub const FILE_NAME: &str = "datapackage.json";

/// What Sala takes from a data package.
#[derive(Debug, Clone)]
pub struct Package {
    title: Option<String>,
    description: Option<String>,
    license: Option<String>,
    resources: Vec<serde_json::Value>,
}

/// A one-language text as Sala's two: Thai when it is written in Thai, else English.
fn one_language(s: &str) -> serde_json::Value {
    // A package's one-language title may be in Thai.
    if crate::lang::has_thai(s) { serde_json::json!({ "th": s, "en": "" }) } else { serde_json::json!({ "th": "", "en": s }) }
}

fn package_error(file: &Path, en: String, th: String) -> Diagnostic {
    Diagnostic::error(
        Code::MetadataError,
        Location::file(file),
        Text::new(th, en),
        Text::new(
            "แก้ datapackage.json ตามมาตรฐาน Frictionless Data Package (resources แต่ละรายการมี name, path และ schema)",
            "follow the Frictionless Data Package standard (each of resources has a name, a path and a schema)",
        ),
    )
}

impl Package {
    /// Parses `text`, the package at `file` (as shown in diagnostics).
    pub fn parse(text: &str, file: &Path) -> Result<Package, Diagnostic> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            let d = package_error(file, format!("datapackage.json is not valid JSON: {e}"), format!("datapackage.json ไม่ใช่ JSON ที่ถูกต้อง: {e}"));
            Diagnostic { location: Location::line(file, e.line(), e.column()), ..d }
        })?;
        let text_of = |key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_string).filter(|s| !s.trim().is_empty());
        let license = value.get("licenses").and_then(|l| l.get(0)).and_then(|l| l.get("name").or_else(|| l.get("path"))).and_then(|v| v.as_str()).map(str::to_string);
        let resources = value.get("resources").and_then(|r| r.as_array()).cloned().unwrap_or_default();
        Ok(Package { title: text_of("title"), description: text_of("description"), license, resources })
    }

    /// The dataset's metadata: `toml` (a `dataset.toml` beside the package, possibly small, at
    /// `file`) completed from the package (at `package_file`, which the package's own problems
    /// name), and what is still missing, by key. A title or description the `dataset.toml`
    /// gives in one language only takes the other from the package.
    pub fn meta(&self, toml: Option<toml::Table>, file: &Path, package_file: &Path) -> Result<(DatasetMeta, Vec<&'static str>), Diagnostic> {
        let mut table = toml.unwrap_or_default();
        let mut missing = Vec::new();
        for (key, from) in [("title", &self.title), ("description", &self.description)] {
            // A text, or anything but a table of languages: left for the metadata's own check.
            if table.get(key).is_some_and(|v| !v.is_table()) {
                continue;
            }
            let value = from.as_deref().map_or(serde_json::json!({ "th": "", "en": "" }), one_language);
            // Each language as dataset.toml gives it, else as the package does.
            let text = |lang: &str| {
                let given = table.get(key).and_then(|v| v.get(lang)).and_then(|v| v.as_str()).filter(|s| !s.trim().is_empty());
                given.or_else(|| value[lang].as_str()).unwrap_or_default().to_string()
            };
            let (th, en) = (text("th"), text("en"));
            if th.is_empty() {
                missing.push(if key == "title" { "title.th" } else { "description.th" });
            }
            if en.is_empty() {
                missing.push(if key == "title" { "title.en" } else { "description.en" });
            }
            let mut text = table.get(key).and_then(|v| v.as_table()).cloned().unwrap_or_default();
            text.insert("th".into(), toml::Value::String(th));
            text.insert("en".into(), toml::Value::String(en));
            table.insert(key.into(), toml::Value::Table(text));
        }
        if !table.contains_key("agency") {
            missing.push("agency");
            table.insert("agency".into(), toml::Value::String(String::new()));
        }
        if !table.contains_key("license") {
            match &self.license {
                Some(l) => table.insert("license".into(), toml::Value::String(l.clone())),
                None => {
                    missing.push("license");
                    table.insert("license".into(), toml::Value::String(String::new()))
                }
            };
        }
        let mut meta: DatasetMeta = table.try_into().map_err(|e: toml::de::Error| {
            package_error(file, format!("the dataset's metadata is not valid: {}", e.message().trim()), format!("ข้อมูลของชุดข้อมูลผิดรูปแบบ: {}", e.message().trim()))
        })?;
        if meta.resources.is_empty() {
            meta.resources = self.resources.iter().enumerate().map(|(i, r)| resource(r, i, package_file)).collect::<Result<_, _>>()?;
        }
        Ok((meta, missing))
    }
}

/// A package's resource as Sala's: the keys Sala reads, a one-language title as Thai or English.
fn resource(r: &serde_json::Value, index: usize, file: &Path) -> Result<ResourceMeta, Diagnostic> {
    let mut out = serde_json::Map::new();
    for key in ["name", "path", "sheet", "encoding", "schema"] {
        if let Some(v) = r.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    for key in ["title", "description"] {
        match r.get(key) {
            Some(serde_json::Value::String(s)) => out.insert(key.into(), one_language(s)),
            Some(v) => out.insert(key.into(), v.clone()),
            None => None,
        };
    }
    // The dialect keys Sala reads (a package may carry others, such as skipInitialSpace);
    // frictionless-py 5 writes the CSV ones in a `csv` object of their own.
    if let Some(d) = r.get("dialect").and_then(|d| d.as_object()) {
        const KNOWN: [&str; 7] = ["delimiter", "quoteChar", "doubleQuote", "lineTerminator", "header", "headerRows", "headerJoin"];
        let nested = d.get("csv").and_then(|c| c.as_object()).into_iter().flatten();
        let known: serde_json::Map<String, serde_json::Value> = d.iter().chain(nested).filter(|(k, _)| KNOWN.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
        out.insert("dialect".into(), serde_json::Value::Object(known));
    }
    serde_json::from_value(serde_json::Value::Object(out)).map_err(|e| {
        package_error(file, format!("resource {} of datapackage.json cannot be read: {e}", index + 1), format!("อ่านทรัพยากรลำดับที่ {} ของ datapackage.json ไม่ได้: {e}", index + 1))
    })
}

/// The warning that lists what a dataset read from a package still needs.
pub fn missing_warning(file: &Path, missing: &[&str]) -> Diagnostic {
    let list = missing.join(", ");
    Diagnostic::warning(
        Code::MetadataError,
        Location::file(file),
        Text::new(
            format!("อ่านชุดข้อมูลจาก datapackage.json แล้ว แต่ยังขาดข้อมูลที่ Sala ต้องใช้: {list}"),
            format!("the dataset was read from datapackage.json, which lacks what Sala needs: {list}"),
        ),
        Text::new(
            "เพิ่ม dataset.toml สั้น ๆ ข้าง datapackage.json ที่มีเฉพาะค่าเหล่านี้ เช่น title = { th = \"…\", en = \"…\" } และ agency = \"…\" (ทรัพยากรยังอ่านจาก datapackage.json)",
            "add a small dataset.toml beside datapackage.json with just these, e.g. title = { th = \"…\", en = \"…\" } and agency = \"…\" (the resources are still read from datapackage.json)",
        ),
    )
}
