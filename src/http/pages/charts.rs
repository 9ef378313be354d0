//! Server-side SVG charts for the learning agenda: a demand-versus-supply bar chart and a
//! theme × target-group heat map. Every text is XML-escaped; no inline styles or scripts.

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
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" class=\"ww-chart\">\
<title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        xml_escape(title),
        xml_escape(desc)
    );
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
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" class=\"ww-chart\">\
<title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        xml_escape(title),
        xml_escape(desc)
    );
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
}
