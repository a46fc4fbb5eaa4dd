//! Printing a [`Report`]: one function per output format, all from the same diagnostics.

use super::{Diagnostic, Report, Severity};
use crate::lang::{Lang, Text};
use std::fmt::Write;

/// An output format for diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people: grouped per file, with the value, rule and fix.
    Human,
    /// One line per problem: `file:row:col: error[code] message`.
    Concise,
    /// A JSON document (see the README for its shape).
    Json,
    /// GitHub Actions workflow commands, shown as annotations on a pull request.
    Github,
}

/// Renders `report` in `format`; messages in `lang`; `color` adds ANSI colours (human only).
pub fn render(report: &Report, format: Format, lang: Lang, color: bool) -> String {
    match format {
        Format::Human => human(report, lang, color),
        Format::Concise => concise(report, lang),
        Format::Json => json(report),
        Format::Github => github(report, lang, &RecordLines::default()),
    }
}

/// [`render`] of the report of the portal at `root`: GitHub's annotations give the line of the
/// file where a row begins, which a cell holding a line break puts below its row number.
pub fn render_in(report: &Report, format: Format, lang: Lang, color: bool, root: &std::path::Path) -> String {
    match format {
        Format::Github => github(report, lang, &RecordLines::of(report, root)),
        _ => render(report, format, lang, color),
    }
}

/// Where each record of the data files a report names begins: its line in the file.
#[derive(Default)]
struct RecordLines(std::collections::HashMap<std::path::PathBuf, Vec<usize>>);

impl RecordLines {
    /// The records' lines of each text table file (not a workbook, not metadata) the report's
    /// rows are in, read from under `root`; a file that cannot be read keeps its rows.
    fn of(report: &Report, root: &std::path::Path) -> RecordLines {
        let mut lines = std::collections::HashMap::new();
        for d in &report.diagnostics {
            let file = &d.location.file;
            if d.location.row.is_none() || d.location.sheet.is_some() || lines.contains_key(file) || !is_table_text(file) {
                continue;
            }
            if let Ok(bytes) = std::fs::read(root.join(file)) {
                lines.insert(file.clone(), crate::load::scan::record_lines(&bytes, Some(b'"')));
            }
        }
        RecordLines(lines)
    }

    /// The line where the record `row` (1 = the header) of `file` begins.
    fn line(&self, file: &std::path::Path, row: usize) -> usize {
        self.0.get(file).and_then(|lines| lines.get(row.checked_sub(1)?)).copied().unwrap_or(row)
    }
}

/// Whether `file` is a table written as text, whose rows are records (in metadata, a row is
/// already a line).
fn is_table_text(file: &std::path::Path) -> bool {
    let ext = file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    !matches!(ext.as_str(), "toml" | "json" | "md" | "markdown" | "yaml" | "yml" | "html") && !crate::load::workbook::is_workbook(file)
}

fn label(lang: Lang, th: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Th => th,
        Lang::En => en,
    }
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `file:row:col` (row and column only where known).
pub(crate) fn position(d: &Diagnostic) -> String {
    let mut s = d.location.file.display().to_string();
    // A workbook's sheet as spreadsheets name a place in it: `book.xlsx[Sheet1]:14:6`.
    if let Some(sheet) = &d.location.sheet {
        let _ = write!(s, "[{sheet}]");
    }
    if let Some(row) = d.location.row {
        let _ = write!(s, ":{row}");
        if let Some(col) = d.location.column_number {
            let _ = write!(s, ":{col}");
        }
    }
    s
}

/// "row 14, column F (amount)" in the chosen language.
pub(crate) fn where_in_table(d: &Diagnostic, lang: Lang) -> String {
    let mut parts = Vec::new();
    if let Some(sheet) = &d.location.sheet {
        parts.push(format!("{} \"{sheet}\"", label(lang, "แผ่นงาน", "sheet")));
    }
    if let Some(row) = d.location.row {
        let word = if d.location.column.is_some() || d.location.sheet.is_some() || d.location.file.extension().is_some_and(|e| e == "csv") {
            label(lang, "แถว", "row")
        } else {
            label(lang, "บรรทัด", "line")
        };
        parts.push(format!("{word} {row}"));
    }
    if let Some(name) = &d.location.column {
        let letter = d.location.column_letter().unwrap_or_default();
        parts.push(format!("{} {letter} ({name})", label(lang, "คอลัมน์", "column")));
    }
    parts.join(", ")
}

