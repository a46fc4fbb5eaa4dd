//! Finding data: the facets a reader browses by (agency, ministry, theme, tag, format, fiscal
//! year) and the search index the browser queries, one per language. Thai is written without
//! spaces between words, so Thai text is cut into words with ICU's Thai dictionary (the one
//! ICU4C's BreakIterator and so the browsers use, compiled into ICU4X): see [`thai_words`].
//! The browser cuts queries with `Intl.Segmenter('th')` and re-cuts them against the index's
//! own words, so the two need not agree. English words are stemmed (Snowball). Pure data: no
//! HTML and no file system.

use crate::lang::Lang;
use crate::load::schema::FieldType;
use crate::model::{Dataset, Site};
use icu_provider::prelude::{DataIdentifierBorrowed, DataMarkerAttributes, DataProvider, DataRequest};
use icu_segmenter::WordSegmenter;
use icu_segmenter::options::WordBreakInvariantOptions;
use icu_segmenter::provider::{Baked, DictionaryBreakData, SegmenterDictionaryExtendedV2};
use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, LazyLock, Mutex};

/// The facet groups, in the order readers see them; each name is also its URL segment.
pub const FACET_KEYS: [&str; 6] = ["agency", "ministry", "theme", "tag", "format", "year"];

/// The formats every resource is published in (see `render::data`).
pub const FORMATS: [&str; 2] = ["csv", "json"];

use super::table::FISCAL_YEAR_COLUMN;

/// The fields of a document, most important first. A match in a field adds its weight, and
/// each weight is larger than all the weights after it together, so a title match always
/// ranks above any number of matches elsewhere.
pub const FIELDS: [(&str, u8); 5] = [("title", 16), ("tags", 8), ("agency", 4), ("columns", 2), ("description", 1)];

/// English words too common to help find anything; the browser drops them from queries too.
pub const STOP_WORDS: [&str; 24] = [
    "a", "an", "and", "are", "as", "at", "be", "by", "each", "for", "from", "in", "is", "it", "its", "of", "on",
    "or", "the", "this", "that", "to", "with", "which",
];

/// One value of a facet (one agency, one theme, …) and the datasets that have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetValue {
    /// The value as stored in the index (agency code, theme id, tag text, year …).
    pub id: String,
    /// The URL segment of its page.
    pub slug: String,
    /// The label shown to readers of the language.
    pub label: String,
    /// Indexes into `Site::datasets`, in the site's order.
    pub datasets: Vec<usize>,
}

/// A facet group with its values, most datasets first (years newest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facet {
    /// One of [`FACET_KEYS`].
    pub key: &'static str,
    /// Its values.
    pub values: Vec<FacetValue>,
}

