//! The markdown report for analysts: key findings in plain words first, then the tables behind
//! them. Every name from the input goes through [`text::cell`] or [`text::md`], so a name can
//! neither break a table nor render as a link, HTML or code; numbers have one fixed format.
//! Pure: returns a string.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::analysis::Analysis;
use crate::graph::SupplyGraph;
use crate::metrics::{effective_number, Exposure, PairMetrics};
use crate::model::{Dataset, FirmIdx};
use crate::text::{self, cell, days, hhi, md, money, pct};
use crate::whatif::{scenario::ScenarioResult, sweep::SweepEntry};

/// Rows shown in the ranking tables; the JSON report has them all.
const TOP_ROWS: usize = 15;
/// Rows shown in the per-component, per-pair and per-firm tables of large datasets.
const LONG_TABLE: usize = 40;
/// Largest supply-path diagram drawn (nodes); larger ones are summarised in words.
const MAX_DIAGRAM_NODES: usize = 40;
/// Where the formulas are explained (relative to the repository root, as reports live in
/// `reports/`).
const DOCS: &str = "../docs/metrics.md";

/// Renders the markdown report.
pub fn render(a: &Analysis) -> String {
    let mut out = String::new();
    let r = Report { a, out: &mut out };
    r.render();
    out
}

struct Report<'a, 'o> {
    a: &'a Analysis<'a>,
    out: &'o mut String,
}

macro_rules! w {
    ($r:expr, $($arg:tt)*) => {{
        let _ = writeln!($r.out, $($arg)*);
    }};
}

