//! The theme's templates minified once when they are loaded, so that a rendered page needs no
//! minifying of its own: minify-html parsing and rewriting every page was a third of the
//! pages' CPU time. Tera's tags are put aside behind placeholders the minifier keeps as they
//! are (in text, in attribute values, as an attribute of their own inside a tag), the
//! template is minified by minify-html as a page would be, and the tags are put back.
//!
//! Whitespace next to a statement (`{% if %}`, `{% for %}`, ...) is decided as minify-html
//! would decide it on the rendered page: taken out where the statement stands between tags in
//! an element whose whole-whitespace text minify-html drops (a `ul`, a `div`, the root),
//! collapsed to one space elsewhere. An attribute value that is one value between safe static
//! text (`href="{{ url }}"`, `id="r-{{ name }}"`) is left unquoted by a filter when the value
//! allows it, as minify-html leaves it.
//!
//! When a template uses Tera in a way this cannot place (a tag inside an HTML comment or a tag
//! name, `{% raw %}`, a value in an unquoted attribute) or the minifier did not keep every
//! placeholder in its place, [`minify_templates`] returns None and the pages are minified one
//! by one as before.

use serde_json::Value;
use std::collections::HashMap;

/// Opens a placeholder: a private-use character no theme writes.
const OPEN: char = '\u{E000}';
/// Closes a placeholder.
const CLOSE: char = '\u{E001}';

/// The settings of minify-html for Sala's pages (and for its templates).
pub(super) fn cfg() -> minify_html::Cfg {
    minify_html::Cfg {
        keep_closing_tags: true,
        keep_html_and_head_opening_tags: true,
        minify_css: true,
        minify_js: false,
        ..minify_html::Cfg::default()
    }
}

/// A theme's templates, minified, and the attribute filters they call.
pub(super) struct Minified {
    /// Each template by name, minified, with its Tera tags back.
    pub(super) templates: Vec<(String, String)>,
    /// The filters that write an attribute's value, quoted only where it needs quotes.
    pub(super) filters: Vec<AttrFilter>,
}

/// A filter that writes one attribute value made of `pre`, the value, and `post` (static text
/// without characters that need quotes), with its quotes only where the value needs them.
pub(super) struct AttrFilter {
    /// The filter's name in the templates.
    pub(super) name: String,
    pre: String,
    post: String,
    /// The template marked the value `safe`: written as it is.
    raw: bool,
}

