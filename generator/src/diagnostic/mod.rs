//! Problems found in a portal's files, each located precisely enough for a civil servant to fix
//! it: file, row (1-based, header = row 1, as a spreadsheet shows it), column, value and rule.

pub(crate) mod render;

pub use render::{Format, render, render_in};

use crate::lang::Text;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// How bad a problem is: errors stop publishing, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Must be fixed before the portal is published.
    Error,
    /// Worth fixing; the portal is still published.
    Warning,
}

/// The stable code of a kind of problem (Frictionless's vocabulary where it has one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// A cell's value is not of the column's type.
    TypeError,
    /// A cell holds a spreadsheet's error value (`#N/A`, `#DIV/0!`, `Err:502`), not data.
    SpreadsheetError,
    /// A cell breaks a constraint (required, enum, minimum, maximum, length, pattern).
    ConstraintError,
    /// A value repeats in a column declared unique.
    UniqueError,
    /// A primary key value repeats.
    PrimaryKey,
    /// A value refers to a row that does not exist.
    ForeignKey,
    /// A schema field has no column in the CSV.
    MissingLabel,
    /// A CSV column is not in the schema.
    ExtraLabel,
    /// Two CSV columns have the same name.
    DuplicateLabel,
    /// A CSV column has no name.
    BlankLabel,
    /// The CSV's columns are not in the schema's order.
    IncorrectLabel,
    /// A row has fewer cells than the header.
    MissingCell,
    /// A row has more cells than the header.
    ExtraCell,
    /// A row has no values at all.
    BlankRow,
    /// A row that looks like a totals row (`รวม`, `Total`), which sums would count twice (a warning).
    TotalsRow,
    /// Below the data, a row of one text cell: a note or a source line (a warning).
    NoteRow,
    /// A cell longer than a workbook cell holds, which the Excel download cuts (a warning).
    LongCell,
    /// A row repeats the header row (two exports pasted one after the other).
    RepeatedHeader,
    /// The first row holds data, not the column names: the file was exported without its header.
    MissingHeader,
    /// The file's bytes are not text in the declared encoding.
    EncodingError,
    /// The file cannot be read as CSV.
    SourceError,
    /// The file is empty or has only a header.
    EmptyTable,
    /// `dataset.toml` does not parse or has a wrong key or value.
    MetadataError,
    /// The Table Schema is not valid.
    SchemaError,
    /// A file named in the metadata does not exist.
    MissingFile,
    /// A path points outside the portal folder.
    PathEscape,
    /// The agency code is not in the agency registry.
    UnknownAgency,
    /// The dataset's data category does not allow publishing.
    NotPublic,
    /// A markdown page does not parse or is too large.
    PageError,
    /// A value has spaces around it, or non-breaking spaces.
    ExtraWhitespace,
    /// Thai text has its marks in the wrong order (typical of text copied from PDF).
    ThaiTextOrder,
    /// A datetime without an offset in a column whose other values have one: read as UTC (a warning).
    MissingOffset,
    /// A personal-data policy is missing, incomplete or does not parse.
    PolicyError,
    /// Personal data found in a column that is not declared as personal data.
    PersonalData,
    /// A dataset's `[role]` does not say where each meaning is, or points at a column that does not fit.
    RoleError,
    /// A dataset has not been updated as often as its `frequency` says (a warning).
    Overdue,
    /// `base_url` has a path, so crawlers never read the portal's robots.txt nor find its sitemap there (a warning).
    RobotsNotAtRoot,
}

impl Code {
    /// Every code, in the order docs/rules.md documents them.
    pub const ALL: [Code; 37] = [
        Code::TypeError, Code::SpreadsheetError, Code::ConstraintError, Code::UniqueError, Code::PrimaryKey, Code::ForeignKey,
        Code::MissingLabel, Code::ExtraLabel, Code::DuplicateLabel, Code::BlankLabel, Code::IncorrectLabel,
        Code::MissingCell, Code::ExtraCell, Code::BlankRow, Code::TotalsRow, Code::NoteRow, Code::LongCell, Code::RepeatedHeader, Code::MissingHeader, Code::EncodingError, Code::SourceError,
        Code::EmptyTable, Code::MetadataError, Code::SchemaError, Code::MissingFile, Code::PathEscape,
        Code::UnknownAgency, Code::NotPublic, Code::PageError, Code::ExtraWhitespace, Code::ThaiTextOrder,
        Code::MissingOffset, Code::PolicyError, Code::PersonalData, Code::RoleError, Code::Overdue,
        Code::RobotsNotAtRoot,
    ];

