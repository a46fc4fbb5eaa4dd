//! `datasets/<id>/dataset.toml`: a dataset's bilingual metadata and its resources.
//! The fields cover Thailand's government data catalogue (GD-Catalog) and DCAT.

use crate::lang::{Text, TextList};
use crate::load::role::RoleMeta;
use crate::load::schema::Schema;
use serde::{Deserialize, Serialize};

/// A dataset's metadata, as its agency wrote it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetMeta {
    /// The dataset's name.
    pub title: Text,
    /// What the data is and how it was made.
    #[serde(default)]
    pub description: Text,
    /// The publishing agency's code in the agency registry.
    pub agency: String,
    /// Theme codes (e.g. `budget`).
    #[serde(default)]
    pub themes: Vec<String>,
    /// Keywords per language.
    #[serde(default)]
    pub tags: TextList,
    /// The licence's SPDX or Open Definition id.
    pub license: String,
    /// How often the data is updated (GD-Catalog `update_frequency_unit`).
    #[serde(default)]
    pub frequency: Option<Frequency>,
    /// When the dataset was first published.
    #[serde(default)]
    pub issued: Option<toml::value::Datetime>,
    /// When the data last changed.
    #[serde(default)]
    pub modified: Option<toml::value::Datetime>,
    /// GD-Catalog data type.
    #[serde(default)]
    pub data_type: Option<DataType>,
    /// GD-Catalog data category; only `public` may be published.
    #[serde(default = "public_category")]
    pub data_category: DataCategory,
    /// Why the data is collected.
    #[serde(default)]
    pub objective: Text,
    /// The area the data covers.
    #[serde(default)]
    pub geo_coverage: Text,
    /// The provinces the data covers, by ISO 3166-2:TH code (`TH-50`); empty: all of Thailand.
    #[serde(default)]
    pub places: Vec<String>,
    /// Where the data comes from.
    #[serde(default)]
    pub data_source: Text,
    /// Languages of the data itself.
    #[serde(default)]
    pub language: Vec<String>,
    /// Who maintains the dataset.
    #[serde(default)]
    pub contact: DatasetContact,
    /// Statistical metadata (statistical data only).
    #[serde(default)]
    pub statistics: Option<Statistics>,
    /// Which columns hold personal data and what is published of them.
    #[serde(default)]
    pub personal_data: Option<PersonalData>,
    /// What Sala computes from the data (finance pages, e-service maturity), and from which columns.
    #[serde(default)]
    pub role: Option<RoleMeta>,
    /// The data files.
    #[serde(default)]
    pub resources: Vec<ResourceMeta>,
}

/// A dataset's declaration of personal data (PDPA): the legal basis and, per column, what is
/// published. Downloads, previews and the API apply it; the source files stay as they are.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PersonalData {
    /// The legal basis for processing (and, for `public` columns, for publishing).
    #[serde(default)]
    pub legal_basis: Text,
    /// Column name → what is published of it.
    #[serde(default)]
    pub columns: std::collections::BTreeMap<String, Treatment>,
}

/// What is published of a personal-data column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Treatment {
    /// The column is left out of every published file.
    Drop,
    /// Most characters are replaced by `x` (e.g. 1-2345-xxxxx-xx-1).
    Mask,
    /// Only the personal data the gate finds in each value is replaced by `x` (e.g. a phone
    /// number inside a complaint's text); the rest stays as written. For free text.
    Redact,
    /// A salted hash, the same for the same value within one build (rows can still be linked).
    Hash,
    /// Published as is; needs a stated legal basis.
    Public,
}

fn public_category() -> DataCategory {
    DataCategory::Public
}

/// The maintainer of a dataset: an office, not a private person.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetContact {
    /// The office's name.
    #[serde(default)]
    pub name: Text,
    /// The office's e-mail address.
    #[serde(default)]
    pub email: String,
}

/// GD-Catalog statistical metadata.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Statistics {
    /// Years covered, e.g. `2565-2568`.
    #[serde(default)]
    pub years: String,
    /// How the figures are broken down.
    #[serde(default)]
    pub disaggregation: Text,
    /// The unit of measure.
    #[serde(default)]
    pub unit: Text,
    /// The multiplier of the unit (1, 1000, 1000000).
    #[serde(default)]
    pub multiplier: Option<i64>,
}

/// One data file of a dataset.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceMeta {
    /// The name the downloads take (`<name>.csv`).
    pub name: String,
    /// The data file (CSV or workbook) relative to the dataset's folder, or a list of files
    /// with the same columns read as one table (as the Data Package standard allows).
    pub path: ResourcePath,
    /// The workbook's sheet that holds the table (default: the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// The resource's human name.
    #[serde(default)]
    pub title: Text,
    /// What the file holds.
    #[serde(default)]
    pub description: Text,
    /// The file's character encoding when it is not UTF-8 (e.g. `windows-874`).
    #[serde(default)]
    pub encoding: Option<String>,
    /// How the CSV is written, when it is not detected correctly (Frictionless CSV Dialect).
    #[serde(default)]
    pub dialect: Option<DialectMeta>,
    /// The Table Schema: inline, or the name of a `schema.json` file in the folder.
    pub schema: SchemaSource,
}