impl tera::Filter for AttrFilter {
    fn filter(&self, value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
        let text: std::borrow::Cow<str> = match value {
            Value::String(s) => s.into(),
            Value::Null => "".into(),
            Value::Number(n) => n.to_string().into(),
            Value::Bool(b) => b.to_string().into(),
            other => other.to_string().into(),
        };
        // Most values have nothing to escape: borrowed as they are rather than copied.
        let escaped = if self.raw || memchr::memchr3(b'&', b'<', b'"', text.as_bytes()).is_none() { text } else { escape_minified(&text).into() };
        let mut out = String::with_capacity(self.pre.len() + escaped.len() + self.post.len() + 2);
        let bare = !(self.pre.is_empty() && escaped.is_empty() && self.post.is_empty())
            && !escaped.chars().any(needs_quotes);
        if !bare {
            out.push('"');
        }
        out.push_str(&self.pre);
        if bare || !self.raw {
            out.push_str(&escaped);
        } else {
            // A raw value in quotes keeps its own quotes out of the attribute.
            out.push_str(&escaped.replace('"', "&#34;"));
        }
        out.push_str(&self.post);
        if !bare {
            out.push('"');
        }
        Ok(Value::String(out))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// Whether an attribute value with `c` must be quoted (HTML's rule for unquoted values).
fn needs_quotes(c: char) -> bool {
    c.is_ascii_whitespace() || matches!(c, '"' | '\'' | '=' | '<' | '>' | '`')
}

/// Escapes a value for minified templates: `&`, `<` and `"` are all that text and the
/// double-quoted attribute values they write need (minify-html writes `'` and `>` as they are).
pub(super) fn escape_minified(input: &str) -> String {
    // Most values need no escape at all: found with one vectorised scan, copied at once.
    if memchr::memchr3(b'&', b'<', b'"', input.as_bytes()).is_none() {
        return input.to_string();
    }
    let mut out = Vec::with_capacity(input.len() + input.len() / 16 + 8);
    // Writing into a Vec cannot fail, and entities are ASCII put between whole characters.
    let _ = escape_minified_into(input, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// [`escape_minified`] written straight into a page: the same bytes, without a string of
/// their own for each value a page prints.
pub(super) fn escape_minified_into(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    let mut last = 0;
    for i in memchr::memchr3_iter(b'&', b'<', b'"', bytes) {
        let entity: &[u8] = match bytes[i] {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            _ => b"&#34;",
        };
        out.write_all(&bytes[last..i])?;
        out.write_all(entity)?;
        last = i + 1;
    }
    out.write_all(&bytes[last..])
}

/// Minifies every template of a theme (see the module's doc); None when one of them cannot
/// be minified safely.
pub(super) fn minify_templates(templates: &std::collections::BTreeMap<String, String>) -> Option<Minified> {
    let mut filters = Vec::new();
    let mut out = Vec::new();
    for (name, source) in templates {
        // Only HTML is minified, and the escaping of minified templates is for HTML's
        // double-quoted attributes: a theme with other templates (XML) is left as written.
        if !(name.ends_with(".html") || name.ends_with(".htm")) {
            return None;
        }
        out.push((name.clone(), minify_template(source, &mut filters)?));
    }
    Some(Minified { templates: out, filters })
}

/// One piece of a template: static text or one Tera tag.
#[derive(Clone, Copy)]
enum Piece<'a> {
    Static(&'a str),
    Tag(&'a str, Kind),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Expr,
    Stmt,
    Comment,
}

/// Splits a template into static text and Tera tags; None for an unclosed tag or `{% raw %}`
/// (whose text Tera does not read as tags).
fn pieces(source: &str) -> Option<Vec<Piece<'_>>> {
    let b = source.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut start) = (0, 0);
    while i + 1 < b.len() {
        let kind = match (b[i], b[i + 1]) {
            (b'{', b'{') => Kind::Expr,
            (b'{', b'%') => Kind::Stmt,
            (b'{', b'#') => Kind::Comment,
            _ => {
                i += 1;
                continue;
            }
        };
        let close = match kind {
            Kind::Expr => b'}',
            Kind::Stmt => b'%',
            Kind::Comment => b'#',
        };
        let mut j = i + 2;
        let end = loop {
            if j + 1 >= b.len() {
                return None;
            }
            match b[j] {
                q @ (b'"' | b'\'' | b'`') if kind != Kind::Comment => {
                    let n = b[j + 1..].iter().position(|&c| c == q)?;
                    j += n + 2;
                }
                c if c == close && b[j + 1] == b'}' => break j + 2,
                _ => j += 1,
            }
        };
        if start < i {
            out.push(Piece::Static(&source[start..i]));
        }
        let tag = &source[i..end];
        if kind == Kind::Stmt && matches!(keyword(tag), "raw" | "endraw") {
            return None;
        }
        out.push(Piece::Tag(tag, kind));
        i = end;
        start = end;
    }
    if start < source.len() {
        out.push(Piece::Static(&source[start..]));
    }
    Some(out)
}

/// The first word of a statement (`if`, `endfor`, `include`, ...).
fn keyword(tag: &str) -> &str {
    let inner = tag.get(2..tag.len().saturating_sub(2)).unwrap_or("");
    inner.trim_start_matches('-').split_whitespace().next().unwrap_or("")
}

/// What a placeholder stands for.
enum Slot {
    /// A tag in text or raw text, put back as it was.
    Text(String),
    /// A statement in text, put back as it was; its order among statements is checked.
    Stmt(String),
    /// A tag in an attribute value; `alone` when the value is `pre` + this expression + `post`.
    Value { tag: String, alone: Option<(String, String)>, bare: bool },
    /// Tags and attributes inside a start tag (`{% if x %} class="a"{% endif %}`), as an
    /// attribute of their own.
    Chunk { text: String, name: String },
}

/// Where the HTML scanner is.
#[derive(Clone, PartialEq, Eq, Debug)]
enum State {
    Data,
    /// Inside `script`, `style`, `textarea` or `title` (named), up to its end tag.
    Raw(String),
    TagName,
    InTag,
    AttrName,
    AfterName,
    BeforeValue,
    Quoted(char),
    Unquoted,
    Comment,
    Bang,
    /// Inside a start tag, collecting Tera tags and the attributes between them.
    Chunk,
}

/// Elements whose whole-whitespace text minify-html drops (its LAYOUT elements).
const LAYOUT: [&str; 32] = [
    "article", "aside", "blockquote", "body", "colgroup", "datalist", "dialog", "div", "dl", "fieldset", "figure",
    "footer", "form", "head", "header", "hgroup", "html", "main", "map", "menu", "nav", "ol", "optgroup", "picture",
    "section", "select", "table", "tbody", "tfoot", "thead", "tr", "ul",
];
const VOID: [&str; 15] =
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param", "keygen"];
const RAW: [&str; 4] = ["script", "style", "textarea", "title"];

struct Masker {
    out: String,
    slots: Vec<Slot>,
    state: State,
    /// Open elements.
    stack: Vec<String>,
    tag_name: String,
    end_tag: bool,
    /// The last character of the tag was `/` (`<br/>`).
    self_closing: bool,
    /// Where in `out` the last tag, comment or statement ended.
    boundary: usize,
    /// After a statement whose surrounding whitespace may go: the whitespace since.
    pending: Option<String>,
    /// The current attribute value: its static text and its slots.
    value_static: Vec<String>,
    value_slots: Vec<usize>,
    /// The chunk being collected: its text, open `if`/`for`, quote, and whether its first
    /// static character must be whitespace.
    chunk: String,
    depth: i32,
    chunk_quote: Option<char>,
    chunk_needs_space: Option<bool>,
}

impl Masker {
    fn placeholder(&mut self, slot: Slot, space: bool) -> usize {
        let n = self.slots.len();
        self.slots.push(slot);
        self.out.push(OPEN);
        // Fixed width: minify-html sorts attributes by name, and so keeps chunks in order.
        self.out.push_str(&format!("{n:06}"));
        if space {
            self.out.push(' ');
        }
        self.out.push(CLOSE);
        n
    }

    /// Whether whole-whitespace text in the current element is dropped by minify-html.
    fn drops_whitespace(&self) -> bool {
        let sensitive = self.stack.iter().any(|e| matches!(e.as_str(), "pre" | "code" | "textarea" | "svg" | "math"));
        !sensitive && self.stack.last().is_none_or(|e| LAYOUT.contains(&e.as_str()))
    }

    /// At `</` of an end tag: its name comes next.
    fn start_end_tag(&mut self) {
        self.state = State::TagName;
        self.end_tag = true;
        self.tag_name.clear();
        self.out.push_str("</");
    }

    fn end_of_tag(&mut self) {
        let name = std::mem::take(&mut self.tag_name).to_ascii_lowercase();
        if self.end_tag {
            if let Some(at) = self.stack.iter().rposition(|e| *e == name) {
                self.stack.truncate(at);
            }
            self.state = State::Data;
        } else if RAW.contains(&name.as_str()) {
            self.state = State::Raw(name);
        } else {
            if !VOID.contains(&name.as_str()) && !self.self_closing {
                self.stack.push(name);
            }
            self.state = State::Data;
        }
        self.boundary = self.out.len();
    }

    /// Ends the current quoted attribute value.
    fn end_of_value(&mut self) -> Option<()> {
        let slots = std::mem::take(&mut self.value_slots);
        let statics = std::mem::take(&mut self.value_static);
        if slots.is_empty() {
            return Some(());
        }
        let text: String = statics.concat();
        // minify-html may pick single quotes for a value with double quotes in it; the values
        // put back are escaped for double quotes only.
        if text.contains('"') || text.contains("&quot;") || text.contains("&#34") || text.contains("&#x22") {
            return None;
        }
        let simple = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/' | '#' | '?' | '%' | '+' | ','));
        // A value of statements and simple text that is never empty
        // (`{% if a %}met{% else %}unmet{% endif %}`) needs no quotes on any page.
        if statics.iter().all(|s| simple(s)) && self.never_empty(&slots, &statics) {
            for &n in &slots {
                if let Slot::Value { bare, .. } = &mut self.slots[n] {
                    *bare = true;
                }
                let spaced = format!("{OPEN}{n:06} {CLOSE}");
                let at = self.out.rfind(&spaced)?;
                self.out.replace_range(at..at + spaced.len(), &format!("{OPEN}{n:06}{CLOSE}"));
            }
            return Some(());
        }
        if let ([slot], [pre, post]) = (slots.as_slice(), statics.as_slice()) {
            if let Slot::Value { tag, alone, .. } = &mut self.slots[*slot] {
                if simple(pre) && simple(post) && simple_expression(tag) {
                    *alone = Some((pre.clone(), post.clone()));
                    // Without its space the placeholder leaves the value unquoted, where the
                    // filter writes quotes if the page's value needs them.
                    let spaced = format!("{OPEN}{slot:06} {CLOSE}");
                    let at = self.out.rfind(&spaced)?;
                    self.out.replace_range(at..at + spaced.len(), &format!("{OPEN}{slot:06}{CLOSE}"));
                }
            }
        }
        Some(())
    }

    /// Whether an attribute value of `statics` between the statements of `slots` has text on
    /// every page: text outside every `if`, or an `if` with an `else` and text in every branch.
    fn never_empty(&self, slots: &[usize], statics: &[String]) -> bool {
        let (mut depth, mut found) = (0, false);
        let (mut has_else, mut branches_full, mut branch_text) = (false, true, false);
        if !statics[0].is_empty() {
            found = true;
        }
        for (i, &n) in slots.iter().enumerate() {
            let Slot::Value { tag, .. } = &self.slots[n] else { return false };
            if !tag.starts_with("{%") {
                return false;
            }
            match keyword(tag) {
                "if" if depth == 0 => {
                    depth = 1;
                    (has_else, branches_full) = (false, true);
                }
                "elif" | "else" if depth == 1 => {
                    branches_full &= branch_text;
                    has_else |= keyword(tag) == "else";
                }
                "endif" if depth == 1 => {
                    depth = 0;
                    branches_full &= branch_text;
                    found |= has_else && branches_full;
                }
                _ => return false,
            }
            let text = &statics[i + 1];
            branch_text = !text.is_empty();
            if depth == 0 && branch_text {
                found = true;
            }
        }
        depth == 0 && found
    }

    fn chunk_end(&mut self) {
        if !self.out.ends_with(|c: char| c.is_ascii_whitespace()) {
            self.out.push(' ');
        }
        let text = std::mem::take(&mut self.chunk);
        let text = text.trim_end().to_string();
        // The placeholder starts with the name of the chunk's first attribute, so that
        // minify-html sorts it among the others as it would sort that attribute.
        let name: String = pieces(&text)
            .unwrap_or_default()
            .iter()
            .find_map(|p| match p {
                Piece::Static(s) => Some(s.trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':')).collect::<String>()),
                Piece::Tag(_, Kind::Stmt) => None,
                Piece::Tag(..) => Some(String::new()),
            })
            .unwrap_or_default()
            .to_ascii_lowercase();
        self.out.push_str(&name);
        self.placeholder(Slot::Chunk { text, name }, false);
        self.chunk_needs_space = None;
        self.state = State::InTag;
    }

    /// Takes one Tera tag.
    fn tag(&mut self, tag: &str, kind: Kind) -> Option<()> {
        if kind == Kind::Comment {
            return Some(());
        }
        match self.state.clone() {
            State::Data => {
                let droppable = kind == Kind::Stmt && self.drops_whitespace();
                if let Some(ws) = self.pending.take() {
                    if !droppable {
                        self.out.push_str(&ws);
                    }
                }
                if droppable {
                    // Whitespace since the last tag or statement would be whole-whitespace text
                    // on the page, which minify-html drops here.
                    if self.out[self.boundary..].chars().all(|c| c.is_ascii_whitespace()) {
                        self.out.truncate(self.boundary);
                    }
                    self.placeholder(Slot::Stmt(tag.to_string()), false);
                    self.boundary = self.out.len();
                    self.pending = Some(String::new());
                } else if kind == Kind::Stmt {
                    self.placeholder(Slot::Stmt(tag.to_string()), false);
                } else if let Some(inner) = safe_html(tag).filter(|_| self.drops_whitespace()) {
                    // HTML made in Rust (a chart, a description) is minified as the page around
                    // it: in an element that drops whole-whitespace text, as a fragment is.
                    self.placeholder(Slot::Text(format!("{{{{ {inner} | sala_html | safe }}}}")), false);
                } else {
                    self.placeholder(Slot::Text(tag.to_string()), false);
                }
            }
            State::Raw(_) => {
                self.placeholder(if kind == Kind::Stmt { Slot::Stmt(tag.to_string()) } else { Slot::Text(tag.to_string()) }, false);
            }
            State::Quoted(_) => {
                let n = self.placeholder(Slot::Value { tag: tag.to_string(), alone: None, bare: false }, true);
                self.value_slots.push(n);
                self.value_static.push(String::new());
            }
            State::InTag | State::AfterName | State::TagName | State::AttrName => {
                // A value right after a name may be part of that name (`data-{{ k }}`).
                let glued = matches!(self.state, State::TagName | State::AttrName);
                if glued && kind == Kind::Expr {
                    return None;
                }
                if self.state == State::TagName && self.tag_name.is_empty() {
                    return None;
                }
                self.state = State::Chunk;
                self.chunk.clear();
                self.depth = 0;
                self.chunk_quote = None;
                self.chunk_needs_space = Some(glued);
                return self.chunk_tag(tag, kind);
            }
            State::Chunk => return self.chunk_tag(tag, kind),
            State::BeforeValue | State::Unquoted | State::Comment | State::Bang => return None,
        }
        Some(())
    }

    fn chunk_tag(&mut self, tag: &str, kind: Kind) -> Option<()> {
        if kind == Kind::Stmt {
            match keyword(tag) {
                "if" | "for" => self.depth += 1,
                "endif" | "endfor" => self.depth -= 1,
                "elif" | "else" | "set" | "set_global" => {}
                _ => return None,
            }
            if self.depth < 0 {
                return None;
            }
        }
        self.chunk.push_str(tag);
        Some(())
    }

    /// Takes one static piece; `next_is_tag` when a Tera tag follows it.
    fn text(&mut self, text: &str, next_is_tag: bool) -> Option<()> {
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == OPEN || c == CLOSE {
                return None;
            }
            let rest = &text[i..];
            // A `>` ends the tag wherever its name or its attributes (outside a quoted value)
            // are being read.
            if c == '>' && matches!(self.state, State::TagName | State::InTag | State::AttrName | State::AfterName | State::BeforeValue | State::Unquoted) {
                self.out.push(c);
                self.end_of_tag();
                continue;
            }
            match self.state.clone() {
                State::Data => {
                    if let Some(ws) = self.pending.as_mut() {
                        if c.is_ascii_whitespace() {
                            ws.push(c);
                            continue;
                        }
                        let ws = self.pending.take().unwrap_or_default();
                        let tag_follows = c == '<' && rest[1..].starts_with(|d: char| d.is_ascii_alphabetic() || d == '/' || d == '!');
                        if !tag_follows {
                            self.out.push_str(&ws);
                        }
                    }
                    if c == '<' {
                        let after = &rest[1..];
                        if after.is_empty() && next_is_tag || after == "/" && next_is_tag {
                            return None;
                        }
                        if after.starts_with("!--") {
                            self.state = State::Comment;
                        } else if after.starts_with(['!', '?']) {
                            self.state = State::Bang;
                        } else if after.starts_with(|d: char| d.is_ascii_alphabetic()) {
                            self.state = State::TagName;
                            self.end_tag = false;
                            self.self_closing = false;
                            self.tag_name.clear();
                        } else if after.starts_with('/') && after[1..].starts_with(|d: char| d.is_ascii_alphabetic()) {
                            self.start_end_tag();
                            chars.next();
                            continue;
                        }
                    }
                    self.out.push(c);
                }
                State::Raw(name) => {
                    if c == '<' && rest[1..].starts_with('/') && rest.get(2..2 + name.len()).is_some_and(|n| n.eq_ignore_ascii_case(&name)) {
                        self.start_end_tag();
                        chars.next();
                        continue;
                    }
                    self.out.push(c);
                }
                State::TagName => {
                    if c.is_ascii_whitespace() {
                        self.state = State::InTag;
                    } else if c == '/' {
                        self.state = State::InTag;
                        self.self_closing = true;
                    } else {
                        self.tag_name.push(c);
                    }
                    self.out.push(c);
                }
                State::InTag | State::AfterName | State::AttrName => {
                    self.self_closing = c == '/';
                    self.state = match (&self.state, c) {
                        (State::AttrName, c) if c.is_ascii_whitespace() => State::AfterName,
                        (_, c) if c.is_ascii_whitespace() => self.state.clone(),
                        (_, '/') => State::InTag,
                        (State::AttrName | State::AfterName, '=') => State::BeforeValue,
                        (State::AttrName, _) => State::AttrName,
                        _ => State::AttrName,
                    };
                    self.out.push(c);
                }
                State::BeforeValue => {
                    if c == '"' || c == '\'' {
                        self.state = State::Quoted(c);
                        self.value_static = vec![String::new()];
                        self.value_slots.clear();
                    } else if !c.is_ascii_whitespace() {
                        self.state = State::Unquoted;
                    }
                    self.out.push(c);
                }
                State::Quoted(q) => {
                    if c == q {
                        self.end_of_value()?;
                        self.state = State::InTag;
                    } else if let Some(s) = self.value_static.last_mut() {
                        s.push(c);
                    }
                    self.out.push(c);
                }
                State::Unquoted => {
                    if c.is_ascii_whitespace() {
                        self.state = State::InTag;
                    }
                    self.out.push(c);
                }
                State::Comment => {
                    self.out.push(c);
                    if self.out.ends_with("-->") {
                        self.state = State::Data;
                        self.boundary = self.out.len();
                    }
                }
                State::Bang => {
                    self.out.push(c);
                    if c == '>' {
                        self.state = State::Data;
                        self.boundary = self.out.len();
                    }
                }
                State::Chunk => {
                    if let Some(needs) = self.chunk_needs_space.take() {
                        if needs && !c.is_ascii_whitespace() {
                            return None;
                        }
                    }
                    if let Some(q) = self.chunk_quote {
                        if c == q {
                            self.chunk_quote = None;
                        }
                        self.chunk.push(c);
                        continue;
                    }
                    if self.depth == 0 && (c.is_ascii_whitespace() || c == '>' || c == '/') {
                        self.chunk_end();
                        // The character is taken again in the tag.
                        if c == '>' {
                            self.out.push(c);
                            self.end_of_tag();
                        } else {
                            self.self_closing = c == '/';
                            self.out.push(c);
                        }
                        continue;
                    }
                    if c == '>' {
                        return None;
                    }
                    if c == '"' || c == '\'' {
                        self.chunk_quote = Some(c);
                    }
                    if c.is_ascii_whitespace() {
                        if !self.chunk.ends_with(' ') {
                            self.chunk.push(' ');
                        }
                    } else {
                        self.chunk.push(c);
                    }
                }
            }
        }
        Some(())
    }
}

