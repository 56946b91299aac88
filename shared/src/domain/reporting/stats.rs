//! Statistics kept as counters, updated in the same transaction as every change: each report
//! contributes counters to its province, city, county and agency for the month it was
//! submitted, and a change writes the difference between the report's contributions before and
//! after. So the counters always equal a count over the reports themselves.

use crate::domain::report::Report;
use crate::domain::report::status::Status;
use serde::Serialize;
use std::collections::BTreeMap;

pub type Counters = BTreeMap<String, i64>;
/// Counters by `(scope, month)`, e.g. `("CITY#420100", "2024-05")`.
pub type Buckets = BTreeMap<(String, String), Counters>;

/// A counter per linked institution: `institution_{county}_{id}`.
const INSTITUTION_PREFIX: &str = "institution_";
/// Per linked institution: its substantiated reports and the measures taken about it.
const INSTITUTION_FOUND: &str = "inst_found_";
const INSTITUTION_MEASURES: &str = "inst_measures_";
/// Per measure code: how often it was taken.
const TAKEN_PREFIX: &str = "taken_";
/// The most reported institutions a summary lists.
pub const TOP_INSTITUTIONS: usize = 10;

/// Ratings of 4 and 5 stars (满意, 非常满意) count as satisfied.
pub const SATISFIED_FROM: u8 = 4;

pub fn province_scope(code: &str) -> String {
    format!("PROVINCE#{code}")
}
pub fn city_scope(code: &str) -> String {
    format!("CITY#{code}")
}
pub fn county_scope(code: &str) -> String {
    format!("COUNTY#{code}")
}
pub fn agency_scope(id: &str) -> String {
    format!("AGENCY#{id}")
}

/// The month a report counts in: its submission month in China time.
pub fn month_of(report: &Report) -> String {
    report
        .created_at
        .with_timezone(&crate::domain::time::cst())
        .format("%Y-%m")
        .to_string()
}

/// What one report adds to each of its scopes.
pub fn counters(report: &Report) -> Counters {
    let mut c = Counters::new();
    let mut add = |k: String, v: i64| *c.entry(k).or_insert(0) += v;
    add("total".into(), 1);
    add(format!("status_{}", report.status.code()), 1);
    add(format!("county_{}", report.assignment.county), 1);
    add(format!("category_{}", report.category), 1);
    if let Some(institution) = &report.institution {
        add(
            format!("{INSTITUTION_PREFIX}{}_{}", institution.county, institution.id),
            1,
        );
    }
    if let Some(on_time) = report.signed_on_time {
        add(if on_time { "sign_ok" } else { "sign_late" }.into(), 1);
    }
    if let Some(on_time) = report.replied_on_time {
        add(if on_time { "reply_ok" } else { "reply_late" }.into(), 1);
    }
    // Rounds: a reopened report counts once, with its latest round's rating only.
    if !report.rounds.is_empty() {
        add("reopened".into(), 1);
        add(
            "reopenings".into(),
            i64::try_from(report.rounds.len()).unwrap_or(i64::MAX),
        );
    }
    if report.awaits_redress() {
        add("dissatisfied_open".into(), 1);
    }
    // Findings and measures of the current reply (查实率: 属实 and 部分属实 over replied), overall
    // and per county, category and linked institution.
    if let (Status::Replied, Some(reply)) = (report.status, &report.reply) {
        let county = &report.assignment.county;
        let category = &report.category;
        let found = i64::from(reply.finding.is_found());
        let taken = reply.measures.as_ref().map_or(0, Vec::len) as i64;
        add(format!("finding_{}", reply.finding.code()), 1);
        for (scope, key) in [("county", county), ("cat", category)] {
            add(format!("replied_{scope}_{key}"), 1);
            add(format!("found_{scope}_{key}"), found);
            add(format!("measures_{scope}_{key}"), taken);
        }
        if let Some(institution) = &report.institution {
            add(
                format!("{INSTITUTION_FOUND}{}_{}", institution.county, institution.id),
                found,
            );
            add(
                format!("{INSTITUTION_MEASURES}{}_{}", institution.county, institution.id),
                taken,
            );
        }
        for measure in reply.measures.iter().flatten() {
            add(format!("{TAKEN_PREFIX}{}", measure.code), 1);
        }
    }
    if let Some(rating) = &report.rating {
        add("rating_count".into(), 1);
        let stars = rating.stars.get();
        add("rating_sum".into(), i64::from(stars));
        add(format!("stars_{stars}"), 1);
        if stars >= SATISFIED_FROM {
            add("satisfied".into(), 1);
        }
    }
    c
}