/// A resource's `path`: one file, or many files with the same columns.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum ResourcePath {
    /// One file.
    One(String),
    /// Files read one after another as one table.
    Many(Vec<String>),
}

impl ResourcePath {
    /// The file names, in order.
    pub fn files(&self) -> &[String] {
        match self {
            ResourcePath::One(f) => std::slice::from_ref(f),
            ResourcePath::Many(fs) => fs,
        }
    }
}

/// A CSV file's dialect, in Frictionless's terms.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DialectMeta {
    /// The character between cells (`,`, `;`, a tab or `|`).
    #[serde(default)]
    pub delimiter: Option<String>,
    /// The character around cells that contain the delimiter (`"`).
    #[serde(default)]
    pub quote_char: Option<String>,
    /// Whether a quote inside a quoted cell is written twice (the only form Sala reads).
    #[serde(default)]
    pub double_quote: Option<bool>,
    /// The line ending (`\n` or `\r\n`; both are always read).
    #[serde(default)]
    pub line_terminator: Option<String>,
    /// Whether the file has a header row (it must).
    #[serde(default)]
    pub header: Option<bool>,
    /// The rows (1-based, consecutive) that hold the column names, as Frictionless's Table
    /// Dialect writes them: `[3]` under two title lines, `[1, 2]` for group cells over
    /// sub-labels. Rows above them are not part of the table.
    #[serde(default)]
    pub header_rows: Option<Vec<usize>>,
    /// What joins a column's labels over several header rows (default: a space).
    #[serde(default)]
    pub header_join: Option<String>,
}

/// Where a resource's schema is.
#[derive(Debug, Clone)]
pub enum SchemaSource {
    /// A file in the dataset's folder.
    File(String),
    /// Written in `dataset.toml` (shared with the resource loaded from it: a rebuild of 10,000
    /// datasets spent a fifth of its load stage copying schemas).
    Inline(std::sync::Arc<Schema>),
}

impl Serialize for SchemaSource {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // As written: a file's name, or the schema itself.
        match self {
            SchemaSource::File(name) => serializer.serialize_str(name),
            SchemaSource::Inline(schema) => schema.serialize(serializer),
        }
    }
}

/// GD-Catalog update frequencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    /// Every day.
    Daily,
    /// Every week.
    Weekly,
    /// Every month.
    Monthly,
    /// Every quarter.
    Quarterly,
    /// Twice a year.
    Semiannual,
    /// Once a year.
    Annual,
    /// When needed.
    Irregular,
    /// Never updated.
    Static,
}

impl Frequency {
    /// The i18n key of the frequency's name.
    pub fn key(self) -> &'static str {
        match self {
            Frequency::Daily => "frequency_daily",
            Frequency::Weekly => "frequency_weekly",
            Frequency::Monthly => "frequency_monthly",
            Frequency::Quarterly => "frequency_quarterly",
            Frequency::Semiannual => "frequency_semiannual",
            Frequency::Annual => "frequency_annual",
            Frequency::Irregular => "frequency_irregular",
            Frequency::Static => "frequency_static",
        }
    }
}

/// GD-Catalog data types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DataType {
    /// ข้อมูลระเบียน: records.
    Record,
    /// ข้อมูลสถิติ: statistics.
    Statistical,
    /// ข้อมูลภูมิสารสนเทศเชิงพื้นที่: geospatial data.
    Geospatial,
    /// ข้อมูลหลากหลายประเภท: several kinds.
    Multiple,
    /// ข้อมูลประเภทอื่นๆ: other.
    Other,
}

impl DataType {
    /// The i18n key of the type's name.
    pub fn key(self) -> &'static str {
        match self {
            DataType::Record => "data_type_record",
            DataType::Statistical => "data_type_statistical",
            DataType::Geospatial => "data_type_geospatial",
            DataType::Multiple => "data_type_multiple",
            DataType::Other => "data_type_other",
        }
    }
}

/// GD-Catalog data categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DataCategory {
    /// ข้อมูลสาธารณะ: may be published.
    Public,
    /// ข้อมูลส่วนบุคคล: personal data.
    Personal,
    /// ข้อมูลความมั่นคง: national security.
    Security,
    /// ข้อมูลความลับทางราชการ: official secret.
    Secret,
}

// Not `#[serde(untagged)]`: that would hide the real mistake (e.g. a misspelt constraint) behind
// "did not match any variant"; dispatching on the value's shape keeps the message and location.
impl<'de> Deserialize<'de> for SchemaSource {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = SchemaSource;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a schema file name like \"schema.json\" or an inline [resources.schema] table")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<SchemaSource, E> {
                Ok(SchemaSource::File(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<SchemaSource, A::Error> {
                Schema::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(|s| SchemaSource::Inline(std::sync::Arc::new(s)))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}
