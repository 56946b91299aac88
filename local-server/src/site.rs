//! The admin site's content security policy, locally as deployed: read from the template's
//! `AdminSiteHeaders` (the policy CloudFront sends), with the stack's hosts replaced by the local
//! ones, so the browser tests run the built site under the very policy production enforces.

use crate::aws::LOCAL_REGION;
use crate::provision::ProvisionError;

/// The template resource holding the site's response headers.
pub const HEADERS_RESOURCE: &str = "AdminSiteHeaders";

/// The policy for a site served with the API on one origin and evidence from `aws_endpoint`.
pub fn admin_policy(template: &str, aws_endpoint: &str) -> Result<String, ProvisionError> {
    let bad = |what: &str| ProvisionError::Template(format!("{HEADERS_RESOURCE}: {what}"));
    let document: serde_yaml_ng::Value = serde_yaml_ng::from_str(template).map_err(|e| bad(&e.to_string()))?;
    let policy = &document["Resources"][HEADERS_RESOURCE]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
        ["ContentSecurityPolicy"]["ContentSecurityPolicy"];
    // `!Sub [text, {Evidence, Api, Issuer, SignIn}]`
    let serde_yaml_ng::Value::Tagged(sub) = policy else {
        return Err(bad("ContentSecurityPolicy is not a !Sub"));
    };
    let text = sub.value[0].as_str().ok_or_else(|| bad("no policy text"))?;
    Ok(text
        .replace("${Evidence}", aws_endpoint)
        .replace("${Issuer}", "'self'")
        .replace("${Api}", "'self'")
        .replace("${SignIn}", "'self'")
        .replace("${AWS::Region}", LOCAL_REGION)
        .replace("${AWS::URLSuffix}", "amazonaws.com.cn"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_templates_policy_is_strict_and_filled_in() {
        let template = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../infra/template.yaml")).unwrap();
        let policy = admin_policy(&template, "http://127.0.0.1:5000").unwrap();
        for directive in [
            "default-src 'none'",
            "script-src 'self';",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'self'",
            "img-src 'self' data: blob: http://127.0.0.1:5000",
        ] {
            assert!(policy.contains(directive), "{directive} in {policy}");
        }
        assert!(!policy.contains("${"), "every variable filled: {policy}");
        assert!(
            !template.contains("*.amazoncognito.com"),
            "the stack's own sign-in host, never any"
        );
        assert!(!policy.contains("unsafe-eval"));
    }
}
