//! The staff side's reads: queues per agency, city and province with filters, statistics
//! buckets, and counts of overdue reports. All Queries on keys; filters narrow a partition.

use super::cursor::{self, ListError, Page};
use super::items::{Item, PK, REPORT_PREFIX, SK, from_item, institution_pk, open_pk, projection, text_attr};
use super::pages::{all_pages, count_all, first_items};
use super::{INDEX_BY_AGENCY, INDEX_BY_CITY, INDEX_BY_INSTITUTION, INDEX_BY_PROVINCE, INDEX_OPEN_BY_DEADLINE, Records};
use crate::adapters::StoreError;
use crate::domain::report::Report;
use crate::domain::report::rounds::DISSATISFIED_UP_TO;
use crate::domain::report::status::Status;
use crate::domain::reporting::queue_row::{ROW_ATTRIBUTES, ReportRow};
use crate::domain::reporting::stats::Counters;
use crate::domain::staff::Queue;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;

/// At most this many queries fill one filtered page, so a sparse filter cannot run away.
const MAX_QUERIES_PER_PAGE: usize = 10;

/// Narrows a queue; every field is optional.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub status: Option<String>,
    pub county: Option<String>,
    pub category: Option<String>,
    /// Only reports whose open deadline is before this time (RFC 3339, CST): the overdue ones.
    pub overdue_at: Option<String>,
    /// Only 不满意 reports: replied, the current round rated 1–2★, not closed with a reason
    /// (`Report::awaits_redress`).
    pub dissatisfied: bool,
    /// Only 待补充 reports: a question to the reporter open at this time (RFC 3339, CST), so not
    /// ended and not past its limit (`Report::open_question`; `ask_until` is on the item only
    /// while its question has not ended).
    pub awaiting_at: Option<String>,
    /// Serial bounds (a serial starts with its submission time, so these are time bounds).
    pub from_serial: Option<String>,
    pub to_serial: Option<String>,
    /// Only reports linked to this registry institution: then its index is read, and the queue
    /// narrows it.
    pub institution: Option<String>,
}

/// The queue's index, its partition attribute and value.
fn index_of(queue: &Queue) -> (&'static str, &'static str, String) {
    match queue {
        Queue::Agency(id) => (INDEX_BY_AGENCY, "agency_pk", format!("AGENCY#{id}")),
        Queue::City(code) => (INDEX_BY_CITY, "city_pk", format!("CITY#{code}")),
        Queue::Province(code) => (INDEX_BY_PROVINCE, "province_pk", format!("PROVINCE#{code}")),
    }
}

/// The index a filtered queue reads: an institution's few reports rather than the whole queue
/// when the filter names one.
fn read_index(queue: &Queue, filter: &QueueFilter) -> (&'static str, &'static str, String) {
    match &filter.institution {
        Some(id) => (INDEX_BY_INSTITUTION, "institution_pk", institution_pk(id)),
        None => index_of(queue),
    }
}

