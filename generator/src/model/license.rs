//! The licences a dataset may name in `license`: SPDX ids, the Open Definition's (and CKAN's)
//! ids, and the licences Thai agencies' portals offer (data.go.th's "Open Data Common"). Each
//! has a name, the URL of its text and whether it is open (the Open Definition's test). An id
//! not listed is refused with the closest known ones, so that a misspelt id is never published
//! as a link to a page that does not exist.

/// One known licence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct License {
    /// The id as it is published (SPDX's spelling where SPDX lists it).
    pub id: &'static str,
    /// Its name.
    pub name: &'static str,
    /// Where its text is.
    pub url: &'static str,
    /// Whether it is an open licence (Open Definition conformant): data under it is open data.
    pub open: bool,
}

const fn l(id: &'static str, name: &'static str, url: &'static str, open: bool) -> License {
    License { id, name, url, open }
}

/// Every known licence. SPDX ids link to SPDX's page for them (stable, and what catalogs
/// expect); the others to their publisher's text.
pub const LICENSES: &[License] = &[
    // Creative Commons (SPDX ids).
    l("CC-BY-4.0", "Creative Commons Attribution 4.0 International", "https://spdx.org/licenses/CC-BY-4.0.html", true),
    l("CC-BY-3.0", "Creative Commons Attribution 3.0 Unported", "https://spdx.org/licenses/CC-BY-3.0.html", true),
    l("CC-BY-3.0-IGO", "Creative Commons Attribution 3.0 IGO", "https://spdx.org/licenses/CC-BY-3.0-IGO.html", true),
    l("CC-BY-2.5", "Creative Commons Attribution 2.5 Generic", "https://spdx.org/licenses/CC-BY-2.5.html", true),
    l("CC-BY-2.0", "Creative Commons Attribution 2.0 Generic", "https://spdx.org/licenses/CC-BY-2.0.html", true),
    l("CC-BY-SA-4.0", "Creative Commons Attribution Share Alike 4.0 International", "https://spdx.org/licenses/CC-BY-SA-4.0.html", true),
    l("CC-BY-SA-3.0", "Creative Commons Attribution Share Alike 3.0 Unported", "https://spdx.org/licenses/CC-BY-SA-3.0.html", true),
    l("CC-BY-NC-4.0", "Creative Commons Attribution Non Commercial 4.0 International", "https://spdx.org/licenses/CC-BY-NC-4.0.html", false),
    l("CC-BY-NC-3.0", "Creative Commons Attribution Non Commercial 3.0 Unported", "https://spdx.org/licenses/CC-BY-NC-3.0.html", false),
    l("CC-BY-NC-SA-4.0", "Creative Commons Attribution Non Commercial Share Alike 4.0 International", "https://spdx.org/licenses/CC-BY-NC-SA-4.0.html", false),
    l("CC-BY-ND-4.0", "Creative Commons Attribution No Derivatives 4.0 International", "https://spdx.org/licenses/CC-BY-ND-4.0.html", false),
    l("CC-BY-NC-ND-4.0", "Creative Commons Attribution Non Commercial No Derivatives 4.0 International", "https://spdx.org/licenses/CC-BY-NC-ND-4.0.html", false),
    l("CC0-1.0", "Creative Commons Zero v1.0 Universal", "https://spdx.org/licenses/CC0-1.0.html", true),
    l("CC-PDDC", "Creative Commons Public Domain Dedication and Certification", "https://spdx.org/licenses/CC-PDDC.html", true),
    // Open Data Commons and other data licences (SPDX ids).
    l("PDDL-1.0", "Open Data Commons Public Domain Dedication & License 1.0", "https://spdx.org/licenses/PDDL-1.0.html", true),
    l("ODC-By-1.0", "Open Data Commons Attribution License v1.0", "https://spdx.org/licenses/ODC-By-1.0.html", true),
    l("ODbL-1.0", "Open Data Commons Open Database License v1.0", "https://spdx.org/licenses/ODbL-1.0.html", true),
    l("OGL-UK-3.0", "Open Government Licence v3.0", "https://spdx.org/licenses/OGL-UK-3.0.html", true),
    l("OGL-UK-2.0", "Open Government Licence v2.0", "https://spdx.org/licenses/OGL-UK-2.0.html", true),
    l("OGL-Canada-2.0", "Open Government Licence - Canada", "https://spdx.org/licenses/OGL-Canada-2.0.html", true),
    l("etalab-2.0", "Etalab Open License 2.0", "https://spdx.org/licenses/etalab-2.0.html", true),
    l("DL-DE-BY-2.0", "Data licence Germany – attribution – version 2.0", "https://spdx.org/licenses/DL-DE-BY-2.0.html", true),
    l("DL-DE-ZERO-2.0", "Data licence Germany – zero – version 2.0", "https://spdx.org/licenses/DL-DE-ZERO-2.0.html", true),
    l("NLOD-2.0", "Norwegian Licence for Open Government Data (NLOD) 2.0", "https://spdx.org/licenses/NLOD-2.0.html", true),
    l("CDLA-Permissive-2.0", "Community Data License Agreement Permissive 2.0", "https://spdx.org/licenses/CDLA-Permissive-2.0.html", true),
    l("CDLA-Permissive-1.0", "Community Data License Agreement Permissive 1.0", "https://spdx.org/licenses/CDLA-Permissive-1.0.html", true),
    l("CDLA-Sharing-1.0", "Community Data License Agreement Sharing 1.0", "https://spdx.org/licenses/CDLA-Sharing-1.0.html", true),
    l("GFDL-1.3-or-later", "GNU Free Documentation License v1.3 or later", "https://spdx.org/licenses/GFDL-1.3-or-later.html", true),
    l("GFDL-1.3-only", "GNU Free Documentation License v1.3 only", "https://spdx.org/licenses/GFDL-1.3-only.html", true),
    // Software licences agencies put on data taken from code repositories (SPDX ids).
    l("MIT", "MIT License", "https://spdx.org/licenses/MIT.html", true),
    l("Apache-2.0", "Apache License 2.0", "https://spdx.org/licenses/Apache-2.0.html", true),
    l("BSD-2-Clause", "BSD 2-Clause \"Simplified\" License", "https://spdx.org/licenses/BSD-2-Clause.html", true),
    l("BSD-3-Clause", "BSD 3-Clause \"New\" or \"Revised\" License", "https://spdx.org/licenses/BSD-3-Clause.html", true),
    l("ISC", "ISC License", "https://spdx.org/licenses/ISC.html", true),
    l("MPL-2.0", "Mozilla Public License 2.0", "https://spdx.org/licenses/MPL-2.0.html", true),
    l("GPL-3.0-only", "GNU General Public License v3.0 only", "https://spdx.org/licenses/GPL-3.0-only.html", true),
    l("GPL-3.0-or-later", "GNU General Public License v3.0 or later", "https://spdx.org/licenses/GPL-3.0-or-later.html", true),
    l("LGPL-3.0-only", "GNU Lesser General Public License v3.0 only", "https://spdx.org/licenses/LGPL-3.0-only.html", true),
    l("Unlicense", "The Unlicense", "https://spdx.org/licenses/Unlicense.html", true),
    // The Open Definition's ids (as CKAN and data.go.th's CKAN offer them) that SPDX spells
    // otherwise.
    l("ODC-ODbL-1.0", "Open Data Commons Open Database License 1.0", "https://opendatacommons.org/licenses/odbl/1-0/", true),
    l("ODC-PDDL-1.0", "Open Data Commons Public Domain Dedication and Licence 1.0", "https://opendatacommons.org/licenses/pddl/1-0/", true),
    l("cc-by", "Creative Commons Attribution", "https://creativecommons.org/licenses/by/4.0/", true),
    l("cc-by-sa", "Creative Commons Attribution Share-Alike", "https://creativecommons.org/licenses/by-sa/4.0/", true),
    l("cc-zero", "Creative Commons CCZero", "https://creativecommons.org/publicdomain/zero/1.0/", true),
    l("cc-nc", "Creative Commons Non-Commercial (Any)", "https://creativecommons.org/licenses/by-nc/4.0/", false),
    l("odc-by", "Open Data Commons Attribution License", "https://opendatacommons.org/licenses/by/", true),
    l("odc-odbl", "Open Data Commons Open Database License (ODbL)", "https://opendatacommons.org/licenses/odbl/", true),
    l("odc-pddl", "Open Data Commons Public Domain Dedication and License (PDDL)", "https://opendatacommons.org/licenses/pddl/", true),
    l("uk-ogl", "UK Open Government Licence (OGL)", "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/", true),
    l("gfdl", "GNU Free Documentation License", "https://www.gnu.org/licenses/fdl-1.3.html", true),
    // Thailand: data.go.th's CKAN (ckanext-thai_gdc) offers "Open Data Common", the terms of
    // data.go.th's own page (DGA Open Government License), which allow use, reuse and
    // redistribution with attribution.
    l("Open-Data-Common", "Open Data Common (DGA Open Government License, data.go.th)", "https://data.go.th/pages/dga-open-government-license", true),
];

