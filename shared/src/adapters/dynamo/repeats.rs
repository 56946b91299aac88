//! Repeat markers: one item per report and key of `domain::report::repeat` (`REPEAT#{county}#T|A#{hash}`,
//! sort key the serial), written with the report, so that the reports sharing a key within the
//! window are one Query each.

use super::Records;
use super::items::{Item, number_attr, text_attr};
use crate::adapters::StoreError;
use crate::domain::report::Report;
use crate::domain::report::repeat::{MAX_LINKED, WINDOW_DAYS, keys};

/// Markers outlive the window by ten days; TTL deletion is lazy anyway.
const MARKER_TTL_SECONDS: i64 = (WINDOW_DAYS + 10) * 24 * 3600;

impl Records {
    /// The marker items of a new report.
    pub(super) fn repeat_markers(&self, report: &Report, now_epoch: i64) -> Vec<Item> {
        let serial = report.serial.to_string();
        keys(&report.assignment.county, &report.target, &report.address)
            .into_iter()
            .map(|key| {
                Item::from([
                    ("pk".to_owned(), text_attr(key)),
                    ("sk".to_owned(), text_attr(serial.clone())),
                    ("entity".to_owned(), text_attr("repeat")),
                    ("ttl".to_owned(), number_attr(now_epoch + MARKER_TTL_SECONDS)),
                ])
            })
            .collect()
    }

    /// The newest `MAX_LINKED` serials sharing a key with (`county`, `target`, `address`) from
    /// `since` on (and up to `until`, when given), newest first, each once; `except` left out.
    /// Each key reads one page of at most `MAX_LINKED + 1` markers: a target thousands report in a
    /// campaign costs each new report no more than one reported once.
    pub async fn repeats(
        &self,
        (county, target, address): (&str, &str, &str),
        since: &str,
        until: Option<&str>,
        except: &str,
    ) -> Result<Vec<String>, StoreError> {
        let queries = keys(county, target, address).into_iter().map(|key| {
            let mut query = self
                .client
                .query()
                .table_name(&self.table)
                .expression_attribute_values(":pk", text_attr(key))
                .expression_attribute_values(":since", text_attr(since))
                .scan_index_forward(false);
            query = match until {
                Some(until) => query
                    .key_condition_expression("pk = :pk AND sk BETWEEN :since AND :until")
                    .expression_attribute_values(":until", text_attr(until)),
                None => query.key_condition_expression("pk = :pk AND sk >= :since"),
            };
            // The newest of either key are among each key's newest (one more for `except`).
            let limit = i32::try_from(MAX_LINKED + 1).unwrap_or(i32::MAX);
            async move {
                let output = query
                    .limit(limit)
                    .send()
                    .await
                    .map_err(|e| StoreError::call("dynamodb", "repeats", e))?;
                Ok::<_, StoreError>(output.items.unwrap_or_default())
            }
        });
        let mut serials: Vec<String> = futures_util::future::try_join_all(queries)
            .await?
            .into_iter()
            .flatten()
            .filter_map(|item| item.get("sk").and_then(|v| v.as_s().ok()).cloned())
            .filter(|serial| serial != except)
            .collect();
        serials.sort_unstable_by(|a, b| b.cmp(a));
        serials.dedup();
        serials.truncate(MAX_LINKED);
        Ok(serials)
    }
}
