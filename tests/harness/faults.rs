//! A fault-injecting HTTP proxy between the SDK and the local AWS, for faults the emulators
//! cannot produce: a throttle, a 500 or 503, a dropped connection or a slow answer, on chosen
//! calls of chosen operations. Every other request passes through untouched (signatures
//! included: neither emulator checks the host they were made for).

use axum::Router;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a matching call gets instead of the service's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 400 `ThrottlingException` (DynamoDB's JSON error shape).
    Throttle,
    /// 400 `ProvisionedThroughputExceededException`.
    ThroughputExceeded,
    /// A 5xx with the service's JSON error shape.
    ServerError(u16),
    /// The connection is dropped before any answer.
    Reset,
    /// The call is forwarded after this long.
    Slow(Duration),
}

/// Which calls a fault hits: an operation (`TransactWriteItems`, `sns:Publish`, `s3:HEAD`, …),
/// after letting `skip` of them through, for the next `times` of them.
#[derive(Debug, Clone)]
pub struct Rule {
    pub operation: &'static str,
    pub skip: usize,
    pub times: usize,
    pub fault: Fault,
}

impl Rule {
    /// Every call of `operation`, from now on.
    pub fn always(operation: &'static str, fault: Fault) -> Rule {
        Rule {
            operation,
            skip: 0,
            times: usize::MAX,
            fault,
        }
    }

    /// The next `times` calls of `operation`.
    pub fn next(operation: &'static str, times: usize, fault: Fault) -> Rule {
        Rule {
            operation,
            skip: 0,
            times,
            fault,
        }
    }
}

#[derive(Debug, Default)]
struct Armed {
    rules: Vec<(Rule, usize)>,
    /// Operations that got a fault, in order.
    hit: Vec<&'static str>,
}

/// The proxy's rules, shared with the test that sets them.
#[derive(Debug, Clone, Default)]
pub struct Faults(Arc<Mutex<Armed>>);

impl Faults {
    pub fn inject(&self, rule: Rule) {
        self.0.lock().unwrap().rules.push((rule, 0));
    }

    /// Lifts every fault: the services are healthy again.
    pub fn heal(&self) {
        self.0.lock().unwrap().rules.clear();
    }

    /// The operations that got a fault.
    pub fn hits(&self) -> Vec<&'static str> {
        self.0.lock().unwrap().hit.clone()
    }

    fn fault_for(&self, operation: &str) -> Option<Fault> {
        let mut armed = self.0.lock().unwrap();
        let mut found = None;
        for (rule, count) in armed.rules.iter_mut() {
            if rule.operation != operation {
                continue;
            }
            *count += 1;
            if *count > rule.skip && *count - rule.skip <= rule.times {
                found = Some((rule.operation, rule.fault));
                break;
            }
        }
        let (name, fault) = found?;
        armed.hit.push(name);
        Some(fault)
    }
}

/// The operation a request is: DynamoDB and its streams name it in `X-Amz-Target`, SNS in the
/// form body's `Action`, S3 by method.
fn operation(headers: &HeaderMap, method: &str, body: &[u8]) -> String {
    if let Some(target) = headers.get("x-amz-target").and_then(|v| v.to_str().ok()) {
        return target.rsplit('.').next().unwrap_or(target).to_owned();
    }
    let text = String::from_utf8_lossy(body);
    if let Some(action) = text.split('&').find_map(|pair| pair.strip_prefix("Action=")) {
        return format!("sns:{action}");
    }
    format!("s3:{method}")
}

fn error(status: u16, kind: &str, message: &str) -> Response {
    let body = serde_json::json!({"__type": format!("com.amazonaws.dynamodb.v20120810#{kind}"), "message": message});
    let mut response = (StatusCode::from_u16(status).unwrap(), body.to_string()).into_response();
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("application/x-amz-json-1.0"));
    response
        .headers_mut()
        .insert("x-amzn-errortype", HeaderValue::from_str(kind).unwrap());
    response
}

struct Proxy {
    target: String,
    faults: Faults,
    client: reqwest::Client,
}

async fn forward(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body: Bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let op = operation(&parts.headers, parts.method.as_str(), &body);
    match proxy.faults.fault_for(&op) {
        Some(Fault::Throttle) => {
            return error(
                400,
                "ThrottlingException",
                "Rate of requests exceeds the allowed throughput.",
            );
        }
        Some(Fault::ThroughputExceeded) => {
            return error(
                400,
                "ProvisionedThroughputExceededException",
                "The level of configured provisioned throughput for the table was exceeded.",
            );
        }
        Some(Fault::ServerError(status)) => return error(status, "InternalServerError", "injected"),
        // Dropping the connection: hyper closes it when the handler panics, with no answer.
        Some(Fault::Reset) => std::panic::resume_unwind(Box::new("injected reset")),
        Some(Fault::Slow(delay)) => tokio::time::sleep(delay).await,
        None => {}
    }
    let url = format!(
        "{}{}",
        proxy.target,
        parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
    );
    let head = parts.method == axum::http::Method::HEAD;
    let mut outgoing = proxy.client.request(parts.method.clone(), url).body(body);
    for (name, value) in &parts.headers {
        if name != "host" && name != "content-length" {
            outgoing = outgoing.header(name, value);
        }
    }
    let Ok(answer) = outgoing.send().await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let status = answer.status();
    let headers = answer.headers().clone();
    let bytes = answer.bytes().await.unwrap_or_default();
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    for (name, value) in &headers {
        // A HEAD answer's length is the object's, not its (empty) body's: S3 clients read it.
        let framing = (name == "content-length" && !head) || name == "transfer-encoding" || name == "connection";
        if !framing {
            response.headers_mut().append(name, value.clone());
        }
    }
    response
}

/// Starts a proxy to `target` on an ephemeral port; returns its URL.
pub async fn start(target: String, faults: Faults) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let proxy = Arc::new(Proxy {
        target,
        faults,
        client: reqwest::Client::new(),
    });
    let router = Router::new().fallback(forward).with_state(proxy);
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}
