//! Open311 GeoReport v2, read-only, over the public board (docs/open311.md): the service list,
//! a city's requests (`jurisdiction_id` = city code) and one request, as `.json` or `.xml`.
//! Errors take the spec's shape; paging is the board's cursor, offered in a `Link` header.

use crate::city_named;
use chrono::{DateTime, Duration, FixedOffset};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use shared::app::App;
use shared::domain::directory::catalog::Catalog;
use shared::domain::report::serial::Serial;
use shared::domain::time::now_cst;
use shared::domain::views::open311::{
    Format, Open311Error, ServiceRequest, render_error, render_requests, render_services, request_of, services,
};
use shared::domain::views::public::public_view;
use shared::http::request::{page_size, path_param, query_param};
use shared::http::response::{PUBLIC_SHORT, error_response_as, text_response};
use shared::http::{ApiError, Body, Request, Response};

/// With no dates, the last 90 days are searched, as the spec suggests.
const DEFAULT_SPAN_DAYS: i64 = 90;
/// What a query value keeps unencoded: RFC 3986's unreserved characters.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
/// Board pages read for one answer at most.
const MAX_QUERIES: usize = 5;

/// Answers one Open311 route in `format`, errors included.
pub async fn answer(app: &App, request: &Request, route: &str) -> Response<Body> {
    let format = match route {
        "GET /open311/v2/requests/{request}" => {
            match path_param(request, "request").as_deref().and_then(Format::split) {
                Some((_, format)) => format,
                None => Format::Json,
            }
        }
        other if other.ends_with(".xml") => Format::Xml,
        _ => Format::Json,
    };
    match serve(app, request, route, format).await {
        Ok(response) => response,
        Err(error) => {
            let body = render_error(
                format,
                &Open311Error {
                    code: error.status,
                    description: error.message.clone(),
                },
            );
            error_response_as(&error, body, format.content_type())
        }
    }
}

async fn serve(app: &App, request: &Request, route: &str, format: Format) -> Result<Response<Body>, ApiError> {
    match route {
        "GET /open311/v2/services.json" | "GET /open311/v2/services.xml" => {
            if let Some(code) = query_param(request, "jurisdiction_id") {
                city_named(app, "jurisdiction_id", &code)?;
            }
            let body = render_services(format, &services());
            Ok(text_response(200, body, format.content_type(), "public, max-age=300"))
        }
        "GET /open311/v2/requests.json" | "GET /open311/v2/requests.xml" => requests(app, request, format).await,
        "GET /open311/v2/requests/{request}" => {
            let file = path_param(request, "request").unwrap_or_default();
            let serial = Format::split(&file)
                .and_then(|(id, _)| Serial::parse(id))
                .ok_or_else(|| ApiError::new(404, "not_found", "请求不存在"))?;
            let record = app.records.public_report(&serial).await?;
            let view = record
                .as_ref()
                .and_then(|r| public_view(r, &app.directory.regions))
                .ok_or_else(|| ApiError::new(404, "not_found", "请求不存在"))?;
            let body = render_requests(format, &[request_of(&view)]);
            Ok(text_response(200, body, format.content_type(), PUBLIC_SHORT))
        }
        _ => Err(ApiError::route_not_found()),
    }
}

fn datetime(request: &Request, name: &'static str) -> Result<Option<DateTime<FixedOffset>>, ApiError> {
    query_param(request, name)
        .map(|text| {
            DateTime::parse_from_rfc3339(&text)
                .map_err(|_| ApiError::invalid(name, format!("{name} 应为 W3C 时间,如 2026-11-01T00:00:00+08:00")))
        })
        .transpose()
}

/// The requested window: the last 90 days by default; one end given, open on the other; a
/// window given backwards is read the right way round (as the staff queue reads its dates).
fn window(request: &Request) -> Result<(DateTime<FixedOffset>, DateTime<FixedOffset>), ApiError> {
    let start = datetime(request, "start_date")?;
    let end = datetime(request, "end_date")?;
    let (start, end) = match (start, end) {
        (None, None) => {
            let now = now_cst();
            (now - Duration::days(DEFAULT_SPAN_DAYS), now)
        }
        (start, end) => (
            start.unwrap_or(DateTime::<FixedOffset>::MIN_UTC.fixed_offset()),
            end.unwrap_or(DateTime::<FixedOffset>::MAX_UTC.fixed_offset()),
        ),
    };
    Ok(if start > end { (end, start) } else { (start, end) })
}

async fn requests(app: &App, request: &Request, format: Format) -> Result<Response<Body>, ApiError> {
    let code = query_param(request, "jurisdiction_id")
        .ok_or_else(|| ApiError::invalid("jurisdiction_id", "请指定 jurisdiction_id(地市代码)"))?;
    let city = city_named(app, "jurisdiction_id", &code)?;
    let service = query_param(request, "service_code");
    if let Some(code) = &service
        && Catalog::get().category(code).is_none()
    {
        return Err(ApiError::invalid("service_code", "service_code 不存在"));
    }
    // Every published report is answered: `closed`. Asking for `open` alone finds none.
    let statuses = query_param(request, "status").unwrap_or_else(|| "open,closed".into());
    if statuses.split(',').any(|s| !matches!(s.trim(), "open" | "closed")) {
        return Err(ApiError::invalid("status", "status 只能是 open 或 closed"));
    }
    let wants_closed = statuses.split(',').any(|s| s.trim() == "closed");
    let (start, end) = window(request)?;
    let page_size = page_size(request, "page_size", 50, 100)?;
    let mut cursor = query_param(request, "cursor");
    let mut found: Vec<ServiceRequest> = Vec::new();
    let regions = &app.directory.regions;
    if wants_closed {
        for _ in 0..MAX_QUERIES {
            let wanted = page_size - i32::try_from(found.len()).unwrap_or(page_size);
            // Asking for exactly what is missing keeps the board's cursor a true one.
            let page = app.records.public_board(&city.code, wanted, cursor.as_deref()).await?;
            let mut older_than_window = false;
            for view in page.items.iter().filter_map(|r| public_view(r, regions)) {
                // Newest reply first, and a reply follows its report: once replies are older
                // than the window, so are all reports after them.
                if DateTime::parse_from_rfc3339(&view.reply.replied_at).is_ok_and(|at| at < start) {
                    older_than_window = true;
                    break;
                }
                let requested = DateTime::parse_from_rfc3339(&view.created_at).ok();
                let in_window = requested.is_some_and(|at| start <= at && at <= end);
                if in_window && service.as_ref().is_none_or(|s| *s == view.subject.category) {
                    found.push(request_of(&view));
                }
            }
            cursor = if older_than_window { None } else { page.next };
            if cursor.is_none() || found.len() >= usize::try_from(page_size).unwrap_or(0) {
                break;
            }
        }
    } else {
        cursor = None;
    }
    let body = render_requests(format, &found);
    let mut response = text_response(200, body, format.content_type(), PUBLIC_SHORT);
    if let Some(next) = cursor {
        let mut query: Vec<String> = request
            .uri()
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|pair| !pair.is_empty() && !pair.starts_with("cursor="))
            .map(str::to_owned)
            .collect();
        query.push(format!("cursor={}", utf8_percent_encode(&next, QUERY_VALUE)));
        let query = query.join("&");
        let link = format!("<{}?{query}>; rel=\"next\"", request.uri().path());
        if let Ok(value) = lambda_http::http::HeaderValue::from_str(&link) {
            response.headers_mut().insert(lambda_http::http::header::LINK, value);
        }
    }
    Ok(response)
}
