//! Lists that grow with the portal are cut into pages of a fixed size, so that no page's size
//! (nor the time to render it) grows with the number of datasets, agencies or tags: the dataset
//! list, each facet value's datasets, each facet group's values.

use super::page::t;
use crate::lang::Lang;
use crate::model::Site;
use crate::model::format;
use crate::urls::Urls;
use serde_json::{Value, json};

/// How many datasets a list page shows.
pub const DATASETS_PER_PAGE: usize = 50;

/// How many values of a facet group a list of values shows per page.
pub const VALUES_PER_PAGE: usize = 200;

/// How many values of each group the facet navigation beside a list shows (most datasets first).
pub const NAV_VALUES: usize = 20;

/// How many values of each group the search page offers as filters (most datasets first).
pub const FILTER_VALUES: usize = 50;

/// How many agencies a page of the list of agencies shows (with their ministries' names).
pub const AGENCIES_PER_PAGE: usize = 200;

/// How many ministries the home page lists (those publishing most), before linking to every agency.
pub const HOME_MINISTRIES: usize = 20;

/// How many datasets an agency's page lists before linking to the full list.
pub const AGENCY_DATASETS: usize = 20;

/// How many pages `total` items take at `per_page` a page (at least one, empty lists included).
pub fn page_count(total: usize, per_page: usize) -> usize {
    total.div_ceil(per_page.max(1)).max(1)
}

/// The items of page `n` (from 1).
pub fn page_of<T>(items: &[T], n: usize, per_page: usize) -> &[T] {
    let start = (n.saturating_sub(1) * per_page).min(items.len());
    &items[start..(start + per_page).min(items.len())]
}

/// The navigation between the pages of a list whose first page is at `first`: previous, next,
/// the first and last pages and two on each side of the current one (a gap marks the rest), so
/// the navigation itself stays small however many pages there are.
pub fn pager(site: &Site, lang: Lang, first: &str, n: usize, pages: usize) -> Value {
    let urls = &site.urls;
    let link = |k: usize| urls.link(&Urls::paged(first, k));
    let mut shown: Vec<Value> = Vec::new();
    let mut last = 0;
    for k in 1..=pages {
        if k == 1 || k == pages || k.abs_diff(n) <= 2 {
            if k > last + 1 {
                shown.push(json!({"gap": true}));
            }
            shown.push(json!({"n": format::integer(k as i64), "url": link(k), "current": k == n}));
            last = k;
        }
    }
    json!({
        "pages": if pages > 1 { shown } else { Vec::new() },
        "prev": if n > 1 { link(n - 1) } else { String::new() },
        "next": if n < pages { link(n + 1) } else { String::new() },
        "label": t(site, lang, "pages"),
    })
}

/// A list page's title: the list's own, then "page n of m" after the first page.
pub fn title(site: &Site, lang: Lang, base: &str, n: usize, pages: usize) -> String {
    if n <= 1 {
        return base.to_string();
    }
    let of = t(site, lang, "page_of").replace("{n}", &format::integer(n as i64)).replace("{total}", &format::integer(pages as i64));
    format!("{base} ({of})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_hold_every_item_once_in_order() {
        let items: Vec<usize> = (0..101).collect();
        assert_eq!(page_count(items.len(), 50), 3);
        assert_eq!(page_count(0, 50), 1);
        assert_eq!(page_count(100, 50), 2);
        let joined: Vec<usize> = (1..=3).flat_map(|n| page_of(&items, n, 50).to_vec()).collect();
        assert_eq!(joined, items);
        assert_eq!(page_of(&items, 3, 50), &[100]);
        assert!(page_of(&items, 4, 50).is_empty());
    }
}
