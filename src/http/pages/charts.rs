//! Server-side SVG charts for the learning agenda: a demand-versus-supply bar chart, a
//! theme × target-group heat map and the course of a shortfall over the peilingen. Every text is
//! XML-escaped; no inline styles or scripts.

use crate::http::feeds::xml_escape;

/// One bar pair.
pub struct BarRow {
    /// Label (theme).
    pub label: String,
    /// Demand.
    pub vraag: usize,
    /// Supply.
    pub aanbod: usize,
}

const DEMAND: &str = "#b3470d";
const SUPPLY: &str = "#0b5563";

/// The opening of a chart `id` of `width` by `height` (CSS `class`), named by its title and description for
/// assistive technology (both escaped).
fn svg_open(id: &str, title: &str, desc: &str, width: f64, height: f64, class: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" class=\"{class}\">\
<title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        xml_escape(title),
        xml_escape(desc)
    )
}

/// A horizontal grouped bar chart of demand and supply per row, with a title and description
/// for assistive technology (the page also shows the data as a table).
pub fn bars(id: &str, title: &str, desc: &str, rows: &[BarRow]) -> String {
    let label_w = 300.0;
    let chart_w = 420.0;
    let row_h = 34.0;
    let top = 40.0;
    let max = rows
        .iter()
        .map(|r| r.vraag.max(r.aanbod))
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let height = top + row_h * rows.len() as f64 + 10.0;
    let width = label_w + chart_w + 50.0;
    let mut s = svg_open(id, title, desc, width, height, "ww-chart");
    s.push_str(&format!(
        "<rect x=\"{label_w}\" y=\"8\" width=\"14\" height=\"14\" fill=\"{DEMAND}\"/><text x=\"{}\" y=\"20\" font-size=\"14\" fill=\"#1a1a1a\">Leervragen</text>\
<rect x=\"{}\" y=\"8\" width=\"14\" height=\"14\" fill=\"{SUPPLY}\"/><text x=\"{}\" y=\"20\" font-size=\"14\" fill=\"#1a1a1a\">Leeraanbod</text>",
        label_w + 20.0,
        label_w + 130.0,
        label_w + 150.0
    ));
    for (i, r) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let w_d = chart_w * r.vraag as f64 / max;
        let w_s = chart_w * r.aanbod as f64 / max;
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"13\" text-anchor=\"end\" fill=\"#1a1a1a\">{}</text>\
<rect x=\"{label_w}\" y=\"{}\" width=\"{w_d:.1}\" height=\"12\" fill=\"{DEMAND}\"/><text x=\"{:.1}\" y=\"{}\" font-size=\"12\" fill=\"#1a1a1a\">{}</text>\
<rect x=\"{label_w}\" y=\"{}\" width=\"{w_s:.1}\" height=\"12\" fill=\"{SUPPLY}\"/><text x=\"{:.1}\" y=\"{}\" font-size=\"12\" fill=\"#1a1a1a\">{}</text>",
            label_w - 8.0,
            y + 18.0,
            xml_escape(&r.label),
            y + 3.0,
            label_w + w_d + 4.0,
            y + 13.0,
            r.vraag,
            y + 16.0,
            label_w + w_s + 4.0,
            y + 26.0,
            r.aanbod
        ));
    }
    s.push_str("</svg>");
    s
}

/// A heat map: rows × columns of `(value, text)`; darker is a bigger gap. Cell text switches to
/// white on dark cells for contrast.
pub fn heatmap(
    id: &str,
    title: &str,
    desc: &str,
    columns: &[String],
    rows: &[(String, Vec<(f64, String)>)],
) -> String {
    let label_w = 300.0;
    let cell_w = 150.0;
    let cell_h = 32.0;
    let top = 36.0;
    let width = label_w + cell_w * columns.len() as f64 + 10.0;
    let height = top + cell_h * rows.len() as f64 + 10.0;
    let max = rows
        .iter()
        .flat_map(|(_, c)| c.iter().map(|x| x.0))
        .fold(0.0f64, f64::max)
        .max(f64::EPSILON);
    let mut s = svg_open(id, title, desc, width, height, "ww-chart");
    for (j, c) in columns.iter().enumerate() {
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"24\" font-size=\"13\" text-anchor=\"middle\" fill=\"#1a1a1a\">{}</text>",
            label_w + cell_w * j as f64 + cell_w / 2.0,
            xml_escape(c)
        ));
    }
    for (i, (label, cells)) in rows.iter().enumerate() {
        let y = top + cell_h * i as f64;
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"13\" text-anchor=\"end\" fill=\"#1a1a1a\">{}</text>",
            label_w - 8.0,
            y + 21.0,
            xml_escape(label)
        ));
        for (j, (value, text)) in cells.iter().enumerate() {
            let t = (value / max).clamp(0.0, 1.0);
            // From a pale sand (#f6efe6) to a deep copper (#7a2e05).
            let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
            let fill = format!(
                "#{:02x}{:02x}{:02x}",
                mix(246.0, 122.0),
                mix(239.0, 46.0),
                mix(230.0, 5.0)
            );
            let ink = if t > 0.45 { "#ffffff" } else { "#1a1a1a" };
            let x = label_w + cell_w * j as f64;
            s.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"#ffffff\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" text-anchor=\"middle\" fill=\"{ink}\">{}</text>",
                cell_w - 2.0,
                cell_h - 2.0,
                x + cell_w / 2.0,
                y + 20.0,
                xml_escape(text)
            ));
        }
    }
    s.push_str("</svg>");
    s
}

