//! Time to survive against time to recover (MODEL.md §6), per firm with a known recovery time:
//! the end firms whose stock runs out before the firm is back. Produced by the firm sweep (the
//! same propagation and search, no second pass) when [`super::WhatIfSettings::recovery_gaps`]
//! asks for it; the policy gate's time-to-survive rule reads it.

use crate::model::FirmIdx;

/// An end firm that runs out of stock before a cut firm recovers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RecoveryGap {
    pub(crate) end_firm: FirmIdx,
    /// Days until its stock along the best-buffered path from the cut firm runs out.
    pub(crate) tts_days: f64,
    /// Its loss (1 - availability) with the firm cut.
    pub(crate) loss: f64,
}

/// A firm whose full cut leaves some end firm short before it recovers (its `recovery_days`,
/// else the default time to recover).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FirmRecovery {
    pub(crate) firm: FirmIdx,
    /// Its time to recover (its `recovery_days`, else the default).
    pub(crate) ttr_days: f64,
    /// The end firms with time to survive < time to recover and a loss, in end-firm order.
    pub(crate) short: Vec<RecoveryGap>,
}
