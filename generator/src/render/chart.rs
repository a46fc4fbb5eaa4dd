//! Charts drawn at build time as inline SVG: horizontal grouped bars, which keep long Thai
//! labels readable on a 360 px phone (each label has its own line above its bars). No
//! JavaScript; the SVG is `role="img"` with a `<title>` and a `<desc>` that states every value,
//! and the page puts the same numbers in a table beneath it.

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
    /// The groups, in the order drawn.
    pub groups: Vec<Group>,
}

const WIDTH: f64 = 360.0;
const VALUE_SPACE: f64 = 84.0;
const BAR: f64 = 14.0;
const BAR_GAP: f64 = 3.0;
const LABEL_LINE: f64 = 18.0;
const GROUP_GAP: f64 = 9.0;
/// How many series colours the theme defines (`.s0` … `.s5`); more series reuse them in turn.
const COLOURS: usize = 6;
/// Characters of a group label that fit on one line at 13 px in 360 units; the table has the rest.
const LABEL_CHARS: usize = 46;

/// Escapes text for SVG content and attributes (SVG is XML).
fn esc(text: &str) -> String {
    super::catalog::xml(text)
}

fn shorten(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        label.to_string()
    } else {
        format!("{}…", label.chars().take(LABEL_CHARS - 1).collect::<String>().trim_end())
    }
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

    /// The chart as an `<svg>` element.
    pub fn svg(&self) -> String {
        let max = self.groups.iter().flat_map(|g| g.values.iter().flatten()).map(|(v, _)| *v).fold(0.0_f64, f64::max);
        let scale = if max > 0.0 { (WIDTH - VALUE_SPACE) / max } else { 0.0 };
        let mut body = String::new();
        let mut y = 0.0;
        if self.series.len() > 1 {
            let mut x = 0.0;
            for (i, s) in self.series.iter().enumerate() {
                let width = 18.0 + 7.5 * s.chars().count() as f64;
                if x > 0.0 && x + width > WIDTH {
                    x = 0.0;
                    y += LABEL_LINE;
                }
                body.push_str(&format!(
                    r#"<rect class="s{}" x="{x}" y="{}" width="10" height="10"/><text x="{}" y="{}">{}</text>"#,
                    i % COLOURS,
                    y + 3.0,
                    x + 14.0,
                    y + 12.0,
                    esc(s)
                ));
                x += width + 10.0;
            }
            y += LABEL_LINE + 6.0;
        }
        for g in &self.groups {
            body.push_str(&format!(r#"<text class="label" x="0" y="{}">{}</text>"#, y + 12.0, esc(&shorten(&g.label))));
            y += LABEL_LINE;
            for (i, v) in g.values.iter().enumerate() {
                let Some((value, text)) = v else { continue };
                let w = (value.max(0.0) * scale * 10.0).round() / 10.0;
                let series = self.series.get(i).map(String::as_str).unwrap_or("");
                body.push_str(&format!(
                    r#"<rect class="s{}" x="0" y="{y}" width="{w}" height="{BAR}"><title>{}</title></rect><text class="value" x="{}" y="{}">{}</text>"#,
                    i % COLOURS,
                    esc(&format!("{} · {series}: {text}", g.label)),
                    w + 4.0,
                    y + BAR - 2.0,
                    esc(text)
                ));
                y += BAR + BAR_GAP;
            }
            y += GROUP_GAP;
        }
        let height = y.max(1.0);
        format!(
            r#"<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{id}-title {id}-desc"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>{body}</svg>"#,
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
        let x = |i: usize| if n > 1 { 6.0 + (LINE_WIDTH - 60.0) * i as f64 / (n - 1) as f64 } else { 6.0 };
        let y = |v: f64| (((LINE_HEIGHT - 6.0) - v.clamp(0.0, max) / max * (LINE_HEIGHT - 12.0)) * 10.0).round() / 10.0;
        let line: Vec<String> = self.points.iter().enumerate().map(|(i, (_, v, _))| format!("{},{}", x(i), y(*v))).collect();
        let mut body = format!(r#"<line class="axis" x1="0" y1="{b}" x2="{w}" y2="{b}"/>"#, b = LINE_HEIGHT - 6.0, w = LINE_WIDTH - 54.0);
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
            r#"<svg class="chart spark" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {LINE_WIDTH} {LINE_HEIGHT}" role="img" aria-labelledby="{id}-title {id}-desc"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>{body}</svg>"#,
            esc(&self.title),
            esc(&self.description()),
            id = esc(&self.id),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> BarChart {
        BarChart {
            id: "years".into(),
            title: "Authorities & expenditures (THB million)".into(),
            series: vec!["Authorities".into(), "Expenditures".into()],
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
        assert!(svg.contains(r#"width="276""#), "largest bar: {svg}");
        assert!(svg.contains(r#"width="207""#), "150 of 200: {svg}");
        assert!(svg.contains(r#"width="138""#), "100 of 200: {svg}");
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
        assert!(svg.contains(r#"points="6,50 146,6""#), "{svg}");
        assert!(svg.contains(">100.00%</text>"), "{svg}");
    }

    #[test]
    fn long_labels_are_shortened_in_the_drawing_only() {
        let mut c = chart();
        let label = "แผนงานพื้นฐานด้านการปรับสมดุลและพัฒนาระบบการบริหารจัดการภาครัฐ";
        c.groups[0].label = label.into();
        let svg = c.svg();
        let shown: String = label.chars().take(LABEL_CHARS - 1).collect();
        assert!(svg.contains(&format!(">{shown}…</text>")), "{svg}");
        assert!(!svg.contains(&format!(">{label}</text>")), "{svg}");
        assert!(c.description().starts_with("แผนงานพื้นฐานด้านการปรับสมดุลและพัฒนาระบบการบริหารจัดการภาครัฐ:"));
    }
}
