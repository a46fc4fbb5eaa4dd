//! Charts drawn at build time as inline SVG: horizontal grouped bars, which keep long Thai
//! labels readable on a 360 px phone (each label has its own line above its bars). No
//! JavaScript; the SVG is `role="img"` with a `<title>` and a `<desc>` that states every value,
//! and the page puts the same numbers in a table beneath it.

/// What a bar stands for. Each meaning has one colour on every chart of the site (the theme's
/// `.t-*` classes), so that blue is always appropriations and grey always the year before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Budget authorities (appropriations).
    Authorities,
    /// Expenditures (spending), also the latest year of a breakdown of spending.
    Expenditures,
    /// The same figure for an earlier year, drawn beside the latest.
    Earlier,
    /// A completion rate (e-service maturity).
    Completion,
    /// A series with no fixed meaning: the theme's `.s0` … `.s5` in turn.
    Series(usize),
}

impl Tone {
    /// The CSS class of the bar (and of its legend key).
    fn class(self) -> String {
        match self {
            Tone::Authorities => "t-authorities".into(),
            Tone::Expenditures => "t-expenditures".into(),
            Tone::Earlier => "t-earlier".into(),
            Tone::Completion => "t-completion".into(),
            Tone::Series(i) => format!("s{}", i % COLOURS),
        }
    }
}

/// One group of bars (e.g. a fiscal year) with one value per series.
#[derive(Debug, Clone)]
pub struct Group {
    /// The group's label.
    pub label: String,
    /// Per series: the value (drawn) and its text (shown and read out), None where missing.
    pub values: Vec<Option<(f64, String)>>,
}

/// A horizontal bar chart.
#[derive(Debug, Clone)]
pub struct BarChart {
    /// Unique on its page: prefixes the ids of the title and description.
    pub id: String,
    /// The title, with the unit.
    pub title: String,
    /// The series' names (one bar colour each).
    pub series: Vec<String>,
    /// What each series stands for, which picks its colour; a series without one takes the
    /// theme's colours in turn.
    pub tones: Vec<Tone>,
    /// The groups, in the order drawn.
    pub groups: Vec<Group>,
}

// The drawing is in CSS pixels and is not scaled to its box (no viewBox): its text is the
// theme's chart text size (15 px) on a phone and on a desktop alike, and only the bars'
// lengths, given in percent of the box, follow its width.
/// The narrowest box a chart is drawn for (a 320 px phone less the page's margins): labels
/// are shortened and room is kept for the values so that everything fits there.
const MIN_WIDTH: f64 = 288.0;
/// The width of a digit or Latin letter at 15 px, and of a Thai letter (marks above and
/// below take none); generous, so that text measured with them fits.
const LATIN_PX: f64 = 8.6;
const THAI_PX: f64 = 9.2;
const BAR: f64 = 18.0;
const BAR_GAP: f64 = 4.0;
const LABEL_LINE: f64 = 24.0;
const GROUP_GAP: f64 = 10.0;
/// How many series colours the theme defines (`.s0` … `.s5`); more series reuse them in turn.
const COLOURS: usize = 6;

/// Escapes text for SVG content and attributes (SVG is XML).
fn esc(text: &str) -> String {
    super::encode::xml(text)
}

/// Thai vowel and tone marks written above or below a consonant take no width of their own.
fn is_thai_mark(c: char) -> bool {
    matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}')
}

/// How wide `text` is drawn, in pixels, at most (an estimate that errs on the wide side).
fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if is_thai_mark(c) { 0.0 } else if ('\u{0E00}'..='\u{0E7F}').contains(&c) { THAI_PX } else { LATIN_PX })
        .sum()
}