/// The facet values of one dataset, per group, in [`FACET_KEYS`] order.
///
/// `each` is called with each value's group, its id and a maker of its label in `lang`: the
/// label is made only for a value not seen before (the facets are made on every build, and
/// most of 10,000 datasets' values were seen before).
pub fn each_facet_value(site: &Site, d: &Dataset, lang: Lang, mut each: impl FnMut(&'static str, &str, &dyn Fn() -> String)) {
    let label = |code: &str| site.agency(code).map_or_else(|| code.to_string(), |a| a.name.get(lang).to_string());
    let theme_label = |id: &str| {
        site.theme.strings.get(&lang).and_then(|s| s.get(&format!("theme_{id}"))).cloned().unwrap_or_else(|| id.to_string())
    };
    each("agency", &d.meta.agency, &|| label(&d.meta.agency));
    // The ministry an agency is under, or the ministry itself; a body outside every ministry
    // (an independent agency) has none.
    if let Some(a) = site.agency(&d.meta.agency) {
        let ministry = a.parent.as_deref().unwrap_or(&a.code);
        if a.parent.is_some() || a.is_ministry() {
            each("ministry", ministry, &|| label(ministry));
        }
    }
    for t in &d.meta.themes {
        each("theme", t, &|| theme_label(t));
    }
    // Tags are free text: two spellings of one tag (`Open data`, `open data`) are one value.
    for t in d.meta.tags.get(lang) {
        each("tag", &slug(t), &|| t.clone());
    }
    if !d.resources.is_empty() {
        for f in FORMATS {
            each("format", f, &|| f.to_ascii_uppercase());
        }
    }
    for &y in &d.fiscal_years {
        each("year", &y.to_string(), &|| year_label(y, lang));
    }
}

/// The fiscal years (Buddhist era) a dataset covers: its `statistics.years` range, and the
/// values of any `fiscal_year` column (kept as [`Dataset::fiscal_years`] when the model is made).
pub fn fiscal_years(d: &Dataset) -> BTreeSet<i64> {
    let mut years = BTreeSet::new();
    // (The years are bounded, so a typo like 2565-25680 cannot make millions of pages.)
    if let Some((first, last)) = d.meta.statistics.as_ref().and_then(|s| super::coverage::statistics_years(&s.years)) {
        years.extend(first..=last);
    }
    for r in &d.resources {
        let is_year = r.schema.fields.iter().any(|f| {
            f.name == FISCAL_YEAR_COLUMN && matches!(f.field_type, FieldType::Integer | FieldType::Year)
        });
        // Known without reading the table when it came from the build cache.
        if is_year {
            years.extend(r.table.fiscal_years().iter().copied());
        }
    }
    years
}

/// A fiscal year (Buddhist era) as readers of `lang` write it: ปีงบประมาณ พ.ศ. 2568, FY 2025.
pub fn year_label(be: i64, lang: Lang) -> String {
    match lang {
        Lang::Th => format!("พ.ศ. {be}"),
        Lang::En => format!("FY {}", be - 543),
    }
}

/// `tags` trimmed, without empty ones, and each once: tags the filters take as one (the same
/// [`slug`]: `Tax`, `tax`, `TAX `) are kept in their first spelling, so that the pages, the API
/// and the catalogs list the tags the filters show (a harvester imported each spelling).
pub fn distinct_tags(tags: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    tags.into_iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty() && seen.insert(match slug(t) { s if s.is_empty() => t.to_lowercase(), s => s }))
        .collect()
}

