//! The data of the capacity model (MODEL.md §8) in value per day, read once from a dataset:
//! every firm's normal output and capacity, every row's normal flow, and each (buyer,
//! component) pair's need and pooled stock. The LP ([`super::lp`]) is built from this.

use crate::model::{CompIdx, Dataset, FirmIdx, SourcingRow};

/// One delivery row of the model: a sourcing row between two firms, or a qualified alternate.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub(crate) buyer: FirmIdx,
    pub(crate) supplier: FirmIdx,
    /// Index of the row's (buyer, component) pair in [`Network::pairs`], when the buyer needs
    /// the component at all (`None`: nothing it delivers can be used).
    pub(crate) pair: Option<usize>,
    /// Normal flow q = annual_value / 365 (0 for an alternate).
    pub(crate) q: f64,
    /// A qualified alternate (share 0).
    pub(crate) alternate: bool,
}

/// What one buyer needs of one component, per day of its normal output.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pair {
    pub(crate) buyer: FirmIdx,
    pub(crate) component: CompIdx,
    /// need(B, K) * o(B): the value of K the buyer uses in a normal day.
    pub(crate) daily_need: f64,
    /// stock(B, K): pooled stock of K at B, in value.
    pub(crate) stock: f64,
    /// q(B, K, B): the buyer's normal in-house flow of K (0: none).
    pub(crate) in_house: f64,
}

/// The capacity model's data for one dataset.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Network {
    /// final(F): each firm's normal final sales per day (end firms only, else 0).
    pub(crate) final_sales: Vec<f64>,
    /// o(F): each firm's normal output per day.
    pub(crate) output: Vec<f64>,
    /// max(o(F), capacity_value / 365): the most F can make per day with nothing cut.
    pub(crate) capacity: Vec<f64>,
    /// fstock(F) = stock_days * o(F): finished goods held, in value.
    pub(crate) finished: Vec<f64>,
    /// Whether F buys anything (then it makes nothing when its output is 0).
    pub(crate) buys: Vec<bool>,
    /// Delivery rows between different firms: the dataset's sourcing rows in order (in-house
    /// rows excluded), then its alternates in order.
    pub(crate) rows: Vec<Row>,
    /// For each entry of `rows`, its index in [`Dataset::sourcing`] (`Ok`) or
    /// [`Dataset::alternates`] (`Err`).
    pub(crate) origin: Vec<Result<usize, usize>>,
    /// Every (buyer, component) pair of the sourcing table whose buyer has output, in order.
    pub(crate) pairs: Vec<Pair>,
    /// End firms (MODEL §2), sorted.
    pub(crate) end_firms: Vec<FirmIdx>,
}

fn per_day(r: &SourcingRow) -> f64 {
    r.annual_value.unwrap_or(0.0) / 365.0
}

impl Network {
    /// Reads the model's data. Missing values (which the input checks refuse when the model is
    /// on) count 0.
    pub(crate) fn new(ds: &Dataset) -> Self {
        let n = ds.firms.len();
        let end_firms = ds.end_firms();
        let mut final_sales = vec![0.0; n];
        for &e in &end_firms {
            final_sales[e] = ds.firms[e].annual_output_value.unwrap_or(0.0) / 365.0;
        }
        let mut output = final_sales.clone();
        let mut buys = vec![false; n];
        for r in &ds.sourcing {
            buys[r.buyer] = true;
            if !r.is_in_house() {
                output[r.supplier] += per_day(r);
            }
        }
        let capacity: Vec<f64> = (0..n)
            .map(|f| match ds.firms[f].capacity_value {
                Some(cv) => output[f].max(cv / 365.0),
                None => output[f],
            })
            .collect();
        let finished = (0..n)
            .map(|f| ds.firms[f].stock_days.unwrap_or(0.0) * output[f])
            .collect();

        let mut pairs = Vec::new();
        let mut pair_of = std::collections::HashMap::new();
        for run in crate::model::pair_runs(&ds.sourcing) {
            let b = run[0].buyer;
            if output[b] <= 0.0 {
                continue;
            }
            let mut p = Pair {
                buyer: b,
                component: run[0].component,
                daily_need: 0.0,
                stock: 0.0,
                in_house: 0.0,
            };
            for r in run {
                p.daily_need += per_day(r);
                p.stock += r.inventory_days.unwrap_or(0.0) * per_day(r);
                if r.is_in_house() {
                    p.in_house += per_day(r);
                }
            }
            pair_of.insert((p.buyer, p.component), pairs.len());
            pairs.push(p);
        }

        let mut rows = Vec::new();
        let mut origin = Vec::new();
        let sourcing = ds.sourcing.iter().enumerate().map(|(i, r)| (Ok(i), r));
        let alternates = ds.alternates.iter().enumerate().map(|(i, r)| (Err(i), r));
        for (o, r) in sourcing.chain(alternates) {
            if r.is_in_house() {
                continue;
            }
            let alternate = o.is_err();
            rows.push(Row {
                buyer: r.buyer,
                supplier: r.supplier,
                pair: pair_of.get(&(r.buyer, r.component)).copied(),
                q: if alternate { 0.0 } else { per_day(r) },
                alternate,
            });
            origin.push(o);
        }
        Network {
            final_sales,
            output,
            capacity,
            finished,
            buys,
            rows,
            origin,
            pairs,
            end_firms,
        }
    }

    /// Whether firm `f` can make anything at all with nothing cut: a firm that buys something
    /// and has no normal output makes nothing (MODEL §8).
    pub(crate) fn can_produce(&self, f: FirmIdx) -> bool {
        self.capacity[f] > 0.0 && !(self.buys[f] && self.output[f] <= 0.0)
    }

    /// The firms of the firm sweep: normal output > 0 or a `capacity_value` (0 included).
    pub(crate) fn sweep_firms(&self, ds: &Dataset) -> Vec<FirmIdx> {
        (0..self.output.len())
            .filter(|&f| self.output[f] > 0.0 || ds.firms[f].capacity_value.is_some())
            .collect()
    }
}
