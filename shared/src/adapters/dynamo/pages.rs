//! Reading a query page after page: DynamoDB answers at most 1 MB a call and says where to go on
//! (`LastEvaluatedKey`). Every paged read of the store goes through here.

use super::items::Item;
use crate::adapters::StoreError;
use aws_sdk_dynamodb::operation::query::QueryOutput;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, Select};

/// A query of partition `pk`, or of its key range `{scope}#…` when `scope` is given (a city's
/// entries of the roster or the agencies' phones; the whole province's without one).
pub(super) fn scoped(query: QueryFluentBuilder, pk: &str, scope: Option<&str>) -> QueryFluentBuilder {
    let query = query.expression_attribute_values(":pk", AttributeValue::S(pk.to_owned()));
    match scope {
        Some(scope) => query
            .key_condition_expression("pk = :pk AND begins_with(sk, :scope)")
            .expression_attribute_values(":scope", AttributeValue::S(format!("{scope}#"))),
        None => query.key_condition_expression("pk = :pk"),
    }
}

/// Every item a query finds.
pub(super) async fn all_pages(operation: &'static str, query: QueryFluentBuilder) -> Result<Vec<Item>, StoreError> {
    first_items(operation, query, usize::MAX).await
}

/// The first `max` items a query finds, reading no page after the one that reaches `max`.
pub(super) async fn first_items(
    operation: &'static str,
    query: QueryFluentBuilder,
    max: usize,
) -> Result<Vec<Item>, StoreError> {
    let mut items = Vec::new();
    each_page(operation, query, |output| {
        items.extend(output.items.unwrap_or_default());
        items.len() < max
    })
    .await?;
    items.truncate(max);
    Ok(items)
}

/// How many items a query finds, counted by DynamoDB (`Select::COUNT`): no item is read back.
pub(super) async fn count_all(operation: &'static str, query: QueryFluentBuilder) -> Result<i64, StoreError> {
    let mut total = 0i64;
    each_page(operation, query.select(Select::Count), |output| {
        total += i64::from(output.count);
        true
    })
    .await?;
    Ok(total)
}

/// Hands each page to `take` until the pages end or `take` answers that it has enough.
async fn each_page(
    operation: &'static str,
    query: QueryFluentBuilder,
    mut take: impl FnMut(QueryOutput) -> bool,
) -> Result<(), StoreError> {
    let mut start: Option<Item> = None;
    loop {
        // Boxed: the SDK's call future is large, and paged reads sit deep in handlers' futures
        // (debug builds' 2 MB test-thread stacks overflowed without it).
        let mut output = Box::pin(query.clone().set_exclusive_start_key(start.take()).send())
            .await
            .map_err(|e| StoreError::call("dynamodb", operation, e))?;
        let next = output.last_evaluated_key.take();
        if !take(output) {
            return Ok(());
        }
        match next {
            Some(key) => start = Some(key),
            None => return Ok(()),
        }
    }
}
