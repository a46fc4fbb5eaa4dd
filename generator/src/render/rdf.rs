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
    ("dqv", "http://www.w3.org/ns/dqv#"),
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
    /// Adds a property known to be new to the node (the catalog's thousands of datasets):
    /// not looked for among those it has.
    pub fn push(&mut self, predicate: &'static str, object: Object) -> &mut Node {
        self.properties.push((predicate, object));
        self
    }

    /// The node's types, in the order added.
    pub fn types(&self) -> &[&'static str] {
        &self.types
    }

    /// The node's properties, in the order added.
    pub fn properties(&self) -> &[(&'static str, Object)] {
        &self.properties
    }

    /// A node of these types and properties (read back from the build cache).
    pub fn from_parts(types: Vec<&'static str>, properties: Vec<(&'static str, Object)>) -> Node {
        Node { types, properties }
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
        write_turtle_nodes(out, self.nodes.iter().map(|(iri, node)| turtle_node(iri, node)))
    }

    /// The graph as JSON-LD: an inline `@context` of prefixes and a flat `@graph`.
    pub fn to_jsonld(&self) -> Value {
        let mut doc = jsonld_head();
        doc.insert("@graph".into(), self.nodes.iter().map(|(iri, node)| jsonld_node(iri, node)).collect());
        Value::Object(doc)
    }

    /// Writes [`Graph::to_jsonld`] node by node, each node compact on a line of its own.
    pub fn write_jsonld(&self, out: &mut dyn Write) -> std::io::Result<()> {
        write_jsonld_nodes(out, self.nodes.iter().map(|(iri, node)| jsonld_node_text(iri, node)))
    }

    /// Whether the graph has a node `iri`.
    pub fn contains(&self, iri: &str) -> bool {
        self.nodes.contains_key(iri)
    }

    /// The nodes, sorted by IRI.
    pub fn nodes(&self) -> impl Iterator<Item = (&String, &Node)> {
        self.nodes.iter()
    }

    /// Adds `node`'s types and properties to the node of the same IRI, as if each had been
    /// added here in its order.
    pub fn merge_node(&mut self, iri: &str, node: &Node) {
        let n = match self.nodes.get_mut(iri) {
            Some(n) => n,
            None => self.nodes.entry(iri.to_string()).or_default(),
        };
        for t in &node.types {
            if !n.types.contains(t) {
                n.types.push(t);
            }
        }
        for (p, o) in &node.properties {
            n.add(p, o.clone());
        }
    }
}

/// The head of a JSON-LD document: an inline `@context` of the prefixes.
fn jsonld_head() -> Map<String, Value> {
    let context: Map<String, Value> = PREFIXES.iter().map(|(p, ns)| (p.to_string(), json!(ns))).collect();
    let mut doc = Map::new();
    doc.insert("@context".into(), Value::Object(context));
    doc
}

/// One node as Turtle, as [`Graph::write_turtle`] writes it (a blank line first).
pub fn turtle_node(iri: &str, node: &Node) -> String {
    let mut statements: Vec<String> = Vec::new();
    if !node.types.is_empty() {
        statements.push(format!("a {}", node.types.join(", ")));
    }
    for (p, objects) in node.grouped() {
        let objects: Vec<String> = objects.iter().map(|o| turtle_object(o)).collect();
        statements.push(format!("{p} {}", objects.join(", ")));
    }
    format!("\n{}\n    {} .\n", turtle_iri(iri), statements.join(" ;\n    "))
}

/// The Turtle document of nodes made by [`turtle_node`], given in IRI order.
pub fn write_turtle_nodes<S: AsRef<[u8]>>(out: &mut dyn Write, nodes: impl Iterator<Item = S>) -> std::io::Result<()> {
    write_turtle_placed(out, nodes, &mut |_, _| {})
}

/// [`write_turtle_nodes`], calling `at` with the offset and length in the file of each node as it is written.
pub fn write_turtle_placed<S: AsRef<[u8]>>(out: &mut dyn Write, nodes: impl Iterator<Item = S>, at: &mut dyn FnMut(u64, u64)) -> std::io::Result<()> {
    let mut head = String::new();
    for (prefix, ns) in PREFIXES {
        head.push_str(&format!("@prefix {prefix}: <{ns}> .\n"));
    }
    out.write_all(head.as_bytes())?;
    let mut offset = head.len() as u64;
    for node in nodes {
        at(offset, node.as_ref().len() as u64);
        out.write_all(node.as_ref())?;
        offset += node.as_ref().len() as u64;
    }
    Ok(())
}

/// One node as the JSON-LD document holds it in its `@graph`: compact, on a line of its own.
/// (Pretty-printed, a third of catalog.jsonld was spaces: 184 MB at 10,000 datasets, which a
/// harvester downloads and a rebuild after one changed CSV writes again.)
pub fn jsonld_node_text(iri: &str, node: &Node) -> String {
    serde_json::to_string(&jsonld_node(iri, node)).unwrap_or_default()
}

