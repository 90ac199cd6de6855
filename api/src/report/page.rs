//! The client report as one self-contained HTML page: styles inline, charts as SVG, no script,
//! nothing fetched, so that it prints (and becomes a PDF) exactly as it shows. Every figure sits
//! in an element with a `data-figure` name, so a reader (or a test) can find it.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::svg::{Bar, Point, Series, bar_chart, line_chart};
use super::{Month, Report};
use crate::domain::scorecard::{Band, Component, Play};
use crate::domain::trust::{Reading, Signal, Trend};

/// Text made safe for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub fn component_name(c: Component) -> &'static str {
    match c {
        Component::TargetAccountLogic => "Target account logic",
        Component::PartnerContext => "Partner context",
        Component::RelationshipPath => "Relationship path",
        Component::BuyerProblem => "Buyer problem",
        Component::PartnerOffer => "Partner offer",
        Component::NextAction => "Next action",
        Component::Owner => "Owner",
        Component::AcceptanceCriteria => "Acceptance criteria",
        Component::Proof => "Proof",
    }
}

fn band_name(b: Band) -> &'static str {
    match b {
        Band::SalesReady => "Sales-ready",
        Band::FixBeforeVolume => "Fix before volume",
        Band::NotAHandoffYet => "Not a handoff yet",
    }
}

fn play_text(p: Play) -> (&'static str, &'static str) {
    match p {
        Play::RebuildThePacket => ("Rebuild the packet, not the pitch", "A research gap in the first five components."),
        Play::ShrinkTheAsk => ("Shrink the ask", "One named move with one named owner."),
        Play::RenegotiateTheRule => {
            ("Renegotiate the rule", "Acceptance criteria or the working agreement are missing.")
        }
        Play::ScoreInTheOpen => ("Score in the open", "Review handoff scores inside the sales cadence."),
    }
}

fn signal_name(s: Signal) -> &'static str {
    match s {
        Signal::ResponseTime => "Response time",
        Signal::AcceptanceRate => "Acceptance rate",
        Signal::SellerInitiatedAsks => "Seller-initiated asks",
        Signal::PipelineLanguage => "Pipeline language",
        Signal::RepeatUsage => "Repeat usage",
        Signal::EscalationQuality => "Escalation quality",
    }
}

/// A signal's value as the page writes it (the API's number, in the signal's unit).
pub fn signal_value(s: Signal, value: Option<f64>) -> String {
    match (s, value) {
        (_, None) => "–".to_owned(),
        (Signal::ResponseTime, Some(hours)) => format!("{hours:.1} h"),
        (Signal::AcceptanceRate | Signal::RepeatUsage | Signal::EscalationQuality, Some(share)) => {
            format!("{:.0}%", share * 100.0)
        }
        (_, Some(count)) => format!("{count:.0}"),
    }
}

fn arrow(trend: Option<Trend>) -> (&'static str, &'static str) {
    match trend {
        Some(Trend::Up) => ("↑", "up"),
        Some(Trend::Down) => ("↓", "down"),
        Some(Trend::Flat) => ("→", "flat"),
        None => ("·", "none"),
    }
}

fn reading_name(r: Reading) -> (&'static str, &'static str) {
    match r {
        Reading::Building => ("building", "BUILDING"),
        Reading::Burning => ("burning", "BURNING"),
        Reading::Steady => ("steady", "STEADY"),
        Reading::NotEnoughData => ("not enough data", "NOT_ENOUGH_DATA"),
    }
}

