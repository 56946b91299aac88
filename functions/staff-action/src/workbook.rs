//! Writes sheets as one `.xlsx` workbook (`rust_xlsxwriter`) and answers it as a download. Each
//! cell is written as its kind: text as text (never a formula), numbers as numbers, shares as
//! percentages, times as date-time cells in China time. A sheet's title row spans its columns; the
//! header below it is frozen with an auto-filter.

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};
use shared::domain::reporting::spreadsheet::{Cell, Sheet, local_time};
use shared::http::response::NO_STORE;
use shared::http::{ApiError, Body, Response};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let title_format = Format::new().set_bold().set_font_size(14);
    let header_format = Format::new().set_bold().set_align(FormatAlign::Center);
    let time_format = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let percent_format = Format::new().set_num_format("0.0%");
    for sheet in sheets {
        let out = book.add_worksheet();
        out.set_name(sheet.name)?;
        let last_col = u16::try_from(sheet.columns.len().saturating_sub(1)).unwrap_or(u16::MAX);
        let header: u32 = match &sheet.title {
            Some(title) if last_col > 0 => {
                out.merge_range(0, 0, 0, last_col, title, &title_format)?;
                1
            }
            Some(title) => {
                out.write_string_with_format(0, 0, title, &title_format)?;
                1
            }
            None => 0,
        };
        for (col, column) in (0u16..).zip(sheet.columns) {
            out.write_string_with_format(header, col, column.header, &header_format)?;
            out.set_column_width(col, column.width)?;
        }
        for (row, cells) in (header + 1..).zip(&sheet.rows) {
            for (col, cell) in (0u16..).zip(cells) {
                match cell {
                    Cell::Text(text) => out.write_string(row, col, text)?,
                    Cell::Number(Some(n)) => out.write_number(row, col, *n)?,
                    Cell::Percent(Some(share)) => out.write_number_with_format(row, col, *share, &percent_format)?,
                    Cell::Time(Some(at)) => {
                        let at = ExcelDateTime::parse_from_str(&local_time(at))?;
                        out.write_datetime_with_format(row, col, &at, &time_format)?
                    }
                    Cell::Number(None) | Cell::Percent(None) | Cell::Time(None) => out,
                };
            }
        }
        out.set_freeze_panes(header + 1, 0)?;
        let last_row = header + u32::try_from(sheet.rows.len()).unwrap_or(u32::MAX - header);
        out.autofilter(header, 0, last_row, last_col)?;
    }
    book.save_to_buffer()
}

/// The workbook as a download named `name` (RFC 6266: UTF-8 in `filename*`, an ASCII fallback
/// for old clients).
pub fn download(bytes: Vec<u8>, name: &str, fallback: &'static str) -> Result<Response<Body>, ApiError> {
    let mut response = Response::new(Body::Binary(bytes));
    let headers = response.headers_mut();
    headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(XLSX));
    headers.insert(http::header::CACHE_CONTROL, http::HeaderValue::from_static(NO_STORE));
    headers.insert(
        http::header::CONTENT_DISPOSITION,
        http::HeaderValue::from_str(&attachment(name, fallback)).map_err(|_| ApiError::internal())?,
    );
    Ok(response)
}

/// `Content-Disposition` saving a file as `name` (RFC 6266: UTF-8 in `filename*`, an ASCII
/// `fallback` for old clients): header values are ASCII.
pub fn attachment(name: &str, fallback: &str) -> String {
    format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        utf8_percent_encode(name, NON_ALPHANUMERIC)
    )
}

/// An export (a workbook or a CSV) that could not be written: logged, answered as the server's
/// fault.
pub fn export_not_written(error: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %error, "export");
    ApiError::internal()
}
