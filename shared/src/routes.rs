//! Every route of the HTTP API, the function that serves it and who may call it. The local
//! server routes by this table; tests hold the OpenAPI document and the SAM template to it.

use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: notice, catalog, public board.
    Public,
    /// A citizen with a token from the province's identity provider.
    Citizen,
    /// Agency staff with a token from the staff user pool.
    Staff,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub function: &'static str,
    pub access: Access,
}

pub const ROUTES: &[Route] = &[
    Route {
        method: "GET",
        path: "/v1/meta",
        function: "public-board",
        access: Access::Public,
    },
    Route {
        method: "GET",
        path: "/v1/public/reports",
        function: "public-board",
        access: Access::Public,
    },
    Route {
        method: "GET",
        path: "/open311/v2/services.json",
        function: "public-board",
        access: Access::Public,
    },
    Route {
        method: "GET",
        path: "/open311/v2/services.xml",
        function: "public-board",
        access: Access::Public,
    },
    Route {
        method: "GET",
        path: "/open311/v2/requests.json",
        function: "public-board",
        access: Access::Public,
    },
    Route {
        method: "GET",
        path: "/open311/v2/requests.xml",
        function: "public-board",
        access: Access::Public,
    },
    Route {
        method: "GET",
        path: "/open311/v2/requests/{request}",
        function: "public-board",
        access: Access::Public,
    },
    Route {
        method: "GET",
        path: "/v1/public/agencies",
        function: "public-board",
        access: Access::Public,
    },
    Route {
        method: "GET",
        path: "/v1/public/evidence-key",
        function: "public-board",
        access: Access::Public,
    },
    Route {
        method: "GET",
        path: "/v1/public/institutions",
        function: "public-board",
        access: Access::Public,
    },
    Route {
        method: "GET",
        path: "/v1/public/reports/{serial}",
        function: "public-board",
        access: Access::Public,
    },
    Route {
        method: "POST",
        path: "/v1/uploads",
        function: "submit",
        access: Access::Citizen,
    },
    Route {
        method: "POST",
        path: "/v1/reports",
        function: "submit",
        access: Access::Citizen,
    },
    Route {
        method: "GET",
        path: "/v1/me/reports",
        function: "list-mine",
        access: Access::Citizen,
    },
    Route {
        method: "GET",
        path: "/v1/me/reports/{serial}",
        function: "list-mine",
        access: Access::Citizen,
    },
    Route {
        method: "POST",
        path: "/v1/me/reports/{serial}/answer",
        function: "submit",
        access: Access::Citizen,
    },
    Route {
        method: "POST",
        path: "/v1/me/reports/{serial}/rating",
        function: "rate",
        access: Access::Citizen,
    },
    Route {
        method: "GET",
        path: "/v1/staff/me",
        function: "staff-action",
        access: Access::Staff,
    },
    Route {
        method: "GET",
        path: "/v1/staff/reports",
        function: "staff-action",
        access: Access::Staff,
    },
    Route {
        method: "GET",
        path: "/v1/staff/reports/{serial}",
        function: "staff-action",
        access: Access::Staff,
    },
    Route {
        method: "POST",
        path: "/v1/staff/reports/{serial}/actions",
        function: "staff-action",
        access: Access::Staff,
    },
    Route {
        method: "POST",
        path: "/v1/staff/reports/{serial}/evidence/{n}/original",
        function: "staff-action",
        access: Access::Staff,
    },
    Route {
        method: "POST",
        path: "/v1/staff/reports/{serial}/package",
        function: "export",
        access: Access::Staff,
    },
    Route {
        method: "GET",
        path: "/v1/staff/stats",
        function: "staff-action",
        access: Access::Staff,
    },
    Route {
        method: "GET",
        path: "/v1/staff/stats/export",
        function: "export",
        access: Access::Staff,
    },
    Route {
        method: "GET",
        path: "/v1/staff/export",
        function: "export",
        access: Access::Staff,
    },
    Route {
        method: "GET",
        path: "/v1/staff/templates",
        function: "staff-action",
        access: Access::Staff,
    },
    Route {
        method: "GET",
        path: "/v1/staff/institutions",
        function: "staff-action",
        access: Access::Staff,
    },
    Route {
        method: "POST",
        path: "/v1/staff/institutions/import",
        function: "staff-action",
        access: Access::Staff,
    },
    Route {
        method: "GET",
        path: "/v1/staff/roster",
        function: "staff-action",
        access: Access::Staff,
    },
    Route {
        method: "POST",
        path: "/v1/staff/roster",
        function: "staff-action",
        access: Access::Staff,
    },
    Route {
        method: "POST",
        path: "/v1/staff/roster/{sub}",
        function: "staff-action",
        access: Access::Staff,
    },
    Route {
        method: "GET",
        path: "/v1/staff/audit",
        function: "staff-action",
        access: Access::Staff,
    },
    Route {
        method: "GET",
        path: "/v1/staff/audit/export",
        function: "export",
        access: Access::Staff,
    },
    Route {
        method: "GET",
        path: "/v1/staff/agencies",
        function: "staff-action",
        access: Access::Staff,
    },
    Route {
        method: "POST",
        path: "/v1/staff/agencies/{agency}/phones",
        function: "staff-action",
        access: Access::Staff,
    },
    Route {
        method: "GET",
        path: "/v1/staff/calendar",
        function: "staff-action",
        access: Access::Staff,
    },
    Route {
        method: "POST",
        path: "/v1/staff/calendar/{year}",
        function: "staff-action",
        access: Access::Staff,
    },
];

impl Route {
    /// `"GET /v1/meta"`: API Gateway's route key.
    pub fn key(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// The path parameters if `path` matches this route's template.
    pub fn matches(&self, method: &str, path: &str) -> Option<HashMap<String, String>> {
        if !self.method.eq_ignore_ascii_case(method) {
            return None;
        }
        let template: Vec<&str> = self.path.split('/').collect();
        let actual: Vec<&str> = path.split('/').collect();
        if template.len() != actual.len() {
            return None;
        }
        let mut params = HashMap::new();
        for (t, a) in template.iter().zip(&actual) {
            match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                Some(name) if !a.is_empty() => {
                    params.insert(name.to_owned(), (*a).to_owned());
                }
                _ if t == a => {}
                _ => return None,
            }
        }
        Some(params)
    }
}

/// The route that serves `method path`, with its path parameters.
pub fn find(method: &str, path: &str) -> Option<(&'static Route, HashMap<String, String>)> {
    ROUTES.iter().find_map(|r| r.matches(method, path).map(|p| (r, p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_bind_their_parameters() {
        let (route, params) = find("GET", "/v1/me/reports/221215170850330").unwrap();
        assert_eq!(route.function, "list-mine");
        assert_eq!(params["serial"], "221215170850330");
        let (route, params) = find("POST", "/v1/me/reports/221215170850330/rating").unwrap();
        assert_eq!((route.function, params["serial"].as_str()), ("rate", "221215170850330"));
        assert!(find("GET", "/v1/me/reports/").is_none());
        assert!(find("DELETE", "/v1/meta").is_none());
        assert!(find("GET", "/v1/public/reports").is_some());
    }

    #[test]
    fn route_keys_are_unique() {
        let mut keys: Vec<String> = ROUTES.iter().map(Route::key).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), ROUTES.len());
    }
}
