//! What supervisors count and download: statistics over reports, and the spreadsheets (cells,
//! sheets, the statistics workbook) built from them.

pub mod queue_row;
pub mod spreadsheet;
pub mod stats;
pub mod stats_workbook;