    /// The kebab-case code as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::TypeError => "type-error",
            Code::SpreadsheetError => "spreadsheet-error",
            Code::ConstraintError => "constraint-error",
            Code::UniqueError => "unique-error",
            Code::PrimaryKey => "primary-key",
            Code::ForeignKey => "foreign-key",
            Code::MissingLabel => "missing-label",
            Code::ExtraLabel => "extra-label",
            Code::DuplicateLabel => "duplicate-label",
            Code::BlankLabel => "blank-label",
            Code::IncorrectLabel => "incorrect-label",
            Code::MissingCell => "missing-cell",
            Code::ExtraCell => "extra-cell",
            Code::BlankRow => "blank-row",
            Code::TotalsRow => "totals-row",
            Code::NoteRow => "note-row",
            Code::LongCell => "long-cell",
            Code::RepeatedHeader => "repeated-header",
            Code::MissingHeader => "missing-header",
            Code::EncodingError => "encoding-error",
            Code::SourceError => "source-error",
            Code::EmptyTable => "empty-table",
            Code::MetadataError => "metadata-error",
            Code::SchemaError => "schema-error",
            Code::MissingFile => "missing-file",
            Code::PathEscape => "path-escape",
            Code::UnknownAgency => "unknown-agency",
            Code::NotPublic => "not-public",
            Code::PageError => "page-error",
            Code::ExtraWhitespace => "extra-whitespace",
            Code::ThaiTextOrder => "thai-text-order",
            Code::MissingOffset => "missing-offset",
            Code::PolicyError => "policy-error",
            Code::PersonalData => "personal-data",
            Code::RoleError => "role-error",
            Code::Overdue => "overdue",
            Code::RobotsNotAtRoot => "robots-not-at-root",
        }
    }
}

/// Where a problem is.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    /// The file, relative to the portal folder.
    pub file: PathBuf,
    /// The 1-based row (CSV, header = 1) or line (TOML, markdown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// The 1-based column number (CSV column or character in a TOML line).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column_number: Option<usize>,
    /// The CSV column's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The sheet, in a workbook.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
}

impl Location {
    /// A whole file.
    pub fn file(file: impl Into<PathBuf>) -> Location {
        Location { file: file.into(), ..Location::default() }
    }

    /// A line and column of a text file.
    pub fn line(file: impl Into<PathBuf>, line: usize, column: usize) -> Location {
        Location { file: file.into(), row: Some(line), column_number: Some(column), ..Location::default() }
    }

    /// The spreadsheet letter of the column (A, B, …, Z, AA, …).
    pub fn column_letter(&self) -> Option<String> {
        self.column_number.map(column_letter)
    }
}

/// The spreadsheet letter of a 1-based column number.
pub fn column_letter(mut n: usize) -> String {
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// `s` as a TOML basic string (quoted, with only quotes, backslashes and control characters
/// escaped): how messages show a value from a TOML file, so that Thai reads as Thai (Rust's
/// `{:?}` wrote its vowel and tone marks as `\u{e49}`) and a fix can be pasted as shown.
pub fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// One problem, with everything needed to find and fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The stable code of the kind of problem.
    pub code: Code,
    /// Whether it stops publishing.
    pub severity: Severity,
    /// Where it is.
    pub location: Location,
    /// The offending value, as written in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The rule that was broken, as written in the schema (e.g. `minimum = 0`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// What is wrong.
    pub message: Text,
    /// How to fix it, in one sentence.
    pub help: Text,
    /// The row as Sala read it, with the offending cell marked (CSV problems only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceLine>,
}

/// A row of a data file shown under a diagnostic, with the offending cell marked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceLine {
    /// The row's cells joined with the file's delimiter (shortened around the cell if long).
    pub text: String,
    /// Where the offending cell starts, in characters.
    pub start: usize,
    /// How many characters it has (at least 1, so an empty cell is still marked).
    pub len: usize,
}

impl SourceLine {
    /// The row made of `cells`, marking cell `target`; rows longer than about 100 characters
    /// are cut around the target cell.
    pub fn new(cells: &[String], delimiter: char, target: usize) -> SourceLine {
        const WIDTH: usize = 100;
        let mut text = String::new();
        let (mut start, mut len) = (0, 1);
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                text.push(delimiter);
            }
            let shown = if cell.contains([delimiter, '"', '\n', '\r']) {
                format!("\"{}\"", cell.replace('"', "\"\"").replace(['\n', '\r'], "⏎"))
            } else {
                cell.clone()
            };
            if i == target {
                start = text.chars().count();
                len = shown.chars().count().max(1);
            }
            text.push_str(&shown);
        }
        let total = text.chars().count();
        if total <= WIDTH {
            return SourceLine { text, start, len };
        }
        let from = start.saturating_sub(WIDTH / 3).min(total.saturating_sub(WIDTH));
        let mut cut: String = text.chars().skip(from).take(WIDTH).collect();
        let mut offset = start - from;
        if from > 0 {
            cut.insert(0, '…');
            offset += 1;
        }
        if from + WIDTH < total {
            cut.push('…');
        }
        SourceLine { text: cut, start: offset, len: len.min(WIDTH) }
    }
}