fn day(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

const STYLE: &str = "
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; color: #1d2430; margin: 32px auto; max-width: 760px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #d8dde6; padding-bottom: 4px; }
.muted { color: #5b6575; font-size: 13px; } .big { font-size: 28px; font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-size: 13px; } td, th { text-align: left; padding: 5px 6px; border-bottom: 1px solid #eef0f4; }
th { color: #5b6575; font-weight: 600; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.band-SALES_READY { color: #137333; } .band-FIX_BEFORE_VOLUME { color: #b06000; } .band-NOT_A_HANDOFF_YET { color: #b3261e; }
.reading-building { color: #137333; } .reading-burning { color: #b3261e; } .reading-steady, .reading-none { color: #5b6575; }
svg { display: block; max-width: 100%; height: auto; font-size: 12px; }
svg .label, svg .value { fill: #1d2430; } svg text.axis { stroke: none; font-size: 11px; } svg .track { fill: #eef0f4; } svg .bar { fill: #3367d6; }
svg .grid { stroke: #d8dde6; } svg .line { fill: none; stroke-width: 2; }
svg .score { fill: #3367d6; stroke: #3367d6; } svg .trust { fill: #e37400; stroke: #e37400; }
svg rect.score, svg rect.trust, svg circle { stroke: none; } svg path.score, svg path.trust { fill: none; }
.verdict { padding: 8px 12px; border-radius: 6px; background: #f3f5f9; margin: 8px 0; }
@media print { body { margin: 0 auto; } h2 { break-after: avoid; } svg, table { break-inside: avoid; } }
";

/// The whole page.
pub fn render(report: &Report) -> String {
    let mut html = String::with_capacity(32 * 1024);
    let title = format!("{} — handoff scorecard", report.organization);
    let _ = write!(
        html,
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><title>{t}</title><style>{STYLE}</style></head><body>
<h1>{org}</h1><p class="muted">Sales handoff scorecard, {from} to {to} · generated {generated} UTC</p>"#,
        t = escape(&title),
        org = escape(&report.organization),
        from = day(report.window.start),
        to = day(report.window.end - chrono::Duration::seconds(1)),
        generated = report.generated_at.format("%Y-%m-%d %H:%M"),
    );
    scorecard(&mut html, report);
    trust(&mut html, report);
    both(&mut html, &report.months, report);
    html.push_str("</body></html>\n");
    html
}

fn scorecard(html: &mut String, report: &Report) {
    let s = &report.scorecard;
    let _ = match s.handoff_count {
        0 => write!(html, "<h2>Sent handoffs</h2>"),
        1 => write!(html, "<h2>The one sent handoff</h2>"),
        n => write!(html, "<h2>The last {n} sent handoffs</h2>"),
    };
    match (s.average_score, s.band) {
        (Some(average), Some(band)) => {
            let _ = write!(
                html,
                r#"<p><span class="big" data-figure="average-score">{average:.1}</span> <span class="muted">of 18 on average</span> · <strong class="band-{code}" data-figure="band">{name}</strong></p><p class="muted">{guidance}</p>"#,
                code = band.code(),
                name = band_name(band),
                guidance = escape(band.guidance()),
            );
        }
        _ => html.push_str(r#"<p data-figure="average-score">No handoff was sent by the end of the period.</p>"#),
    }
    if let Some(averages) = s.component_averages {
        let bars: Vec<Bar<'_>> = Component::ALL
            .into_iter()
            .map(|c| Bar { label: component_name(c), value: averages[c.index()], max: 2.0 })
            .collect();
        html.push_str(r#"<h2>Average points per component (0 to 2)</h2><figure data-figure="component-averages">"#);
        html.push_str(&bar_chart("Average points per component", &bars, |v| format!("{v:.2}")));
        html.push_str("</figure>");
    }
    if !s.weakest.is_empty() {
        html.push_str(r#"<h2>Rebuild these before the next handoff</h2><ol data-figure="weakest">"#);
        for c in &s.weakest {
            let _ = write!(html, r#"<li data-component="{}">{}</li>"#, c.code(), component_name(*c));
        }
        html.push_str("</ol>");
    }
    if !s.plays.is_empty() || !report.rule_plays.is_empty() {
        html.push_str(r#"<h2>Plays</h2><ul data-figure="plays">"#);
        for trigger in &s.plays {
            let (name, why) = play_text(trigger.play);
            let components: Vec<&str> = trigger.components.iter().map(|c| component_name(*c)).collect();
            let because = if components.is_empty() { String::new() } else { format!(" ({})", components.join(", ")) };
            let _ = write!(html, "<li><strong>{name}</strong>: {why}{}</li>", escape(&because));
        }
        for rule in &report.rule_plays {
            let (name, _) = play_text(rule.play);
            let _ = write!(html, "<li><strong>{name}</strong>: {}.</li>", escape(rule.reason));
        }
        html.push_str("</ul>");
    }
    if !report.last.is_empty() {
        html.push_str(
            r#"<table data-figure="last-handoffs"><tr><th>Handoff</th><th>Sent</th><th class="num">Score</th><th>Band</th></tr>"#,
        );
        for h in &report.last {
            let _ = write!(
                html,
                r#"<tr><td>{}</td><td>{}</td><td class="num" data-score="{score}">{score}</td><td class="band-{}">{}</td></tr>"#,
                escape(&h.title),
                h.sent_at.map(day).unwrap_or_default(),
                h.band.code(),
                band_name(h.band),
                score = h.score,
            );
        }
        html.push_str("</table>");
    }
}

fn trust(html: &mut String, report: &Report) {
    let t = &report.trust;
    html.push_str(
        r#"<h2>Is sales trust building?</h2><table data-figure="signals"><tr><th>Signal</th><th class="num">This period</th><th class="num">Before</th><th>Trend</th><th>Reading</th></tr>"#,
    );
    for s in &t.signals {
        let (symbol, direction) = arrow(s.trend);
        let (reading, code) = reading_name(s.reading);
        // The arrow says which way the value went; its colour whether that is good for trust
        // (a falling response time is).
        let tone = match s.reading {
            Reading::Building => "building",
            Reading::Burning => "burning",
            Reading::Steady => "steady",
            Reading::NotEnoughData => "none",
        };
        let _ = write!(
            html,
            r#"<tr data-signal="{code_name}"><td>{name}</td><td class="num" data-value="{raw}">{value}</td><td class="num">{before}</td><td class="reading-{tone}" data-trend="{direction}">{symbol}</td><td data-reading="{code}">{reading} <span class="muted">(n={n})</span></td></tr>"#,
            code_name = signal_code(s.signal),
            name = signal_name(s.signal),
            raw = s.current.value.map(|v| v.to_string()).unwrap_or_default(),
            value = signal_value(s.signal, s.current.value),
            before = signal_value(s.signal, s.previous.value),
            n = s.current.sample,
        );
    }
    html.push_str("</table>");
    let unread = t.signals.iter().all(|s| s.reading == Reading::NotEnoughData);
    let verdict = match (t.both_improving, t.trust_improving, unread) {
        (true, _, _) => "Both are trending up: handoff scores rose and more signals are building than burning.",
        (false, true, _) => "Trust is building, but handoff scores did not rise: both have to trend up.",
        (false, false, true) => "Not enough data yet to read trust in this period and the one before it.",
        (false, false, false) => "Trust is not building yet: both the handoff score and the signals have to trend up.",
    };
    let _ = write!(
        html,
        r#"<p class="verdict" data-figure="both-improving" data-value="{}">{verdict}</p>"#,
        t.both_improving
    );
}

fn signal_code(s: Signal) -> &'static str {
    match s {
        Signal::ResponseTime => "RESPONSE_TIME",
        Signal::AcceptanceRate => "ACCEPTANCE_RATE",
        Signal::SellerInitiatedAsks => "SELLER_INITIATED_ASKS",
        Signal::PipelineLanguage => "PIPELINE_LANGUAGE",
        Signal::RepeatUsage => "REPEAT_USAGE",
        Signal::EscalationQuality => "ESCALATION_QUALITY",
    }
}

fn both(html: &mut String, months: &[Month], report: &Report) {
    if months.is_empty() {
        return;
    }
    let series = [
        Series { name: "Average handoff score (0 to 18)", max: 18.0, class: "score" },
        Series { name: "Handoffs accepted (0 to 100%)", max: 1.0, class: "trust" },
    ];
    let points: Vec<Point<'_>> =
        months.iter().map(|m| Point { label: &m.label, values: vec![m.score, m.acceptance] }).collect();
    let _ = write!(
        html,
        r#"<h2>Handoff score against trust, by month</h2><figure data-figure="score-and-trust">{}</figure><p class="muted">Both have to trend up for partner-sourced pipeline to be real. Months without sent handoffs leave a gap. Report for <code>{}</code>.</p>"#,
        line_chart("Handoff score against trust, by month", &series, &points, |s, v| match s {
            0 => format!("{v:.0}"),
            _ => format!("{:.0}%", v * 100.0),
        }),
        escape(&report.slug)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_elements_and_attributes() {
        assert_eq!(escape(r#"<b a="x">'&'"#), "&lt;b a=&quot;x&quot;&gt;&#39;&amp;&#39;");
    }

    #[test]
    fn signal_values_read_in_their_units() {
        assert_eq!(signal_value(Signal::ResponseTime, Some(26.26)), "26.3 h");
        assert_eq!(signal_value(Signal::AcceptanceRate, Some(0.5)), "50%");
        assert_eq!(signal_value(Signal::SellerInitiatedAsks, Some(4.0)), "4");
        assert_eq!(signal_value(Signal::RepeatUsage, None), "–");
    }
}
