//! The theme's templates are minified once when loaded instead of every page after it is
//! rendered: the demo's pages must be what minifying each page made, up to what minify-html
//! itself normalises (attribute order and quotes, entities, runs of whitespace), and no larger.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn html_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            html_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
}

fn minify(html: &[u8]) -> String {
    let cfg = minify_html::Cfg {
        keep_closing_tags: true,
        keep_html_and_head_opening_tags: true,
        minify_css: true,
        ..minify_html::Cfg::default()
    };
    String::from_utf8(minify_html::minify(html, &cfg)).unwrap()
}

#[test]
fn pages_from_minified_templates_are_the_pages_minified_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let (each, once) = (dir.path().join("each"), dir.path().join("once"));
    sala::render::html::MINIFY_EACH_PAGE.store(true, Ordering::Relaxed);
    let built = sala::build(&repo_root(), Some(&each));
    sala::render::html::MINIFY_EACH_PAGE.store(false, Ordering::Relaxed);
    assert!(built.unwrap().published.is_some());
    assert!(sala::build(&repo_root(), Some(&once)).unwrap().published.is_some());

    let mut pages = Vec::new();
    html_files(&each, &mut pages);
    assert!(pages.len() > 100, "{} pages", pages.len());
    let (mut bytes_each, mut bytes_once) = (0, 0);
    for page in &pages {
        let rel = page.strip_prefix(&each).unwrap();
        let a = std::fs::read(page).unwrap();
        let b = std::fs::read(once.join(rel)).unwrap_or_else(|e| panic!("{}: {e}", rel.display()));
        bytes_each += a.len();
        bytes_once += b.len();
        // Minifying again writes both the same way: the pages differ only in spelling.
        assert_eq!(minify(&b), minify(&a), "{}", rel.display());
    }
    if std::env::var_os("SALA_KEEP_MINIFY_TEST").is_some() {
        eprintln!("kept {}", dir.keep().display());
        return;
    }
    // Pages from minified templates are at most 1% larger than pages minified one by one.
    assert!(bytes_once * 100 <= bytes_each * 101, "{bytes_once} bytes against {bytes_each}");
}
