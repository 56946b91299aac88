//! The route table, the OpenAPI document and the SAM template agree: same routes, same
//! functions, authorizers exactly on the citizen routes.

use crate::harness::read_repo_file;
use serde_yaml_ng::Value;
use shared::routes::{Access, ROUTES};
use std::collections::BTreeSet;

fn yaml(path: &str) -> Value {
    serde_yaml_ng::from_str(&read_repo_file(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn route_table() -> BTreeSet<String> {
    ROUTES.iter().map(|r| r.key()).collect()
}

#[test]
fn the_openapi_document_describes_exactly_the_routes_with_their_security() {
    let doc = yaml("api/openapi.yaml");
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_mapping().unwrap() {
        for (method, operation) in item.as_mapping().unwrap() {
            let key = format!("{} {}", method.as_str().unwrap().to_uppercase(), path.as_str().unwrap());
            let route = ROUTES
                .iter()
                .find(|r| r.key() == key)
                .unwrap_or_else(|| panic!("{key} is documented but not served"));
            let secured = operation.get("security").is_some();
            assert_eq!(secured, route.access != Access::Public, "{key}: security");
            let responses = operation["responses"].as_mapping().unwrap();
            if route.access == Access::Citizen {
                assert!(responses.contains_key("401"), "{key} documents 401");
            }
            documented.insert(key);
        }
    }
    assert_eq!(documented, route_table());
}

#[test]
fn the_template_serves_exactly_the_routes_from_their_functions() {
    let template = yaml("infra/template.yaml");
    let mut served = BTreeSet::new();
    for (_, resource) in template["Resources"].as_mapping().unwrap() {
        if resource["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let binary = resource["Metadata"]["BuildProperties"]["Binary"].as_str().unwrap();
        let Some(events) = resource["Properties"].get("Events").and_then(Value::as_mapping) else {
            continue;
        };
        for (_, event) in events {
            if event["Type"].as_str() != Some("HttpApi") {
                continue;
            }
            let p = &event["Properties"];
            let key = format!("{} {}", p["Method"].as_str().unwrap(), p["Path"].as_str().unwrap());
            let route = ROUTES
                .iter()
                .find(|r| r.key() == key)
                .unwrap_or_else(|| panic!("{key} is deployed but not a route"));
            assert_eq!(route.function, binary, "{key} is served by its function");
            let authorizer = p.get("Auth").and_then(|a| a.get("Authorizer")).and_then(Value::as_str);
            let expected = match route.access {
                Access::Public => None,
                Access::Citizen => Some("CitizenJwt"),
                Access::Staff => Some("StaffJwt"),
            };
            assert_eq!(authorizer, expected, "{key}: authorizer");
            // Each class of caller has its own throttle, so one cannot starve the others.
            let class = match route.access {
                Access::Public => "Public",
                Access::Citizen => "Citizen",
                Access::Staff => "Staff",
            };
            let throttle = serde_yaml_ng::to_string(&p["RouteSettings"]).unwrap();
            for limit in ["RateLimit", "BurstLimit"] {
                assert!(throttle.contains(&format!("{class}{limit}")), "{key}: {throttle}");
            }
            served.insert(key);
        }
    }
    assert_eq!(served, route_table());
}

#[test]
fn the_template_builds_every_function_crate_for_arm64() {
    let template = yaml("infra/template.yaml");
    assert_eq!(
        template["Globals"]["Function"]["Architectures"][0].as_str(),
        Some("arm64")
    );
    assert_eq!(
        template["Globals"]["Function"]["Runtime"].as_str(),
        Some("provided.al2023")
    );
    let binaries: BTreeSet<&str> = template["Resources"]
        .as_mapping()
        .unwrap()
        .values()
        .filter(|r| r["Type"].as_str() == Some("AWS::Serverless::Function"))
        .map(|r| {
            assert_eq!(r["Metadata"]["BuildMethod"].as_str(), Some("rust-cargolambda"));
            r["Metadata"]["BuildProperties"]["Binary"].as_str().unwrap()
        })
        .collect();
    let crates: BTreeSet<String> = std::fs::read_dir(crate::harness::repo_root().join("functions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        binaries.iter().map(|b| (*b).to_owned()).collect::<BTreeSet<_>>(),
        crates
    );
}

#[test]
fn the_local_table_is_the_templates_table() {
    // The harness and the local server create their table from this very definition.
    let definition = local_server::provision::table_definition(&read_repo_file("infra/template.yaml")).unwrap();
    let indexes: Vec<&str> = definition
        .global_secondary_indexes
        .iter()
        .map(|i| i.index_name.as_str())
        .collect();
    assert_eq!(
        indexes,
        [
            "by_reporter",
            "by_agency",
            "by_city",
            "by_province",
            "public_board",
            "open_by_deadline",
            "reporter_data",
            "unsent_sms",
            "by_institution",
            "awaiting_reporter",
            "audit_log",
            "recount"
        ]
    );
    assert_eq!(
        [
            shared::adapters::dynamo::INDEX_BY_REPORTER,
            shared::adapters::dynamo::INDEX_BY_AGENCY,
            shared::adapters::dynamo::INDEX_BY_CITY,
            shared::adapters::dynamo::INDEX_BY_PROVINCE,
            shared::adapters::dynamo::INDEX_PUBLIC_BOARD,
            shared::adapters::dynamo::INDEX_OPEN_BY_DEADLINE,
            shared::adapters::dynamo::INDEX_REPORTER_DATA,
            shared::adapters::dynamo::INDEX_UNSENT_SMS,
            shared::adapters::dynamo::INDEX_BY_INSTITUTION,
            shared::adapters::dynamo::INDEX_AWAITING_REPORTER,
            shared::adapters::dynamo::INDEX_AUDIT_LOG,
            shared::adapters::dynamo::INDEX_RECOUNT,
        ],
        indexes[..]
    );
    assert_eq!(
        definition.stream_specification.unwrap().stream_view_type,
        "NEW_AND_OLD_IMAGES"
    );
}

/// A stored report's attributes the public side must never be able to read.
const PRIVATE: [&str; 8] = [
    "reporter",
    "reporter_pk",
    "content",
    "evidence",
    "location",
    "target",
    "address",
    "rating",
];

/// Whether a policy condition block `block` names the leading keys.
fn condition_has_leading_keys(condition: &Value, block: &str) -> bool {
    condition
        .get(block)
        .and_then(|b| b.get("dynamodb:LeadingKeys"))
        .is_some()
}

#[test]
fn the_public_function_can_read_no_reporter_attribute() {
    use shared::domain::views::public::PUBLIC_ATTRIBUTES;
    let template = yaml("infra/template.yaml");
    let names = |value: &Value| -> Vec<String> {
        value
            .as_sequence()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    // The board's index projects the public attributes, nothing more.
    let table = &template["Resources"]["ReportsTable"]["Properties"];
    let board = table["GlobalSecondaryIndexes"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|i| i["IndexName"] == "public_board")
        .unwrap();
    assert_eq!(board["Projection"]["ProjectionType"], "INCLUDE");
    assert_eq!(names(&board["Projection"]["NonKeyAttributes"]), PUBLIC_ATTRIBUTES);

    // The function reads the table only through an attribute condition listing the same, and
    // queries only that index.
    let function = &template["Resources"]["PublicBoardFunction"]["Properties"];
    let mut readable = Vec::new();
    for policy in function["Policies"].as_sequence().unwrap() {
        let Some(statements) = policy.get("Statement").and_then(Value::as_sequence) else {
            continue;
        };
        for statement in statements {
            let actions = names(&statement["Action"]);
            let resource = serde_yaml_ng::to_string(&statement["Resource"]).unwrap();
            if actions.iter().any(|a| a == "dynamodb:GetItem") {
                let condition = &statement["Condition"];
                readable = names(&condition["ForAllValues:StringEquals"]["dynamodb:Attributes"]);
                assert_eq!(
                    condition["StringEqualsIfExists"]["dynamodb:Select"],
                    "SPECIFIC_ATTRIBUTES"
                );
            } else if actions.iter().any(|a| a.starts_with("dynamodb:")) {
                assert_eq!(actions, ["dynamodb:Query"]);
                if resource.contains("/index/") {
                    assert!(resource.contains("/index/public_board"), "{resource}");
                } else if condition_has_leading_keys(&statement["Condition"], "ForAllValues:StringEquals") {
                    // The saved 举报电话: the phones partition, public phones only (no duty phone).
                    let condition = &statement["Condition"]["ForAllValues:StringEquals"];
                    assert_eq!(names(&condition["dynamodb:LeadingKeys"]), ["PHONES"]);
                    assert_eq!(
                        names(&condition["dynamodb:Attributes"]),
                        ["pk", "sk", "agency_id", "public_phone"]
                    );
                    assert_eq!(
                        statement["Condition"]["StringEqualsIfExists"]["dynamodb:Select"],
                        "SPECIFIC_ATTRIBUTES"
                    );
                } else {
                    // On the table itself: the registry's partitions, names and search keys only.
                    let condition = &statement["Condition"];
                    assert_eq!(
                        names(&condition["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]),
                        ["INST#*"]
                    );
                    assert_eq!(
                        names(&condition["ForAllValues:StringEquals"]["dynamodb:Attributes"]),
                        ["pk", "sk", "id", "name", "search"]
                    );
                    assert_eq!(
                        condition["StringEqualsIfExists"]["dynamodb:Select"],
                        "SPECIFIC_ATTRIBUTES"
                    );
                }
            }
        }
    }
    let mut expected = vec!["pk".to_owned(), "sk".to_owned()];
    expected.extend(PUBLIC_ATTRIBUTES.iter().map(|a| (*a).to_owned()));
    assert_eq!(readable, expected);
    for private in PRIVATE {
        assert!(!readable.iter().any(|a| a == private), "{private} readable");
    }
}

#[test]
fn the_sdk_gives_up_before_any_function_times_out() {
    let template = yaml("infra/template.yaml");
    let default = template["Globals"]["Function"]["Timeout"].as_u64().unwrap();
    let shortest = template["Resources"]
        .as_mapping()
        .unwrap()
        .values()
        .filter(|r| r["Type"].as_str() == Some("AWS::Serverless::Function"))
        .map(|r| r["Properties"]["Timeout"].as_u64().unwrap_or(default))
        .min()
        .unwrap();
    let sdk = shared::adapters::sdk::OPERATION_TIMEOUT;
    assert!(
        sdk.as_secs() < shortest,
        "an SDK call may take {sdk:?}, a function {shortest} s: a slow service must answer 503, not time out"
    );
    assert!(shared::adapters::sdk::ATTEMPT_TIMEOUT < sdk);
}

/// The admin site's index.html carries the template's policy as a `<meta>` with the stack's exact
/// hosts: a second line behind CloudFront's header, and the only one in the China regions, where
/// CloudFront offers no response headers policy.
#[test]
fn the_admin_sites_meta_policy_names_the_stacks_own_hosts() {
    let outputs = serde_json::json!([
        {"OutputKey": "ApiUrl", "OutputValue": "https://api.jyt.hubei.gov.cn"},
        {"OutputKey": "StaffIssuer", "OutputValue": "https://idp.hubei.gov.cn/oidc"},
        {"OutputKey": "StaffClientId", "OutputValue": "admin"},
        {"OutputKey": "EvidenceBucketName", "OutputValue": "suishoupai-evidence-1"},
    ]);
    let file = std::env::temp_dir().join(format!("outputs-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&file, outputs.to_string()).unwrap();
    let printed = std::process::Command::new(crate::harness::repo_root().join("scripts/publish-admin-site"))
        .arg("--print-policy")
        .arg(&file)
        .arg("cn-north-1")
        .output()
        .unwrap();
    assert!(printed.status.success(), "{}", String::from_utf8_lossy(&printed.stderr));
    let policy = String::from_utf8(printed.stdout).unwrap();
    for directive in [
        "default-src 'none'",
        "script-src 'self';",
        "connect-src 'self' https://suishoupai-evidence-1.s3.cn-north-1.amazonaws.com.cn",
        "https://api.jyt.hubei.gov.cn https://idp.hubei.gov.cn/oidc https://idp.hubei.gov.cn;",
        "form-action 'self' https://idp.hubei.gov.cn;",
        "object-src 'none'",
    ] {
        assert!(policy.contains(directive), "{directive} in {policy}");
    }
    assert!(!policy.contains('*') && !policy.contains("${"), "{policy}");
    assert!(!policy.contains("frame-ancestors"), "ignored in a meta: {policy}");
}

/// Every public GET route is cached by the CDN of each partition, and nothing else is: a citizen's
/// or staff route never matches a cached behaviour, and the cache passes no header or cookie (so
/// no credential) to the API.
#[test]
fn every_public_get_route_is_behind_the_cdn_and_nothing_else_is_cached() {
    let template = yaml("infra/template.yaml");
    let resources = &template["Resources"];
    let matches = |pattern: &str, path: &str| match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => pattern == path,
    };
    for distribution in ["PublicApiDistribution", "PublicApiDistributionChina"] {
        let behaviours = resources[distribution]["Properties"]["DistributionConfig"]["CacheBehaviors"]
            .as_sequence()
            .unwrap_or_else(|| panic!("{distribution} has cache behaviours"));
        let patterns: Vec<&str> = behaviours.iter().map(|b| b["PathPattern"].as_str().unwrap()).collect();
        for route in ROUTES {
            let cached = patterns.iter().any(|p| matches(p, route.path));
            let public_read = route.access == Access::Public && route.method == "GET";
            assert_eq!(cached, public_read, "{distribution}: {} {}", route.method, route.path);
        }
    }
    let key = &resources["PublicApiCachePolicy"]["Properties"]["CachePolicyConfig"]["ParametersInCacheKeyAndForwardedToOrigin"];
    assert_eq!(key["HeadersConfig"]["HeaderBehavior"].as_str(), Some("none"));
    assert_eq!(key["CookiesConfig"]["CookieBehavior"].as_str(), Some("none"));
    let china = &resources["PublicApiDistributionChina"]["Properties"]["DistributionConfig"];
    for behaviour in china["CacheBehaviors"].as_sequence().unwrap() {
        let forwarded = &behaviour["ForwardedValues"];
        assert!(
            forwarded.get("Headers").is_none() && forwarded.get("Cookies").is_none(),
            "{forwarded:?}"
        );
    }
}
