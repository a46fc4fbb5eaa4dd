//! The static JSON API under `/api/v1/` (datasets, one file per dataset, agencies, themes,
//! tags) and `/api/openapi.json`, the OpenAPI 3.1 document that describes every endpoint and
//! its JSON shape. The shapes here are documented in the README and pinned by snapshot tests.

use super::Emitter;
use super::fragments::Store;
use super::keys::Keys;
use crate::error::Result;
use super::data::{table_schema, text_json};
use super::encode::pretty;
use super::labels::{FORMATS, has_json, license_url, page_count, theme_label};
use crate::lang::Text;
use crate::model::{Dataset, Resource, Site};
use crate::validate::THEMES;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The version in the API's paths and documents.
pub const API_VERSION: u32 = 1;

/// The file of the build cache that keeps where each dataset's entry lies in the last build's
/// `datasets.json` (its layout), which a rebuild copies the unchanged entries from.
pub const FRAGMENTS: &str = "fragments-api.bin";

/// Every file of the JSON API. `store` keeps the layout of `datasets.json` between builds
/// (see [`super::fragments`]).
pub fn render(site: &Site, out: &Emitter, store: &Store) -> Result<()> {
    let urls = &site.urls;
    let memo = out.memo();
    let keys = out.keys(site);
    // The lists show of each dataset only what its summary key holds (metadata, resources'
    // names, titles, schemas and rows), with the site's settings, agency registry and theme
    // names: keyed by those, a rebuild that changed none of them makes none of these files
    // (making and hashing datasets.json alone was a tenth of a second at 10,000 datasets).
    let lists = keys.map(|keys| {
        let mut h = memo.hasher();
        h.add(&keys.settings()).add_json(&site.theme.strings).add(keys.summaries());
        h.finish()
    });
    let list_key = |path: &str| {
        lists.map(|lists| {
            let mut h = memo.hasher();
            h.add(path).add(&lists);
            h.finish()
        })
    };
    // datasets.json is assembled from each dataset's entry as text. An entry is known by a
    // key of the dataset's summary key with the site's settings; a rebuild takes the entries
    // whose key did not change from the last build's file, where the kernel copies them
    // (unchanged neighbours as one range), and makes the others: only the changed dataset's
    // entry passes through Sala (re-serialising and then writing 51 MB was 0.15 s at 10,000).
    let path = urls.api_datasets();
    let key = list_key(&path);
    if !super::ranges::taken(out, store, &path, key) {
        let old = key.and_then(|_| super::ranges::last_layout(store, memo, &path));
        let entries = dataset_entries(site, keys, old.as_ref());
        let mut placed = Vec::with_capacity(entries.len());
        out.stream_ranged(&path, &path, |w| {
            let mut w = super::ranges::Ranges::new(w, old.as_ref());
            write_dataset_index(&mut w, &entries, &mut placed).and_then(|()| w.finish()).map_err(|e| e.to_string())
        })?;
        let layout = (placed.len() == entries.len()).then(|| {
            let texts = site.datasets.iter().zip(&entries).zip(placed).map(|((d, (hash, _)), range)| (d.id.clone(), *hash, range));
            super::ranges::Layout::of_texts(texts)
        });
        super::ranges::record(store, memo, &path, key, layout);
    }
    // The agencies', themes' and tags' lists show of each dataset only its id under its agency,
    // themes or tags: keyed by those (with the site's settings, agency registry and theme
    // strings), not by the summary keys, so that a changed title or description makes none of
    // them again.
    let lists: [(String, fn(&Site) -> Value, fn(&mut crate::load::cache::KeyHasher, &Dataset)); 3] = [
        (urls.api_agencies(), agency_index, |h, d| {
            h.add(&d.meta.agency);
        }),
        (urls.api_themes(), theme_index, |h, d| {
            h.add(&d.meta.themes);
        }),
        (urls.api_tags(), tag_index, |h, d| {
            h.add_json(&d.meta.tags);
        }),
    ];
    for (path, make, shown) in lists {
        let key = keys.map(|keys| {
            let mut h = memo.hasher();
            h.add(&path).add(&keys.settings()).add_json(&site.theme.strings).add(&site.datasets.len());
            for d in &site.datasets {
                h.add(&d.id);
                shown(&mut h, d);
            }
            h.finish()
        });
        out.keyed(&path, key, || Ok(pretty(&make(site))))?;
    }
    // The OpenAPI document also names the finance, maturity and dashboard tables, which depend
    // on the tables' data: it is made every time and written when its bytes changed.
    out.file(&urls.openapi(), &pretty(&openapi(site)))?;
    let settings = keys.map(|keys| settings_key(site, memo, keys));
    // Each dataset's file on every core: in a full build, 10,000 of them.
    let done = crate::parallel::map(&site.datasets, |d| {
        let path = urls.api_dataset(&d.id);
        // An unchanged dataset's file is taken from the last build without making it again
        // (10,000 of them were a second of a rebuild).
        let key = settings.zip(keys).and_then(|(s, keys)| dataset_key(site, d, memo, keys, s));
        out.keyed(&path, key, || Ok(pretty(&json!({"api_version": API_VERSION, "dataset": dataset_full(site, d)}))))
    });
    done.into_iter().collect::<Result<Vec<()>>>()?;
    Ok(())
}

