//! Frictionless Table Schema, written inline in `dataset.toml` or as a `schema.json` file.
//! Titles and descriptions may be bilingual (`{ th, en }`) or plain strings as in the standard.

use crate::lang::Text;
use serde::{Deserialize, Serialize};

/// A resource's schema: its fields in column order and table-wide rules. Keys Sala does not
/// use (a `title`, `description`, custom keys) are allowed, as the standard allows them, and kept
/// in `extra` to be published.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    /// The columns, in the order the CSV must have them.
    pub fields: Vec<Field>,
    /// The columns whose values together identify a row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<OneOrMany>,
    /// Cell values that mean "no value" (default: the empty string).
    #[serde(default = "default_missing_values")]
    pub missing_values: Vec<String>,
    /// References from columns to other tables' keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    /// The URL of the Table Schema profile (ignored; allowed so standard files load).
    #[serde(default, rename = "$schema", skip_serializing)]
    pub profile: Option<String>,
    /// Any other keys, kept as written.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Keys the standard allows beside the ones Sala reads, kept as written (JSON values).
pub type Extra = std::collections::BTreeMap<String, serde_json::Value>;

fn default_missing_values() -> Vec<String> {
    vec![String::new()]
}

/// One column name or several, as Table Schema allows for keys.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum OneOrMany {
    /// A single column.
    One(String),
    /// Several columns, in order.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The column names.
    pub fn names(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// A reference from some of this table's columns to another table's key.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ForeignKey {
    /// The columns in this table.
    pub fields: OneOrMany,
    /// What they refer to.
    pub reference: Reference,
}

/// The target of a foreign key.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// Another dataset's id (Sala's extension; empty means this dataset).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub dataset: String,
    /// The resource's name (empty means this resource).
    #[serde(default)]
    pub resource: String,
    /// The referenced columns.
    pub fields: OneOrMany,
}

/// One column of a table.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    /// The column's name, exactly as in the CSV header.
    pub name: String,
    /// The kind of values it holds.
    #[serde(rename = "type", default)]
    pub field_type: FieldType,
    /// How values are written (e.g. `email`, or a date pattern like `%d/%m/%Y`; the deprecated
    /// `fmt:` prefix of Table Schema v1 is removed when read).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "format_without_fmt_prefix")]
    pub format: Option<String>,
    /// The column's human name.
    #[serde(default)]
    pub title: Text,
    /// What the column means.
    #[serde(default)]
    pub description: Text,
    /// An example value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<toml::Value>,
    /// Rules every value must follow.
    #[serde(default)]
    pub constraints: Constraints,
    /// Values read as `true` (booleans).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub true_values: Option<Vec<String>>,
    /// Values read as `false` (booleans).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub false_values: Option<Vec<String>>,
    /// The decimal mark of numbers (default `.`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimal_char: Option<String>,
    /// The thousands separator of numbers (e.g. `,`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_char: Option<String>,
    /// Whether numbers are bare (no currency signs or `%`); Sala reads bare numbers only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bare_number: Option<bool>,
    /// `buddhist` when years are written in the Buddhist era (พ.ศ. = ค.ศ. + 543): dates, datetimes
    /// and years are converted to the Christian era (Sala's extension).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<Calendar>,
    /// An RDF class for the values (kept, not used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rdf_type: Option<String>,
    /// Any other keys (`unit`, custom keys), kept as written.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A field's `format`, without the `fmt:` prefix Table Schema v1 once required before date
/// patterns (`fmt:%d/%m/%Y`): taken literally, it made every value fail.
fn format_without_fmt_prefix<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let format = Option::<String>::deserialize(d)?;
    Ok(format.map(|f| f.strip_prefix("fmt:").map(str::to_string).unwrap_or(f)))
}

impl Field {
    /// The type Polars' CSV parser may give this field's column while it parses: numbers
    /// written plainly, which that parser reads with the same functions as validation's
    /// conversion of their text. `None` where validation needs the text (a separator to
    /// remove, a pattern or length to check).
    pub fn parser_type(&self) -> Option<polars::prelude::DataType> {
        let plain = self.group_char.as_deref().is_none_or(str::is_empty)
            && self.decimal_char.as_deref().is_none_or(|d| d == ".")
            && self.bare_number != Some(false);
        let c = &self.constraints;
        let text_rules = c.pattern.is_some() || c.min_length.is_some() || c.max_length.is_some();
        match self.field_type {
            _ if !plain || text_rules => None,
            FieldType::Integer => Some(polars::prelude::DataType::Int64),
            FieldType::Number => Some(polars::prelude::DataType::Float64),
            _ => None,
        }
    }
}

/// The Table Schema types.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// Text.
    #[default]
    String,
    /// A decimal number.
    Number,
    /// A whole number.
    Integer,
    /// true or false.
    Boolean,
    /// A calendar date.
    Date,
    /// A time of day.
    Time,
    /// A date and time.
    Datetime,
    /// A year.
    Year,
    /// A year and month (`2024-10`).
    Yearmonth,
    /// An ISO 8601 duration.
    Duration,
    /// A point on the earth (`lat,lon`).
    Geopoint,
    /// A GeoJSON object.
    Geojson,
    /// A JSON object.
    Object,
    /// A JSON array.
    Array,
    /// Anything.
    Any,
}

impl FieldType {
    /// The name as written in a schema.
    pub fn name(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Number => "number",
            FieldType::Integer => "integer",
            FieldType::Boolean => "boolean",
            FieldType::Date => "date",
            FieldType::Time => "time",
            FieldType::Datetime => "datetime",
            FieldType::Year => "year",
            FieldType::Yearmonth => "yearmonth",
            FieldType::Duration => "duration",
            FieldType::Geopoint => "geopoint",
            FieldType::Geojson => "geojson",
            FieldType::Object => "object",
            FieldType::Array => "array",
            FieldType::Any => "any",
        }
    }
}

/// The era years are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Calendar {
    /// Christian era (the default).
    Gregorian,
    /// Buddhist era: year − 543 gives the Christian year.
    Buddhist,
}

/// Rules a column's values must follow.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Constraints {
    /// Every row has a value.
    #[serde(default)]
    pub required: bool,
    /// No two rows have the same value.
    #[serde(default)]
    pub unique: bool,
    /// The only allowed values.
    #[serde(default, rename = "enum", skip_serializing_if = "Option::is_none")]
    pub enum_values: Option<Vec<toml::Value>>,
    /// The smallest allowed value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<toml::Value>,
    /// The largest allowed value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<toml::Value>,
    /// A value every value must be above (Table Schema v2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusive_minimum: Option<toml::Value>,
    /// A value every value must be below (Table Schema v2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusive_maximum: Option<toml::Value>,
    /// The fewest characters allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<usize>,
    /// The most characters allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    /// A regular expression every value must match as a whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Any other constraints, kept as written (not checked).
    #[serde(flatten)]
    pub extra: Extra,
}

impl Schema {
    /// The field named `name`.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The primary key's columns (empty when there is none).
    pub fn primary_key(&self) -> Vec<String> {
        self.primary_key.as_ref().map(OneOrMany::names).unwrap_or_default()
    }
}

/// A constraint value (enum item, minimum, maximum) as the text a CSV cell would hold.
pub fn value_as_text(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        other => other.to_string(),
    }
}
