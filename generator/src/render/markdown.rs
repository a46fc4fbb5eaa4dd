//! Markdown to HTML for authors' pages. Pure: no file system. Raw HTML is sanitised with
//! ammonia unless the site opts in, because pulldown-cmark passes it through untouched.

use pulldown_cmark::{Event, Options, Parser, html};

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Keeps only http, https and mailto links and drops anything a browser could run.
fn sanitise(html: &str) -> String {
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .add_generic_attributes(["id"])
        .clean(html)
        .to_string()
}

/// Renders an author's page; `allow_raw_html` keeps their HTML as written, otherwise it is
/// sanitised (safe tags stay, scripts and event handlers go).
pub fn to_html(markdown: &str, allow_raw_html: bool) -> String {
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, Parser::new_ext(markdown, options()));
    if allow_raw_html { out } else { sanitise(&out) }
}

/// Renders a metadata text (a dataset's description): markdown formatting, but any HTML in it
/// is shown as text, as CKAN does for dataset notes.
pub fn metadata_to_html(markdown: &str) -> String {
    let events = Parser::new_ext(markdown, options()).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    sanitise(&out)
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
    fn html_in_metadata_is_shown_as_text() {
        let html = metadata_to_html("**Budget** <img src=x onerror=alert(1)>");
        assert_eq!(html, "<p><strong>Budget</strong> &lt;img src=x onerror=alert(1)&gt;</p>\n");
    }

    #[test]
    fn tables_and_headings_render() {
        let html = to_html("# หัวข้อ\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", false);
        assert!(html.contains("<h1>หัวข้อ</h1>"), "{html}");
        assert!(html.contains("<td>1</td>"), "{html}");
    }
}