impl<'a> Report<'a, '_> {
    fn render(mut self) {
        self.header();
        self.findings();
        self.scenarios();
        self.concentration();
        self.exposures();
        self.in_house();
        self.coverage();
        self.critical_firms();
        self.set_rankings();
        self.hidden();
        self.hidden_chart();
        self.diagram();
        self.sources();
        self.methodology();
    }

    // ---- helpers -------------------------------------------------------------------------

    fn id(&self, f: FirmIdx) -> &str {
        &self.a.ds.firms[f].id
    }

    fn firm(&self, f: FirmIdx) -> String {
        firm_md(self.a.ds, f)
    }

    fn firm_list(&self, firms: &[FirmIdx]) -> String {
        if firms.is_empty() {
            return "—".into();
        }
        firms
            .iter()
            .map(|&f| cell(self.id(f)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn component(&self, k: usize) -> String {
        let c = &self.a.ds.components[k];
        match &c.name {
            Some(n) if !n.is_empty() && n != &c.id => format!("{} ({})", cell(n), cell(&c.id)),
            _ => cell(&c.id),
        }
    }

    fn value(&self, v: f64) -> String {
        value_md(self.a.ds, v)
    }

    fn total_output(&self) -> f64 {
        self.a.g.end_values.iter().sum()
    }

    fn end_value(&self, f: FirmIdx) -> f64 {
        let g = self.a.g;
        g.end_firms
            .binary_search(&f)
            .map_or(0.0, |i| g.end_values[i])
    }

    // ---- sections ------------------------------------------------------------------------

    fn header(&mut self) {
        let ds = self.a.ds;
        let title = ds.meta.title.as_deref().unwrap_or(&ds.name);
        w!(self, "# {}\n", md(title));
        if let Some(d) = &ds.meta.description {
            w!(self, "{}\n", md(d));
        }
        let mut facts = vec![format!("Dataset `{}`", ds.name.replace('`', "'"))];
        if let Some(d) = &ds.meta.as_of {
            facts.push(format!("as of {}", md(d)));
        }
        if let Some(c) = &ds.meta.currency {
            facts.push(format!("values in {}", md(c)));
        }
        w!(self, "{}.\n", facts.join(", "));
        let cycles = self.a.g.cycles().count();
        w!(
            self,
            "{} firms in {} countries, {} components, {} sourcing rows, {} end {}, {} supply {}.\n",
            ds.firms.len(),
            ds.countries().len(),
            ds.used_components().len(),
            ds.sourcing.len(),
            self.a.g.end_firms.len(),
            if self.a.g.end_firms.len() == 1 {
                "firm"
            } else {
                "firms"
            },
            cycles,
            if cycles == 1 { "cycle" } else { "cycles" }
        );
        for n in &ds.notes {
            w!(self, "> **Note** ({}): {}\n", md(&n.file), md(&n.message));
        }
        if !self.a.whatif.swept {
            w!(self, "> **Note**: the N-1 sweeps (critical firms, country, region and group rankings, hidden concentration) were skipped (`--no-sweep`).\n");
        }
        if self.a.whatif.unconverged {
            w!(self, "> **Note**: a supply cycle did not converge within the iteration bound; its availabilities are upper bounds.\n");
        }
    }

    fn findings(&mut self) {
        w!(self, "## Key findings\n");
        let mut bullets: Vec<String> = Vec::new();
        self.single_source_findings(&mut bullets);
        self.concentration_findings(&mut bullets);
        self.country_findings(&mut bullets);
        self.in_house_findings(&mut bullets);
        self.whatif_findings(&mut bullets);
        self.coverage_findings(&mut bullets);
        if bullets.is_empty() {
            bullets.push(
                "No single-source pair, no highly concentrated component and no chokepoint.".into(),
            );
        }
        for b in bullets {
            w!(self, "- {b}");
        }
        w!(self, "");
    }

    /// The pairs of buyer `f` (pairs are sorted by buyer).
    fn pairs_of(&self, f: FirmIdx) -> &[PairMetrics] {
        let pairs = &self.a.metrics.pairs;
        let start = pairs.partition_point(|p| p.buyer < f);
        let end = pairs.partition_point(|p| p.buyer <= f);
        &pairs[start..end]
    }

    /// Per end firm with single-source pairs: the largest one and the single-sourced share of
    /// its purchases; the three end firms with the most single-sourced value (or pairs) first.
    fn single_source_findings(&self, bullets: &mut Vec<String>) {
        const SHOWN: usize = 3;
        let ds = self.a.ds;
        // (single-sourced value or count, end firm, bullet)
        let mut found: Vec<(f64, FirmIdx, String)> = Vec::new();
        for &e in &self.a.g.end_firms {
            let pairs: Vec<&PairMetrics> = self.pairs_of(e).iter().collect();
            let single: Vec<&PairMetrics> = pairs
                .iter()
                .copied()
                .filter(|p| p.exposure == Exposure::SingleSource)
                .collect();
            let Some(biggest) = single.iter().max_by(|a, b| {
                a.annual_value
                    .unwrap_or(0.0)
                    .total_cmp(&b.annual_value.unwrap_or(0.0))
                    .then_with(|| b.component.cmp(&a.component))
            }) else {
                continue;
            };
            let supplier = ds.sourcing[biggest.rows.start].supplier;
            let total: f64 = pairs.iter().filter_map(|p| p.annual_value).sum();
            let single_value: f64 = single.iter().filter_map(|p| p.annual_value).sum();
            let (weight, amount) = if ds.has_values && total > 0.0 {
                (
                    single_value,
                    format!(
                        "{} of its purchase value ({} of {}) is single-sourced",
                        pct(single_value / total),
                        self.value(single_value),
                        self.value(total)
                    ),
                )
            } else {
                (
                    single.len() as f64,
                    format!(
                        "{} of its {} components are single-sourced",
                        single.len(),
                        pairs.len()
                    ),
                )
            };
            let text = format!(
                "**{}** buys {} from one supplier only, {}; {amount}.",
                self.firm(e),
                self.component(biggest.component),
                self.firm(supplier),
            );
            found.push((weight, e, text));
        }
        found.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let more = found.len().saturating_sub(SHOWN);
        bullets.extend(found.into_iter().take(SHOWN).map(|(_, _, t)| t));
        if more > 0 {
            bullets.push(format!(
                "{more} more end {} single-source purchases (see the exposure table).",
                if more == 1 { "firm has" } else { "firms have" }
            ));
        }
    }

    /// Vertical integration of the end firms that make part of their inputs themselves.
    fn in_house_findings(&self, bullets: &mut Vec<String>) {
        let list: Vec<String> = self
            .a
            .metrics
            .in_house
            .iter()
            .filter(|&&(f, s)| s > 0.0 && self.a.g.end_firms.binary_search(&f).is_ok())
            .map(|&(f, s)| format!("{} {}", self.firm(f), pct(s)))
            .collect();
        if !list.is_empty() {
            bullets.push(format!(
                "In-house share of inputs ({}): {}.",
                if self.a.ds.has_values {
                    "by value"
                } else {
                    "mean over components"
                },
                list.join(", ")
            ));
        }
    }

    /// The country that leads the most components, and the components it supplies most of.
    fn country_findings(&self, bullets: &mut Vec<String>) {
        let m = &self.a.metrics;
        let mut by_country: std::collections::BTreeMap<
            &str,
            Vec<&crate::metrics::ComponentMetrics>,
        > = std::collections::BTreeMap::new();
        for c in &m.components {
            if c.top_country_share > 0.5 {
                by_country
                    .entry(c.top_country.as_str())
                    .or_default()
                    .push(c);
            }
        }
        let Some((country, mut comps)) = by_country
            .into_iter()
            .max_by(|a, b| a.1.len().cmp(&b.1.len()).then_with(|| b.0.cmp(a.0)))
        else {
            return;
        };
        if m.components.len() < 2 {
            return;
        }
        comps.sort_by(|a, b| {
            b.top_country_share
                .total_cmp(&a.top_country_share)
                .then_with(|| a.component.cmp(&b.component))
        });
        let list: Vec<String> = comps
            .iter()
            .take(12)
            .map(|c| {
                format!(
                    "{} {}",
                    self.component(c.component),
                    pct(c.top_country_share)
                )
            })
            .collect();
        bullets.push(format!(
            "{} supplies more than half of {} of {} components (share of dataset-wide purchases): {}{}.",
            cell(country),
            comps.len(),
            m.components.len(),
            list.join(", "),
            if comps.len() > 12 { ", …" } else { "" }
        ));
    }

    fn concentration_findings(&self, bullets: &mut Vec<String>) {
        let m = &self.a.metrics;
        let Some(c) = m.components.iter().max_by(|a, b| {
            a.hhi_supplier
                .total_cmp(&b.hhi_supplier)
                .then_with(|| a.weight.total_cmp(&b.weight))
                .then_with(|| b.component.cmp(&a.component))
        }) else {
            return;
        };
        let high = m
            .components
            .iter()
            .filter(|c| c.level == crate::metrics::Level::High)
            .count();
        bullets.push(format!(
            "{} of {} components are highly concentrated by supplier (HHI above {}). The most concentrated is {}: HHI {} ({} effective suppliers), {} holds {} and {} {}.",
            high,
            m.components.len(),
            hhi(m.thresholds.high),
            self.component(c.component),
            hhi(c.hhi_supplier),
            text::num(effective_number(c.hhi_supplier)),
            self.firm(c.top_supplier),
            pct(c.top_supplier_share),
            cell(&c.top_country),
            pct(c.top_country_share),
        ));
        if let Some(cc) = m.components.iter().max_by(|a, b| {
            a.top_country_share
                .total_cmp(&b.top_country_share)
                .then_with(|| a.weight.total_cmp(&b.weight))
                .then_with(|| b.component.cmp(&a.component))
        }) {
            if cc.component != c.component && cc.top_country_share > 0.5 {
                bullets.push(format!(
                    "By country, {} depends most on one country: {} supplies {} of it (country HHI {}).",
                    self.component(cc.component),
                    cell(&cc.top_country),
                    pct(cc.top_country_share),
                    hhi(cc.hhi_country),
                ));
            }
        }
    }

    fn whatif_findings(&self, bullets: &mut Vec<String>) {
        let w = &self.a.whatif;
        let total = self.total_output();
        if let Some(top) =
            most_critical(&w.sweeps.firms, |_| true).filter(|e| e.value_at_risk > 0.0)
        {
            let f = self
                .a
                .ds
                .firm_index(&top.key)
                .expect("sweep keys are firm ids");
            let mut s = format!(
                "The most critical single firm is {} ({}): losing it puts {} at risk ({} of end-firm output)",
                self.firm(f),
                cell(&self.a.ds.firms[f].country),
                self.value(top.value_at_risk),
                pct(top.value_at_risk / total),
            );
            if !top.chokepoint_for.is_empty() {
                let _ = write!(
                    s,
                    " and stops {} completely",
                    self.firm_list(&top.chokepoint_for)
                );
            }
            s.push('.');
            bullets.push(s);
        }
        let chokepoints: Vec<&SweepEntry> = w
            .sweeps
            .firms
            .iter()
            .filter(|e| !e.chokepoint_for.is_empty())
            .collect();
        if !chokepoints.is_empty() {
            let names: Vec<String> = chokepoints.iter().take(5).map(|e| cell(&e.key)).collect();
            bullets.push(format!(
                "{} {} would stop at least one end firm completely: {}{}.",
                chokepoints.len(),
                if chokepoints.len() == 1 {
                    "firm is a chokepoint: it"
                } else {
                    "firms are chokepoints: each"
                },
                names.join(", "),
                if chokepoints.len() > 5 { ", …" } else { "" }
            ));
        }
        if let Some(top) = w.sweeps.countries.first().filter(|e| e.value_at_risk > 0.0) {
            bullets.push(format!(
                "Cutting every supplier in {} would put {} at risk ({} of end-firm output); the worst-hit end firm loses {}.",
                cell(&top.key),
                self.value(top.value_at_risk),
                pct(top.value_at_risk / total),
                pct(top.max_loss),
            ));
        }
        if let Some(h) = self.hidden_sorted().first() {
            if h.all_tier_exposure - h.tier1_share > 0.2 {
                bullets.push(format!(
                    "Hidden dependence: {} buys {} of its inputs from {} at tier 1, but loses {} of its output if {} stops supplying at every tier.",
                    self.firm(h.firm),
                    pct(h.tier1_share),
                    cell(&h.country),
                    pct(h.all_tier_exposure),
                    cell(&h.country),
                ));
            }
        }
        if let Some(s) = w.scenarios.iter().max_by(|a, b| {
            a.total_value_at_risk
                .total_cmp(&b.total_value_at_risk)
                .then_with(|| b.name.cmp(&a.name))
        }) {
            if s.total_value_at_risk > 0.0 {
                bullets.push(format!(
                    "Of the scenarios, \"{}\" does the most damage: {} at risk ({} of end-firm output).",
                    cell(&s.name),
                    self.value(s.total_value_at_risk),
                    pct(s.total_value_at_risk / total),
                ));
            }
        }
    }

    fn coverage_findings(&self, bullets: &mut Vec<String>) {
        let low: Vec<String> = self
            .a
            .coverage
            .iter()
            .filter(|(_, c)| *c < 1.0 - 1e-9)
            .map(|&(f, c)| format!("{} {}", cell(self.id(f)), pct(c)))
            .collect();
        if !low.is_empty() {
            bullets.push(format!(
                "Sub-tier data is incomplete for {} of {} end {} ({}): the unmapped part is unknown, not safe.",
                low.len(),
                self.a.coverage.len(),
                if self.a.coverage.len() == 1 { "firm" } else { "firms" },
                low.join(", ")
            ));
        }
    }

    fn scenarios(&mut self) {
        let w = &self.a.whatif;
        w!(self, "## Scenarios\n");
        if w.scenarios.is_empty() {
            w!(
                self,
                "No scenarios: add `scenarios.toml` to the dataset or pass `--cut`.\n"
            );
            return;
        }
        w!(self, "Availability is the share of normal output an end firm can still make (MODEL §5); time to survive (TTS) is the best-buffered inventory path from a cut firm, exposure days = max(0, TTR − TTS) (§6).\n");
        for s in &w.scenarios {
            scenario_section(self.out, self.a.ds, s);
        }
    }

    fn concentration(&mut self) {
        let m = &self.a.metrics;
        w!(self, "## Concentration by component\n");
        w!(self, "Market shares across the whole dataset, weighted by {}; sorted by supplier HHI. Levels follow the 2023 US Merger Guidelines: above {} high, {}–{} moderate.\n",
            if self.a.ds.has_values { "purchase value" } else { "share" },
            hhi(m.thresholds.high), hhi(m.thresholds.moderate), hhi(m.thresholds.high));
        w!(self, "| component | HHI supplier | effective suppliers | level | HHI country | HHI group | top supplier | share | top country | share |");
        w!(self, "|---|---:|---:|---|---:|---:|---|---:|---|---:|");
        let mut comps: Vec<_> = m.components.iter().collect();
        comps.sort_by(|a, b| {
            b.hhi_supplier
                .total_cmp(&a.hhi_supplier)
                .then_with(|| b.weight.total_cmp(&a.weight))
                .then_with(|| a.component.cmp(&b.component))
        });
        let total = comps.len();
        for c in comps.into_iter().take(LONG_TABLE) {
            w!(
                self,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                self.component(c.component),
                hhi(c.hhi_supplier),
                text::num(effective_number(c.hhi_supplier)),
                c.level.as_str(),
                hhi(c.hhi_country),
                hhi(c.hhi_group),
                self.firm(c.top_supplier),
                pct(c.top_supplier_share),
                cell(&c.top_country),
                pct(c.top_country_share)
            );
        }
        self.more(LONG_TABLE, total);
        w!(self, "");
    }

    /// Says how many rows a capped table left out.
    fn more(&mut self, shown: usize, total: usize) {
        if total > shown {
            w!(self, "\n{} more in the JSON report.", total - shown);
        }
    }

    fn exposures(&mut self) {
        let ds = self.a.ds;
        w!(self, "## Single-source and single-country exposure\n");
        let mut pairs: Vec<&PairMetrics> = self
            .a
            .metrics
            .pairs
            .iter()
            .filter(|p| matches!(p.exposure, Exposure::SingleSource | Exposure::SingleCountry))
            .collect();
        if pairs.is_empty() {
            w!(
                self,
                "Every purchased component has suppliers in at least two countries.\n"
            );
            return;
        }
        pairs.sort_by(|a, b| {
            b.annual_value
                .unwrap_or(0.0)
                .total_cmp(&a.annual_value.unwrap_or(0.0))
                .then_with(|| (a.buyer, a.component).cmp(&(b.buyer, b.component)))
        });
        w!(self, "Pairs (buyer, component) with one supplier, or several all in one country, by value at stake ({} pairs).\n", pairs.len());
        w!(
            self,
            "| buyer | component | exposure | supplier(s) | country | value |"
        );
        w!(self, "|---|---|---|---|---|---:|");
        let total = pairs.len();
        for p in pairs.into_iter().take(LONG_TABLE) {
            let rows = &ds.sourcing[p.rows.clone()];
            let suppliers: Vec<FirmIdx> = rows.iter().map(|r| r.supplier).collect();
            let country = &ds.firms[suppliers[0]].country;
            w!(
                self,
                "| {} | {} | {} | {} | {} | {} |",
                self.firm(p.buyer),
                self.component(p.component),
                p.exposure.as_str(),
                self.firm_list(&suppliers),
                cell(country),
                p.annual_value.map_or("—".into(), |v| self.value(v))
            );
        }
        self.more(LONG_TABLE, total);
        w!(self, "");
    }

    fn in_house(&mut self) {
        w!(self, "## Vertical integration (in-house share)\n");
        let mut rows: Vec<(FirmIdx, f64)> = self
            .a
            .metrics
            .in_house
            .iter()
            .copied()
            .filter(|&(_, s)| s > 0.0)
            .collect();
        rows.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        if rows.is_empty() {
            w!(self, "No firm makes any of its inputs in-house.\n");
            return;
        }
        w!(
            self,
            "Share of each firm's inputs it makes itself ({}), for firms that make any, highest first.\n",
            if self.a.ds.has_values {
                "by value"
            } else {
                "mean over its components"
            }
        );
        w!(self, "| firm | in-house share |");
        w!(self, "|---|---:|");
        let total = rows.len();
        for (f, s) in rows.into_iter().take(LONG_TABLE) {
            w!(self, "| {} | {} |", self.firm(f), pct(s));
        }
        self.more(LONG_TABLE, total);
        w!(self, "");
    }

    fn coverage(&mut self) {
        w!(self, "## Data coverage\n");
        w!(self, "Share of each end firm's purchases bought from suppliers whose own sourcing is mapped (tier 2 and deeper), or made in-house, or from mines. Risk in the unmapped part is unknown, not absent.\n");
        w!(self, "| end firm | output value | coverage |");
        w!(self, "|---|---:|---:|");
        // Least covered first when the list is long.
        let mut rows: Vec<(FirmIdx, f64)> = self.a.coverage.clone();
        if rows.len() > LONG_TABLE {
            rows.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        }
        for &(f, c) in rows.iter().take(LONG_TABLE) {
            w!(
                self,
                "| {} | {} | {} |",
                self.firm(f),
                self.value(self.end_value(f)),
                pct(c)
            );
        }
        self.more(LONG_TABLE, rows.len());
        w!(self, "");
    }

    fn critical_firms(&mut self) {
        let ds = self.a.ds;
        let list = &self.a.whatif.sweeps.firms;
        w!(self, "## Critical firms (N-1 sweep)\n");
        w!(self, "Each firm cut alone; value at risk summed over the other end firms. The Risk Exposure Index scales time-weighted loss so the worst firm is 1. Top {} of {}.\n", TOP_ROWS.min(list.len()), list.len());
        w!(self, "| # | firm | country | value at risk | max loss | chokepoint for | time-weighted loss | REI |");
        w!(self, "|---:|---|---|---:|---:|---|---:|---:|");
        for (i, e) in list.iter().take(TOP_ROWS).enumerate() {
            let f = ds.firm_index(&e.key).expect("sweep keys are firm ids");
            w!(
                self,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                i + 1,
                self.firm(f),
                cell(&ds.firms[f].country),
                self.value(e.value_at_risk),
                pct(e.max_loss),
                self.firm_list(&e.chokepoint_for),
                self.value(e.time_weighted_loss.unwrap_or(0.0)),
                text::num(e.risk_exposure_index.unwrap_or(0.0))
            );
        }
        w!(self, "");
    }

    fn set_rankings(&mut self) {
        let sweeps = &self.a.whatif.sweeps;
        for (title, what, list) in [
            ("Countries", "country", &sweeps.countries),
            ("Regions", "region", &sweeps.regions),
            ("Groups", "group", &sweeps.groups),
        ] {
            w!(
                self,
                "## {title}: value at risk if all its suppliers stop\n"
            );
            if list.is_empty() {
                w!(self, "No {what} is named in `firms`.\n");
                continue;
            }
            w!(
                self,
                "An end firm's own plants are not part of its own {what}'s cut (MODEL §5).\n"
            );
            w!(
                self,
                "| {what} | value at risk | max loss | chokepoint for |"
            );
            w!(self, "|---|---:|---:|---|");
            for e in list.iter().take(TOP_ROWS) {
                w!(
                    self,
                    "| {} | {} | {} | {} |",
                    cell(&e.key),
                    self.value(e.value_at_risk),
                    pct(e.max_loss),
                    self.firm_list(&e.chokepoint_for)
                );
            }
            if list.len() > TOP_ROWS {
                w!(self, "\n{} more in the JSON report.", list.len() - TOP_ROWS);
            }
            w!(self, "");
            if what == "country" {
                self.country_chart(list);
            }
        }
    }

    fn country_chart(&mut self, list: &[SweepEntry]) {
        let bars: Vec<&SweepEntry> = list
            .iter()
            .filter(|e| e.value_at_risk > 0.0)
            .take(10)
            .collect();
        if bars.len() < 2 {
            return;
        }
        let scale = if self.a.ds.has_values { 1e6 } else { 1.0 };
        let unit = if self.a.ds.has_values {
            " (millions)"
        } else {
            ""
        };
        w!(
            self,
            "```mermaid\nxychart-beta\n    title \"Value at risk by country{unit}\""
        );
        let labels: Vec<String> = bars
            .iter()
            .map(|e| format!("\"{}\"", text::mermaid_label(&e.key)))
            .collect();
        w!(self, "    x-axis [{}]", labels.join(", "));
        let values: Vec<String> = bars
            .iter()
            .map(|e| format!("{:.2}", e.value_at_risk / scale))
            .collect();
        w!(self, "    bar [{}]\n```\n", values.join(", "));
    }

    fn hidden_sorted(&self) -> Vec<&'a crate::whatif::hidden::Hidden> {
        let a: &'a Analysis<'a> = self.a;
        let mut h: Vec<_> = a.whatif.hidden.iter().collect();
        h.sort_by(|a, b| {
            (b.all_tier_exposure - b.tier1_share)
                .total_cmp(&(a.all_tier_exposure - a.tier1_share))
                .then_with(|| (a.firm, &a.country).cmp(&(b.firm, &b.country)))
        });
        h
    }

    fn hidden(&mut self) {
        w!(self, "## Hidden concentration\n");
        let h = self.hidden_sorted();
        if h.is_empty() {
            w!(self, "No end firm depends on any country.\n");
            return;
        }
        w!(self, "Tier-1 share of each country in an end firm's purchases next to the loss the end firm suffers if that country stops supplying at every tier; largest gaps first. A large gap means the firm looks diversified at tier 1 but is not.\n");
        w!(
            self,
            "| end firm | country | tier-1 share | all-tier exposure | gap |"
        );
        w!(self, "|---|---|---:|---:|---:|");
        for x in h.iter().take(TOP_ROWS * 2) {
            w!(
                self,
                "| {} | {} | {} | {} | {} |",
                self.firm(x.firm),
                cell(&x.country),
                pct(x.tier1_share),
                pct(x.all_tier_exposure),
                pct(x.all_tier_exposure - x.tier1_share)
            );
        }
        if h.len() > TOP_ROWS * 2 {
            w!(
                self,
                "\n{} more in the JSON report.",
                h.len() - TOP_ROWS * 2
            );
        }
        w!(self, "");
    }

    /// For the end firm with the largest gap: each country's tier-1 share (bars) against the
    /// all-tier exposure (line), in percent.
    fn hidden_chart(&mut self) {
        let sorted = self.hidden_sorted();
        let Some(first) = sorted.first() else { return };
        let firm = first.firm;
        let mut rows: Vec<&crate::whatif::hidden::Hidden> = self
            .a
            .whatif
            .hidden
            .iter()
            .filter(|h| h.firm == firm)
            .collect();
        if rows.len() < 2 {
            return;
        }
        rows.sort_by(|a, b| {
            b.all_tier_exposure
                .total_cmp(&a.all_tier_exposure)
                .then_with(|| a.country.cmp(&b.country))
        });
        rows.truncate(10);
        let labels: Vec<String> = rows
            .iter()
            .map(|h| format!("\"{}\"", text::mermaid_label(&h.country)))
            .collect();
        let bars: Vec<String> = rows
            .iter()
            .map(|h| format!("{:.1}", h.tier1_share * 100.0))
            .collect();
        let line: Vec<String> = rows
            .iter()
            .map(|h| format!("{:.1}", h.all_tier_exposure * 100.0))
            .collect();
        let name = &self.a.ds.firms[firm].id;
        w!(
            self,
            "Tier-1 share (bars) against all-tier exposure (line) for {}, in percent:\n",
            cell(name)
        );
        w!(
            self,
            "```mermaid\nxychart-beta\n    title \"{}: tier 1 vs all tiers\"",
            text::mermaid_label(name)
        );
        w!(self, "    x-axis [{}]", labels.join(", "));
        w!(self, "    y-axis \"%\" 0 --> 100");
        w!(self, "    bar [{}]", bars.join(", "));
        w!(self, "    line [{}]\n```\n", line.join(", "));
    }

    /// Supply paths from the most critical chokepoint to the end firms it stops.
    fn diagram(&mut self) {
        let ds = self.a.ds;
        let g = self.a.g;
        let a: &'a Analysis<'a> = self.a;
        let Some(top) = most_critical(&a.whatif.sweeps.firms, |e| !e.chokepoint_for.is_empty())
        else {
            return;
        };
        let n = ds.firm_index(&top.key).expect("sweep keys are firm ids");
        // Downstream of n, then upstream of the stopped end firms: the intersection is every
        // firm on a path from n to them. Iterative, so depth cannot overflow the stack.
        let down = reach(ds.firms.len(), &[n], |f| g.buyers(f));
        let up = reach(ds.firms.len(), &top.chokepoint_for, |f| g.suppliers(f));
        let nodes: BTreeSet<FirmIdx> = (0..ds.firms.len()).filter(|&f| down[f] && up[f]).collect();
        w!(self, "## Supply paths from the most critical chokepoint\n");
        if nodes.len() > MAX_DIAGRAM_NODES {
            w!(
                self,
                "{} stops {}; the paths between them run through {} firms, too many to draw.\n",
                self.firm(n),
                self.firm_list(&top.chokepoint_for),
                nodes.len()
            );
            return;
        }
        w!(
            self,
            "{} stops {} completely. Every supply path between them:\n",
            self.firm(n),
            self.firm_list(&top.chokepoint_for)
        );
        w!(self, "```mermaid\nflowchart LR");
        for &f in &nodes {
            let firm = &ds.firms[f];
            let label = format!("{} ({})", firm.name, firm.country);
            let shape = if f == n {
                format!("n{f}[[\"{}\"]]", text::mermaid_label(&label))
            } else if top.chokepoint_for.contains(&f) {
                format!("n{f}([\"{}\"])", text::mermaid_label(&label))
            } else {
                format!("n{f}[\"{}\"]", text::mermaid_label(&label))
            };
            w!(self, "    {shape}");
        }
        let mut edges: BTreeSet<(FirmIdx, FirmIdx, usize)> = BTreeSet::new();
        for r in &ds.sourcing {
            if !r.is_in_house() && nodes.contains(&r.supplier) && nodes.contains(&r.buyer) {
                edges.insert((r.supplier, r.buyer, r.component));
            }
        }
        for (s, b, k) in edges {
            w!(
                self,
                "    n{s} -->|\"{}\"| n{b}",
                text::mermaid_label(&ds.components[k].id)
            );
        }
        w!(self, "```\n");
    }

    fn sources(&mut self) {
        let meta = &self.a.ds.meta;
        if meta.sources.is_empty() && meta.assumptions.is_empty() {
            return;
        }
        w!(self, "## Sources and assumptions\n");
        if !meta.sources.is_empty() {
            let unverified: Vec<String> = meta
                .sources
                .iter()
                .filter(|s| {
                    s.status
                        .as_deref()
                        .is_some_and(|st| st.trim().eq_ignore_ascii_case("R"))
                })
                .map(|s| format!("\"{}\"", md(&s.title)))
                .collect();
            if !unverified.is_empty() {
                w!(
                    self,
                    "> **Unverified input**: {} of {} sources {} status R (not verified in any source); every figure taken from them is an assumption: {}.\n",
                    unverified.len(),
                    meta.sources.len(),
                    if unverified.len() == 1 { "has" } else { "have" },
                    unverified.join(", ")
                );
            }
            w!(self, "| source | publisher | year | status | note |");
            w!(self, "|---|---|---:|---|---|");
            for s in &meta.sources {
                let title = match &s.url {
                    Some(u) if u.starts_with("https://") || u.starts_with("http://") => {
                        format!("{} — <{}>", md(&s.title), url(u))
                    }
                    _ => md(&s.title),
                };
                w!(
                    self,
                    "| {} | {} | {} | {} | {} |",
                    title,
                    s.publisher.as_deref().map_or(String::new(), cell),
                    s.year.map_or(String::new(), |y| y.to_string()),
                    s.status.as_deref().map_or(String::new(), status),
                    s.note
                        .as_deref()
                        .map_or(String::new(), |n| md(n).replace('\n', " "))
                );
            }
            w!(self, "");
        }
        if !meta.assumptions.is_empty() {
            w!(
                self,
                "Assumptions (figures that are illustrative or not verified):\n"
            );
            for a in &meta.assumptions {
                w!(self, "- {}", md(a));
            }
            w!(self, "");
        }
    }

    fn methodology(&mut self) {
        let t = self.a.metrics.thresholds;
        w!(self, "## Methodology\n");
        w!(self, "- HHI = sum of (100 × share)² over suppliers, countries or groups; effective suppliers = 10,000 / HHI; levels: above {} high, {}–{} moderate ([formulas]({DOCS}#concentration)).", hhi(t.high), hhi(t.moderate), hhi(t.high));
        w!(self, "- Exposure classes and in-house share as in [single-source exposure]({DOCS}#single-source-exposure-and-vertical-integration).");
        w!(self, "- Availability propagates through every tier: a firm is limited by its scarcest input, suppliers of one input add up by share, no substitution ([propagation]({DOCS}#what-if-propagation)).");
        w!(self, "- Time to survive, time to recover and the Risk Exposure Index: [time]({DOCS}#time-to-survive-and-time-to-recover).");
        w!(
            self,
            "- Data coverage and hidden concentration: [coverage]({DOCS}#data-coverage)."
        );
        w!(
            self,
            "- Machine-readable numbers at full precision: the JSON report (`--format json`)."
        );
    }
}

/// "Name (id)" as escaped markdown; just the id when the name equals it.
fn firm_md(ds: &Dataset, f: FirmIdx) -> String {
    let firm = &ds.firms[f];
    if firm.name == firm.id || firm.name.is_empty() {
        cell(&firm.id)
    } else {
        format!("{} ({})", cell(&firm.name), cell(&firm.id))
    }
}

/// A value in the dataset's currency, or a plain number when the dataset has no values (then
/// output values default to 1 per end firm).
fn value_md(ds: &Dataset, v: f64) -> String {
    if ds.has_values || ds.firms.iter().any(|f| f.annual_output_value.is_some()) {
        match &ds.meta.currency {
            Some(c) => format!("{} {}", md(c), money(v)),
            None => money(v),
        }
    } else {
        text::num(v)
    }
}

/// One scenario: its description, cuts, time to recover and the table of end firms.
fn scenario_section(out: &mut String, ds: &Dataset, s: &ScenarioResult) {
    let r = &mut Sink { out };
    w!(r, "### {}\n", md(&s.name));
    if let Some(d) = &s.description {
        w!(r, "{}\n", md(d));
    }
    let cuts: Vec<String> = s
        .cuts
        .iter()
        .map(|c| format!("`{}`", c.replace('`', "'")))
        .collect();
    w!(
        r,
        "Cuts: {}; time to recover {} days; total value at risk {}.\n",
        cuts.join(", "),
        days(s.ttr_days),
        value_md(ds, s.total_value_at_risk)
    );
    w!(r, "| end firm | availability | loss | value at risk | TTS (days) | exposure days | time-weighted loss |");
    w!(r, "|---|---:|---:|---:|---:|---:|---:|");
    // In end-firm order; a long list shows the largest values at risk.
    let mut rows: Vec<&crate::whatif::scenario::EndFirmImpact> = s.end_firms.iter().collect();
    if rows.len() > LONG_TABLE {
        rows.sort_by(|a, b| {
            b.value_at_risk
                .total_cmp(&a.value_at_risk)
                .then_with(|| a.firm.cmp(&b.firm))
        });
        rows.truncate(LONG_TABLE);
    }
    for e in rows {
        w!(
            r,
            "| {} | {} | {} | {} | {} | {} | {} |",
            firm_md(ds, e.firm),
            pct(e.availability),
            pct(e.loss),
            value_md(ds, e.value_at_risk),
            e.tts_days.map_or("—".into(), days),
            days(e.exposure_days),
            value_md(ds, e.time_weighted_loss)
        );
    }
    if s.end_firms.len() > LONG_TABLE {
        w!(
            r,
            "\n{} more end firms in the JSON report.",
            s.end_firms.len() - LONG_TABLE
        );
    }
    w!(r, "");
}

struct Sink<'o> {
    out: &'o mut String,
}