pub fn contributions(report: &Report) -> Buckets {
    let a = &report.assignment;
    let month = month_of(report);
    let scopes = [
        province_scope(&a.province),
        city_scope(&a.city),
        county_scope(&a.county),
        agency_scope(&a.agency_id),
    ];
    let mut buckets = Buckets::new();
    for scope in scopes {
        // A directly administered city is its own county; its counters must not double.
        buckets
            .entry((scope, month.clone()))
            .or_insert_with(|| counters(report));
    }
    buckets
}

/// What a change from `before` (none for a new report) to `after` adds to each bucket; only
/// non-zero counters.
pub fn delta(before: Option<&Report>, after: &Report) -> Buckets {
    let mut out = contributions(after);
    if let Some(before) = before {
        for (bucket, counters) in contributions(before) {
            let entry = out.entry(bucket).or_default();
            for (name, value) in counters {
                *entry.entry(name).or_insert(0) -= value;
            }
        }
    }
    for counters in out.values_mut() {
        counters.retain(|_, v| *v != 0);
    }
    out.retain(|_, c| !c.is_empty());
    out
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ByStatus {
    pub pending: i64,
    pub processing: i64,
    pub replied: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RatingSummary {
    pub count: i64,
    pub average: Option<f64>,
    /// Share of ratings with 4 or 5 stars.
    pub satisfied_share: Option<f64>,
    /// How many ratings gave 1, 2, 3, 4 and 5 stars.
    pub distribution: [i64; 5],
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub total: i64,
    pub by_status: ByStatus,
    pub by_county: BTreeMap<String, i64>,
    pub by_category: BTreeMap<String, i64>,
    pub by_month: BTreeMap<String, i64>,
    pub by_month_status: BTreeMap<String, ByStatus>,
    pub signed_on_time: i64,
    pub signed_late: i64,
    pub replied_on_time: i64,
    pub replied_late: i64,
    pub overdue_now: i64,
    pub rating: RatingSummary,
    /// Reports sent back at least once (退回重办 or 督导重办), and how often in all.
    pub reopened: i64,
    pub reopenings: i64,
    /// Reports whose latest round is rated 1–2★, neither reopened nor closed with a reason (不满意).
    pub dissatisfied_open: i64,
    pub findings: FindingSummary,
    /// How often each measure was taken, by code.
    pub measures: BTreeMap<String, i64>,
    /// 查实 per county and per category.
    pub found_by_county: BTreeMap<String, FoundCount>,
    pub found_by_category: BTreeMap<String, FoundCount>,
    /// The most reported registry institutions, most first (names filled in by the caller).
    pub institutions: Vec<InstitutionCount>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct InstitutionCount {
    pub id: String,
    pub county: String,
    pub name: String,
    pub count: i64,
    /// Of its replied reports, those substantiated in whole or part, and the measures taken.
    pub found: i64,
    pub measures: i64,
}

/// 查实 for a region or category: replied reports, those substantiated in whole or part, and
/// the measures taken.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FoundCount {
    pub replied: i64,
    pub found: i64,
    /// found / replied; none without replies.
    pub rate: Option<f64>,
    pub measures: i64,
}

/// The current replies' findings, and 查实率 over them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FindingSummary {
    pub substantiated: i64,
    pub partly: i64,
    pub unsubstantiated: i64,
    pub unverifiable: i64,
    /// (substantiated + partly) / replied; none without replies.
    pub rate: Option<f64>,
}

fn by_status(count: &dyn Fn(&str) -> i64) -> ByStatus {
    ByStatus {
        pending: count(&format!("status_{}", Status::Pending.code())),
        processing: count(&format!("status_{}", Status::Processing.code())),
        replied: count(&format!("status_{}", Status::Replied.code())),
    }
}

/// Adds up a scope's monthly counters.
pub fn summarize(months: &[(String, Counters)], overdue_now: i64) -> Summary {
    let mut sum = Counters::new();
    let mut summary = Summary {
        overdue_now,
        ..Summary::default()
    };
    for (month, counters) in months {
        let count = |name: &str| counters.get(name).copied().unwrap_or(0);
        summary.by_month.insert(month.clone(), count("total"));
        summary.by_month_status.insert(month.clone(), by_status(&count));
        for (name, value) in counters {
            *sum.entry(name.clone()).or_insert(0) += value;
        }
    }
    let get = |name: &str| sum.get(name).copied().unwrap_or(0);
    summary.total = get("total");
    summary.by_status = by_status(&get);
    for (name, value) in &sum {
        if *value == 0 {
            continue;
        }
        if let Some(county) = name.strip_prefix("county_") {
            summary.by_county.insert(county.to_owned(), *value);
        } else if let Some(category) = name.strip_prefix("category_") {
            summary.by_category.insert(category.to_owned(), *value);
        } else if let Some((county, id)) = name.strip_prefix(INSTITUTION_PREFIX).and_then(|r| r.split_once('_')) {
            let of = |prefix: &str| sum.get(&format!("{prefix}{county}_{id}")).copied().unwrap_or(0);
            summary.institutions.push(InstitutionCount {
                id: id.to_owned(),
                county: county.to_owned(),
                name: String::new(),
                count: *value,
                found: of(INSTITUTION_FOUND),
                measures: of(INSTITUTION_MEASURES),
            });
        } else if let Some(code) = name.strip_prefix(TAKEN_PREFIX) {
            summary.measures.insert(code.to_owned(), *value);
        } else if let Some(rest) = name.strip_prefix("replied_") {
            let (scope, key) = rest.split_once('_').unwrap_or((rest, ""));
            let of = |what: &str| sum.get(&format!("{what}_{scope}_{key}")).copied().unwrap_or(0);
            let count = FoundCount {
                replied: *value,
                found: of("found"),
                rate: Some(of("found") as f64 / *value as f64),
                measures: of("measures"),
            };
            match scope {
                "county" => summary.found_by_county.insert(key.to_owned(), count),
                _ => summary.found_by_category.insert(key.to_owned(), count),
            };
        }
    }
    summary
        .institutions
        .sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.id.cmp(&b.id)));
    summary.institutions.truncate(TOP_INSTITUTIONS);
    summary.signed_on_time = get("sign_ok");
    summary.signed_late = get("sign_late");
    summary.replied_on_time = get("reply_ok");
    summary.replied_late = get("reply_late");
    summary.reopened = get("reopened");
    summary.reopenings = get("reopenings");
    summary.dissatisfied_open = get("dissatisfied_open");
    let findings = [
        get("finding_substantiated"),
        get("finding_partly"),
        get("finding_unsubstantiated"),
        get("finding_unverifiable"),
    ];
    let replied: i64 = findings.iter().sum();
    summary.findings = FindingSummary {
        substantiated: findings[0],
        partly: findings[1],
        unsubstantiated: findings[2],
        unverifiable: findings[3],
        rate: (replied > 0).then(|| (findings[0] + findings[1]) as f64 / replied as f64),
    };
    let count = get("rating_count");
    summary.rating = RatingSummary {
        count,
        average: (count > 0).then(|| get("rating_sum") as f64 / count as f64),
        satisfied_share: (count > 0).then(|| get("satisfied") as f64 / count as f64),
        distribution: [1, 2, 3, 4, 5].map(|stars| get(&format!("stars_{stars}"))),
    };
    summary
}