/// The URL segment of a facet value: lowercase, spaces as `-`, nothing a path could misread.
pub fn slug(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.trim().to_lowercase().chars() {
        if slug_keeps(c) {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Whether [`slug`] keeps a character: letters and digits of any script, and Thai marks. ASCII
/// and the Thai block are answered without Unicode's tables: every tag of a portal is slugged
/// for the facets in each build, and the table lookups were most of that time.
fn slug_keeps(c: char) -> bool {
    match c {
        _ if c.is_ascii() => c.is_ascii_alphanumeric(),
        // Thai letters, vowels and marks (U+0E01-U+0E3A), U+0E40-U+0E4E, Thai digits; not the
        // baht sign U+0E3F, U+0E4F or the punctuation U+0E5A-U+0E5B.
        '\u{0E01}'..='\u{0E3A}' | '\u{0E40}'..='\u{0E4E}' | '\u{0E50}'..='\u{0E59}' => true,
        '\u{0E00}'..='\u{0E7F}' => false,
        _ => c.is_alphanumeric() || is_thai_mark(c),
    }
}

/// Thai vowel and tone marks are not alphanumeric in Unicode but are part of every word.
fn is_thai_mark(c: char) -> bool {
    ('\u{0E31}'..='\u{0E3A}').contains(&c) || ('\u{0E47}'..='\u{0E4E}').contains(&c)
}

/// Every facet group of the site in `lang`, with counts.
pub fn facets(site: &Site, lang: Lang) -> Vec<Facet> {
    let mut groups: BTreeMap<&'static str, rustc_hash::FxHashMap<String, FacetValue>> = BTreeMap::new();
    for (i, d) in site.datasets.iter().enumerate() {
        each_facet_value(site, d, lang, |key, id, label| {
            let group = groups.entry(key).or_default();
            // Most values were seen before: looked up without copying the id or making the label.
            match group.get_mut(id) {
                Some(entry) => {
                    if entry.datasets.last() != Some(&i) {
                        entry.datasets.push(i);
                    }
                }
                None => {
                    group.insert(id.to_string(), FacetValue { slug: slug(id), id: id.to_string(), label: label(), datasets: vec![i] });
                }
            }
        });
    }
    FACET_KEYS
        .iter()
        .map(|key| {
            let mut values: Vec<FacetValue> =
                groups.remove(key).unwrap_or_default().into_values().filter(|v| !v.slug.is_empty()).collect();
            // (Ties by id, as the values came in id order when they were kept in a tree.)
            if *key == "year" {
                values.sort_by(|a, b| b.id.cmp(&a.id));
            } else {
                values.sort_by(|a, b| b.datasets.len().cmp(&a.datasets.len()).then_with(|| a.label.cmp(&b.label)).then_with(|| a.id.cmp(&b.id)));
            }
            Facet { key, values }
        })
        .collect()
}

/// Cuts text into search terms: words as ICU's word segmenter finds them (Thai included),
/// lowercased; English words stemmed when `stem` is given; stop words and lone marks dropped.
/// ICU cuts Thai compounds finely (งบ|ประมาณ), so each two adjacent Thai words
/// are also a term (งบประมาณ): a query for the compound then matches it as one word.
pub fn terms(text: &str, stem: Option<&Stemmer>) -> Vec<String> {
    cut(text, stem).into_iter().map(|(_, term)| term).collect()
}

/// [`terms`] with each term's surface form (the word before stemming) beside it.
fn cut(text: &str, stem: Option<&Stemmer>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut previous_thai: Option<String> = None;
    for (word, word_like) in words(text) {
        let thai = crate::lang::has_thai(word);
        if !word_like || !thai {
            previous_thai = None;
        }
        if !word_like {
            continue;
        }
        if thai {
            if let Some(before) = previous_thai.replace(word.to_string()) {
                let pair = format!("{before}{word}");
                out.push((pair.clone(), pair));
            }
        }
        let word = word.to_lowercase();
        if word.chars().count() < 2 && !word.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let latin = word.chars().all(|c| c.is_ascii_alphanumeric() || c == '\'' || c == '.');
        if latin && STOP_WORDS.contains(&word.as_str()) {
            continue;
        }
        match stem {
            Some(s) if latin => {
                let term = s.stem(&word).into_owned();
                out.push((word, term));
            }
            _ => out.push((word.clone(), word)),
        }
    }
    out
}

/// The words of a text and whether each is word-like (not space or punctuation), in order.
/// ICU's rules cut the text; each run of Thai words they give is cut again by [`thai_words`]
/// (ICU4X's own dictionary mode matches greedily: ผลการเบิกจ่าย came out as ผลก|า|รเบิ|กจ่|า|ย;
/// its LSTM model cut well but cost ~8% of a full build's CPU at 10,000 datasets).
fn words(text: &str) -> Vec<(&str, bool)> {
    let segmenter = WordSegmenter::new_dictionary(WordBreakInvariantOptions::default());
    let mut out = Vec::new();
    let mut start = 0;
    // Where the current run of Thai words began.
    let mut run: Option<usize> = None;
    for (end, kind) in segmenter.segment_str(text).iter_with_word_type() {
        let word = &text[start..end];
        let thai = kind.is_word_like() && crate::lang::has_thai(word);
        if !thai {
            if let Some(from) = run.take() {
                out.extend(thai_words(&text[from..start]).into_iter().map(|w| (w, true)));
            }
            out.push((word, kind.is_word_like()));
        } else if run.is_none() {
            run = Some(start);
        }
        start = end;
    }
    if let Some(from) = run {
        out.extend(thai_words(&text[from..]).into_iter().map(|w| (w, true)));
    }
    out
}

/// ICU's Thai dictionary (compiled in), as a trie of words.
static THAI_DICTIONARY: LazyLock<Option<&'static DictionaryBreakData<'static>>> = LazyLock::new(|| {
    let request = DataRequest {
        id: DataIdentifierBorrowed::for_marker_attributes(DataMarkerAttributes::from_str_or_panic("thaidict")),
        ..Default::default()
    };
    let response: Result<_, _> = DataProvider::<SegmenterDictionaryExtendedV2>::load(&Baked, request);
    response.ok().and_then(|r| r.payload.get_static())
});

/// A Thai character that belongs to the character before it (vowel and tone marks above and
/// below): no word starts with it.
fn is_thai_combining(c: char) -> bool {
    c == '\u{0E31}' || ('\u{0E34}'..='\u{0E3A}').contains(&c) || ('\u{0E47}'..='\u{0E4E}').contains(&c)
}

/// A run of Thai text cut into words: of every way to cut it into dictionary words and
/// unknown pieces, the one with the fewest characters in unknown pieces, then the fewest
/// words, then the longest words (the sum of their squared lengths; ประจำ|ปี, not ประ|จำปี).
/// What ICU4C's Thai engine approximates with a three-word lookahead; found exactly here in
/// one pass over the run (a word is at most a few dozen characters).
fn thai_words(run: &str) -> Vec<&str> {
    let Some(dictionary) = *THAI_DICTIONARY else { return vec![run] };
    let chars: Vec<(usize, char)> = run.char_indices().collect();
    let n = chars.len();
    // A word may start or end at `k` unless a mark there belongs to the character before, or
    // the character before is a leading vowel (เ แ โ ใ ไ), which belongs to the one after.
    let boundary = |k: usize| k == 0 || k == n || (!is_thai_combining(chars[k].1) && !('\u{0E40}'..='\u{0E44}').contains(&chars[k - 1].1));
    // Per position: the best cut of the run before it (unknown characters, words, minus the
    // sum of squared lengths), and where its last piece starts and whether it is unknown.
    let mut best: Vec<Option<(usize, usize, i64)>> = vec![None; n + 1];
    let mut from: Vec<(usize, bool)> = vec![(0, false); n + 1];
    best[0] = Some((0, 0, 0));
    let mut ends = Vec::new();
    for i in 0..n {
        let Some((unknown, count, squares)) = best[i].filter(|_| boundary(i)) else { continue };
        dictionary_words(dictionary, &chars[i..], &mut ends);
        let mut consider = |end: usize, is_word: bool| {
            let len = (end - i) as i64;
            let unknown = if is_word { unknown } else { unknown + (end - i) };
            let score = (unknown, count + 1, squares - len * len);
            if best[end].is_none_or(|b| score < b) {
                best[end] = Some(score);
                from[end] = (i, !is_word);
            }
        };
        for &len in &ends {
            if boundary(i + len) {
                consider(i + len, true);
            }
        }
        // Not a word of the dictionary: up to the next place a word may start.
        let mut end = i + 1;
        while end < n && !boundary(end) {
            end += 1;
        }
        consider(end, false);
    }
    let mut pieces = Vec::new();
    let mut end = n;
    while end > 0 {
        let (start, unknown) = from[end];
        pieces.push((start, end, unknown));
        end = start;
    }
    let byte = |k: usize| chars.get(k).map_or(run.len(), |c| c.0);
    let mut out: Vec<&str> = Vec::new();
    let mut last: Option<(usize, bool)> = None;
    for &(start, end, unknown) in pieces.iter().rev() {
        match last {
            // Unknown pieces side by side are one word.
            Some((from, true)) if unknown => {
                out.pop();
                out.push(&run[byte(from)..byte(end)]);
                last = Some((from, true));
            }
            _ => {
                out.push(&run[byte(start)..byte(end)]);
                last = Some((start, unknown));
            }
        }
    }
    out
}

/// The lengths (in characters) of the dictionary's words that `text` starts with.
fn dictionary_words(dictionary: &DictionaryBreakData<'_>, text: &[(usize, char)], ends: &mut Vec<usize>) {
    ends.clear();
    match dictionary {
        DictionaryBreakData::Char16Trie(trie) => {
            let mut cursor = trie.cursor();
            for (k, &(_, c)) in text.iter().enumerate() {
                cursor.step32(u32::from(c));
                if cursor.value().is_some() {
                    ends.push(k + 1);
                }
                if cursor.is_empty() {
                    break;
                }
            }
        }
        DictionaryBreakData::ZeroTrie { alphabet, trie } => {
            let mut cursor = trie.cursor();
            for (k, &(_, c)) in text.iter().enumerate() {
                let Some(at) = alphabet.position32(u32::from(c)).and_then(|p| u8::try_from(p).ok()) else { break };
                cursor.step(at);
                if cursor.take_value().is_some() {
                    ends.push(k + 1);
                }
                if cursor.is_empty() {
                    break;
                }
            }
        }
    }
}

/// Texts already cut, by a hash of the text and whether it was stemmed: the same texts come
/// back in a build (an agency's name in each of its datasets, the columns of a shared schema)
/// and in the next build of `sala serve`. Kept for the process only: only the texts of the
/// last build are kept ([`forget_unused_cuts`]).
#[derive(Default)]
struct TermMemo {
    cuts: HashMap<u64, Arc<Vec<(String, String)>>>,
    used: HashSet<u64>,
}

/// A text's words and their terms, as [`cut`] makes them.
pub type Cut = Vec<(String, String)>;

static TERM_MEMO: LazyLock<Mutex<TermMemo>> = LazyLock::new(Mutex::default);

fn memo_key(text: &str, stemmed: bool) -> u64 {
    let mut h = crate::load::cache::KeyHasher::new();
    h.add(text).add(&stemmed);
    h.finish()
}

/// [`cut`], remembered.
fn memo_cut(text: &str, stem: Option<&Stemmer>) -> Arc<Cut> {
    let key = memo_key(text, stem.is_some());
    if let Ok(mut memo) = TERM_MEMO.lock() {
        if let Some(found) = memo.cuts.get(&key).cloned() {
            memo.used.insert(key);
            return found;
        }
    }
    let made = Arc::new(cut(text, stem));
    if let Ok(mut memo) = TERM_MEMO.lock() {
        memo.cuts.insert(key, Arc::clone(&made));
        memo.used.insert(key);
    }
    made
}

/// Forgets the cuts of the texts not used since the last call (`serve` keeps the others for
/// its next rebuild). They are not saved in the build cache: cutting with the dictionary costs
/// less than reading back the cuts of a whole portal (35 MB at 10,000 datasets).
pub fn forget_unused_cuts() {
    if let Ok(mut memo) = TERM_MEMO.lock() {
        let used = std::mem::take(&mut memo.used);
        memo.cuts.retain(|k, _| used.contains(k));
    }
}

/// One searchable page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Doc {
    /// The page's link.
    #[serde(rename = "u")]
    pub url: String,
    /// Its title.
    #[serde(rename = "t")]
    pub title: String,
    /// A short summary shown under the title.
    #[serde(rename = "s")]
    pub summary: String,
    /// The publishing agency's name (empty for content pages).
    #[serde(rename = "a")]
    pub agency: String,
    /// Facet value ids per group (datasets only).
    #[serde(rename = "f", skip_serializing_if = "BTreeMap::is_empty")]
    pub facets: BTreeMap<&'static str, Vec<String>>,
}

/// The search index of one language, as written to `search/index.json`.
#[derive(Debug, Clone, Serialize)]
pub struct SearchIndex {
    /// The format's version.
    pub version: u32,
    /// The language of the index.
    pub lang: Lang,
    /// The field names and weights, as in [`FIELDS`].
    pub fields: Vec<(&'static str, u8)>,
    /// The English stop words the query drops.
    pub stop: Vec<&'static str>,
    /// The pages that can be found, datasets first.
    pub docs: Vec<Doc>,
    /// Each term with its postings, flattened as `[doc, field weights, doc, field weights, …]`.
    pub terms: BTreeMap<String, Vec<u32>>,
    /// Surface forms of English words that stem to another term (`budgets` → `budget`), so
    /// the browser needs no stemmer of its own.
    pub forms: BTreeMap<String, String>,
}

/// One document's part of the index: the document, its terms (sorted, each with the weights of
/// the fields it is found in, OR-ed) and the surface forms of its English words that stem to
/// another term (sorted). The index is these parts assembled ([`assemble`]); a build keeps each
/// dataset's between builds (see `render::fragments`).
#[derive(Debug, Clone, PartialEq)]
pub struct DocTerms {
    /// The document.
    pub doc: Doc,
    /// Its terms and their field weights.
    pub terms: Vec<(String, u8)>,
    /// Its surface forms and their terms.
    pub forms: Vec<(String, String)>,
}

/// Cuts a document's texts per field (in [`FIELDS`] order) into its [`DocTerms`].
fn doc_terms(doc: Doc, fields: [Vec<&str>; 5], stem: Option<&Stemmer>) -> DocTerms {
    let mut weights: BTreeMap<String, u8> = BTreeMap::new();
    let mut forms: BTreeMap<String, String> = BTreeMap::new();
    for (field, list) in fields.iter().enumerate() {
        for text in list {
            // The description is markdown: its words, not its syntax.
            let cut = if field == 4 { memo_cut(&markdown_text(text), stem) } else { memo_cut(text, stem) };
            for (word, term) in cut.iter() {
                if word != term {
                    forms.insert(word.clone(), term.clone());
                }
                match weights.get_mut(term) {
                    Some(w) => *w |= FIELDS[field].1,
                    None => {
                        weights.insert(term.clone(), FIELDS[field].1);
                    }
                }
            }
        }
    }
    DocTerms { doc, terms: weights.into_iter().collect(), forms: forms.into_iter().collect() }
}

fn stemmer(lang: Lang) -> Option<Stemmer> {
    (lang == Lang::En).then(|| Stemmer::create(Algorithm::English))
}

/// The search document of dataset `d` in `lang`, cut into terms.
pub fn dataset_doc(site: &Site, d: &Dataset, lang: Lang, summary: impl Fn(&str) -> String) -> DocTerms {
    let urls = &site.urls;
    let m = &d.meta;
    let agency = site.agency(&m.agency);
    let ministry = agency.and_then(|a| a.parent.as_deref()).and_then(|p| site.agency(p));
    let mut agency_text: Vec<&str> = vec![m.agency.as_str()];
    agency_text.extend(agency.map(|a| a.name.get(lang)));
    agency_text.extend(ministry.map(|a| a.name.get(lang)));
    let mut columns: Vec<&str> = Vec::new();
    let mut description: Vec<&str> = vec![m.description.get(lang), m.objective.get(lang)];
    for r in &d.resources {
        columns.push(r.title.get(lang));
        description.push(r.description.get(lang));
        for f in &r.schema.fields {
            columns.push(f.title.get(lang));
            columns.push(&f.name);
        }
    }
    // Per group with values, in FACET_KEYS order (which `each_facet_value` keeps), their ids.
    let mut facets: Vec<(&'static str, Vec<String>)> = Vec::new();
    each_facet_value(site, d, lang, |key, id, _| match facets.last_mut() {
        Some((k, ids)) if *k == key => ids.push(id.to_string()),
        _ => facets.push((key, vec![id.to_string()])),
    });
    let facets = facets.into_iter().collect();
    let doc = Doc {
        url: urls.link(&urls.dataset(lang, &d.id)),
        title: m.title.get(lang).to_string(),
        summary: summary(m.description.get(lang)),
        agency: agency.map(|a| a.name.get(lang).to_string()).unwrap_or_default(),
        facets,
    };
    let fields = [vec![m.title.get(lang)], m.tags.get(lang).iter().map(String::as_str).collect(), agency_text, columns, description];
    doc_terms(doc, fields, stemmer(lang).as_ref())
}

/// The search documents of the content pages in `lang`, cut into terms.
pub fn page_docs(site: &Site, lang: Lang, summary: impl Fn(&str) -> String) -> Vec<DocTerms> {
    let urls = &site.urls;
    let stem = stemmer(lang);
    site.pages
        .iter()
        .filter(|p| p.lang == lang)
        .map(|p| {
            let doc = Doc {
                url: urls.link(&urls.page(lang, &p.slug)),
                title: p.front.title.clone(),
                summary: summary(&p.front.description),
                agency: String::new(),
                facets: BTreeMap::new(),
            };
            doc_terms(doc, [vec![&p.front.title], Vec::new(), Vec::new(), Vec::new(), vec![&p.front.description, &p.body]], stem.as_ref())
        })
        .collect()
}

/// Builds the search index of `lang` over datasets and content pages.
pub fn index(site: &Site, lang: Lang, summary: impl Fn(&str) -> String + Sync) -> SearchIndex {
    let mut docs: Vec<DocTerms> = site.datasets.par_iter().map(|d| dataset_doc(site, d, lang, &summary)).collect();
    docs.extend(page_docs(site, lang, &summary));
    assemble(lang, docs)
}

/// The index of `lang` over `docs` (datasets first, in the site's order, then pages): each
/// term's postings are the documents that have it, in order, each with its field weights.
pub fn assemble(lang: Lang, docs: Vec<DocTerms>) -> SearchIndex {
    let mut at: HashMap<&str, usize> = HashMap::new();
    let mut postings: Vec<(&str, Vec<u32>)> = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        for (term, w) in &d.terms {
            let n = *at.entry(term.as_str()).or_insert_with(|| {
                postings.push((term.as_str(), Vec::new()));
                postings.len() - 1
            });
            postings[n].1.extend([i as u32, u32::from(*w)]);
        }
    }
    drop(at);
    postings.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let terms: BTreeMap<String, Vec<u32>> = postings.into_iter().map(|(t, p)| (t.to_string(), p)).collect();
    // A surface form that is itself a term keeps its own postings.
    let mut forms = BTreeMap::new();
    for d in &docs {
        for (word, term) in &d.forms {
            if !terms.contains_key(word) && !forms.contains_key(word) {
                forms.insert(word.clone(), term.clone());
            }
        }
    }
    SearchIndex {
        version: 1,
        lang,
        fields: FIELDS.to_vec(),
        stop: STOP_WORDS.to_vec(),
        docs: docs.into_iter().map(|d| d.doc).collect(),
        terms,
        forms,
    }
}

/// The words of a markdown text, without its syntax (link targets, emphasis marks).
fn markdown_text(markdown: &str) -> String {
    let mut out = String::new();
    for event in pulldown_cmark::Parser::new(markdown) {
        if let pulldown_cmark::Event::Text(t) | pulldown_cmark::Event::Code(t) = event {
            out.push_str(&t);
            out.push(' ');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_the_filters_take_as_one_are_kept_once_in_their_first_spelling() {
        let tags = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(distinct_tags(tags(&["Tax", "tax", " TAX ", "vat", "", "  "])), tags(&["Tax", "vat"]));
        assert_eq!(distinct_tags(tags(&["ภาษี", "ภาษี ", "งบประมาณ"])), tags(&["ภาษี", "งบประมาณ"]));
    }

    #[test]
    fn slug_keeps_what_unicode_calls_letters_digits_and_thai_marks() {
        // The fast paths of slug_keeps agree with the rule they shortcut, for every character.
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(slug_keeps(c), c.is_alphanumeric() || is_thai_mark(c), "U+{:04X}", c as u32);
        }
        assert_eq!(slug("  งบประมาณ ฿ ปี ๒๕๖๘ / Open Data "), "งบประมาณ-ปี-๒๕๖๘-open-data");
    }

    #[test]
    fn thai_is_cut_into_words_and_pairs_of_words() {
        let words = terms("ข้อมูลงบประมาณรายจ่ายประจำปี", None);
        for word in ["ข้อมูล", "งบ", "ประมาณ", "ราย", "จ่าย", "ประจำ", "ปี", "งบประมาณ", "รายจ่าย", "ประจำปี"] {
            assert!(words.iter().any(|w| w == word), "{word} missing from {words:?}");
        }
        assert!(!words.iter().any(|w| w == "งบประมาณราย"), "only two words are joined: {words:?}");
    }

    #[test]
    fn thai_is_cut_where_a_greedy_dictionary_match_goes_wrong() {
        // ICU4X's own dictionary mode cut this as ผลก|า|รเบิ|กจ่|า|ย (ผลก is in the dictionary).
        assert_eq!(terms("ผลการเบิกจ่าย", None), ["ผล", "ผลการ", "การ", "การเบิก", "เบิก", "เบิกจ่าย", "จ่าย"]);
        assert_eq!(thai_words("เป็นกระทรวง"), ["เป็น", "กระทรวง"]);
        // Two words either way: the longer words win.
        assert_eq!(thai_words("ประจำปี"), ["ประจำ", "ปี"]);
        // A word the dictionary lacks is one piece, and its neighbours are still found.
        assert_eq!(thai_words("งบฯประมาณ"), ["งบ", "ฯ", "ประมาณ"]);
    }

    #[test]
    fn thai_and_latin_mixed_are_cut_at_the_change_of_script() {
        assert_eq!(terms("ระบบ e-GP ของกรมบัญชีกลาง", None), ["ระบบ", "gp", "ของ", "ของกรม", "กรม", "กรมบัญชี", "บัญชี", "บัญชีกลาง", "กลาง"]);
    }

    #[test]
    fn english_is_lowercased_stemmed_and_stop_words_dropped() {
        let stemmer = Stemmer::create(Algorithm::English);
        assert_eq!(terms("Budgets of the Agencies, 2568", Some(&stemmer)), ["budget", "agenc", "2568"]);
    }

    #[test]
    fn slugs_keep_thai_words_whole() {
        assert_eq!(slug("งบประมาณรายจ่ายประจำปี"), "งบประมาณรายจ่ายประจำปี");
        assert_eq!(slug("Budget categories / e-GP"), "budget-categories-e-gp");
        assert_eq!(slug("../.."), "");
    }

    #[test]
    fn years_read_as_each_language_writes_them() {
        assert_eq!(year_label(2568, Lang::Th), "พ.ศ. 2568");
        assert_eq!(year_label(2568, Lang::En), "FY 2025");
    }
}