/// The answer of `scrisk whatif`: one scenario as markdown.
pub fn render_whatif(ds: &Dataset, g: &SupplyGraph, s: &ScenarioResult) -> String {
    let mut out = String::new();
    {
        let r = &mut Sink { out: &mut out };
        let title = ds.meta.title.as_deref().unwrap_or(&ds.name);
        w!(r, "## What if: {}\n", md(title));
        w!(
            r,
            "{} end firms, total output {}.\n",
            g.end_firms.len(),
            value_md(ds, g.end_values.iter().sum())
        );
    }
    scenario_section(&mut out, ds, s);
    out
}

/// The most critical sweep entry among those `keep` accepts: the largest value at risk, ties
/// broken by the larger time-weighted loss (the entry that hurts longer), then by key. (The
/// JSON ranking itself breaks ties by key, as MODEL.md §5 says.)
fn most_critical(list: &[SweepEntry], keep: impl Fn(&SweepEntry) -> bool) -> Option<&SweepEntry> {
    list.iter().filter(|e| keep(e)).min_by(|a, b| {
        b.value_at_risk
            .total_cmp(&a.value_at_risk)
            .then_with(|| {
                b.time_weighted_loss
                    .unwrap_or(0.0)
                    .total_cmp(&a.time_weighted_loss.unwrap_or(0.0))
            })
            .then_with(|| a.key.cmp(&b.key))
    })
}

