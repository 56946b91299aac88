//! `scripts/seed-year`: a year written through the domain reads back through the API as a working
//! province's would: every report counted once, in the state its life ended in.

use harness::Env;
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

    let province = env.staff("province", "", "420000");
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
