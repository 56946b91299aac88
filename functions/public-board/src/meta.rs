//! `GET /v1/meta`: everything a client needs to draw the notice and the form, by code with
//! Chinese names: regions (with their seats), categories, violation types, statuses, evidence
//! limits, rating levels, and the province's own names (`site`), so one H5 build serves any
//! province.

use serde::Serialize;
use shared::app::App;
use shared::domain::digest::sha256_hex;
use shared::domain::directory::catalog::QuestionRules;
use shared::domain::directory::catalog::{Catalog, Category, MeasureKind, Named, Notice, Site};
use shared::domain::directory::regions::{NamedRegion, Region, Regions as Divisions, Seat};
use shared::domain::report::Finding;
use shared::domain::report::evidence::EvidenceKind;
use shared::domain::report::input::{MAX_ADDRESS_CHARS, MAX_CONTENT_CHARS, MAX_TARGET_CHARS};
use shared::domain::report::rating::MAX_COMMENT_CHARS;
use shared::http::response::{error_response, text_response};
use shared::http::{ApiError, Body, Request, Response};

/// A county with its seat, from which the H5 finds the nearest one (使用当前位置).
#[derive(Debug, Serialize)]
pub struct County {
    pub code: String,
    pub name: String,
    pub seat: Option<Seat>,
}

impl From<&Region> for County {
    fn from(region: &Region) -> County {
        County {
            code: region.code.clone(),
            name: region.name.clone(),
            seat: region.seat(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct City {
    pub code: String,
    pub name: String,
    pub seat: Option<Seat>,
    /// 省直管: the city is also its own (only) county.
    pub directly_administered: bool,
    pub counties: Vec<County>,
}

#[derive(Debug, Serialize)]
pub struct Regions {
    pub province: NamedRegion,
    pub cities: Vec<City>,
}

#[derive(Debug, Serialize)]
pub struct NoticeView<'a> {
    #[serde(flatten)]
    pub notice: &'a Notice,
    /// 可举报类型, in the catalog's order.
    pub reportable_types: Vec<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct EvidenceRule {
    pub kind: EvidenceKind,
    pub max_files: usize,
    pub max_bytes: u64,
    pub content_types: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct EvidenceRules {
    /// Images or a video, never both.
    pub one_kind_only: bool,
    pub kinds: Vec<EvidenceRule>,
}

#[derive(Debug, Serialize)]
pub struct RatingLevel<'a> {
    pub stars: u8,
    pub name: &'a str,
}

#[derive(Debug, Serialize)]
pub struct RatingRules<'a> {
    pub levels: Vec<RatingLevel<'a>>,
    pub comment_max_chars: usize,
}

#[derive(Debug, Serialize)]
pub struct FormLimits {
    pub target_max_chars: usize,
    pub address_max_chars: usize,
    pub content_max_chars: usize,
    pub reports_per_day: u32,
}

#[derive(Debug, Serialize)]
pub struct Meta<'a> {
    pub site: SiteView<'a>,
    pub regions: Regions,
    pub categories: &'a [Category],
    pub violation_types: &'a [Named],
    pub statuses: &'a [Named],
    pub notice: NoticeView<'a>,
    pub evidence: EvidenceRules,
    pub rating: RatingRules<'a>,
    pub limits: FormLimits,
    pub reply: ReplyOptions<'a>,
    /// Questions to the reporter (补充材料): the limit and the ready-made ones.
    pub questions: &'a QuestionRules,
    pub links: Links,
}

/// The findings and measures (处理措施) a reply may record in this province, for the admin
/// site's reply form and for reading replies.
#[derive(Debug, Serialize)]
pub struct ReplyOptions<'a> {
    pub findings: Vec<FindingOption>,
    pub measures: &'a [MeasureKind],
}

#[derive(Debug, Serialize)]
pub struct FindingOption {
    pub code: Finding,
    pub name: &'static str,
}

/// The province's names, and the city the board opens on when nothing else is known.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    pub issuer: &'a str,
    pub host_app: &'a str,
    pub identity_provider: &'a str,
    /// The catalog's capital, if it is one of the cities served; else the first city.
    pub capital: String,
}