/// How deep `datasets.json` writes a dataset's entry: two levels in (`{"datasets": [...]}`).
const ENTRY_INDENT: &str = "    ";

/// A dataset's entry of `datasets.json` as it stands there: pretty JSON indented two levels
/// (a JSON text has no raw line break but between its tokens, so indenting after each is safe).
fn dataset_entry(site: &Site, d: &Dataset) -> Vec<u8> {
    let text = serde_json::to_vec_pretty(&Value::Object(dataset_summary(site, d))).unwrap_or_default();
    let mut out = Vec::with_capacity(text.len() + text.len() / 8);
    out.extend_from_slice(ENTRY_INDENT.as_bytes());
    for &b in &text {
        out.push(b);
        if b == b'\n' {
            out.extend_from_slice(ENTRY_INDENT.as_bytes());
        }
    }
    out
}

/// Each dataset's entry of `/api/v1/datasets.json` ([`dataset_entry`]) with its key (0 when
/// the build keeps no cache): those whose key is unchanged as borrowed from the last build's
/// file (`last`), the others made on every core.
fn dataset_entries<'l>(site: &Site, keys: Option<&Keys>, last: Option<&'l super::ranges::Last>) -> Vec<(u64, std::borrow::Cow<'l, [u8]>)> {
    use std::borrow::Cow;
    let settings = keys.map(|keys| {
        let mut h = crate::load::cache::KeyHasher::new();
        h.add("datasets.json entry").add(&keys.settings());
        h.finish()
    });
    let at: Vec<usize> = (0..site.datasets.len()).collect();
    crate::parallel::map(&at, |&i| {
        let key = settings.zip(keys).map(|(s, keys)| {
            let mut h = crate::load::cache::KeyHasher::new();
            h.add(&s).add(&keys.summary_at(i));
            h.finish()
        });
        let d = &site.datasets[i];
        if let Some(kept) = key.zip(last).and_then(|(k, last)| last.text(&d.id, k)) {
            return (key.unwrap_or_default(), Cow::Borrowed(kept));
        }
        (key.unwrap_or_default(), Cow::Owned(dataset_entry(site, d)))
    })
}

