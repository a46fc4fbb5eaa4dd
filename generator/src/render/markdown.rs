//! Markdown to HTML for authors' pages. Pure: no file system. Raw HTML is sanitised with
//! ammonia unless the site opts in, because pulldown-cmark passes it through untouched.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, html};

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Keeps only http, https, mailto and tel links (a contact page's phone number) and drops
/// anything a browser could run.
fn sanitise(html: &str) -> String {
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .add_generic_attributes(["id"])
        .clean(html)
        .to_string()
}

/// A link or image of the text with a root-relative address (`/about/`) given the site's path
/// `prefix` (`/opendata/` when `base_url` has one): authors link pages as the site shows them,
/// and without it such a link left a site published under a path.
fn rebased<'a>(event: Event<'a>, prefix: &str) -> Event<'a> {
    let rebase = |url: CowStr<'a>| -> CowStr<'a> {
        match url.strip_prefix('/') {
            Some(rest) if prefix != "/" && !rest.starts_with('/') && !url.starts_with(prefix) => format!("{prefix}{rest}").into(),
            _ => url,
        }
    };
    match event {
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => Event::Start(Tag::Link { link_type, dest_url: rebase(dest_url), title, id }),
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => Event::Start(Tag::Image { link_type, dest_url: rebase(dest_url), title, id }),
        other => other,
    }
}

/// Renders an author's page, its root-relative links under the site's path `prefix` (see
/// [`rebased`]); `allow_raw_html` keeps their HTML as written, otherwise it is sanitised (safe
/// tags stay, scripts and event handlers go).
pub fn to_html(markdown: &str, allow_raw_html: bool, prefix: &str) -> String {
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, Parser::new_ext(markdown, options()).map(|e| rebased(e, prefix)));
    if allow_raw_html { out } else { sanitise(&out) }
}

/// Renders a metadata text (a dataset's description): markdown formatting, its root-relative
/// links under `prefix`, but any HTML in it shown as text, as CKAN does for dataset notes.
pub fn metadata_to_html(markdown: &str, prefix: &str) -> String {
    let events = Parser::new_ext(markdown, options()).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => rebased(other, prefix),
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
        let html = to_html("Hi <script>alert(1)</script> [x](javascript:alert(1)) <b onclick=\"x()\">b</b>", false, "/");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(html.contains("<b>b</b>"), "{html}");
    }

    #[test]
    fn html_in_metadata_is_shown_as_text() {
        let html = metadata_to_html("**Budget** <img src=x onerror=alert(1)>", "/");
        assert_eq!(html, "<p><strong>Budget</strong> &lt;img src=x onerror=alert(1)&gt;</p>\n");
    }

    #[test]
    fn root_relative_links_go_under_the_sites_path_and_phone_links_stay() {
        let text = "[about](/about/) ![logo](/static/logo.svg) [x](/opendata/x/) [far](https://a.example/b) [near](page/) [n](//cdn.example/x) [call](tel:1111)";
        let html = to_html(text, false, "/opendata/");
        for expected in ["href=\"/opendata/about/\"", "src=\"/opendata/static/logo.svg\"", "href=\"/opendata/x/\"", "href=\"https://a.example/b\"", "href=\"page/\"", "href=\"//cdn.example/x\"", "href=\"tel:1111\""] {
            assert!(html.contains(expected), "{expected}: {html}");
        }
        assert!(to_html("[about](/about/)", false, "/").contains("href=\"/about/\""));
        assert!(metadata_to_html("[budget](/datasets/budget/)", "/opendata/").contains("href=\"/opendata/datasets/budget/\""));
    }

    #[test]
    fn tables_and_headings_render() {
        let html = to_html("# หัวข้อ\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", false, "/");
        assert!(html.contains("<h1>หัวข้อ</h1>"), "{html}");
        assert!(html.contains("<td>1</td>"), "{html}");
    }
}
