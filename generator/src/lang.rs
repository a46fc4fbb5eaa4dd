//! Languages and bilingual text: every user-visible string in Sala exists in Thai and English.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Whether `text` holds Thai script (the Unicode block U+0E00–U+0E7F).
pub fn has_thai(text: &str) -> bool {
    text.chars().any(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c))
}

/// Whether `c` is a digit as Thai tables write them: ASCII `0`–`9` or Thai `๐`–`๙`.
pub fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('๐'..='๙').contains(&c)
}

/// `s` trimmed, its Thai digits (๐–๙) as ASCII digits, for looking at values (the validator
/// does the same).
pub fn ascii_digits(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            '๐'..='๙' => char::from(b'0' + (c as u32 - '๐' as u32) as u8),
            c => c,
        })
        .collect()
}

/// A language a portal is published in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Thai, the default language, served at `/`.
    Th,
    /// English, served at `/en/`.
    En,
}

impl Lang {
    /// Every language Sala knows, default first.
    pub const ALL: [Lang; 2] = [Lang::Th, Lang::En];

    /// The BCP 47 code (`th`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Th => "th",
            Lang::En => "en",
        }
    }

    /// Parses a BCP 47 code.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "th" => Some(Lang::Th),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A text in Thai and English. In TOML it is either one string (used for both languages)
/// or a table `{ th = "…", en = "…" }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Text {
    /// The Thai text.
    pub th: String,
    /// The English text.
    pub en: String,
}

impl Text {
    /// A text with both languages given.
    pub fn new(th: impl Into<String>, en: impl Into<String>) -> Text {
        Text { th: th.into(), en: en.into() }
    }

    /// The text in `lang`, falling back to the other language when that one is empty.
    pub fn get(&self, lang: Lang) -> &str {
        let (first, second) = match lang {
            Lang::Th => (&self.th, &self.en),
            Lang::En => (&self.en, &self.th),
        };
        if first.is_empty() { second } else { first }
    }

    /// True when neither language has any text.
    pub fn is_empty(&self) -> bool {
        self.th.trim().is_empty() && self.en.trim().is_empty()
    }

    /// Every language's text, for checks that must look at all of them.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        [self.th.as_str(), self.en.as_str()].into_iter()
    }
}

// Dispatched on the value's shape, not `#[serde(untagged)]`: that buffers every value before
// trying each variant (most of the time a rebuild spent taking each dataset.toml's parse from
// the build cache), and hides a misspelt language behind "did not match any variant".
impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Both {
            #[serde(default)]
            th: String,
            #[serde(default)]
            en: String,
        }
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a text, or a table with th and en")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text { th: v.to_string(), en: v.to_string() })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Text, A::Error> {
                let b = Both::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Text { th: b.th, en: b.en })
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A list of words per language (tags, keywords).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextList {
    /// Thai words.
    #[serde(default)]
    pub th: Vec<String>,
    /// English words.
    #[serde(default)]
    pub en: Vec<String>,
}

impl TextList {
    /// The words in `lang`, falling back to the other language when that list is empty.
    pub fn get(&self, lang: Lang) -> &[String] {
        let (first, second) = match lang {
            Lang::Th => (&self.th, &self.en),
            Lang::En => (&self.en, &self.th),
        };
        if first.is_empty() { second } else { first }
    }
}