/// Writes `/api/v1/datasets.json` (every dataset with its titles, agency and downloads) from
/// its datasets' entries: the bytes [`pretty`] gives for `{"api_version", "count", "datasets"}`.
/// Notes each entry's offset and length in the file in `placed`.
fn write_dataset_index(w: &mut dyn std::io::Write, entries: &[(u64, std::borrow::Cow<'_, [u8]>)], placed: &mut Vec<(u64, u64)>) -> std::io::Result<()> {
    if entries.is_empty() {
        return write!(w, "{{\n  \"api_version\": {API_VERSION},\n  \"count\": 0,\n  \"datasets\": []\n}}\n");
    }
    let head = format!("{{\n  \"api_version\": {API_VERSION},\n  \"count\": {},\n  \"datasets\": [\n", entries.len());
    w.write_all(head.as_bytes())?;
    let mut offset = head.len() as u64;
    for (i, (_, e)) in entries.iter().enumerate() {
        if i > 0 {
            w.write_all(b",\n")?;
            offset += 2;
        }
        w.write_all(e)?;
        placed.push((offset, e.len() as u64));
        offset += e.len() as u64;
    }
    w.write_all(b"\n  ]\n}\n")
}

/// What every dataset's API file reads of the site (its settings and agencies), hashed once.
fn settings_key(site: &Site, memo: &crate::load::cache::Memo, keys: &Keys) -> u64 {
    let mut h = memo.hasher();
    h.add("api/v1/datasets/<id>.json").add(&keys.settings());
    h.add(&site.today.to_string());
    h.finish()
}

/// The key of dataset `d`'s API file from what [`dataset_full`] reads: the site's settings
/// ([`settings_key`]), the dataset's metadata, published schemas and what its tables were made
/// from ([`Dataset::source`]), and its quality measures (the criteria met and its freshness).
/// None when the tables' source is unknown.
fn dataset_key(site: &Site, d: &Dataset, memo: &crate::load::cache::Memo, keys: &Keys, settings: u64) -> Option<u64> {
    if d.source == 0 {
        return None;
    }
    let mut h = memo.hasher();
    h.add(&settings).add(&d.id).add(&d.source).add(&keys.summary(d));
    // What `dashboard::dataset_quality_json` shows (the day is in `settings`), hashed as values:
    // making that JSON for each of 10,000 datasets only to hash it was most of the key's cost.
    match site.quality.get(&d.id) {
        Some((q, f)) => h.add(&q.met).add(f.state.name()).add(&f.next_update).add(&f.overdue_from),
        None => h.add("no quality"),
    };
    Some(h.finish())
}

/// A page's absolute URL in every language.
fn pages(site: &Site, path: impl Fn(crate::lang::Lang) -> String) -> Value {
    Value::Object(site.languages.iter().map(|l| (l.code().to_string(), json!(site.urls.absolute(&path(*l))))).collect())
}

fn resource_summary(site: &Site, d: &Dataset, r: &Resource) -> Map<String, Value> {
    let urls = &site.urls;
    let mut out = Map::new();
    out.insert("name".into(), json!(r.name));
    out.insert("title".into(), json!(r.title));
    out.insert("rows".into(), json!(r.rows()));
    out.insert(
        "fields".into(),
        r.schema.fields.iter().map(|f| json!({"name": f.name, "type": f.field_type.name(), "title": f.title})).collect(),
    );
    for format in FORMATS {
        out.insert(format.ext.into(), json!(urls.absolute(&urls.resource(&d.id, &r.name, format.ext))));
    }
    if !has_json(site, r) {
        // The one removal api_version 1 allows: no single JSON array of a very large resource.
        out.insert("json".into(), Value::Null);
    }
    let count = page_count(r);
    // `pages` (a count here, URLs on a dataset) is kept for api_version 1; `page_count` says it plainly.
    out.insert("pages".into(), json!(count));
    out.insert("first_page".into(), if count > 0 { json!(urls.absolute(&urls.rows_page(&d.id, &r.name, 1))) } else { Value::Null });
    out.insert("page_count".into(), json!(count));
    out.insert("json_schema".into(), json!(urls.absolute(&urls.api_record_schema(&d.id, &r.name))));
    out
}

/// A dataset as listed in `datasets.json`.
fn dataset_summary(site: &Site, d: &Dataset) -> Map<String, Value> {
    let urls = &site.urls;
    let m = &d.meta;
    let agency = site.agency(&m.agency);
    let mut out = Map::new();
    out.insert("id".into(), json!(d.id));
    out.insert("title".into(), json!(m.title));
    out.insert("description".into(), json!(m.description));
    out.insert("agency".into(), json!({"code": m.agency, "name": agency.map(|a| &a.name)}));
    out.insert("themes".into(), json!(m.themes));
    out.insert("tags".into(), json!(m.tags));
    out.insert("license".into(), json!(m.license));
    out.insert("issued".into(), json!(m.issued.map(|x| x.to_string())));
    out.insert("modified".into(), json!(m.modified.map(|x| x.to_string())));
    out.insert("pages".into(), pages(site, |l| urls.dataset(l, &d.id)));
    out.insert("metadata".into(), json!(urls.absolute(&urls.api_dataset(&d.id))));
    out.insert("datapackage".into(), json!(urls.absolute(&urls.datapackage(&d.id))));
    out.insert("zip".into(), json!(urls.absolute(&urls.dataset_zip(&d.id))));
    out.insert("resources".into(), d.resources.iter().map(|r| Value::Object(resource_summary(site, d, r))).collect());
    out
}

/// `/api/v1/datasets/<id>.json`: everything `datasets.json` says plus the rest of the metadata
/// and each resource's full Table Schema.
fn dataset_full(site: &Site, d: &Dataset) -> Value {
    let m = &d.meta;
    let mut out = dataset_summary(site, d);
    let text = |t: &Text| text_json(site, t);
    out.insert("license_url".into(), json!(license_url(&m.license)));
    out.insert("frequency".into(), json!(m.frequency));
    out.insert("data_type".into(), json!(m.data_type));
    out.insert("data_category".into(), json!(m.data_category));
    out.insert("objective".into(), text(&m.objective));
    out.insert("geo_coverage".into(), text(&m.geo_coverage));
    out.insert("data_source".into(), text(&m.data_source));
    out.insert("language".into(), json!(m.language));
    out.insert("contact".into(), json!({"name": text(&m.contact.name), "email": m.contact.email}));
    out.insert(
        "statistics".into(),
        match &m.statistics {
            Some(s) => json!({"years": s.years, "disaggregation": text(&s.disaggregation), "unit": text(&s.unit), "multiplier": s.multiplier}),
            None => Value::Null,
        },
    );
    let resources: Vec<Value> = d
        .resources
        .iter()
        .map(|r| {
            let mut res = resource_summary(site, d, r);
            res.insert("description".into(), json!(r.description));
            res.insert("schema".into(), table_schema(site, &d.id, &r.schema));
            Value::Object(res)
        })
        .collect();
    out.insert("resources".into(), Value::Array(resources));
    out.insert("quality".into(), super::dashboard::dataset_quality_json(site, d));
    Value::Object(out)
}

/// `/api/v1/agencies.json`: the agency registry with each agency's pages and datasets.
fn agency_index(site: &Site) -> Value {
    let urls = &site.urls;
    let agencies: Vec<Value> = site
        .agencies
        .iter()
        .map(|a| {
            json!({
                "code": a.code,
                "name": a.name,
                "legal_title": a.legal_title,
                "parent": a.parent,
                "form": a.form,
                "website": a.website,
                "minister": a.minister,
                "mandate": a.mandate,
                "enabling_act": a.enabling_act,
                "pages": pages(site, |l| urls.agency(l, &a.code)),
                "datasets": site.datasets_of(&a.code).map(|d| d.id.as_str()).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({"api_version": API_VERSION, "count": agencies.len(), "agencies": agencies})
}

/// `/api/v1/themes.json`: every theme with its names, its IRI in the DCAT catalog and its datasets.
fn theme_index(site: &Site) -> Value {
    let mut codes: Vec<&str> = THEMES.to_vec();
    codes.sort_unstable();
    let themes: Vec<Value> = codes
        .iter()
        .map(|code| {
            json!({
                "code": code,
                "label": text_json(site, &theme_label(site, code)),
                "iri": site.urls.theme_concept(code),
                "datasets": site.datasets.iter().filter(|d| d.meta.themes.iter().any(|t| t == code)).map(|d| d.id.as_str()).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({"api_version": API_VERSION, "count": themes.len(), "themes": themes})
}

/// `/api/v1/tags.json`: per language, every tag (sorted) with the datasets that carry it.
fn tag_index(site: &Site) -> Value {
    let mut by_lang = Map::new();
    for lang in &site.languages {
        let mut tags: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for d in &site.datasets {
            for tag in d.meta.tags.get(*lang) {
                let ids = tags.entry(tag.as_str()).or_default();
                if !ids.contains(&d.id.as_str()) {
                    ids.push(d.id.as_str());
                }
            }
        }
        let list: Vec<Value> = tags.into_iter().map(|(tag, ids)| json!({"tag": tag, "datasets": ids})).collect();
        by_lang.insert(lang.code().to_string(), Value::Array(list));
    }
    json!({"api_version": API_VERSION, "tags": by_lang})
}

/// JSON Schema of a bilingual text.
fn text_schema(site: &Site) -> Value {
    let codes: Vec<&str> = site.languages.iter().map(|l| l.code()).collect();
    let props: Map<String, Value> = codes.iter().map(|c| (c.to_string(), json!({"type": "string"}))).collect();
    json!({"type": "object", "properties": props, "required": codes})
}

fn nullable(schema: Value) -> Value {
    json!({"oneOf": [schema, {"type": "null"}]})
}

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn array_of(items: Value) -> Value {
    json!({"type": "array", "items": items})
}

/// The JSON Schemas of every document the API publishes (OpenAPI `components.schemas`).
fn component_schemas(site: &Site) -> Value {
    let url = json!({"type": "string", "format": "uri"});
    let date = json!({"type": "string", "format": "date"});
    let string = json!({"type": "string"});
    let integer = json!({"type": "integer", "minimum": 0});
    let mut resource_props = json!({
        "name": string, "title": reference("Text"), "rows": integer,
        "fields": array_of(json!({"type": "object", "required": ["name", "type", "title"],
            "properties": {"name": string, "type": string, "title": reference("Text")}})),
        "pages": integer, "first_page": nullable(url.clone()), "page_count": integer, "json_schema": url,
    });
    for format in FORMATS {
        resource_props[format.ext] = url.clone();
    }
    // Null for a resource over `json_max_cells`, which has no single JSON array.
    resource_props["json"] = nullable(url.clone());
    let mut resource_required: Vec<&str> = vec!["name", "title", "rows", "fields", "pages", "first_page", "page_count", "json_schema"];
    resource_required.extend(FORMATS.iter().map(|f| f.ext));
    let dataset_props = json!({
        "id": string, "title": reference("Text"), "description": reference("Text"),
        "agency": {"type": "object", "required": ["code", "name"], "properties": {"code": string, "name": nullable(reference("Text"))}},
        "themes": array_of(string.clone()), "tags": reference("TextList"), "license": string,
        "issued": nullable(date.clone()), "modified": nullable(date.clone()),
        "pages": reference("LanguageUrls"), "metadata": url, "datapackage": url, "zip": url,
        "resources": array_of(reference("ResourceSummary")),
    });
    let dataset_required = ["id", "title", "description", "agency", "themes", "tags", "license", "issued", "modified", "pages", "metadata", "datapackage", "zip", "resources"];
    let mut full_props = dataset_props.clone();
    for (key, schema) in [
        ("license_url", url.clone()),
        ("frequency", nullable(string.clone())),
        ("data_type", nullable(string.clone())),
        ("data_category", string.clone()),
        ("objective", reference("Text")),
        ("geo_coverage", reference("Text")),
        ("data_source", reference("Text")),
        ("language", array_of(string.clone())),
        ("contact", json!({"type": "object", "required": ["name", "email"], "properties": {"name": reference("Text"), "email": string}})),
        ("statistics", nullable(json!({"type": "object", "required": ["years", "disaggregation", "unit", "multiplier"],
            "properties": {"years": string, "disaggregation": reference("Text"), "unit": reference("Text"), "multiplier": nullable(json!({"type": "integer"}))}}))),
        ("resources", array_of(reference("Resource"))),
        ("quality", json!({"type": "object", "required": ["score", "criteria", "freshness", "next_update", "overdue_from", "as_of"], "properties": {
            "score": {"type": "number", "description": "Share of the metadata quality criteria met, in percent"},
            "criteria": {"type": "object", "additionalProperties": {"type": "boolean"}},
            "freshness": {"enum": ["current", "overdue", "not-scheduled", "unknown"]},
            "next_update": nullable(string.clone()), "overdue_from": nullable(string.clone()), "as_of": string.clone()}})),
    ] {
        full_props[key] = schema;
    }
    let mut full_required: Vec<&str> = dataset_required.to_vec();
    full_required.extend(["license_url", "frequency", "data_type", "data_category", "objective", "geo_coverage", "data_source", "language", "contact", "statistics", "quality"]);
    let cell = json!({"type": ["string", "number", "integer", "boolean", "null"]});
    json!({
        "Text": text_schema(site),
        "TextList": {"type": "object", "properties": {"th": array_of(string.clone()), "en": array_of(string.clone())}, "required": ["th", "en"]},
        "LanguageUrls": {"type": "object", "additionalProperties": url},
        "ResourceSummary": {"type": "object", "required": resource_required, "properties": resource_props},
        "Resource": {"allOf": [reference("ResourceSummary"), {"type": "object", "required": ["description", "schema"],
            "properties": {"description": reference("Text"), "schema": reference("TableSchema")}}]},
        "TableSchema": {"type": "object", "required": ["fields", "missingValues"], "properties": {
            "fields": array_of(json!({"type": "object", "required": ["name", "type"], "properties": {"name": string, "type": string}})),
            "primaryKey": array_of(string.clone()), "missingValues": array_of(string.clone()), "foreignKeys": array_of(json!({"type": "object"}))}},
        "DatasetSummary": {"type": "object", "required": dataset_required, "properties": dataset_props},
        "Dataset": {"type": "object", "required": full_required, "properties": full_props},
        "DatasetIndex": {"type": "object", "required": ["api_version", "count", "datasets"], "properties": {
            "api_version": {"const": API_VERSION}, "count": integer, "datasets": array_of(reference("DatasetSummary"))}},
        "DatasetDocument": {"type": "object", "required": ["api_version", "dataset"], "properties": {
            "api_version": {"const": API_VERSION}, "dataset": reference("Dataset")}},
        "Agency": {"type": "object", "required": ["code", "name", "legal_title", "parent", "form", "website", "minister", "mandate", "enabling_act", "pages", "datasets"], "properties": {
            "code": string, "name": reference("Text"), "legal_title": reference("Text"), "parent": nullable(string.clone()),
            "form": string, "website": string, "minister": reference("Text"), "mandate": reference("Text"),
            "enabling_act": reference("Text"), "pages": reference("LanguageUrls"), "datasets": array_of(string.clone())}},
        "AgencyIndex": {"type": "object", "required": ["api_version", "count", "agencies"], "properties": {
            "api_version": {"const": API_VERSION}, "count": integer, "agencies": array_of(reference("Agency"))}},
        "ThemeIndex": {"type": "object", "required": ["api_version", "count", "themes"], "properties": {
            "api_version": {"const": API_VERSION}, "count": integer, "themes": array_of(json!({"type": "object", "required": ["code", "label", "iri", "datasets"],
                "properties": {"code": string, "label": reference("Text"), "iri": url, "datasets": array_of(string.clone())}}))}},
        "TagIndex": {"type": "object", "required": ["api_version", "tags"], "properties": {
            "api_version": {"const": API_VERSION}, "tags": {"type": "object", "additionalProperties": array_of(json!({"type": "object", "required": ["tag", "datasets"],
                "properties": {"tag": string, "datasets": array_of(string.clone())}}))}}},
        "Records": array_of(json!({"type": "object", "additionalProperties": cell})),
        "RowsPage": {"type": "object", "required": ["dataset", "resource", "page", "pages", "per_page", "total", "first", "prev", "next", "last", "rows"], "properties": {
            "dataset": string, "resource": string, "page": {"type": "integer", "minimum": 1}, "pages": integer, "per_page": integer, "total": integer,
            "first": url, "prev": nullable(url.clone()), "next": nullable(url.clone()), "last": url, "rows": reference("Records")}},
        "DataPackage": {"type": "object", "required": ["profile", "name", "resources"], "properties": {
            "profile": {"const": "tabular-data-package"}, "name": string, "resources": array_of(json!({"type": "object", "required": ["name", "path", "schema"]}))}},
        "Table": {"type": "object", "required": ["api_version", "count", "rows"], "properties": {
            "api_version": {"const": API_VERSION}, "count": integer, "rows": array_of(json!({"type": "object"}))}},
        "FinanceSummary": {"type": "object", "required": ["api_version", "code", "name", "years", "objects", "programs"], "properties": {
            "api_version": {"const": API_VERSION}, "code": string, "name": nullable(reference("Text")),
            "years": array_of(json!({"type": "object"})), "objects": array_of(json!({"type": "object"})), "programs": array_of(json!({"type": "object"}))}},
        "SharingRegister": {"type": "object", "required": ["count", "exchanges"], "properties": {
            "count": integer, "exchanges": array_of(json!({"type": "object", "required": ["agency", "with", "direction", "data", "purpose", "legal_basis", "policy"],
                "properties": {"agency": string, "with": string, "direction": {"enum": ["sends", "receives", "both"]},
                    "data": reference("Text"), "purpose": reference("Text"), "legal_basis": reference("Text"), "policy": url}}))}},
    })
}

/// One GET operation answering `schema` as `media_type`.
fn get(summary: &str, media_type: &str, schema: Value, parameters: &[Value]) -> Value {
    let mut op = json!({
        "summary": summary,
        "responses": {
            "200": {"description": summary, "content": {media_type: {"schema": schema}}},
            // A static host answers any other path (a misspelt id, a page past the last) so.
            "404": {"description": "No such file: the path names a dataset, resource or page that does not exist"},
        },
    });
    if !parameters.is_empty() {
        op["parameters"] = Value::Array(parameters.to_vec());
    }
    json!({"get": op})
}

/// The schema of a binary file of `media_type`.
fn binary(media_type: &str) -> Value {
    json!({"type": "string", "contentMediaType": media_type})
}

fn path_parameter(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": description, "schema": schema})
}

/// `/api/openapi.json`: OpenAPI 3.1 for every static endpoint. Paths are relative to the
/// server (the site's `base_url`); templated paths list their allowed values where they are
/// the same for every dataset, and the dataset index says which resources each dataset has.
fn openapi(site: &Site) -> Value {
    let lang = site.config.default_language;
    let ids: Vec<&str> = site.datasets.iter().map(|d| d.id.as_str()).collect();
    let dataset = path_parameter("dataset", "A dataset id from /api/v1/datasets.json", json!({"type": "string", "enum": ids}));
    let mut names: Vec<&str> = site.datasets.iter().flat_map(|d| d.resources.iter().map(|r| r.name.as_str())).collect();
    names.sort_unstable();
    names.dedup();
    let resource = path_parameter(
        "resource",
        "A resource name of that dataset (its `resources[].name` in the dataset index; the list holds every dataset's names)",
        json!({"type": "string", "enum": names}),
    );
    let most_pages = site.datasets.iter().flat_map(|d| d.resources.iter().map(page_count)).max().unwrap_or(0);
    let page = path_parameter(
        "page",
        "A page number from 1 to the resource's `page_count` in the dataset index",
        json!({"type": "integer", "minimum": 1, "maximum": most_pages}),
    );
    let mut paths = Map::new();
    let mut add = |path: String, item: Value| {
        paths.insert(format!("/{path}"), item);
    };
    let urls = &site.urls;
    add(urls.api_datasets(), get("Every dataset with its titles, agency and downloads", "application/json", reference("DatasetIndex"), &[]));
    add(urls.api_dataset("{dataset}"), get("One dataset's full metadata and Table Schemas", "application/json", reference("DatasetDocument"), &[dataset.clone()]));
    add(urls.api_agencies(), get("The agency registry", "application/json", reference("AgencyIndex"), &[]));
    add(urls.api_themes(), get("Themes and their datasets", "application/json", reference("ThemeIndex"), &[]));
    add(urls.api_tags(), get("Tags per language and their datasets", "application/json", reference("TagIndex"), &[]));
    add(urls.datapackage("{dataset}"), get("The dataset as a Frictionless Tabular Data Package", "application/json", reference("DataPackage"), &[dataset.clone()]));
    let both = [dataset.clone(), resource.clone()];
    add(urls.dataset_zip("{dataset}"), get("Every CSV file of the dataset and its datapackage.json, zipped", "application/zip", binary("application/zip"), std::slice::from_ref(&dataset)));
    for format in FORMATS {
        let (summary, schema) = match format.ext {
            "csv" => ("The resource as canonical CSV (UTF-8, comma, LF, ISO dates)", json!({"type": "string"})),
            "json" => ("The resource as an array of typed records", reference("Records")),
            "ndjson" => ("The resource as one JSON record per line (each matching its JSON Schema)", json!({"type": "string"})),
            "parquet" => ("The resource as Parquet, typed as its schema says", binary(format.media_type)),
            _ => ("The resource as a spreadsheet: typed cells under a Thai and English header row", binary(format.media_type)),
        };
        add(urls.resource("{dataset}", "{resource}", format.ext), get(summary, format.media_type, schema, &both));
    }
    add(
        urls.api_record_schema("{dataset}", "{resource}"),
        get("The JSON Schema of one record of the resource (its JSON items and NDJSON lines)", "application/json", json!({"type": "object", "required": ["$schema", "properties"]}), &both),
    );
    // Only a portal with a resource large enough to be paged has rows pages.
    if most_pages > 0 {
        add(
            urls.rows_page("{dataset}", "{resource}", "{page}"),
            get(&format!("One page of {} rows of a resource with more rows than that", super::labels::ROWS_PER_PAGE), "application/json", reference("RowsPage"), &[dataset, resource, page]),
        );
    }
    add(
        urls.catalog_jsonld(),
        get("The DCAT-AP 3 catalog as JSON-LD (inline @context)", "application/ld+json", json!({"type": "object", "required": ["@context", "@graph"]}), &[]),
    );
    add(urls.catalog_ttl(), get("The DCAT-AP 3 catalog as Turtle", "text/turtle", json!({"type": "string"}), &[]));
    for &l in &site.languages {
        add(
            urls.data_json_in(l),
            get(&format!("The DCAT-US (Project Open Data 1.1) catalog ({})", l.code()), "application/json", json!({"type": "object", "required": ["conformsTo", "dataset"],
                "properties": {"conformsTo": {"const": "https://project-open-data.cio.gov/v1.1/schema"}, "dataset": {"type": "array", "items": {"type": "object"}}}}), &[]),
        );
    }
    add(urls.sitemap(), get("Every page, with its other-language twins (hreflang)", "application/xml", json!({"type": "string"}), &[]));
    for &l in &site.languages {
        add(urls.feed(l), get(&format!("Atom feed of datasets, newest-modified first ({})", l.code()), "application/atom+xml", json!({"type": "string"}), &[]));
    }
    add(urls.robots(), get("robots.txt, pointing at the sitemap", "text/plain", json!({"type": "string"}), &[]));
    let csv = json!({"type": "string"});
    // Computed tables (finance, maturity): each as JSON rows and as CSV with the same rows.
    let table = |path_of: &dyn Fn(&str) -> String, summary: &str, params: &[Value]| {
        [
            (path_of("json"), get(summary, "application/json", reference("Table"), params)),
            (path_of("csv"), get(&format!("{summary} (CSV)"), "text/csv", csv.clone(), params)),
        ]
    };
    if !site.finance.portal.years.is_empty() {
        for (name, what) in [("years", "Authorities vs expenditures by fiscal year"), ("objects", "Expenditures by standard object"), ("programs", "Expenditures by programme")] {
            for (path, item) in table(&|ext| urls.api_finance(name, ext), &format!("{what}, for every agency, ministry and the portal"), &[]) {
                add(path, item);
            }
        }
        let codes: Vec<String> = site.finance.units.keys().map(|c| c.to_ascii_lowercase()).collect();
        let code = path_parameter("code", "An agency's or ministry's registry code, in lowercase", json!({"type": "string", "enum": codes}));
        let unit_table = path_parameter("table", "Which finance table", json!({"type": "string", "enum": ["years", "objects", "programs"]}));
        for (path, item) in table(&|ext| urls.api_finance_unit("{code}", "{table}", ext), "One finance table of one agency or ministry", &[code.clone(), unit_table]) {
            add(path, item);
        }
        add(urls.api_finance_summary("{code}"), get("One agency's or ministry's finance summary (all three tables)", "application/json", reference("FinanceSummary"), &[code]));
    }
    if site.maturity.portal.is_some() {
        for (name, what) in [("scores", "E-service maturity per agency, ministry and the portal"), ("services", "Every e-service's stage scores"), ("next-stage", "The ten services closest to their next stage")] {
            for (path, item) in table(&|ext| urls.api_maturity(name, ext), what, &[]) {
                add(path, item);
            }
        }
    }
    for (group, name, what) in super::dashboard::API_TABLES {
        if super::dashboard::has_table(site, group) {
            for (path, item) in table(&|ext| urls.api_table(group, name, ext), what, &[]) {
                add(path, item);
            }
        }
    }
    if !site.policies.is_empty() {
        add(urls.api_privacy_register("json"), get("The personal-data sharing register", "application/json", reference("SharingRegister"), &[]));
        add(urls.api_privacy_register("csv"), get("The personal-data sharing register (CSV)", "text/csv", csv.clone(), &[]));
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": format!("{} API", site.config.title.get(lang)),
            "version": API_VERSION.to_string(),
            "description": "Static JSON files: every path is a file, fetched with GET; nothing else is served.",
        },
        "servers": [{"url": site.config.base_url.trim_end_matches('/')}],
        "paths": paths,
        "components": {"schemas": component_schemas(site)},
    })
}
