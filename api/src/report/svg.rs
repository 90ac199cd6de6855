//! The client report's charts, drawn as SVG on the server: no script runs in the page, and a
//! printed or PDF copy shows exactly what the browser showed. Pure functions of their figures.

use std::fmt::Write;

use super::page::escape;

const WIDTH: f64 = 640.0;

/// One bar: its label, its value, and the value a full bar stands for.
pub struct Bar<'a> {
    pub label: &'a str,
    pub value: f64,
    pub max: f64,
}

/// Horizontal bars, one per row, each labelled and with its value written at its end.
pub fn bar_chart(title: &str, bars: &[Bar<'_>], value_text: impl Fn(f64) -> String) -> String {
    let (label_width, row, bar_height, top) = (190.0, 26.0, 16.0, 8.0);
    let height = top * 2.0 + row * bars.len() as f64;
    let span = WIDTH - label_width - 60.0;
    let mut svg = open(title, height, "bar-chart");
    for (i, bar) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let share = if bar.max > 0.0 { (bar.value / bar.max).clamp(0.0, 1.0) } else { 0.0 };
        let length = span * share;
        let _ = write!(
            svg,
            r##"<text x="{lx}" y="{ty}" text-anchor="end" class="label">{label}</text><rect x="{label_width}" y="{y}" width="{span}" height="{bar_height}" class="track"/><rect x="{label_width}" y="{y}" width="{length:.1}" height="{bar_height}" class="bar" data-value="{value}"/><text x="{vx:.1}" y="{ty}" class="value">{text}</text>"##,
            lx = label_width - 8.0,
            ty = y + bar_height - 3.0,
            label = escape(bar.label),
            value = bar.value,
            vx = label_width + length + 6.0,
            text = escape(&value_text(bar.value)),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// One point in time of a line chart: its label and each series' value there (absent: no data).
pub struct Point<'a> {
    pub label: &'a str,
    pub values: Vec<Option<f64>>,
}

/// A series of a line chart: its name, the value at the top of the chart, and its CSS class.
pub struct Series<'a> {
    pub name: &'a str,
    pub max: f64,
    pub class: &'a str,
}

/// Lines over time, one per series, each scaled to its own maximum; a gap where a series has no
/// data. The first series' scale is written on the left, the second's on the right, and the
/// legend names each.
pub fn line_chart(
    title: &str,
    series: &[Series<'_>],
    points: &[Point<'_>],
    scale: impl Fn(usize, f64) -> String,
) -> String {
    let (left, right, top, plot_height, legend) = (48.0, 48.0, 24.0, 180.0, 22.0);
    let height = top + plot_height + 28.0 + legend * series.len() as f64;
    let span = WIDTH - left - right;
    let x = |i: usize| {
        if points.len() < 2 { left + span / 2.0 } else { left + span * i as f64 / (points.len() - 1) as f64 }
    };
    let mut svg = open(title, height, "line-chart");
    for fraction in [0.0, 0.5, 1.0] {
        let y = top + plot_height * (1.0 - fraction);
        let _ = write!(svg, r#"<line x1="{left}" x2="{}" y1="{y}" y2="{y}" class="grid"/>"#, WIDTH - right);
        let sides = [(left - 6.0, "end"), (WIDTH - right + 6.0, "start")];
        for (n, (serie, (x, anchor))) in series.iter().zip(sides).enumerate() {
            let _ = write!(
                svg,
                r#"<text x="{x}" y="{:.1}" text-anchor="{anchor}" class="axis {}">{}</text>"#,
                y + 4.0,
                serie.class,
                escape(&scale(n, serie.max * fraction))
            );
        }
    }
    // Labels need about 56 px each: beyond that, every nth is written.
    let every = (points.len() as f64 * 56.0 / span).ceil().max(1.0) as usize;
    for (i, point) in points.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{}" text-anchor="middle" class="label">{}</text>"#,
            x(i),
            top + plot_height + 18.0,
            escape(point.label)
        );
    }
    for (s, serie) in series.iter().enumerate() {
        let mut path = String::new();
        let mut pen_down = false;
        for (i, point) in points.iter().enumerate() {
            let Some(value) = point.values.get(s).copied().flatten() else {
                pen_down = false;
                continue;
            };
            let share = if serie.max > 0.0 { (value / serie.max).clamp(0.0, 1.0) } else { 0.0 };
            let y = top + plot_height * (1.0 - share);
            let _ = write!(path, "{}{:.1},{:.1} ", if pen_down { "L" } else { "M" }, x(i), y);
            let _ = write!(
                svg,
                r#"<circle cx="{:.1}" cy="{y:.1}" r="3" class="{}" data-value="{value}"/>"#,
                x(i),
                serie.class
            );
            pen_down = true;
        }
        let _ = write!(svg, r#"<path d="{}" class="{} line"/>"#, path.trim_end(), serie.class);
        let y = top + plot_height + 34.0 + legend * s as f64;
        let _ = write!(
            svg,
            r#"<rect x="{left}" y="{}" width="14" height="4" class="{}"/><text x="{}" y="{y}" class="label">{}</text>"#,
            y - 5.0,
            serie.class,
            left + 20.0,
            escape(serie.name)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn open(title: &str, height: f64, class: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="{class}" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-label="{t}"><title>{t}</title>"#,
        t = escape(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_as_long_as_their_share_and_labels_are_escaped() {
        let bars = [Bar { label: "Proof <a>", value: 1.0, max: 2.0 }, Bar { label: "Owner", value: 3.0, max: 2.0 }];
        let svg = bar_chart("Points", &bars, |v| format!("{v:.1}"));
        assert!(svg.contains("Proof &lt;a&gt;") && !svg.contains("<a>"));
        assert!(svg.contains(r#"width="195.0" height="16" class="bar" data-value="1""#), "{svg}");
        assert!(svg.contains(r#"width="390.0" height="16" class="bar" data-value="3""#), "a full bar at most");
        assert_eq!(svg.matches("class=\"bar\"").count(), 2);
    }

    #[test]
    fn lines_break_where_a_series_has_no_data() {
        let series =
            [Series { name: "Score", max: 18.0, class: "score" }, Series { name: "Trust", max: 1.0, class: "trust" }];
        let points = [
            Point { label: "Jan", values: vec![Some(9.0), None] },
            Point { label: "Feb", values: vec![None, Some(0.5)] },
            Point { label: "Mar", values: vec![Some(18.0), Some(1.0)] },
        ];
        let svg = line_chart("Both", &series, &points, |_, v| format!("{v}"));
        assert!(svg.contains(r#"<path d="M48.0,114.0 M592.0,24.0" class="score line"/>"#), "{svg}");
        assert!(svg.contains(r#"<path d="M320.0,114.0 L592.0,24.0" class="trust line"/>"#), "{svg}");
        assert!(svg.contains(r#"text-anchor="end" class="axis score">18</text>"#), "{svg}");
        assert!(svg.contains(r#"text-anchor="start" class="axis trust">0.5</text>"#), "{svg}");
        assert_eq!(svg.matches("<circle").count(), 4);
    }
}