impl Records {
    /// The queue's index and partition within the filter's serial bounds, newest first: the key
    /// condition alone, without the filter's other conditions.
    fn queue_keys(&self, queue: &Queue, filter: &QueueFilter) -> QueryFluentBuilder {
        let (index, attr, value) = read_index(queue, filter);
        let mut key = "#p = :p".to_owned();
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index)
            .scan_index_forward(false)
            .expression_attribute_names("#p", attr)
            .expression_attribute_values(":p", text_attr(value));
        match (&filter.from_serial, &filter.to_serial) {
            (Some(from), Some(to)) => {
                key.push_str(" AND #sk BETWEEN :from AND :to");
                query = query
                    .expression_attribute_values(":from", text_attr(from))
                    .expression_attribute_values(":to", text_attr(to));
            }
            (Some(from), None) => {
                key.push_str(" AND #sk >= :from");
                query = query.expression_attribute_values(":from", text_attr(from));
            }
            (None, Some(to)) => {
                key.push_str(" AND #sk <= :to");
                query = query.expression_attribute_values(":to", text_attr(to));
            }
            (None, None) => {}
        }
        if filter.from_serial.is_some() || filter.to_serial.is_some() {
            query = query.expression_attribute_names("#sk", "serial_sk");
        }
        query.key_condition_expression(key)
    }

    fn queue_query(&self, queue: &Queue, filter: &QueueFilter) -> QueryFluentBuilder {
        let mut query = self.queue_keys(queue, filter);
        let mut conditions = Vec::new();
        if filter.institution.is_some() {
            let (_, scope_attr, scope) = index_of(queue);
            conditions.push("#scope = :scope");
            query = query
                .expression_attribute_names("#scope", scope_attr)
                .expression_attribute_values(":scope", text_attr(scope));
        }
        if let Some(status) = &filter.status {
            conditions.push("#status = :status");
            query = query
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":status", text_attr(status));
        }
        if let Some(county) = &filter.county {
            conditions.push("#assignment.#county = :county");
            query = query
                .expression_attribute_names("#assignment", "assignment")
                .expression_attribute_names("#county", "county")
                .expression_attribute_values(":county", text_attr(county));
        }
        if let Some(category) = &filter.category {
            conditions.push("#category = :category");
            query = query
                .expression_attribute_names("#category", "category")
                .expression_attribute_values(":category", text_attr(category));
        }
        if let Some(now) = &filter.overdue_at {
            conditions.push("#open < :now");
            query = query
                .expression_attribute_names("#open", "open_deadline")
                .expression_attribute_values(":now", text_attr(now));
        }
        if filter.dissatisfied {
            conditions.push("#st = :replied AND #rating.#stars <= :dissatisfied AND attribute_not_exists(#closure)");
            query = query
                .expression_attribute_names("#st", "status")
                .expression_attribute_names("#rating", "rating")
                .expression_attribute_names("#stars", "stars")
                .expression_attribute_names("#closure", "closure")
                .expression_attribute_values(":replied", text_attr(Status::Replied.code()))
                .expression_attribute_values(":dissatisfied", AttributeValue::N(DISSATISFIED_UP_TO.to_string()));
        }
        if let Some(now) = &filter.awaiting_at {
            conditions.push("#ask >= :asknow");
            query = query
                .expression_attribute_names("#ask", "ask_until")
                .expression_attribute_values(":asknow", text_attr(now));
        }
        if !conditions.is_empty() {
            query = query.filter_expression(conditions.join(" AND "));
        }
        query
    }

    /// A staff queue, newest first, filtered, `limit` reports a page.
    pub async fn queue(
        &self,
        queue: &Queue,
        filter: &QueueFilter,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<Report>, ListError> {
        self.queue_page(queue, filter, limit, cursor, None).await
    }

    /// The same page as `queue`, as export rows: only the attributes a row shows are read.
    pub async fn queue_rows(
        &self,
        queue: &Queue,
        filter: &QueueFilter,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<ReportRow>, ListError> {
        self.queue_page(queue, filter, limit, cursor, Some(&ROW_ATTRIBUTES))
            .await
    }

    async fn queue_page<T: DeserializeOwned>(
        &self,
        queue: &Queue,
        filter: &QueueFilter,
        limit: i32,
        cursor: Option<&str>,
        attributes: Option<&[&str]>,
    ) -> Result<Page<T>, ListError> {
        let (_, attr, value) = read_index(queue, filter);
        let attrs = [PK, SK, attr, "serial_sk"];
        let mut start: Option<Item> = cursor.map(|c| cursor::decode(c, &attrs, (attr, &value))).transpose()?;
        let mut query = self.queue_query(queue, filter);
        if let Some(attributes) = attributes {
            let (expression, names) = projection(attributes);
            query = names
                .into_iter()
                .fold(query.projection_expression(expression), |q, (k, v)| {
                    q.expression_attribute_names(k, v)
                });
        }
        let mut items = Vec::new();
        for _ in 0..MAX_QUERIES_PER_PAGE {
            let wanted = limit - i32::try_from(items.len()).unwrap_or(limit);
            // Asking for exactly what is missing keeps the last evaluated key a true cursor.
            let output = query
                .clone()
                .limit(wanted)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| StoreError::call("dynamodb", "queue", e))?;
            for item in output.items.unwrap_or_default() {
                items.push(from_item::<T>(item)?);
            }
            start = output.last_evaluated_key;
            if start.is_none() || items.len() >= usize::try_from(limit).unwrap_or(0) {
                break;
            }
        }
        Ok(Page {
            items,
            next: start.as_ref().and_then(cursor::encode),
        })
    }

    /// The oldest and the newest serial within the queue's partition and the filter's serial
    /// bounds (its other conditions aside), read together; none when that range is empty. An
    /// export splits this span to read its parts at once.
    pub async fn queue_span(
        &self,
        queue: &Queue,
        filter: &QueueFilter,
    ) -> Result<Option<(String, String)>, StoreError> {
        let edge = |newest: bool| async move {
            let output = self
                .queue_keys(queue, filter)
                .scan_index_forward(!newest)
                .projection_expression("serial_sk")
                .limit(1)
                .send()
                .await
                .map_err(|e| StoreError::call("dynamodb", "queue_span", e))?;
            let serial = output
                .items
                .unwrap_or_default()
                .first()
                .and_then(|item| item.get("serial_sk"))
                .and_then(|v| v.as_s().ok())
                .cloned();
            Ok::<_, StoreError>(serial)
        };
        let (oldest, newest) = tokio::try_join!(edge(false), edge(true))?;
        Ok(oldest.zip(newest))
    }

    /// The newest `limit` reports linked to an institution, of every region (the caller keeps
    /// those in its reach).
    pub async fn institution_reports(&self, id: &str, limit: i32) -> Result<Vec<Report>, StoreError> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(INDEX_BY_INSTITUTION)
            .key_condition_expression("institution_pk = :p")
            .expression_attribute_values(":p", text_attr(institution_pk(id)))
            .scan_index_forward(false)
            .limit(limit)
            .send()
            .await
            .map_err(|e| StoreError::call("dynamodb", "institution_reports", e))?;
        output.items.unwrap_or_default().into_iter().map(from_item).collect()
    }

    /// The province's open reports past their deadline at `now`: a key range of the sparse open
    /// index, so only overdue reports are read.
    fn overdue(&self, province: &str, now: &str) -> QueryFluentBuilder {
        self.client
            .query()
            .table_name(&self.table)
            .index_name(INDEX_OPEN_BY_DEADLINE)
            .key_condition_expression("open_pk = :p AND open_deadline < :now")
            .expression_attribute_values(":p", text_attr(open_pk(province)))
            .expression_attribute_values(":now", text_attr(now))
    }

    /// The open reports of a queue (within `county`, when given) past their deadline at `now`.
    fn overdue_in(&self, province: &str, queue: &Queue, county: Option<&str>, now: &str) -> QueryFluentBuilder {
        let mut query = self.overdue(province, now);
        let mut conditions = Vec::new();
        match queue {
            Queue::Agency(id) => {
                conditions.push("agency_pk = :scope");
                query = query.expression_attribute_values(":scope", text_attr(format!("AGENCY#{id}")));
            }
            Queue::City(code) => {
                conditions.push("city_pk = :scope");
                query = query.expression_attribute_values(":scope", text_attr(format!("CITY#{code}")));
            }
            Queue::Province(_) => {}
        }
        if let Some(county) = county {
            conditions.push("#assignment.#county = :county");
            query = query
                .expression_attribute_names("#assignment", "assignment")
                .expression_attribute_names("#county", "county")
                .expression_attribute_values(":county", text_attr(county));
        }
        if conditions.is_empty() {
            query
        } else {
            query.filter_expression(conditions.join(" AND "))
        }
    }

    /// How many open reports of a queue (within `county`, when given) are past their deadline
    /// at `now`: a key range of the sparse open index, so only overdue reports are read.
    pub async fn count_overdue(
        &self,
        province: &str,
        queue: &Queue,
        county: Option<&str>,
        now: &str,
    ) -> Result<i64, StoreError> {
        count_all("count_overdue", self.overdue_in(province, queue, county, now)).await
    }

    /// The first `max` open reports of a queue (within `county`, when given) past their deadline
    /// at `now`, longest overdue first: their keys from the sparse open index, then the reports.
    pub async fn overdue_reports(
        &self,
        province: &str,
        queue: &Queue,
        county: Option<&str>,
        now: &str,
        max: usize,
    ) -> Result<Vec<Report>, StoreError> {
        let query = self
            .overdue_in(province, queue, county, now)
            .projection_expression("#pk, #sk")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#sk", SK);
        let keys = first_items("overdue_reports", query, max).await?;
        let serials: Vec<String> = keys
            .iter()
            .filter_map(|key| key.get(PK).and_then(|v| v.as_s().ok()))
            .filter_map(|pk| pk.strip_prefix(REPORT_PREFIX).map(str::to_owned))
            .collect();
        self.reports(&serials).await
    }

    /// Open reports past their deadline at `now`, counted by city code: one paged Query on the
    /// sparse `open_by_deadline` index reading one attribute, for the overdue metric.
    pub async fn overdue_by_city(&self, province: &str, now: &str) -> Result<BTreeMap<String, u64>, StoreError> {
        let query = self.overdue(province, now).projection_expression("city_pk");
        let mut counts = BTreeMap::new();
        for item in all_pages("overdue_by_city", query).await? {
            if let Some(city) = item
                .get("city_pk")
                .and_then(|v| v.as_s().ok())
                .and_then(|pk| pk.strip_prefix("CITY#"))
            {
                *counts.entry(city.to_owned()).or_insert(0) += 1;
            }
        }
        Ok(counts)
    }

    /// The statistics buckets of `scope` for months `from..=to` (`YYYY-MM`).
    pub async fn stats(&self, scope: &str, from: &str, to: &str) -> Result<Vec<(String, Counters)>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND sk BETWEEN :from AND :to")
            .expression_attribute_values(":pk", text_attr(format!("STATS#{scope}")))
            .expression_attribute_values(":from", text_attr(from))
            .expression_attribute_values(":to", text_attr(to))
            .consistent_read(true);
        let months = all_pages("stats", query).await?.into_iter().map(|item| {
            let month = item.get(SK).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
            let counters: Counters = item
                .iter()
                .filter_map(|(k, v)| match v {
                    AttributeValue::N(number) => number.parse::<i64>().ok().map(|n| (k.clone(), n)),
                    _ => None,
                })
                .collect();
            (month, counters)
        });
        Ok(months.collect())
    }
}
