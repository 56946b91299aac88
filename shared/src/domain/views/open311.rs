//! Open311 GeoReport v2, read-only: the platform's categories as services and the public board's
//! reports as service requests, for partners (the 12345 hotline, city dashboards). Built from the
//! public view only (`public::PublicReport`), so it shows exactly what the board shows: never a
//! reporter, their words, their location or their evidence. JSON and XML as the spec defines them.

use crate::domain::directory::catalog::Catalog;
use crate::domain::views::public::PublicReport;
use serde::Serialize;

/// The spec's answer formats, chosen by the path's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    /// `name.json` or `name.xml`: the name and its format.
    pub fn split(file: &str) -> Option<(&str, Format)> {
        if let Some(name) = file.strip_suffix(".json") {
            Some((name, Format::Json))
        } else {
            file.strip_suffix(".xml").map(|name| (name, Format::Xml))
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json; charset=utf-8",
            Format::Xml => "text/xml; charset=utf-8",
        }
    }
}

/// The group every service belongs to.
const GROUP: &str = "违规校外培训";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Service {
    pub service_code: String,
    pub service_name: String,
    pub description: String,
    /// No extra attributes to describe (`GET service definition` is not offered).
    pub metadata: bool,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub keywords: String,
    pub group: &'static str,
}

/// One service per category, in the catalog's order; the keywords are its violation types.
pub fn services() -> Vec<Service> {
    let catalog = Catalog::get();
    let keywords = catalog
        .violation_types
        .iter()
        .map(|v| v.code.as_str())
        .collect::<Vec<_>>()
        .join(",");
    catalog
        .categories
        .iter()
        .map(|c| Service {
            service_code: c.code.clone(),
            service_name: c.name.clone(),
            description: format!("{GROUP}举报:{}", c.name),
            metadata: false,
            kind: "realtime",
            keywords: keywords.clone(),
            group: GROUP,
        })
        .collect()
}

/// A service request, with the spec's fields; those the platform never publishes are null.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceRequest {
    pub service_request_id: String,
    /// Every published report has been answered.
    pub status: &'static str,
    pub status_notes: String,
    pub service_name: String,
    pub service_code: String,
    pub description: String,
    pub agency_responsible: String,
    pub service_notice: Option<String>,
    pub requested_datetime: String,
    pub updated_datetime: String,
    pub expected_datetime: Option<String>,
    /// The city and county only: the reported address is not public.
    pub address: String,
    pub address_id: Option<String>,
    pub zipcode: Option<String>,
    pub lat: Option<f64>,
    pub long: Option<f64>,
    pub media_url: Option<String>,
}

pub fn request_of(report: &PublicReport) -> ServiceRequest {
    let subject = &report.subject;
    ServiceRequest {
        service_request_id: report.serial.clone(),
        status: "closed",
        status_notes: status_notes(&report.reply),
        service_name: subject.category_name.clone(),
        service_code: subject.category.clone(),
        description: {
            let what = report
                .public_text
                .clone()
                .unwrap_or_else(|| subject.violation_type_names.join("、"));
            match &report.institution {
                Some(name) => format!("{name}:{what}"),
                None => what,
            }
        },
        agency_responsible: report.agency.clone(),
        service_notice: None,
        requested_datetime: report.created_at.clone(),
        updated_datetime: report.reply.replied_at.clone(),
        expected_datetime: None,
        address: format!("{}{}", subject.city_name, subject.county_name),
        address_id: None,
        zipcode: None,
        lat: None,
        long: None,
        media_url: None,
    }
}

/// An error as the spec writes it: `[{"code", "description"}]` or `<errors>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Open311Error {
    pub code: u16,
    pub description: String,
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Not allowed in XML 1.0 at all.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// `items` as `<outer><inner><field>…</field>…</inner>…</outer>`, fields in their JSON order; a
/// null is an empty element.
fn xml<T: Serialize>(outer: &str, inner: &str, items: &[T]) -> String {
    let mut out = format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<{outer}>");
    for item in items {
        out.push_str(&format!("<{inner}>"));
        if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(item) {
            for (name, value) in fields {
                let text = match value {
                    serde_json::Value::Null => String::new(),
                    serde_json::Value::String(s) => escape(&s),
                    other => other.to_string(),
                };
                out.push_str(&format!("<{name}>{text}</{name}>"));
            }
        }
        out.push_str(&format!("</{inner}>"));
    }
    out.push_str(&format!("</{outer}>\n"));
    out
}

/// The body of a list in `format` (`outer`/`inner` name the XML elements).
fn render<T: Serialize>(format: Format, outer: &str, inner: &str, items: &[T]) -> String {
    match format {
        Format::Json => serde_json::to_string(items).unwrap_or_else(|_| "[]".into()),
        Format::Xml => xml(outer, inner, items),
    }
}