impl Diagnostic {
    /// An error.
    pub fn error(code: Code, location: Location, message: Text, help: Text) -> Diagnostic {
        Diagnostic { code, severity: Severity::Error, location, value: None, rule: None, message, help, source: None }
    }

    /// A warning.
    pub fn warning(code: Code, location: Location, message: Text, help: Text) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, location, message, help) }
    }

    /// The same diagnostic with the offending value.
    pub fn with_value(mut self, value: impl Into<String>) -> Diagnostic {
        self.value = Some(value.into());
        self
    }

    /// The same diagnostic with the row it is in.
    pub fn with_source(mut self, source: SourceLine) -> Diagnostic {
        self.source = Some(source);
        self
    }

    /// The same diagnostic with the broken rule.
    pub fn with_rule(mut self, rule: impl Into<String>) -> Diagnostic {
        self.rule = Some(rule.into());
        self
    }
}

/// How many instances of one code in one file are listed; the rest are only counted.
pub const LISTED_PER_FILE_AND_CODE: usize = 50;

/// All diagnostics of a run, with exact totals even where the list was cut.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Report {
    /// The listed diagnostics, sorted by file, row, column.
    pub diagnostics: Vec<Diagnostic>,
    /// Problems counted but not listed, per file and code.
    pub unlisted: Vec<Unlisted>,
}

/// Problems of one code in one file beyond the listed ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unlisted {
    /// The file.
    pub file: PathBuf,
    /// The code.
    pub code: Code,
    /// How bad they are.
    pub severity: Severity,
    /// How many more there are.
    pub count: usize,
}

impl Report {
    /// Adds one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Adds diagnostics of which `total` exist but only these were listed.
    pub fn extend_counted(&mut self, listed: Vec<Diagnostic>, total: usize) {
        if let Some(first) = listed.first() {
            if total > listed.len() {
                self.unlisted.push(Unlisted {
                    file: first.location.file.clone(),
                    code: first.code,
                    severity: first.severity,
                    count: total - listed.len(),
                });
            }
        }
        self.diagnostics.extend(listed);
    }

    /// Adds everything from another report.
    pub fn merge(&mut self, other: Report) {
        self.diagnostics.extend(other.diagnostics);
        self.unlisted.extend(other.unlisted);
    }

    /// Sorts for stable output: by file, then row, then column, then code.
    pub fn sort(&mut self) {
        self.diagnostics.sort_by(|a, b| {
            (&a.location.file, a.location.row, a.location.column_number, a.code)
                .cmp(&(&b.location.file, b.location.row, b.location.column_number, b.code))
        });
        self.unlisted.sort_by(|a, b| (&a.file, a.code).cmp(&(&b.file, b.code)));
    }

    /// The exact number of errors, listed or not.
    pub fn error_count(&self) -> usize {
        self.count(Severity::Error)
    }

    /// The exact number of warnings, listed or not.
    pub fn warning_count(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
            + self.unlisted.iter().filter(|u| u.severity == severity).map(|u| u.count).sum::<usize>()
    }

    /// True when there is at least one error.
    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_row_is_cut_around_the_marked_cell() {
        let cells: Vec<String> = (0..40).map(|i| format!("cell{i}")).collect();
        let line = SourceLine::new(&cells, ',', 30);
        let marked: String = line.text.chars().skip(line.start).take(line.len).collect();
        assert_eq!(marked, "cell30");
        assert!(line.text.starts_with('…') && line.text.ends_with('…'), "{}", line.text);
        let short = SourceLine::new(&["a".into(), "".into(), "x,y".into()], ',', 2);
        assert_eq!((short.text.as_str(), short.start, short.len), ("a,,\"x,y\"", 3, 5));
    }

    #[test]
    fn every_code_is_documented_in_docs_rules_md() {
        let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/rules.md")).unwrap();
        for code in Code::ALL {
            assert!(docs.contains(&format!("### `{}`", code.as_str())), "docs/rules.md does not document {}", code.as_str());
        }
    }

    #[test]
    fn column_letters_follow_spreadsheets() {
        assert_eq!(column_letter(1), "A");
        assert_eq!(column_letter(26), "Z");
        assert_eq!(column_letter(27), "AA");
        assert_eq!(column_letter(703), "AAA");
    }
}