/// A line chart of a shortfall over a series of peilingen (`(date label, shortfall)`, oldest
/// first, evenly spaced), with a dashed line at `limit` (from there it is a gap). One point is a
/// dot; none gives an empty frame.
pub fn course(id: &str, title: &str, desc: &str, points: &[(String, f64)], limit: f64) -> String {
    let (left, right, top, bottom) = (56.0, 24.0, 20.0, 44.0);
    let (plot_w, plot_h) = (560.0, 170.0);
    let width = left + plot_w + right;
    let height = top + plot_h + bottom;
    let hi = points
        .iter()
        .map(|p| p.1)
        .fold(limit, f64::max)
        .ceil()
        .max(1.0);
    let lo = points.iter().map(|p| p.1).fold(0.0, f64::min).floor();
    let span = (hi - lo).max(1.0);
    let y = |v: f64| top + plot_h * (hi - v) / span;
    let x = |i: usize| {
        if points.len() <= 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (points.len() - 1) as f64
        }
    };
    let mut s = svg_open(id, title, desc, width, height, "ww-chart");
    s.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{:.1}\" stroke=\"#4a4a4a\"/>\
<line x1=\"{left}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#4a4a4a\"/>",
        top + plot_h,
        y(0.0),
        left + plot_w,
        y(0.0)
    ));
    let mut ticks = vec![lo, 0.0, hi];
    ticks.dedup();
    for v in ticks {
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\" fill=\"#1a1a1a\">{}</text>",
            left - 6.0,
            y(v) + 4.0,
            super::view::decimal(v, 0)
        ));
    }
    s.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{ly:.1}\" x2=\"{:.1}\" y2=\"{ly:.1}\" stroke=\"{DEMAND}\" stroke-dasharray=\"6 4\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\" fill=\"{DEMAND}\">grens lacune</text>",
        left + plot_w,
        left + plot_w,
        y(limit) - 5.0,
        ly = y(limit)
    ));
    if points.len() > 1 {
        let line: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.1)))
            .collect();
        s.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{SUPPLY}\" stroke-width=\"3\"/>",
            line.join(" ")
        ));
    }
    for (i, (label, v)) in points.iter().enumerate() {
        s.push_str(&format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"5\" fill=\"{SUPPLY}\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#1a1a1a\">{}</text>\
<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#1a1a1a\">{}</text>",
            x(i),
            y(*v),
            x(i),
            y(*v) - 10.0,
            super::view::decimal(*v, 1),
            x(i),
            top + plot_h + 28.0,
            xml_escape(label)
        ));
    }
    s.push_str("</svg>");
    s
}

/// One column of a column chart, in the chart's own units.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Left edge.
    pub x: f64,
    /// Top edge (the baseline is at the plot's bottom).
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height, proportional to the value (0 for 0).
    pub height: f64,
    /// Whether its period label is drawn (when labels would overlap, every n-th and the last).
    pub labelled: bool,
}

/// The columns of `values` in a plot of `plot_w` × `plot_h` starting at `(left, top)`: equal
/// slots with a gap of a quarter slot, heights proportional to the largest value, and labels of
/// width `label_w` on every n-th column so that they do not overlap (always the last one).
pub fn column_layout(
    values: &[usize],
    (left, top): (f64, f64),
    (plot_w, plot_h): (f64, f64),
    label_w: f64,
) -> Vec<Column> {
    let n = values.len();
    if n == 0 {
        return Vec::new();
    }
    let slot = plot_w / n as f64;
    let max = values.iter().copied().max().unwrap_or(0).max(1) as f64;
    let every = (label_w / slot).ceil().max(1.0) as usize;
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let height = plot_h * v as f64 / max;
            let from_last = n - 1 - i;
            Column {
                x: left + slot * i as f64 + slot / 8.0,
                y: top + plot_h - height,
                width: slot * 3.0 / 4.0,
                height,
                labelled: from_last.is_multiple_of(every),
            }
        })
        .collect()
}

