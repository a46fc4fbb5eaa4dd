//! A small RDF graph written two ways, Turtle and JSON-LD, so that `/catalog.ttl` and
//! `/catalog.jsonld` always state the same triples. Nodes are sorted by IRI and each node's
//! properties keep the order they were added in: the output is deterministic.
//! The JSON-LD carries its `@context` inline (prefixes only) so that no reader has to fetch it.

use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::io::Write;

/// The prefixes the catalog uses, as (prefix, namespace IRI).
pub const PREFIXES: &[(&str, &str)] = &[
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("dcatap", "http://data.europa.eu/r5r/"),
    ("dct", "http://purl.org/dc/terms/"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("vcard", "http://www.w3.org/2006/vcard/ns#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
];

/// The object of a triple.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Object {
    /// Another resource.
    Iri(String),
    /// Text in a language (BCP 47 code).
    Text(String, &'static str),
    /// A literal with a datatype given as a prefixed name (`xsd:date`).
    Typed(String, &'static str),
}

/// A subject with its types and properties (predicates are prefixed names like `dct:title`).
#[derive(Debug, Clone, Default)]
pub struct Node {
    types: Vec<&'static str>,
    properties: Vec<(&'static str, Object)>,
}

impl Node {
    /// Adds a property (once: a repeated identical triple is dropped).
    pub fn add(&mut self, predicate: &'static str, object: Object) -> &mut Node {
        if !self.properties.iter().any(|(p, o)| *p == predicate && *o == object) {
            self.properties.push((predicate, object));
        }
        self
    }
    /// Adds a link to another resource.
    pub fn iri(&mut self, predicate: &'static str, iri: impl Into<String>) -> &mut Node {
        self.add(predicate, Object::Iri(iri.into()))
    }
    /// Adds a text in `lang`, unless it is empty.
    pub fn text(&mut self, predicate: &'static str, text: &str, lang: &'static str) -> &mut Node {
        if !text.trim().is_empty() {
            self.add(predicate, Object::Text(text.to_string(), lang));
        }
        self
    }
    /// Adds a typed literal.
    pub fn typed(&mut self, predicate: &'static str, value: impl Into<String>, datatype: &'static str) -> &mut Node {
        self.add(predicate, Object::Typed(value.into(), datatype))
    }

    /// The predicates in first-use order, each with its objects.
    fn grouped(&self) -> Vec<(&'static str, Vec<&Object>)> {
        let mut out: Vec<(&'static str, Vec<&Object>)> = Vec::new();
        for (p, o) in &self.properties {
            match out.iter_mut().find(|(q, _)| q == p) {
                Some((_, objects)) => objects.push(o),
                None => out.push((p, vec![o])),
            }
        }
        out
    }
}

/// A set of nodes keyed by IRI.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    nodes: BTreeMap<String, Node>,
}

impl Graph {
    /// The node `iri`, created if new, with `types` added to it.
    pub fn node(&mut self, iri: impl Into<String>, types: &[&'static str]) -> &mut Node {
        let node = self.nodes.entry(iri.into()).or_default();
        for t in types {
            if !node.types.contains(t) {
                node.types.push(t);
            }
        }
        node
    }

    /// The graph as Turtle.
    pub fn to_turtle(&self) -> String {
        let mut out = Vec::new();
        // Writing into memory cannot fail.
        let _ = self.write_turtle(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Writes the graph as Turtle, node by node: the catalog of 10,000 datasets is never one string.
    pub fn write_turtle(&self, out: &mut dyn Write) -> std::io::Result<()> {
        for (prefix, ns) in PREFIXES {
            writeln!(out, "@prefix {prefix}: <{ns}> .")?;
        }
        for (iri, node) in &self.nodes {
            let mut statements: Vec<String> = Vec::new();
            if !node.types.is_empty() {
                statements.push(format!("a {}", node.types.join(", ")));
            }
            for (p, objects) in node.grouped() {
                let objects: Vec<String> = objects.iter().map(|o| turtle_object(o)).collect();
                statements.push(format!("{p} {}", objects.join(", ")));
            }
            write!(out, "\n{}\n    {} .\n", turtle_iri(iri), statements.join(" ;\n    "))?;
        }
        Ok(())
    }

    /// The graph as JSON-LD: an inline `@context` of prefixes and a flat `@graph`.
    pub fn to_jsonld(&self) -> Value {
        let mut doc = self.jsonld_head();
        doc.insert("@graph".into(), self.nodes.iter().map(|(iri, node)| jsonld_node(iri, node)).collect());
        Value::Object(doc)
    }

    /// Writes [`Graph::to_jsonld`] pretty-printed with a final newline, node by node.
    pub fn write_jsonld(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let head = self.jsonld_head();
        let doc = JsonLd { context: &head["@context"], graph: Streamed::new(self.nodes.iter().map(|(iri, node)| jsonld_node(iri, node))) };
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        out.write_all(b"\n")
    }

    fn jsonld_head(&self) -> Map<String, Value> {
        let context: Map<String, Value> = PREFIXES.iter().map(|(p, ns)| (p.to_string(), json!(ns))).collect();
        let mut doc = Map::new();
        doc.insert("@context".into(), Value::Object(context));
        doc
    }
}

/// The JSON-LD document, serialised as [`Graph::to_jsonld`] would be.
#[derive(serde::Serialize)]
#[serde(bound = "")]
struct JsonLd<'a, I: Iterator<Item = Value>> {
    #[serde(rename = "@context")]
    context: &'a Value,
    #[serde(rename = "@graph")]
    graph: Streamed<I>,
}

/// A JSON array serialised item by item as `items` makes them, so that an array of 10,000
/// documents is never held whole. It can be serialised once.
pub struct Streamed<I>(std::cell::RefCell<Option<I>>);

impl<I> Streamed<I> {
    /// The array of what `items` yields.
    pub fn new(items: I) -> Streamed<I> {
        Streamed(std::cell::RefCell::new(Some(items)))
    }
}

impl<I: Iterator<Item = T>, T: serde::Serialize> serde::Serialize for Streamed<I> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(None)?;
        if let Some(items) = self.0.borrow_mut().take() {
            for item in items {
                seq.serialize_element(&item)?;
            }
        }
        seq.end()
    }
}

fn jsonld_node(iri: &str, node: &Node) -> Value {
    let mut obj = Map::new();
    obj.insert("@id".into(), json!(iri));
    if !node.types.is_empty() {
        obj.insert("@type".into(), json!(node.types));
    }
    for (p, objects) in node.grouped() {
        obj.insert(p.to_string(), objects.iter().map(|o| jsonld_object(o)).collect());
    }
    Value::Object(obj)
}

/// An IRI in Turtle's `<…>`, with the characters Turtle forbids there percent-encoded.
fn turtle_iri(iri: &str) -> String {
    let mut out = String::with_capacity(iri.len() + 2);
    out.push('<');
    for c in iri.chars() {
        if c.is_control() || c == ' ' || "<>\"{}|^`\\".contains(c) {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out.push('>');
    out
}

/// A string literal with Turtle's escapes.
fn turtle_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn turtle_object(o: &Object) -> String {
    match o {
        Object::Iri(iri) => turtle_iri(iri),
        Object::Text(s, lang) => format!("{}@{lang}", turtle_string(s)),
        Object::Typed(s, datatype) => format!("{}^^{datatype}", turtle_string(s)),
    }
}

fn jsonld_object(o: &Object) -> Value {
    match o {
        Object::Iri(iri) => json!({"@id": iri}),
        Object::Text(s, lang) => json!({"@value": s, "@language": lang}),
        Object::Typed(s, datatype) => json!({"@value": s, "@type": datatype}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turtle_escapes_quotes_newlines_and_bad_iri_characters() {
        let mut g = Graph::default();
        g.node("https://x.example/a b", &["dcat:Dataset"]).text("dct:title", "say \"hi\"\nnow", "en").typed("dct:modified", "2025-10-15", "xsd:date");
        let ttl = g.to_turtle();
        assert!(ttl.contains("<https://x.example/a%20b>\n    a dcat:Dataset ;\n    dct:title \"say \\\"hi\\\"\\nnow\"@en ;\n    dct:modified \"2025-10-15\"^^xsd:date .\n"), "{ttl}");
        let ld = g.to_jsonld();
        let mut written = Vec::new();
        g.write_jsonld(&mut written).unwrap();
        assert_eq!(written, crate::render::data::pretty(&ld), "written node by node, the same bytes");
        assert_eq!(ld["@graph"][0]["dct:title"][0]["@language"], "en");
        assert_eq!(ld["@context"]["dct"], "http://purl.org/dc/terms/");
    }
}