/// A licence id as compared: case and the separators people use (space, `_`, `-`) ignored,
/// so that thai_gdc's "Open Data Common" and SPDX's lower-case spellings are found.
fn key(id: &str) -> String {
    id.trim().chars().filter(|c| !matches!(c, ' ' | '-' | '_')).flat_map(char::to_lowercase).collect()
}

/// A licence URL as compared: without its scheme, `www.`, a trailing `/`, `.html`, and the
/// variants of a Creative Commons page (`legalcode`, `deed.th`).
fn url_key(url: &str) -> String {
    let lower = url.trim().to_lowercase();
    let mut u = lower.trim_start_matches("https://").trim_start_matches("http://").trim_start_matches("www.").trim_end_matches('/');
    for suffix in [".html", "/legalcode", "/deed"] {
        u = u.strip_suffix(suffix).unwrap_or(u);
    }
    let u = u.rsplit_once("/legalcode.").or_else(|| u.rsplit_once("/deed.")).map_or(u, |(page, _)| page);
    u.trim_end_matches('/').to_string()
}

/// The known licence whose text is at `url`, as Frictionless packages name a licence by its
/// `path`: a Creative Commons or Open Data Commons page, or any licence's listed URL.
fn by_url(url: &str) -> Option<&'static License> {
    let u = url_key(url);
    // creativecommons.org/licenses/by-sa/4.0 is SPDX's CC-BY-SA-4.0; publicdomain/zero/1.0 is CC0-1.0.
    let spdx = if let Some(rest) = u.strip_prefix("creativecommons.org/licenses/") {
        rest.split_once('/').map(|(kind, version)| format!("CC-{kind}-{version}"))
    } else if u.starts_with("creativecommons.org/publicdomain/zero/1.0") {
        Some("CC0-1.0".to_string())
    } else {
        None
    };
    spdx.and_then(|id| find(&id)).or_else(|| LICENSES.iter().find(|l| url_key(l.url) == u))
}

