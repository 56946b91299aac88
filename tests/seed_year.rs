//! `scripts/seed-year`: a year written through the domain reads back through the API as a working
//! province's would: every report counted once, in the state its life ended in.

use crate::harness::Env;
use local_server::year::seed_year;
use shared::domain::time::now_cst;

#[tokio::test]
async fn a_seeded_year_reads_back_whole_through_the_statistics() {
    let env = Env::new().await;
    let summary = seed_year(env.app, 80, 4, now_cst()).await.expect("seed");
    assert_eq!(summary.written, 80);
    assert_eq!(summary.pending + summary.processing + summary.replied, 80);
    assert!(summary.replied > summary.pending + summary.processing, "{summary:?}");
    assert!(summary.published > 0 && summary.rated > 0, "{summary:?}");
    assert!(summary.published <= summary.replied && summary.rated <= summary.replied);

    let province = env.province_supervisor().await;
    let stats = env.get("/v1/staff/stats", Some(&province)).await;
    assert_eq!(stats.status, 200, "{}", stats.text);
    assert_eq!(stats.body["total"], 80);
    assert_eq!(stats.body["by_status"]["pending"], summary.pending);
    assert_eq!(stats.body["by_status"]["processing"], summary.processing);
    assert_eq!(stats.body["by_status"]["replied"], summary.replied);
    assert_eq!(stats.body["rating"]["count"], summary.rated, "{}", stats.body["rating"]);
    // Spread over the months of a year, not one day.
    let months = stats.body["by_month"].as_object().map_or(0, |m| m.len());
    assert!(months >= 10, "{}", stats.body["by_month"]);
}

#[tokio::test]
async fn a_kept_store_gains_the_indexes_the_template_added_since_and_their_new_projections() {
    use aws_sdk_dynamodb::types::AttributeValue;
    use local_server::provision::{create_table, table_definition};
    let env = Env::new().await;
    // DynamoDB Local keeps one database per access key; in a database that other tests write to
    // at the same moment, its index backfill was seen to stall for good. A store of its own.
    let credentials = aws_sdk_dynamodb::config::Credentials::new("indexmigration", "secret", None, None, "test");
    let config = aws_sdk_dynamodb::config::Builder::from(&env.table_sdk)
        .credentials_provider(credentials)
        .build();
    let client = &aws_sdk_dynamodb::Client::from_conf(config);
    let table = format!("{}-older", env.app.records.table());
    let full = table_definition(&crate::harness::read_repo_file("infra/template.yaml")).unwrap();
    let mut older = full.clone();
    older
        .global_secondary_indexes
        .retain(|i| i.index_name != "open_by_deadline");
    older
        .attribute_definitions
        .retain(|a| !a.attribute_name.starts_with("open_"));
    // The board's index as it was before it projected the linked institution.
    for index in &mut older.global_secondary_indexes {
        if index.index_name == "public_board" {
            index.projection.non_key_attributes.retain(|a| a != "institution");
        }
    }
    create_table(client, &table, &older).await.unwrap();
    let text_attr = |v: &str| AttributeValue::S(v.into());
    client
        .put_item()
        .table_name(&table)
        .item("pk", text_attr("REPORT#1"))
        .item("sk", text_attr("REPORT"))
        .item("open_pk", text_attr("OPEN#420000"))
        .item("open_deadline", text_attr("2026-01-01T00:00:00+08:00"))
        .send()
        .await
        .unwrap();

    create_table(client, &table, &full).await.unwrap();
    create_table(client, &table, &full)
        .await
        .expect("a second start changes nothing");
    let described = client.describe_table().table_name(&table).send().await.unwrap();
    let names: Vec<&str> = described
        .table()
        .unwrap()
        .global_secondary_indexes()
        .iter()
        .filter_map(|i| i.index_name())
        .collect();
    assert!(names.contains(&"open_by_deadline"), "{names:?}");
    let board = described
        .table()
        .unwrap()
        .global_secondary_indexes()
        .iter()
        .find(|i| i.index_name() == Some("public_board"))
        .unwrap();
    assert!(
        board
            .projection()
            .unwrap()
            .non_key_attributes()
            .contains(&"institution".to_owned()),
        "{board:?}"
    );
    let found = client
        .query()
        .table_name(&table)
        .index_name("open_by_deadline")
        .key_condition_expression("open_pk = :p")
        .expression_attribute_values(":p", text_attr("OPEN#420000"))
        .send()
        .await
        .unwrap();
    assert_eq!(found.count, 1, "the index holds the items written before it");
}