/// Firms reachable from `starts` (included) along `next`; iterative, so the input cannot drive
/// recursion depth.
fn reach<'g>(n: usize, starts: &[FirmIdx], next: impl Fn(FirmIdx) -> &'g [FirmIdx]) -> Vec<bool> {
    let mut seen = vec![false; n];
    let mut stack: Vec<FirmIdx> = starts.to_vec();
    for &s in starts {
        seen[s] = true;
    }
    while let Some(f) = stack.pop() {
        for &m in next(f) {
            if !seen[m] {
                seen[m] = true;
                stack.push(m);
            }
        }
    }
    seen
}

/// A URL for an autolink: only characters that cannot end or break the `<...>` form.
fn url(u: &str) -> String {
    u.chars()
        .filter(|c| {
            !c.is_whitespace() && !c.is_control() && !matches!(c, '<' | '>' | '|' | '`' | '"')
        })
        .collect()
}

/// A source's verification status in words.
fn status(s: &str) -> String {
    // The tags of the research notes the shipped datasets are built from.
    match s.trim().to_ascii_uppercase().as_str() {
        "V" => "V: seen in the source".into(),
        "V2" => "V2: seen in a transcription of the source".into(),
        "R" => "R: **unverified**".into(),
        "D" => "D: derived from verified figures".into(),
        _ => cell(s),
    }
}