/// A small column chart of a count per period (`(label, count)`, oldest first), with its value
/// above each column; it scales with the screen (no fixed width). The page shows the same
/// figures in a table.
pub fn columns(id: &str, title: &str, desc: &str, rows: &[(String, usize)]) -> String {
    let (left, top, plot_w, plot_h, bottom) = (8.0, 26.0, 464.0, 150.0, 30.0);
    let width = left * 2.0 + plot_w;
    let height = top + plot_h + bottom;
    let values: Vec<usize> = rows.iter().map(|r| r.1).collect();
    let layout = column_layout(&values, (left, top), (plot_w, plot_h), 72.0);
    let mut s = svg_open(id, title, desc, width, height, "ww-chart ww-chart--small");
    s.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\" stroke=\"#4a4a4a\"/>",
        left + plot_w,
        base = top + plot_h
    ));
    for ((label, value), c) in rows.iter().zip(&layout) {
        let middle = c.x + c.width / 2.0;
        s.push_str(&format!(
            "<rect class=\"ww-bar\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{DEMAND}\"/>\
<text x=\"{middle:.1}\" y=\"{:.1}\" font-size=\"15\" text-anchor=\"middle\" fill=\"#1a1a1a\">{value}</text>",
            c.x,
            c.y,
            c.width,
            c.height,
            c.y - 6.0
        ));
        if c.labelled {
            s.push_str(&format!(
                "<text x=\"{middle:.1}\" y=\"{:.1}\" font-size=\"15\" text-anchor=\"middle\" fill=\"#1a1a1a\">{}</text>",
                top + plot_h + 21.0,
                xml_escape(label)
            ));
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_escape_text_and_are_xml() {
        let svg = bars(
            "b",
            "T<",
            "D&",
            &[BarRow {
                label: "<script>".into(),
                vraag: 3,
                aanbod: 1,
            }],
        );
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        let h = heatmap(
            "h",
            "T",
            "D",
            &["a\"".into()],
            &[("r".into(), vec![(1.0, "x".into())])],
        );
        assert!(h.contains("a&quot;"));
    }

    #[test]
    fn a_course_has_a_point_per_peiling_and_the_gap_limit() {
        let svg = course(
            "c",
            "T",
            "D",
            &[("6-12-2026".into(), 4.5), ("<b>".into(), -1.0)],
            2.0,
        );
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains("<polyline"));
        assert!(svg.contains("grens lacune"));
        assert!(svg.contains("&lt;b&gt;"));
        assert!(!svg.contains("style="));
        let one = course("d", "T", "D", &[("6-12-2026".into(), 1.0)], 2.0);
        assert_eq!(one.matches("<circle").count(), 1);
        assert!(!one.contains("<polyline"));
    }

    #[test]
    fn columns_share_the_plot_and_scale_to_the_largest() {
        let c = column_layout(&[2, 4, 0], (10.0, 20.0), (300.0, 100.0), 50.0);
        assert_eq!(c.len(), 3);
        // Slots of 100 with a column of 75 in the middle of each.
        assert_eq!((c[0].x, c[0].width), (22.5, 75.0));
        assert_eq!(c[1].x, 122.5);
        // The largest fills the plot; half of it half; zero stands on the baseline.
        assert_eq!((c[1].y, c[1].height), (20.0, 100.0));
        assert_eq!((c[0].y, c[0].height), (70.0, 50.0));
        assert_eq!((c[2].y, c[2].height), (120.0, 0.0));
        assert!(c.iter().all(|x| x.labelled), "wide slots: every label");
        assert!(column_layout(&[], (0.0, 0.0), (100.0, 100.0), 10.0).is_empty());
        let zeros = column_layout(&[0, 0], (0.0, 0.0), (100.0, 100.0), 10.0);
        assert!(zeros.iter().all(|x| x.height == 0.0 && x.y == 100.0));
    }

    #[test]
    fn column_labels_thin_out_when_they_would_overlap() {
        // 12 slots of 40 and labels of 70: every second, counted back from the last.
        let c = column_layout(&[1; 12], (0.0, 0.0), (480.0, 100.0), 70.0);
        let shown: Vec<usize> = (0..12).filter(|&i| c[i].labelled).collect();
        assert_eq!(shown, vec![1, 3, 5, 7, 9, 11]);
    }

    #[test]
    fn a_column_chart_is_accessible_and_escaped() {
        let svg = columns(
            "k",
            "Leervragen <per> kwartaal",
            "D",
            &[("K1 2026".into(), 3), ("K2 & 3".into(), 5)],
        );
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id=\"k-t\">Leervragen &lt;per&gt; kwartaal</title>"));
        assert!(svg.contains("<desc id=\"k-d\">D</desc>"));
        assert_eq!(svg.matches("class=\"ww-bar\"").count(), 2);
        assert!(svg.contains("K2 &amp; 3"));
        assert!(svg.contains("viewBox=\"0 0 480 206\""));
        assert!(!svg.contains("width=\"480") && !svg.contains("style="));
    }
}