/// Whether `tag` (`{{ ... }}`) is a variable with filters, which a further filter applies to
/// whole (not `a ~ b`, where it would apply to `b`).
fn simple_expression(tag: &str) -> bool {
    let inner = tag[2..tag.len() - 2].trim_matches('-').trim();
    let head = inner.split('|').next().unwrap_or("").trim();
    !head.is_empty()
        && head.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        && !head.starts_with(|c: char| c.is_ascii_digit())
        // Filters' arguments are in parentheses; anything else after a `|` (an operator,
        // `~`) would be outside the filter chain.
        && inner.split('|').skip(1).all(|f| {
            let f = f.trim();
            let name_end = f.find('(').unwrap_or(f.len());
            f[..name_end].trim().chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && (name_end == f.len() || f.ends_with(')'))
        })
        && !inner.contains('"') && !inner.contains('\'') && !inner.contains('`')
}

/// The expression of `{{ x | safe }}` without its `safe`, when it is a simple one.
fn safe_html(tag: &str) -> Option<&str> {
    if !simple_expression(tag) || tag.starts_with("{{-") || tag.ends_with("-}}") {
        return None;
    }
    let inner = tag[2..tag.len() - 2].trim();
    let (head, last) = inner.rsplit_once('|')?;
    (last.trim() == "safe").then_some(head.trim())
}