pub fn render_services(format: Format, services: &[Service]) -> String {
    render(format, "services", "service", services)
}

pub fn render_requests(format: Format, requests: &[ServiceRequest]) -> String {
    render(format, "service_requests", "request", requests)
}

pub fn render_error(format: Format, error: &Open311Error) -> String {
    render(format, "errors", "error", std::slice::from_ref(error))
}

/// The finding, the reply and, when recorded, the measures taken.
fn status_notes(reply: &super::public::PublicReply) -> String {
    let measures: Vec<&str> = reply.measures.iter().flatten().map(|m| m.text.as_str()).collect();
    if measures.is_empty() {
        format!("{}:{}", reply.finding_name, reply.text)
    } else {
        format!("{}:{}(处理措施:{})", reply.finding_name, reply.text, measures.join(";"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::report::Finding;
    use crate::domain::views::Subject;
    use crate::domain::views::public::PublicReply;

    /// The fields GeoReport v2 defines for a service and a service request (wiki.open311.org,
    /// GeoReport v2, "GET Service List" and "GET Service Requests").
    const SERVICE_FIELDS: [&str; 7] = [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ];
    const REQUEST_FIELDS: [&str; 17] = [
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    ];

    fn report() -> PublicReport {
        PublicReport {
            serial: "221215164056656".into(),
            subject: Subject {
                city: "420100".into(),
                city_name: "武汉市".into(),
                county: "420106".into(),
                county_name: "武昌区".into(),
                category: "academic".into(),
                category_name: "学科类".into(),
                violation_types: vec!["unlicensed".into()],
                violation_type_names: vec!["无证无照".into()],
            },
            public_text: None,
            agency: "武昌区教育局".into(),
            institution: None,
            reply: PublicReply {
                finding: Finding::Substantiated,
                finding_name: "属实",
                text: "已查处 <依法> & 整改".into(),
                measures: None,
                replied_at: "2022-12-15T18:20:00+08:00".into(),
            },
            created_at: "2022-12-15T16:40:56+08:00".into(),
        }
    }

    fn keys(value: serde_json::Value) -> Vec<String> {
        value.as_object().unwrap().keys().cloned().collect()
    }

    #[test]
    fn services_and_requests_carry_exactly_the_specs_fields() {
        let service = serde_json::to_value(&services()[0]).unwrap();
        let mut expected: Vec<String> = SERVICE_FIELDS.iter().map(|f| f.to_string()).collect();
        expected.sort();
        assert_eq!(keys(service), expected);
        let request = serde_json::to_value(request_of(&report())).unwrap();
        let mut expected: Vec<String> = REQUEST_FIELDS.iter().map(|f| f.to_string()).collect();
        expected.sort();
        assert_eq!(keys(request), expected);
    }

    #[test]
    fn a_request_shows_what_the_board_shows_and_no_more() {
        let request = request_of(&report());
        assert_eq!(request.status, "closed");
        assert_eq!(request.status_notes, "属实:已查处 <依法> & 整改");
        assert_eq!(request.address, "武汉市武昌区");
        // The measures taken follow the reply when they were recorded.
        let mut measured = report();
        measured.reply.measures = Some(vec![crate::domain::views::MeasureView {
            code: "fine".into(),
            name: "罚款".into(),
            amount: Some(5000),
            to: None,
            text: "罚款5000元".into(),
        }]);
        assert_eq!(
            request_of(&measured).status_notes,
            "属实:已查处 <依法> & 整改(处理措施:罚款5000元)"
        );
        assert_eq!(request.description, "无证无照");
        assert_eq!((request.lat, request.long, request.media_url), (None, None, None));
    }

    #[test]
    fn xml_is_well_formed_and_escaped() {
        let text = render_requests(Format::Xml, &[request_of(&report())]);
        assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_requests><request>"));
        assert!(text.contains("<status_notes>属实:已查处 &lt;依法&gt; &amp; 整改</status_notes>"));
        assert!(text.contains("<lat></lat>"));
        assert!(text.ends_with("</request></service_requests>\n"));
        let error = render_error(
            Format::Xml,
            &Open311Error {
                code: 404,
                description: "x".into(),
            },
        );
        assert!(error.contains("<errors><error><code>404</code><description>x</description></error></errors>"));
    }

    #[test]
    fn the_extension_chooses_the_format() {
        assert_eq!(Format::split("services.json"), Some(("services", Format::Json)));
        assert_eq!(
            Format::split("221215164056656.xml"),
            Some(("221215164056656", Format::Xml))
        );
        assert_eq!(Format::split("services"), None);
    }
}