impl<'a> SiteView<'a> {
    fn new(site: &'a Site, regions: &Divisions) -> SiteView<'a> {
        let capital = regions
            .cities()
            .find(|city| city.code == site.capital)
            .or_else(|| regions.cities().next())
            .map(|city| city.code.clone())
            .unwrap_or_default();
        SiteView {
            issuer: &site.issuer,
            host_app: &site.host_app,
            identity_provider: &site.identity_provider,
            capital,
        }
    }
}

/// Where the rest of the public information is.
#[derive(Debug, Serialize)]
pub struct Links {
    /// 举报电话: a county's offices per category with their public phones (`?county=`).
    pub agencies: &'static str,
}

pub fn meta(app: &App) -> Meta<'static> {
    let catalog = Catalog::get();
    let regions = &app.directory.regions;
    let cities = regions
        .cities()
        .map(|city| City {
            code: city.code.clone(),
            name: city.name.clone(),
            seat: city.seat(),
            directly_administered: regions.is_directly_administered(city),
            counties: regions.counties_of(city).into_iter().map(County::from).collect(),
        })
        .collect();
    let rule = |kind: EvidenceKind| EvidenceRule {
        kind,
        max_files: kind.max_files(),
        max_bytes: kind.max_bytes(),
        content_types: kind.content_types(),
    };
    Meta {
        site: SiteView::new(&catalog.site, regions),
        regions: Regions {
            province: NamedRegion::from(regions.province()),
            cities,
        },
        categories: &catalog.categories,
        violation_types: &catalog.violation_types,
        statuses: &catalog.statuses,
        notice: NoticeView {
            notice: &catalog.notice,
            reportable_types: catalog.violation_types.iter().map(|v| v.name.as_str()).collect(),
        },
        evidence: EvidenceRules {
            one_kind_only: true,
            kinds: vec![rule(EvidenceKind::Image), rule(EvidenceKind::Video)],
        },
        rating: RatingRules {
            levels: (1..=5u8)
                .rev()
                .filter_map(|stars| catalog.rating_level(stars).map(|name| RatingLevel { stars, name }))
                .collect(),
            comment_max_chars: MAX_COMMENT_CHARS,
        },
        limits: FormLimits {
            target_max_chars: MAX_TARGET_CHARS,
            address_max_chars: MAX_ADDRESS_CHARS,
            content_max_chars: MAX_CONTENT_CHARS,
            reports_per_day: app.settings.reports_per_day,
        },
        reply: ReplyOptions {
            findings: [
                Finding::Substantiated,
                Finding::Partly,
                Finding::Unsubstantiated,
                Finding::Unverifiable,
            ]
            .into_iter()
            .filter(|f| *f != Finding::Unverifiable || catalog.reply.unverifiable)
            .map(|code| FindingOption {
                code,
                name: code.name(),
            })
            .collect(),
            measures: &catalog.reply.measures,
        },
        questions: &catalog.questions,
        links: Links {
            agencies: "/v1/public/agencies",
        },
    }
}

/// How long clients and the CDN keep the meta. It changes only with the province's files, so
/// after its five minutes a copy may still be served for a day while it is checked again (its
/// ETag makes the check a 304 without a body), and for a day while the API fails: a flood on
/// the API leaves the form drawable.
pub const META_CACHE: &str = "public, max-age=300, stale-while-revalidate=86400, stale-if-error=86400";

/// `GET /v1/meta` with its version: the ETag is a digest of the answer, so `If-None-Match` with
/// the current one answers 304 without a body.
pub fn answer(app: &App, request: &Request) -> Response<Body> {
    let text = match serde_json::to_string(&meta(app)) {
        Ok(text) => text,
        Err(error) => {
            tracing::error!(%error, "meta did not serialise");
            return error_response(&ApiError::internal());
        }
    };
    let etag = format!("\"{}\"", sha256_hex(&text, 16));
    let unchanged = request
        .headers()
        .get_all(http::header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/") == etag
        });
    let mut response = if unchanged {
        let mut response = Response::new(Body::Empty);
        *response.status_mut() = http::StatusCode::NOT_MODIFIED;
        response
    } else {
        text_response(200, text, "application/json; charset=utf-8", META_CACHE)
    };
    let headers = response.headers_mut();
    headers.insert(http::header::CACHE_CONTROL, http::HeaderValue::from_static(META_CACHE));
    if let Ok(value) = http::HeaderValue::from_str(&etag) {
        headers.insert(http::header::ETAG, value);
    }
    response
}