/// The known licence `id` names (an id, or the URL of its text), if any.
pub fn find(id: &str) -> Option<&'static License> {
    if id.trim_start().starts_with("http://") || id.trim_start().starts_with("https://") {
        return by_url(id);
    }
    // The known ids as compared, made once: every build looks up each dataset's licence
    // several times (10,000 datasets × 51 licences made some 2 million small strings).
    static KEYS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| LICENSES.iter().map(|l| key(l.id)).collect());
    let wanted = key(id);
    KEYS.iter().position(|k| *k == wanted).map(|i| &LICENSES[i])
}

/// The known licences closest to `id` (fewest edits between the ids as compared), nearest
/// first, at most `n`.
pub fn closest(id: &str, n: usize) -> Vec<&'static License> {
    // Versions are compared without their dots; at equal distance, an id that begins with what
    // was written comes first (CC-BY-4 is CC-BY-4.0 unfinished, not cc-by).
    let plain = |s: &str| key(s).replace('.', "");
    let wanted = plain(id);
    let mut scored: Vec<(usize, bool, &License)> =
        LICENSES.iter().map(|l| (edit_distance(&wanted, &plain(l.id)), !plain(l.id).starts_with(&wanted), l)).collect();
    scored.sort_by_key(|(d, not_prefix, l)| (*d, *not_prefix, l.id));
    scored.into_iter().take(n).map(|(_, _, l)| l).collect()
}

/// The Levenshtein distance between two texts, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb)).min(row[j] + 1).min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_found_however_they_are_spelt_and_near_misses_suggest_the_closest() {
        assert_eq!(find("cc-by-4.0").map(|l| l.id), Some("CC-BY-4.0"));
        assert_eq!(find("Open Data Common").map(|l| l.url), Some("https://data.go.th/pages/dga-open-government-license"));
        assert!(find("CC-BY-4").is_none());
        let near: Vec<&str> = closest("CC-BY-4", 3).iter().map(|l| l.id).collect();
        assert_eq!(near[0], "CC-BY-4.0");
        assert_eq!(closest("ODbL", 1)[0].id, "ODbL-1.0");
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn a_licence_is_found_by_the_url_of_its_text() {
        for (url, id) in [
            ("https://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
            ("http://creativecommons.org/licenses/by-sa/4.0/legalcode", "CC-BY-SA-4.0"),
            ("https://creativecommons.org/licenses/by/4.0/deed.th", "CC-BY-4.0"),
            ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0-1.0"),
            ("https://opendatacommons.org/licenses/odbl/1-0/", "ODC-ODbL-1.0"),
            ("https://spdx.org/licenses/MIT.html", "MIT"),
            ("https://data.go.th/pages/dga-open-government-license", "Open-Data-Common"),
        ] {
            assert_eq!(find(url).map(|l| l.id), Some(id), "{url}");
        }
        assert_eq!(find("https://example.org/my-licence"), None);
    }

    #[test]
    fn every_licence_is_listed_once_with_an_https_url() {
        for (i, l) in LICENSES.iter().enumerate() {
            assert!(l.url.starts_with("https://"), "{l:?}");
            assert!(LICENSES[..i].iter().all(|o| key(o.id) != key(l.id)), "{} twice", l.id);
        }
    }
}