fn human(report: &Report, lang: Lang, color: bool) -> String {
    let paint = |code: &str, s: &str| if color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() };
    let mut out = String::new();
    let mut current_file = None;
    for d in &report.diagnostics {
        if current_file != Some(&d.location.file) {
            if current_file.is_some() {
                out.push('\n');
            }
            let _ = writeln!(out, "{}", paint("1", &d.location.file.display().to_string()));
            current_file = Some(&d.location.file);
        }
        let sev = severity_word(d.severity);
        let head = paint(if d.severity == Severity::Error { "1;31" } else { "1;33" }, &format!("{sev}[{}]", d.code.as_str()));
        let place = where_in_table(d, lang);
        if place.is_empty() {
            let _ = writeln!(out, "  {head} {}", d.message.get(lang));
        } else {
            let _ = writeln!(out, "  {head} {place}: {}", d.message.get(lang));
        }
        if let (Some(src), Some(row)) = (&d.source, d.location.row) {
            let gutter = row.to_string();
            let pad = " ".repeat(gutter.len());
            let _ = writeln!(out, "    {} | {}", paint("2", &gutter), src.text);
            let width = |skip: usize, take: usize| src.text.chars().skip(skip).take(take).filter(|c| !is_zero_width(*c)).count();
            let caret = format!("{}{}", " ".repeat(width(0, src.start)), "^".repeat(width(src.start, src.len).max(1)));
            let _ = writeln!(out, "    {pad} | {}", paint(if d.severity == Severity::Error { "31" } else { "33" }, &caret));
        }
        if let Some(v) = &d.value {
            let _ = writeln!(out, "    {}: {}", label(lang, "ค่า", "value"), quote(v));
        }
        if let Some(r) = &d.rule {
            let _ = writeln!(out, "    {}: {r}", label(lang, "กฎ", "rule"));
        }
        if !d.help.is_empty() {
            let _ = writeln!(out, "    {}: {}", paint("36", label(lang, "วิธีแก้", "fix")), d.help.get(lang));
        }
    }
    for u in &report.unlisted {
        let _ = writeln!(
            out,
            "{}: {} {} [{}] {}",
            u.file.display(),
            label(lang, "และอีก", "and"),
            u.count,
            u.code.as_str(),
            label(lang, "รายการที่ไม่ได้แสดง", "more not listed"),
        );
    }
    if !out.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "{}", summary(report, lang));
    out
}

/// Thai vowel and tone marks written above or below a consonant take no column of their own.
fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}')
}

/// The closing line: how many errors and warnings.
pub fn summary(report: &Report, lang: Lang) -> String {
    let (e, w) = (report.error_count(), report.warning_count());
    let text = Text::new(
        format!("พบข้อผิดพลาด {e} รายการ และคำเตือน {w} รายการ"),
        format!("{e} error(s), {w} warning(s)"),
    );
    text.get(lang).to_string()
}

/// Shows a value in double quotes so that blanks are visible; control characters are escaped
/// and long values cut, but Thai (with its combining marks) is shown as written.
fn quote(v: &str) -> String {
    const MAX: usize = 80;
    let mut s = String::from('"');
    for c in v.chars().take(MAX) {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            c if c.is_control() => s.extend(c.escape_default()),
            c => s.push(c),
        }
    }
    if v.chars().count() > MAX {
        s.push('…');
    }
    s.push('"');
    s
}

fn concise(report: &Report, lang: Lang) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let mut line = format!("{}: {}[{}] {}", position(d), severity_word(d.severity), d.code.as_str(), d.message.get(lang));
        if let Some(col) = &d.location.column {
            let _ = write!(line, " ({} {col})", label(lang, "คอลัมน์", "column"));
        }
        let _ = writeln!(out, "{line}");
    }
    out
}

fn json(report: &Report) -> String {
    let value = serde_json::json!({
        "errors": report.error_count(),
        "warnings": report.warning_count(),
        "diagnostics": report.diagnostics,
        "unlisted": report.unlisted,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// Escapes a workflow-command property or message (GitHub's own rules).
fn gh_escape(s: &str, property: bool) -> String {
    let s = s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    if property { s.replace(':', "%3A").replace(',', "%2C") } else { s }
}

fn github(report: &Report, lang: Lang, lines: &RecordLines) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let kind = if d.severity == Severity::Error { "error" } else { "warning" };
        let mut props = vec![format!("file={}", gh_escape(&d.location.file.display().to_string(), true))];
        if let Some(row) = d.location.row {
            props.push(format!("line={}", lines.line(&d.location.file, row)));
        }
        if let Some(col) = d.location.column_number {
            props.push(format!("col={col}"));
        }
        props.push(format!("title={}", gh_escape(d.code.as_str(), true)));
        let mut message = String::new();
        let place = where_in_table(d, lang);
        if !place.is_empty() {
            let _ = write!(message, "{place}: ");
        }
        message.push_str(d.message.get(lang));
        if let Some(v) = &d.value {
            let _ = write!(message, "\n{}: {}", label(lang, "ค่า", "value"), quote(v));
        }
        if !d.help.is_empty() {
            let _ = write!(message, "\n{}: {}", label(lang, "วิธีแก้", "fix"), d.help.get(lang));
        }
        let _ = writeln!(out, "::{kind} {}::{}", props.join(","), gh_escape(&message, false));
    }
    out
}