/// `value` pretty-printed as an item of an array that is the value of a top-level key (two
/// levels deep): every line after the first indented by four spaces. JSON text never holds a
/// raw line break inside a string, so the lines are the printer's.
pub fn nested_json(value: &impl serde::Serialize) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.replace('\n', "\n    ")
}

/// The JSON-LD document of nodes made by [`jsonld_node_text`], given in IRI order.
pub fn write_jsonld_nodes<S: AsRef<[u8]>>(out: &mut dyn Write, nodes: impl Iterator<Item = S>) -> std::io::Result<()> {
    write_jsonld_placed(out, nodes, &mut |_, _| {})
}

/// [`write_jsonld_nodes`], calling `at` with the offset and length in the file of each node as it is written.
pub fn write_jsonld_placed<S: AsRef<[u8]>>(out: &mut dyn Write, nodes: impl Iterator<Item = S>, at: &mut dyn FnMut(u64, u64)) -> std::io::Result<()> {
    let mut head = jsonld_head();
    head.insert("@graph".into(), json!([]));
    let text = serde_json::to_string(&Value::Object(head)).map_err(std::io::Error::other)?;
    let head = text.strip_suffix("[]}").ok_or_else(|| std::io::Error::other("the document does not end with an empty array"))?;
    write_items_placed(out, head, nodes, ("", ""), "]}\n", at)
}

/// Writes `doc`, pretty-printed with a final newline, whose last key's value is an empty array,
/// with that array holding `items` (each as [`nested_json`] makes it): the bytes
/// `serde_json::to_writer_pretty` writes for the whole document, one item at a time. Calls
/// `at` with the offset and length in the file of each item as it is written.
pub fn write_array_placed<S: AsRef<[u8]>>(out: &mut dyn Write, doc: &Value, items: impl Iterator<Item = S>, at: &mut dyn FnMut(u64, u64)) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(doc).map_err(std::io::Error::other)?;
    let head = text.strip_suffix("[]\n}").ok_or_else(|| std::io::Error::other("the document does not end with an empty array"))?;
    write_items_placed(out, head, items, ("    ", "  "), "]\n}\n", at)
}

/// Writes `head` (a document up to its last array), then that array of `items`, each on a line
/// of its own after `indent.0`, the closing bracket on its own line after `indent.1` when there
/// are items, and then the rest of `close`; calls `at` with each item's offset and length.
fn write_items_placed<S: AsRef<[u8]>>(
    out: &mut dyn Write,
    head: &str,
    items: impl Iterator<Item = S>,
    indent: (&str, &str),
    close: &str,
    at: &mut dyn FnMut(u64, u64),
) -> std::io::Result<()> {
    out.write_all(head.as_bytes())?;
    out.write_all(b"[")?;
    let mut offset = head.len() as u64 + 1;
    let (first, next) = (format!("\n{}", indent.0), format!(",\n{}", indent.0));
    let mut any = false;
    for item in items {
        let separator = if any { &next } else { &first };
        out.write_all(separator.as_bytes())?;
        offset += separator.len() as u64;
        at(offset, item.as_ref().len() as u64);
        out.write_all(item.as_ref())?;
        offset += item.as_ref().len() as u64;
        any = true;
    }
    if any {
        out.write_all(format!("\n{}", indent.1).as_bytes())?;
    }
    out.write_all(close.as_bytes())
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
        assert_eq!(serde_json::from_slice::<Value>(&written).unwrap(), ld, "written node by node, the same document");
        let text = String::from_utf8(written).unwrap();
        assert_eq!(text.lines().count(), 3, "the head, one line per node, the end: {text}");
        assert!(text.starts_with("{\"@context\":{\"dcat\":\"http://www.w3.org/ns/dcat#\"") && text.ends_with("\n]}\n"), "{text}");
        assert_eq!(ld["@graph"][0]["dct:title"][0]["@language"], "en");
        assert_eq!(ld["@context"]["dct"], "http://purl.org/dc/terms/");
    }

    #[test]
    fn nodes_written_one_at_a_time_are_the_whole_document_serialised() {
        for n in [0, 1, 3] {
            let mut g = Graph::default();
            for i in 0..n {
                g.node(format!("https://x.example/{i}"), &["dcat:Dataset"]).text("dct:title", &format!("t{i}"), "en").iri("dct:publisher", "https://x.example/p");
            }
            let mut written = Vec::new();
            g.write_jsonld(&mut written).unwrap();
            assert_eq!(serde_json::from_slice::<Value>(&written).unwrap(), g.to_jsonld(), "{n} nodes");
            assert_eq!(String::from_utf8(written).unwrap().lines().count(), if n == 0 { 1 } else { n + 2 }, "{n} nodes, one per line");
            let mut placed = Vec::new();
            let texts: Vec<String> = g.nodes().map(|(iri, node)| jsonld_node_text(iri, node)).collect();
            let mut at = Vec::new();
            write_jsonld_placed(&mut placed, texts.iter(), &mut |offset, len| at.push((offset as usize, len as usize))).unwrap();
            for ((offset, len), text) in at.iter().zip(&texts) {
                assert_eq!(&placed[*offset..offset + len], text.as_bytes(), "each node is where the layout says");
            }
        }
    }
}