/// The filter that minifies HTML made in Rust and written `safe` in a template.
pub(super) struct HtmlFilter;

impl tera::Filter for HtmlFilter {
    fn filter(&self, value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
        let Value::String(html) = value else { return Ok(value.clone()) };
        let minified = minify_html::minify(html.as_bytes(), &cfg());
        Ok(Value::String(String::from_utf8(minified).map_err(|e| tera::Error::msg(e.to_string()))?))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// `{{ expr | name | safe }}` for the value alone in an attribute, with `expr`'s own `safe`
/// (if any) passed to the filter.
fn attr_filter_tag(tag: &str, pre: &str, post: &str, filters: &mut Vec<AttrFilter>) -> String {
    let inner = tag[2..tag.len() - 2].trim();
    let (open_dash, inner) = match inner.strip_prefix('-') {
        Some(i) => ("-", i.trim()),
        None => ("", inner),
    };
    let (close_dash, inner) = match inner.strip_suffix('-') {
        Some(i) => ("-", i.trim()),
        None => ("", inner),
    };
    let (raw, inner) = match inner.rsplit_once('|') {
        Some((head, last)) if last.trim() == "safe" => (true, head.trim()),
        _ => (false, inner),
    };
    let name = format!("sala_attr_{}", filters.len());
    filters.push(AttrFilter { name: name.clone(), pre: pre.to_string(), post: post.to_string(), raw });
    format!("{{{{{open_dash} {inner} | {name} | safe {close_dash}}}}}")
}

/// Minifies one template, or None (see the module's doc).
fn minify_template(source: &str, filters: &mut Vec<AttrFilter>) -> Option<String> {
    let pieces = pieces(source)?;
    let mut m = Masker {
        out: String::with_capacity(source.len()),
        slots: Vec::new(),
        state: State::Data,
        stack: Vec::new(),
        tag_name: String::new(),
        end_tag: false,
        self_closing: false,
        boundary: 0,
        pending: None,
        value_static: Vec::new(),
        value_slots: Vec::new(),
        chunk: String::new(),
        depth: 0,
        chunk_quote: None,
        chunk_needs_space: None,
    };
    for (i, piece) in pieces.iter().enumerate() {
        match *piece {
            Piece::Static(text) => {
                let next_is_tag = matches!(pieces.get(i + 1), Some(Piece::Tag(..)));
                m.text(text, next_is_tag)?;
            }
            Piece::Tag(tag, kind) => m.tag(tag, kind)?,
        }
    }
    if !matches!(m.state, State::Data) {
        return None;
    }
    let minified = minify_html::minify(m.out.as_bytes(), &cfg());
    let minified = String::from_utf8(minified).ok()?;
    restore(&minified, &m.slots, filters)
}

/// Puts the Tera tags back in place of their placeholders; None when a placeholder is lost,
/// doubled, or a statement moved.
fn restore(minified: &str, slots: &[Slot], filters: &mut Vec<AttrFilter>) -> Option<String> {
    let mut out = String::with_capacity(minified.len() + slots.len() * 16);
    let mut seen = vec![false; slots.len()];
    let mut last_ordered: Option<usize> = None;
    let mut rest = minified;
    while let Some(at) = rest.find(OPEN) {
        out.push_str(&rest[..at]);
        let after = &rest[at + OPEN.len_utf8()..];
        let digits = after.find(|c: char| !c.is_ascii_digit())?;
        let n: usize = after[..digits].parse().ok()?;
        let mut tail = &after[digits..];
        let slot = slots.get(n)?;
        let spaced = matches!(slot, Slot::Value { alone: None, bare: false, .. });
        if spaced {
            tail = tail.strip_prefix(' ')?;
        }
        tail = tail.strip_prefix(CLOSE)?;
        if std::mem::replace(&mut seen[n], true) {
            return None;
        }
        match slot {
            Slot::Text(tag) => out.push_str(tag),
            Slot::Stmt(tag) => {
                if last_ordered.is_some_and(|l| l > n) {
                    return None;
                }
                last_ordered = Some(n);
                out.push_str(tag);
            }
            // A chunk holds whole statements, so it may move among its tag's attributes.
            Slot::Chunk { text, name } => {
                if !out.ends_with(name.as_str()) {
                    return None;
                }
                out.truncate(out.len() - name.len());
                let (text, glue) = chunk_text(text, tail, filters);
                if glue && out.ends_with(' ') {
                    out.pop();
                }
                out.push_str(&text);
            }
            Slot::Value { tag, alone, .. } => {
                // A value alone stands unquoted between `=` + its text before, and its text
                // after + the end of the value.
                let unquoted = match alone {
                    Some((pre, post)) => {
                        let before = format!("={pre}");
                        let ends = tail.strip_prefix(post.as_str()).and_then(|t| t.chars().next()).is_none_or(|c| matches!(c, ' ' | '>' | '/'));
                        if !(out.ends_with(&before) && tail.starts_with(post.as_str()) && ends) {
                            return None;
                        }
                        Some((pre, post, pre.len(), post.len()))
                    }
                    None => None,
                };
                if let Some((pre, post, cut, skip)) = unquoted {
                    out.truncate(out.len() - cut);
                    out.push_str(&attr_filter_tag(tag, pre, post, filters));
                    tail = &tail[skip..];
                } else {
                    out.push_str(tag);
                }
            }
        }
        rest = tail;
    }
    out.push_str(rest);
    if out.contains(CLOSE) || seen.iter().any(|s| !s) {
        return None;
    }
    Some(out)
}

/// The text of a chunk put back in a tag, its static attribute values unquoted where they can
/// be; and whether the space before it can go (every branch of an `if` starts with a space).
fn chunk_text(chunk: &str, after: &str, filters: &mut Vec<AttrFilter>) -> (String, bool) {
    let pieces = pieces(chunk).unwrap_or_default();
    let mut text = String::with_capacity(chunk.len());
    // Whether the last piece's closing quote is already written.
    let mut skip_quote = false;
    for (i, piece) in pieces.iter().enumerate() {
        match *piece {
            Piece::Tag(tag, kind) => {
                // `name="{{ value }}"`: the value alone, through the filter that quotes it
                // only where it needs quotes.
                let alone = kind == Kind::Expr
                    && simple_expression(tag)
                    && text.ends_with("=\"")
                    && matches!(pieces.get(i + 1), Some(Piece::Static(s)) if s.starts_with('"') && s[1..].starts_with([' ', '{']) || *s == "\"");
                if alone {
                    text.pop();
                    text.push_str(&attr_filter_tag(tag, "", "", filters));
                    skip_quote = true;
                } else {
                    text.push_str(tag);
                }
            }
            Piece::Static(s) => {
                let s = if std::mem::take(&mut skip_quote) { &s[1..] } else { s };
                // What follows this text on the page: the next text after statements that
                // write nothing themselves, or what follows the chunk.
                let mut next = after.chars().next();
                for later in &pieces[i + 1..] {
                    match *later {
                        Piece::Tag(t, Kind::Stmt) if matches!(keyword(t), "if" | "elif" | "else" | "endif" | "for" | "endfor") => {}
                        Piece::Tag(..) => {
                            next = Some('{');
                            break;
                        }
                        Piece::Static(s) => {
                            next = s.chars().next();
                            break;
                        }
                    }
                }
                text.push_str(&unquote_values(s, next));
            }
        }
    }
    // `{% if a %} x=1{% elif b %} y=2{% else %} z{% endif %}` (any number of these) needs no
    // space of its own before it.
    let mut glue = matches!(pieces.first(), Some(Piece::Tag(t, Kind::Stmt)) if keyword(t) == "if");
    for (i, piece) in pieces.iter().enumerate() {
        if let Piece::Tag(tag, Kind::Stmt) = *piece {
            let k = keyword(tag);
            let spaced = matches!(pieces.get(i + 1), Some(Piece::Static(s)) if s.starts_with(' '));
            let ok = match k {
                "if" | "elif" | "else" => spaced,
                "endif" => !matches!(pieces.get(i + 1), Some(Piece::Static(_))),
                _ => false,
            };
            glue &= ok;
        }
    }
    (text, glue)
}

/// `name="value"` written `name=value` where the value needs no quotes and what follows ends
/// it (a space, `>` or another tag).
fn unquote_values(s: &str, next: Option<char>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find("=\"") {
        out.push_str(&rest[..at + 1]);
        let value_from = &rest[at + 2..];
        let Some(end) = value_from.find('"') else {
            out.push_str(&rest[at + 1..]);
            return out;
        };
        let value = &value_from[..end];
        let following = value_from[end + 1..].chars().next().or(next);
        let bare = !value.is_empty()
            && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
            && following.is_none_or(|c| c == ' ' || c == '>');
        if bare {
            out.push_str(value);
        } else {
            out.push('"');
            out.push_str(value);
            out.push('"');
        }
        rest = &value_from[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn min(source: &str) -> Option<(String, Vec<AttrFilter>)> {
        let mut filters = Vec::new();
        minify_template(source, &mut filters).map(|t| (t, filters))
    }

    #[test]
    fn values_escape_ampersands_angle_brackets_and_double_quotes_only() {
        assert_eq!(escape_minified("plain ไทย text > it's"), "plain ไทย text > it's");
        assert_eq!(escape_minified("&a<b\"c&&"), "&amp;a&lt;b&#34;c&amp;&amp;");
        assert_eq!(escape_minified("<"), "&lt;");
        assert_eq!(escape_minified(""), "");
        let long = format!("{}&{}\"", "ก".repeat(100), "x".repeat(70));
        assert_eq!(escape_minified(&long), format!("{}&amp;{}&#34;", "ก".repeat(100), "x".repeat(70)));
        // Written into a page, the same bytes.
        for input in ["plain ไทย text > it's", "&a<b\"c&&", "<", "", "x&", long.as_str()] {
            let mut page = Vec::new();
            escape_minified_into(input, &mut page).unwrap();
            assert_eq!(String::from_utf8(page).unwrap(), escape_minified(input), "{input}");
        }
    }

    #[test]
    fn layout_whitespace_around_statements_goes_and_text_keeps_its_spaces() {
        let (t, _) = min("<ul>\n  {% for x in xs %}\n  <li>{{ x }}</li>\n  {% endfor %}\n</ul>\n<p>{% for th in ths %}<span class=\"tag\">{{ th }}</span> {% endfor %}</p>").unwrap();
        assert_eq!(t, "<ul>{% for x in xs %}<li>{{ x }}</li>{% endfor %}</ul><p>{% for th in ths %}<span class=tag>{{ th }}</span> {% endfor %}</p>");
    }

    #[test]
    fn statements_inside_a_tag_stay_in_order_with_their_attributes() {
        let (t, _) = min("<th scope=\"col\"{% if c.numeric %} class=\"num\"{% endif %}>{{ c.title }}</th><td{% if n %} class=\"num\"{% endif %}>x</td>").unwrap();
        // Sorted by their first attribute's name, as minify-html sorts attributes.
        assert_eq!(t, "<th{% if c.numeric %} class=num{% endif %} scope=col>{{ c.title }}</th><td{% if n %} class=num{% endif %}>x</td>");
        let (t, _) = min("<td data-label=\"{{ h }}\"{% if c.class %} class=\"{{ c.class }}\"{% endif %}>").unwrap();
        assert_eq!(t, "<td{% if c.class %} class={{ c.class | sala_attr_0 | safe }}{% endif %} data-label={{ h | sala_attr_1 | safe }}>");
    }

    #[test]
    fn values_alone_in_an_attribute_go_through_a_filter_that_quotes_only_where_needed() {
        let (t, filters) = min("<a href=\"{{ url }}\" id=\"r-{{ r.name }}\" title=\"{{ a }}: {{ b }}\" class=\"notice{% if p %} notice-p{% endif %}\">x</a>").unwrap();
        assert_eq!(t, "<a class=\"notice{% if p %} notice-p{% endif %}\" title=\"{{ a }}: {{ b }}\" href={{ url | sala_attr_0 | safe }} id={{ r.name | sala_attr_1 | safe }}>x</a>");
        let f = |i: usize, v: &str| tera::Filter::filter(&filters[i], &Value::String(v.into()), &HashMap::new()).unwrap();
        assert_eq!(f(0, "/en/a/"), Value::String("/en/a/".into()));
        assert_eq!(f(0, "a b\"<&"), Value::String("\"a b&#34;&lt;&amp;\"".into()));
        assert_eq!(f(0, ""), Value::String("\"\"".into()));
        assert_eq!(f(1, "x"), Value::String("r-x".into()));
        // Statements that always write text leave the value bare; one that may write none not.
        let (t, _) = min("<li class=\"{% if m %}met{% else %}unmet{% endif %}\"><li class=\"{% if m %}met{% endif %}\">").unwrap();
        assert_eq!(t, "<li class={% if m %}met{% else %}unmet{% endif %}><li class=\"{% if m %}met{% endif %}\">");
        // A value written with a filter's argument stays quoted as written.
        let (t, filters) = min("<a href=\"{{ url | default(value='x') }}\">").unwrap();
        assert_eq!((t.as_str(), filters.len()), ("<a href=\"{{ url | default(value='x') }}\">", 0));
    }

    #[test]
    fn what_cannot_be_placed_is_left_to_per_page_minifying() {
        assert!(min("<!-- {{ x }} -->").is_none());
        assert!(min("<h{{ n }}>x</h{{ n }}>").is_none());
        assert!(min("<a href={{ x }}>").is_none());
        assert!(min("{% raw %}{{{% endraw %}").is_none());
        assert!(min("<a data-{{ k }}=\"1\">").is_none());
        assert!(min("<input {% if a %}checked{% endif %}>").is_some());
        // A theme with a template that is not HTML keeps every template as written.
        let theme = std::collections::BTreeMap::from([("a.html".to_string(), "<p>{{ x }}</p>".to_string()), ("feed.xml".to_string(), "<a t='{{ x }}'/>".to_string())]);
        assert!(minify_templates(&theme).is_none());
    }

    #[test]
    fn the_default_theme_is_minified_when_loaded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../themes/default/templates");
        let templates: std::collections::BTreeMap<String, String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
            .collect();
        assert!(templates.len() > 20);
        for (name, source) in &templates {
            assert!(min(source).is_some(), "{name} is not minified when loaded");
        }
        let minified = minify_templates(&templates).unwrap();
        let mut tera = tera::Tera::default();
        for filter in minified.filters {
            tera.register_filter(&filter.name.clone(), filter);
        }
        tera.add_raw_templates(minified.templates.iter().map(|(n, t)| (n.as_str(), t.as_str()))).unwrap();
    }

    #[test]
    fn raw_text_and_titles_keep_their_tags() {
        let (t, _) = min("<title>{% if a != b %}{{ a }} · {% endif %}{{ b }}</title><script type=\"application/ld+json\">{{ j | safe }}</script>").unwrap();
        assert_eq!(t, "<title>{% if a != b %}{{ a }} · {% endif %}{{ b }}</title><script type=application/ld+json>{{ j | safe }}</script>");
    }
}