/// A group label shortened with "…" to fit the narrowest box; the table has it whole.
fn shorten(label: &str) -> String {
    let room = MIN_WIDTH - 2.0 * LATIN_PX;
    if text_width(label) <= MIN_WIDTH {
        return label.to_string();
    }
    let mut out = String::new();
    for c in label.chars() {
        if text_width(&out) + text_width(&c.to_string()) > room {
            break;
        }
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

/// A number for an SVG attribute: at most one decimal, no trailing `.0`.
fn px(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r.fract() == 0.0 { format!("{}", r as i64) } else { format!("{r}") }
}

impl BarChart {
    /// The text alternative: every group with every series' value.
    pub fn description(&self) -> String {
        self.groups
            .iter()
            .map(|g| {
                let values: Vec<String> = self
                    .series
                    .iter()
                    .zip(&g.values)
                    .filter_map(|(s, v)| v.as_ref().map(|(_, text)| if self.series.len() > 1 { format!("{s} {text}") } else { text.clone() }))
                    .collect();
                format!("{}: {}", g.label, values.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn tone(&self, series: usize) -> Tone {
        self.tones.get(series).copied().unwrap_or(Tone::Series(series))
    }

    /// The chart as an `<svg>` element.
    pub fn svg(&self) -> String {
        let values = || self.groups.iter().flat_map(|g| g.values.iter().flatten());
        let max = values().map(|(v, _)| *v).fold(0.0_f64, f64::max);
        // The longest value is written after the longest bar: the bars take what it leaves.
        let longest = values().map(|(_, text)| text_width(text)).fold(0.0_f64, f64::max);
        let room = ((longest + 10.0) / MIN_WIDTH).clamp(0.12, 0.5);
        let span = (1.0 - room) * 100.0;
        let scale = if max > 0.0 { span / max } else { 0.0 };
        let mut body = String::new();
        let mut y = 0.0;
        if self.series.len() > 1 {
            let mut x = 0.0;
            for (i, s) in self.series.iter().enumerate() {
                let width = 20.0 + text_width(s);
                if x > 0.0 && x + width > MIN_WIDTH {
                    x = 0.0;
                    y += LABEL_LINE;
                }
                body.push_str(&format!(
                    r#"<rect class="{}" x="{}" y="{}" width="12" height="12"/><text x="{}" y="{}">{}</text>"#,
                    self.tone(i).class(),
                    px(x),
                    px(y + 5.0),
                    px(x + 17.0),
                    px(y + 16.0),
                    esc(s)
                ));
                x += width + 14.0;
            }
            y += LABEL_LINE + 6.0;
        }
        for g in &self.groups {
            body.push_str(&format!(r#"<text class="label" x="0" y="{}">{}</text>"#, px(y + 16.0), esc(&shorten(&g.label))));
            y += LABEL_LINE;
            for (i, v) in g.values.iter().enumerate() {
                let Some((value, text)) = v else { continue };
                let w = px(value.max(0.0) * scale);
                let series = self.series.get(i).map(String::as_str).unwrap_or("");
                body.push_str(&format!(
                    r#"<rect class="{}" x="0" y="{}" width="{w}%" height="{BAR}"><title>{}</title></rect><text class="value" x="{w}%" dx="5" y="{}">{}</text>"#,
                    self.tone(i).class(),
                    px(y),
                    esc(&format!("{} · {series}: {text}", g.label)),
                    px(y + BAR - 4.0),
                    esc(text)
                ));
                y += BAR + BAR_GAP;
            }
            y += GROUP_GAP;
        }
        let height = y.max(1.0);
        format!(
            r#"<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="100%" height="{}" role="img" aria-labelledby="{id}-title {id}-desc"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>{body}</svg>"#,
            px(height),
            esc(&self.title),
            esc(&self.description()),
            id = esc(&self.id),
        )
    }
}

/// A small line chart of one series over time (a dashboard tile's trend): points joined by a
/// line, each with a dot, the last one labelled. Same text alternative as [`BarChart`].
#[derive(Debug, Clone)]
pub struct LineChart {
    /// Unique on its page: prefixes the ids of the title and description.
    pub id: String,
    /// The title, with the unit.
    pub title: String,
    /// Per point: its label (e.g. a fiscal year), value and text, oldest first.
    pub points: Vec<(String, f64, String)>,
    /// The value at the top of the drawing (e.g. 100 for percentages).
    pub max: f64,
}

const LINE_WIDTH: f64 = 200.0;
const LINE_HEIGHT: f64 = 56.0;

impl LineChart {
    /// The text alternative: every point with its value.
    pub fn description(&self) -> String {
        self.points.iter().map(|(l, _, t)| format!("{l}: {t}")).collect::<Vec<_>>().join("; ")
    }

    /// The chart as an `<svg>` element.
    pub fn svg(&self) -> String {
        let n = self.points.len();
        let max = if self.max > 0.0 { self.max } else { 1.0 };
        // The right 70 px hold the last value's label, drawn at the page's text size.
        let x = |i: usize| if n > 1 { 6.0 + (LINE_WIDTH - 70.0) * i as f64 / (n - 1) as f64 } else { 6.0 };
        let y = |v: f64| (((LINE_HEIGHT - 6.0) - v.clamp(0.0, max) / max * (LINE_HEIGHT - 12.0)) * 10.0).round() / 10.0;
        let line: Vec<String> = self.points.iter().enumerate().map(|(i, (_, v, _))| format!("{},{}", x(i), y(*v))).collect();
        let mut body = format!(r#"<line class="axis" x1="0" y1="{b}" x2="{w}" y2="{b}"/>"#, b = LINE_HEIGHT - 6.0, w = LINE_WIDTH - 64.0);
        if n > 1 {
            body.push_str(&format!(r#"<polyline class="trend" points="{}"/>"#, line.join(" ")));
        }
        for (i, (label, v, text)) in self.points.iter().enumerate() {
            body.push_str(&format!(r#"<circle class="dot" cx="{}" cy="{}" r="3"><title>{}</title></circle>"#, x(i), y(*v), esc(&format!("{label}: {text}"))));
        }
        if let Some((_, v, text)) = self.points.last() {
            body.push_str(&format!(r#"<text class="value" x="{}" y="{}">{}</text>"#, x(n - 1) + 6.0, y(*v) + 4.0, esc(text)));
        }
        format!(
            r#"<svg class="chart spark" xmlns="http://www.w3.org/2000/svg" width="{LINE_WIDTH}" height="{LINE_HEIGHT}" role="img" aria-labelledby="{id}-title {id}-desc"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>{body}</svg>"#,
            esc(&self.title),
            esc(&self.description()),
            id = esc(&self.id),
        )
    }
}

/// Small multiples: one chart per item (e.g. per ministry), each drawn to its own scale, under
/// its own small heading, side by side where the page is wide enough.
pub fn multiples(charts: &[(String, BarChart)]) -> String {
    let mut out = String::from(r#"<div class="multiples">"#);
    for (heading, chart) in charts {
        out.push_str(&format!("<div><h4>{}</h4>{}</div>", esc(heading), chart.svg()));
    }
    out.push_str("</div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> BarChart {
        BarChart {
            id: "years".into(),
            title: "Authorities & expenditures (THB million)".into(),
            series: vec!["Authorities".into(), "Expenditures".into()],
            tones: vec![Tone::Authorities, Tone::Expenditures],
            groups: vec![
                Group { label: "FY2024 (B.E. 2567)".into(), values: vec![Some((200.0, "200.00".into())), Some((150.0, "150.00".into()))] },
                Group { label: "FY2025 (B.E. 2568)".into(), values: vec![Some((100.0, "100.00".into())), None] },
            ],
        }
    }

    #[test]
    fn the_text_alternative_states_every_value() {
        assert_eq!(chart().description(), "FY2024 (B.E. 2567): Authorities 200.00, Expenditures 150.00; FY2025 (B.E. 2568): Authorities 100.00");
        let svg = chart().svg();
        assert!(svg.contains(r#"role="img" aria-labelledby="years-title years-desc""#), "{svg}");
        assert!(svg.contains("<title id=\"years-title\">Authorities &amp; expenditures (THB million)</title>"), "{svg}");
    }

    #[test]
    fn the_largest_value_spans_the_bar_area_and_others_scale() {
        let svg = chart().svg();
        // "200.00" is 6 × 8.6 = 51.6 px, + 10 px: 21.4 % of 288 px is kept for the values.
        assert!(svg.contains(r#"width="78.6%""#), "largest bar: {svg}");
        assert!(svg.contains(r#"width="59%""#), "150 of 200: {svg}");
        assert!(svg.contains(r#"width="39.3%""#), "100 of 200: {svg}");
        assert!(svg.contains(r#"<text class="value" x="78.6%" dx="5""#), "the value follows its bar: {svg}");
    }

    #[test]
    fn the_drawing_is_in_pixels_so_its_text_does_not_scale_with_the_box() {
        let svg = chart().svg();
        assert!(svg.contains(r#"width="100%" height="#) && !svg.contains("viewBox"), "{svg}");
    }

    #[test]
    fn each_meaning_has_its_colour_and_other_series_take_the_theme_colours_in_turn() {
        let svg = chart().svg();
        assert_eq!(svg.matches(r#"class="t-authorities""#).count(), 3, "legend and two bars: {svg}");
        assert_eq!(svg.matches(r#"class="t-expenditures""#).count(), 2, "legend and one bar: {svg}");
        let mut c = chart();
        c.tones.clear();
        let svg = c.svg();
        assert!(svg.contains(r#"class="s0""#) && svg.contains(r#"class="s1""#), "{svg}");
    }

    #[test]
    fn small_multiples_draw_each_chart_to_its_own_scale() {
        let mut small = chart();
        small.id = "small".into();
        for g in &mut small.groups {
            for v in g.values.iter_mut().flatten() {
                v.0 /= 100.0;
            }
        }
        let html = multiples(&[("Big".into(), chart()), ("Small".into(), small)]);
        assert_eq!(html.matches(r#"width="78.6%""#).count(), 2, "both largest bars span their chart: {html}");
        assert!(html.starts_with(r#"<div class="multiples"><div><h4>Big</h4><svg"#), "{html}");
    }

    #[test]
    fn a_trend_line_states_every_point_and_scales_to_its_maximum() {
        let c = LineChart {
            id: "t".into(),
            title: "Index (%)".into(),
            points: vec![("2566".into(), 0.0, "0.00%".into()), ("2568".into(), 100.0, "100.00%".into())],
            max: 100.0,
        };
        assert_eq!(c.description(), "2566: 0.00%; 2568: 100.00%");
        let svg = c.svg();
        assert!(svg.contains(r#"points="6,50 136,6""#), "{svg}");
        assert!(svg.contains(r#"width="200" height="56""#) && !svg.contains("viewBox"), "drawn in pixels: {svg}");
        assert!(svg.contains(">100.00%</text>"), "{svg}");
    }

    #[test]
    fn long_labels_are_shortened_in_the_drawing_only() {
        let mut c = chart();
        let label = "แผนงานพื้นฐานด้านการปรับสมดุลและพัฒนาระบบการบริหารจัดการภาครัฐ";
        c.groups[0].label = label.into();
        let svg = c.svg();
        let shown = shorten(label);
        assert!(shown.ends_with('…') && text_width(&shown) <= MIN_WIDTH, "{shown}");
        assert!(label.starts_with(shown.trim_end_matches('…')), "{shown}");
        assert!(svg.contains(&format!(">{shown}</text>")), "{svg}");
        assert!(!svg.contains(&format!(">{label}</text>")), "{svg}");
        assert!(c.description().starts_with("แผนงานพื้นฐานด้านการปรับสมดุลและพัฒนาระบบการบริหารจัดการภาครัฐ:"));
        // A label that fits is drawn whole.
        assert_eq!(shorten("FY2024 (B.E. 2567)"), "FY2024 (B.E. 2567)");
    }
}
