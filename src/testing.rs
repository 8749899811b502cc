//! Test fixtures shared by the unit tests of `graph`, `metrics`, `whatif` and the property
//! tests: [`Net`], a builder of small datasets with named firms and components (in the manner
//! of cargo-vet's `MockMetadata`), and [`synthetic`], a generated network read through ingest.
//!
//! ```text
//! Net::new()
//!     .firm("a").country("DE").output(100.0)
//!     .buys("oem", "cell", "a", 0.6).value(6.0).days(10.0)
//!     .build()
//! ```
//!
//! Firms named only in a `buys` row are created with the defaults (country `CN`, no output
//! value). A row with share 0 is a qualified alternate: it goes to [`Dataset::alternates`], as
//! ingest puts it. The dataset is sorted as ingest sorts it; a row's input row number is its
//! position in the builder plus 2.

use crate::model::{Component, Dataset, DatasetMeta, Firm, ShareSource, SourceFiles, SourcingRow};

/// A dataset under construction. Methods after [`Net::firm`] set that firm's fields; methods
/// after [`Net::buys`] set that row's.
#[derive(Debug, Default, Clone)]
pub(crate) struct Net {
    firms: Vec<Firm>,
    /// (buyer, component, supplier, share, value, days)
    rows: Vec<Row>,
}

#[derive(Debug, Clone)]
struct Row {
    buyer: String,
    component: String,
    supplier: String,
    share: f64,
    value: Option<f64>,
    days: Option<f64>,
}

impl Net {
    pub(crate) fn new() -> Self {
        Net::default()
    }

    /// Adds firm `id` (country `CN`, group = its id) or selects it if it exists.
    pub(crate) fn firm(mut self, id: &str) -> Self {
        match self.firms.iter().position(|f| f.id == id) {
            Some(i) => {
                let f = self.firms.remove(i);
                self.firms.push(f);
            }
            None => self.add_firm(id),
        }
        self
    }

    fn add_firm(&mut self, id: &str) {
        self.firms.push(Firm {
            id: id.into(),
            name: id.into(),
            country: "CN".into(),
            region: None,
            group: id.into(),
            group_named: false,
            kind: None,
            annual_output_value: None,
            recovery_days: None,
            capacity_value: None,
            stock_days: None,
            row: self.firms.len() + 2,
        });
    }

    fn last_firm(&mut self) -> &mut Firm {
        self.firms.last_mut().expect("call firm() first")
    }

    fn last_row(&mut self) -> &mut Row {
        self.rows.last_mut().expect("call buys() first")
    }

    pub(crate) fn country(mut self, cc: &str) -> Self {
        self.last_firm().country = cc.into();
        self
    }

    pub(crate) fn kind(mut self, kind: &str) -> Self {
        self.last_firm().kind = Some(kind.into());
        self
    }

    /// The firm's `annual_output_value`.
    pub(crate) fn output(mut self, value: f64) -> Self {
        self.last_firm().annual_output_value = Some(value);
        self
    }

    pub(crate) fn recovery(mut self, days: f64) -> Self {
        self.last_firm().recovery_days = Some(days);
        self
    }

    /// The firm's `stock_days` (finished goods, in days of its output).
    pub(crate) fn stock(mut self, days: f64) -> Self {
        self.last_firm().stock_days = Some(days);
        self
    }

    /// The firm's `capacity_value` (the most output value it can make in a year).
    pub(crate) fn capacity(mut self, value: f64) -> Self {
        self.last_firm().capacity_value = Some(value);
        self
    }

    pub(crate) fn region(mut self, region: &str) -> Self {
        self.last_firm().region = Some(region.into());
        self
    }

    /// A sourcing row: `buyer` gets `share` of its `component` from `supplier` (share 0: a
    /// qualified alternate).
    pub(crate) fn buys(mut self, buyer: &str, component: &str, supplier: &str, share: f64) -> Self {
        for id in [buyer, supplier] {
            if !self.firms.iter().any(|f| f.id == id) {
                self.add_firm(id);
            }
        }
        self.rows.push(Row {
            buyer: buyer.into(),
            component: component.into(),
            supplier: supplier.into(),
            share,
            value: None,
            days: None,
        });
        self
    }

    /// The row's `annual_value`. Once one row has a value the dataset has values, and rows
    /// without one count 0.
    pub(crate) fn value(mut self, value: f64) -> Self {
        self.last_row().value = Some(value);
        self
    }

    /// The row's `inventory_days`.
    pub(crate) fn days(mut self, days: f64) -> Self {
        self.last_row().days = Some(days);
        self
    }

    /// The dataset, sorted as ingest sorts it.
    pub(crate) fn build(self) -> Dataset {
        let mut firms = self.firms;
        firms.sort_by(|a, b| a.id.cmp(&b.id));
        let firm = |id: &str| {
            firms
                .binary_search_by(|f| f.id.as_str().cmp(id))
                .expect("firm")
        };
        let mut components: Vec<String> = self.rows.iter().map(|r| r.component.clone()).collect();
        components.sort();
        components.dedup();
        let component = |id: &str| {
            components
                .binary_search_by(|c| c.as_str().cmp(id))
                .expect("component")
        };
        let has_values = self.rows.iter().any(|r| r.value.is_some());
        let mut sourcing: Vec<SourcingRow> = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| SourcingRow {
                buyer: firm(&r.buyer),
                component: component(&r.component),
                supplier: firm(&r.supplier),
                share: r.share,
                annual_value: has_values.then(|| r.value.unwrap_or(0.0)),
                inventory_days: r.days,
                row: i + 2,
            })
            .collect();
        sourcing.sort_by_key(|r| (r.buyer, r.component, r.supplier));
        let (alternates, sourcing): (Vec<SourcingRow>, Vec<SourcingRow>) =
            sourcing.into_iter().partition(|r| r.share == 0.0);
        Dataset {
            name: "net".into(),
            path: "net".into(),
            files: SourceFiles::default(),
            components: components
                .into_iter()
                .map(|id| Component { id, name: None })
                .collect(),
            has_values,
            firms,
            sourcing,
            alternates,
            share_source: ShareSource::Given,
            normalized: vec![],
            scenarios: vec![],
            meta: DatasetMeta::default(),
            row_sources: Default::default(),
            capacity: false,
            notes: vec![],
        }
    }
}

/// The synthetic network of `scrisk generate` (`crate::synth::network`), written to a
/// temporary directory and read back through ingest, as the binary would.
pub(crate) fn synthetic(firms: usize, seed: u64) -> Dataset {
    synthetic_with(firms, seed, false)
}

/// [`synthetic`], with the capacity data of `scrisk generate --capacity` (spare capacity,
/// finished stock and qualified alternates; the capacity model on) when `capacity` is set.
pub(crate) fn synthetic_with(firms: usize, seed: u64, capacity: bool) -> Dataset {
    let dir = tempfile::tempdir().expect("temp dir");
    let net = crate::synth::network(firms, seed, capacity);
    for (name, text) in &net.files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    crate::ingest::load(dir.path(), Default::default()).expect("a generated network is valid")
}
