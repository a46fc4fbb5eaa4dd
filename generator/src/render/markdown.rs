//! Markdown to HTML for authors' pages. Pure: no file system. Raw HTML is sanitised with
//! ammonia unless the site opts in, because pulldown-cmark passes it through untouched.

use pulldown_cmark::{Options, Parser, html};

/// Renders markdown to HTML; `allow_raw_html` keeps authors' HTML as written.
pub fn to_html(markdown: &str, allow_raw_html: bool) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, Parser::new_ext(markdown, options));
    if allow_raw_html {
        return out;
    }
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .add_generic_attributes(["id"])
        .clean(&out)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_and_script_links_are_removed() {
        let html = to_html("Hi <script>alert(1)</script> [x](javascript:alert(1)) <b onclick=\"x()\">b</b>", false);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(html.contains("<b>b</b>"), "{html}");
    }

    #[test]
    fn tables_and_headings_render() {
        let html = to_html("# หัวข้อ\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", false);
        assert!(html.contains("<h1>หัวข้อ</h1>"), "{html}");
        assert!(html.contains("<td>1</td>"), "{html}");
    }
}