/// The months from `from` to `to` (`YYYY-MM`), both included; empty when either is not a month.
fn months_between(from: &str, to: &str) -> Vec<String> {
    let parse = |m: &str| -> Option<i32> {
        let (y, mo) = m.split_once('-')?;
        let (y, mo): (i32, i32) = (y.parse().ok()?, mo.parse().ok()?);
        (1..=12).contains(&mo).then_some(y * 12 + mo - 1)
    };
    let (Some(a), Some(b)) = (parse(from), parse(to)) else {
        return Vec::new();
    };
    (a..=b).map(|n| format!("{:04}-{:02}", n / 12, n % 12 + 1)).collect()
}

/// At most this many months are listed one by one (ten years): a wider period keeps its latest.
pub const MAX_LISTED_MONTHS: usize = 120;

/// Every month of the period in `by_month` and `by_month_status`, empty ones as zeros, so that a
/// chart's axis runs through the months nothing was reported in. The period is the one asked for;
/// an open start is the first month with reports, an open end `this_month` (or a later month with
/// reports). Nothing to list without reports and without a start.
pub fn fill_months(summary: &mut Summary, from: Option<&str>, to: Option<&str>, this_month: &str) {
    let first = summary.by_month.keys().next().cloned();
    let last = summary.by_month.keys().next_back().cloned();
    let Some(start) = from.map(str::to_owned).or(first) else {
        return;
    };
    let end = to.map(str::to_owned).unwrap_or_else(|| {
        last.filter(|l| l.as_str() > this_month)
            .unwrap_or_else(|| this_month.to_owned())
    });
    let months = months_between(&start, &end);
    for month in months.iter().skip(months.len().saturating_sub(MAX_LISTED_MONTHS)) {
        summary.by_month.entry(month.clone()).or_insert(0);
        summary.by_month_status.entry(month.clone()).or_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::Calendar;
    use crate::domain::directory::Directory;
    use crate::domain::report::Finding;
    use crate::domain::report::deadlines::DeadlineRules;
    use crate::domain::report::rating::Stars;
    use crate::domain::report::tests::{at, sample};
    use crate::domain::report::timeline::Actor;

    fn staff() -> Actor {
        Actor::staff("李四", "420106-education", "武昌区教育局")
    }

    #[test]
    fn a_new_report_adds_one_everywhere() {
        let report = sample(true);
        let delta = delta(None, &report);
        assert_eq!(delta.len(), 4);
        let city = &delta[&("CITY#420100".to_owned(), "2022-12".to_owned())];
        assert_eq!(city["total"], 1);
        assert_eq!(city["status_pending"], 1);
        assert_eq!(city["county_420106"], 1);
        assert_eq!(city["category_academic"], 1);
    }

    #[test]
    fn a_reopened_report_counts_its_latest_rating_once_and_its_rounds() {
        let rules = DeadlineRules::default();
        let when = at("2022-12-16T09:00:00+08:00");
        let submitted = sample(false);
        let mut counters = delta(None, &submitted);
        let mut report = submitted;
        fn step(report: &mut Report, counters: &mut Buckets, change: impl FnOnce(&Report) -> Report) {
            let next = change(report);
            for (bucket, values) in delta(Some(report), &next) {
                let entry = counters.entry(bucket).or_default();
                for (name, value) in values {
                    *entry.entry(name).or_insert(0) += value;
                }
            }
            *report = next;
        }
        let city = |counters: &Buckets| counters[&("CITY#420100".to_owned(), "2022-12".to_owned())].clone();
        step(&mut report, &mut counters, |r| r.accept(staff(), when).unwrap().0);
        step(&mut report, &mut counters, |r| {
            r.reply(staff(), Finding::Partly, "第一次", when).unwrap().0
        });
        step(&mut report, &mut counters, |r| {
            r.rate(Stars::new(2).unwrap(), None, when).unwrap().0
        });
        let dissatisfied = summarize(&[("2022-12".into(), city(&counters))], 0);
        assert_eq!((dissatisfied.dissatisfied_open, dissatisfied.reopened), (1, 0));
        step(&mut report, &mut counters, |r| {
            r.reopen(staff(), "不满意", &rules, Calendar::china(), when).unwrap().0
        });
        step(&mut report, &mut counters, |r| {
            r.reply(staff(), Finding::Substantiated, "第二次", when).unwrap().0
        });
        step(&mut report, &mut counters, |r| {
            r.rate(Stars::new(4).unwrap(), None, when).unwrap().0
        });
        let summary = summarize(&[("2022-12".into(), city(&counters))], 0);
        assert_eq!(summary.total, 1);
        assert_eq!(summary.rating.count, 1, "the 4★ counts once, the 2★ no more");
        assert_eq!(summary.rating.distribution, [0, 0, 0, 1, 0]);
        assert_eq!(
            (summary.reopened, summary.reopenings, summary.dissatisfied_open),
            (1, 1, 0)
        );
    }

    #[test]
    fn every_month_of_the_period_is_listed_empty_ones_as_zeros() {
        let mut summary = Summary::default();
        summary.by_month.insert("2022-12".into(), 3);
        summary.by_month.insert("2023-03".into(), 1);
        let mut open = summary.clone();
        fill_months(&mut open, None, None, "2023-04");
        assert_eq!(
            open.by_month
                .iter()
                .map(|(m, n)| format!("{m}:{n}"))
                .collect::<Vec<_>>(),
            ["2022-12:3", "2023-01:0", "2023-02:0", "2023-03:1", "2023-04:0"]
        );
        assert_eq!(open.by_month_status["2023-01"], ByStatus::default());
        let mut asked = summary.clone();
        fill_months(&mut asked, Some("2022-11"), Some("2023-01"), "2026-12");
        assert_eq!(asked.by_month.keys().next().map(String::as_str), Some("2022-11"));
        assert_eq!(
            asked.by_month.len(),
            4,
            "the period's three months, and the report's March kept"
        );
        let mut nothing = Summary::default();
        fill_months(&mut nothing, None, None, "2026-12");
        assert!(nothing.by_month.is_empty());
        let mut wide = Summary::default();
        fill_months(&mut wide, Some("1438-11"), None, "2026-12");
        assert_eq!(wide.by_month.len(), MAX_LISTED_MONTHS);
        assert_eq!(wide.by_month.keys().next_back().map(String::as_str), Some("2026-12"));
        assert!(months_between("2023-13", "2024-01").is_empty());
    }

    #[test]
    fn findings_and_measures_count_per_county_and_category() {
        use crate::domain::report::measures::Measure;
        let when = at("2022-12-16T09:00:00+08:00");
        let (accepted, _) = sample(true).accept(staff(), when).unwrap();
        let measure = |code: &str, amount: Option<u64>| Measure {
            code: code.into(),
            amount,
            to: None,
        };
        let (replied, _) = accepted
            .reply_with(
                staff(),
                Finding::Partly,
                "部分属实",
                vec![measure("stop", None), measure("refund", Some(3000))],
                when,
            )
            .unwrap();
        let counters = contributions(&replied)[&("CITY#420100".to_owned(), "2022-12".to_owned())].clone();
        let summary = summarize(&[("2022-12".into(), counters)], 0);
        assert_eq!((summary.findings.partly, summary.findings.rate), (1, Some(1.0)));
        assert_eq!(
            summary.measures,
            BTreeMap::from([("refund".to_owned(), 1), ("stop".to_owned(), 1)])
        );
        let county = &summary.found_by_county["420106"];
        assert_eq!((county.replied, county.found, county.measures), (1, 1, 2));
        assert_eq!(summary.found_by_category["academic"].rate, Some(1.0));
        // Before the reply nothing of this is counted.
        let open = summarize(&[("2022-12".into(), counters_of(&accepted))], 0);
        assert_eq!((open.findings.rate, open.found_by_county.len()), (None, 0));
    }

    fn counters_of(report: &Report) -> Counters {
        counters(report)
    }

    #[test]
    fn a_status_change_moves_one_count_and_nothing_else() {
        let report = sample(true);
        let (accepted, _) = report.accept(staff(), at("2022-12-16T09:00:00+08:00")).unwrap();
        let delta = delta(Some(&report), &accepted);
        let agency = &delta[&("AGENCY#420106-education".to_owned(), "2022-12".to_owned())];
        assert_eq!(agency.len(), 3, "{agency:?}");
        assert_eq!(
            (agency["status_pending"], agency["status_processing"], agency["sign_ok"]),
            (-1, 1, 1)
        );
    }

    #[test]
    fn a_transfer_moves_the_report_between_counties_and_agencies() {
        let report = sample(true);
        let to = Directory::hubei().dispatch("420100", "420111", "academic").unwrap();
        let (moved, _) = report
            .transfer(
                staff(),
                to,
                "属洪山区",
                &DeadlineRules::default(),
                Calendar::china(),
                at("2022-12-16T09:00:00+08:00"),
            )
            .unwrap();
        let delta = delta(Some(&report), &moved);
        let key = |s: &str| (s.to_owned(), "2022-12".to_owned());
        assert_eq!(delta[&key("AGENCY#420106-education")]["total"], -1);
        assert_eq!(delta[&key("AGENCY#420111-education")]["total"], 1);
        assert_eq!(delta[&key("COUNTY#420111")]["total"], 1);
        assert_eq!(delta[&key("CITY#420100")]["county_420106"], -1);
        assert!(
            !delta[&key("CITY#420100")].contains_key("total"),
            "the city still has it"
        );
    }

    #[test]
    fn summaries_add_months_and_derive_rates() {
        let when = at("2022-12-16T09:00:00+08:00");
        let (r, _) = sample(true).accept(staff(), when).unwrap();
        let (r, _) = r.reply(staff(), Finding::Partly, "已处理", when).unwrap();
        let (r, _) = r.rate(Stars::new(5).unwrap(), None, when).unwrap();
        let summary = summarize(
            &[
                ("2022-12".into(), counters(&r)),
                ("2022-11".into(), counters(&sample(false))),
            ],
            2,
        );
        assert_eq!(summary.total, 2);
        assert_eq!(
            summary.by_status,
            ByStatus {
                pending: 1,
                processing: 0,
                replied: 1
            }
        );
        assert_eq!(summary.by_month["2022-11"], 1);
        assert_eq!(summary.rating.average, Some(5.0));
        assert_eq!(summary.rating.satisfied_share, Some(1.0));
        assert_eq!(summary.overdue_now, 2);
    }

    #[test]
    fn a_directly_administered_city_counts_once_per_scope() {
        let mut report = sample(true);
        report.assignment = Directory::hubei().dispatch("429004", "429004", "sports").unwrap();
        let buckets = contributions(&report);
        assert_eq!(buckets[&("CITY#429004".to_owned(), "2022-12".to_owned())]["total"], 1);
        assert_eq!(buckets[&("COUNTY#429004".to_owned(), "2022-12".to_owned())]["total"], 1);
    }

    #[test]
    fn linked_institutions_are_counted_and_the_most_reported_listed_first() {
        use crate::domain::registry::institution::InstitutionRef;
        let linked = |id: &str| {
            let mut report = sample(true);
            report.institution = Some(InstitutionRef {
                id: id.into(),
                name: String::new(),
                county: "420106".into(),
            });
            report
        };
        let (a, b) = (linked("A1"), linked("B2"));
        let mut relinked = a.clone();
        relinked.institution = b.institution.clone();
        let moved = delta(Some(&a), &relinked);
        let county = &moved[&("COUNTY#420106".to_owned(), "2022-12".to_owned())];
        assert_eq!(
            (county["institution_420106_A1"], county["institution_420106_B2"]),
            (-1, 1)
        );
        let months = [
            ("2022-12".to_owned(), counters(&a)),
            ("2022-11".to_owned(), counters(&b)),
            ("2022-10".to_owned(), counters(&b)),
        ];
        let top = summarize(&months, 0).institutions;
        let listed: Vec<(&str, &str, i64)> = top
            .iter()
            .map(|i| (i.id.as_str(), i.county.as_str(), i.count))
            .collect();
        assert_eq!(listed, [("B2", "420106", 2), ("A1", "420106", 1)]);
    }
}
