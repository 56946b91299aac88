//! The statistics workbook (导出报表): the dashboard's tables as the sheets of one workbook, for a
//! supervisor to send upwards. Every figure is the summary's own (`/v1/staff/stats` answers the
//! same summary), counts as numbers, rates as percentages, each sheet titled with whose figures
//! and which period.

use crate::domain::calendar::Calendar;
use crate::domain::directory::catalog::Catalog;
use crate::domain::directory::regions::{Level, Regions};
use crate::domain::report::Report;
use crate::domain::report::status::Status;
use crate::domain::reporting::spreadsheet::{Cell, Column, Sheet, column};
use crate::domain::reporting::stats::{ByStatus, FoundCount, Summary};
use crate::domain::views::Subject;
use chrono::{DateTime, FixedOffset};

/// The most overdue reports the report lists; the rest are counted in a closing row (the queue
/// filtered by 超期 exports them all).
pub const MAX_OVERDUE_ROWS: usize = 1_000;

/// The statistics workbook: whose figures, which period, the summary and the overdue list.
pub struct StatsWorkbook<'a> {
    /// Whose figures: a region's name, or a handler's agency.
    pub scope_name: &'a str,
    /// The region the figures cover; none for an agency. A province's regions are its cities.
    pub level: Option<Level>,
    /// The months asked for (`YYYY-MM`); none is unbounded.
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub summary: &'a Summary,
    /// The overdue reports now, longest overdue first (at most `MAX_OVERDUE_ROWS`).
    pub overdue: &'a [Report],
}

/// `2026-01 至 2026-11`, as the title rows say it.
pub fn period_text(from: Option<&str>, to: Option<&str>) -> String {
    match (from, to) {
        (Some(from), Some(to)) if from == to => from.to_owned(),
        (Some(from), Some(to)) => format!("{from} 至 {to}"),
        (Some(from), None) => format!("{from} 起"),
        (None, Some(to)) => format!("截至 {to}"),
        (None, None) => "全部时间".to_owned(),
    }
}

/// Reports per region one level below the scope, most first: cities under a province, else the
/// counties the figures count.
pub fn by_region(summary: &Summary, regions: &Regions, level: Option<Level>) -> Vec<(String, String, i64)> {
    let mut rows: Vec<(String, String, i64)> = Vec::new();
    for (county, count) in &summary.by_county {
        let region = match level {
            Some(Level::Province) => regions.city_of(county),
            _ => regions.get(county),
        };
        let (code, name) = region.map_or((county.clone(), county.clone()), |r| (r.code.clone(), r.name.clone()));
        match rows.iter_mut().find(|row| row.0 == code) {
            Some(row) => row.2 += count,
            None => rows.push((code, name, *count)),
        }
    }
    rows.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    rows
}

/// `part / whole`, none when there is nothing to measure.
fn share(part: i64, whole: i64) -> Cell {
    Cell::Percent((whole > 0).then(|| part as f64 / whole as f64))
}

fn status_rows(by: &ByStatus) -> [(Status, i64); 3] {
    [
        (Status::Pending, by.pending),
        (Status::Processing, by.processing),
        (Status::Replied, by.replied),
    ]
}

impl StatsWorkbook<'_> {
    /// The workbook's sheets, in the dashboard's order.
    pub fn sheets(&self, regions: &Regions, calendar: &Calendar, now: &DateTime<FixedOffset>) -> Vec<Sheet> {
        vec![
            self.by_status(),
            self.by_region(regions),
            self.by_category(),
            self.by_month(),
            self.on_time(),
            self.satisfaction(),
            self.findings(regions),
            self.institutions(regions),
            self.overdue(regions, calendar, now),
        ]
    }

    /// `武汉市举报件统计 · 按状态(2026-01 至 2026-11)`.
    fn title(&self, what: &str) -> Option<String> {
        let period = period_text(self.from, self.to);
        Some(format!("{}举报件统计 · {what}({period})", self.scope_name))
    }

    fn by_status(&self) -> Sheet {
        const COLUMNS: &[Column] = &[column("状态", 12.0), column("件数", 10.0), column("占比", 10.0)];
        let total = self.summary.total;
        let mut rows: Vec<Vec<Cell>> = status_rows(&self.summary.by_status)
            .into_iter()
            .map(|(status, n)| vec![Cell::text(status.name()), Cell::count(n), share(n, total)])
            .collect();
        rows.push(vec![Cell::text("合计"), Cell::count(total), share(total, total)]);
        sheet("按状态", self.title("按状态"), COLUMNS, rows)
    }

    fn by_region(&self, regions: &Regions) -> Sheet {
        const COLUMNS: &[Column] = &[
            column("区划代码", 12.0),
            column("地区", 16.0),
            column("件数", 10.0),
            column("占比", 10.0),
        ];
        let total = self.summary.total;
        let rows = by_region(self.summary, regions, self.level)
            .into_iter()
            .map(|(code, name, n)| vec![Cell::Text(code), Cell::Text(name), Cell::count(n), share(n, total)])
            .collect();
        sheet("按地区", self.title("按地区"), COLUMNS, rows)
    }

    fn by_category(&self) -> Sheet {
        const COLUMNS: &[Column] = &[column("所属分类", 14.0), column("件数", 10.0), column("占比", 10.0)];
        let catalog = Catalog::get();
        let total = self.summary.total;
        let rows = self
            .summary
            .by_category
            .iter()
            .map(|(code, &n)| {
                let name = catalog.category(code).map_or(code.as_str(), |c| c.name.as_str());
                vec![Cell::text(name), Cell::count(n), share(n, total)]
            })
            .collect();
        sheet("按分类", self.title("按分类"), COLUMNS, rows)
    }

    fn by_month(&self) -> Sheet {
        const COLUMNS: &[Column] = &[
            column("月份", 10.0),
            column("待受理", 10.0),
            column("处理中", 10.0),
            column("已回复", 10.0),
            column("合计", 10.0),
        ];
        let summary = self.summary;
        let rows = summary
            .by_month_status
            .iter()
            .map(|(month, by)| {
                let mut row = vec![Cell::text(month)];
                row.extend(status_rows(by).map(|(_, n)| Cell::count(n)));
                row.push(Cell::count(summary.by_month.get(month).copied().unwrap_or(0)));
                row
            })
            .collect();
        sheet("按月份", self.title("按月份"), COLUMNS, rows)
    }

    fn on_time(&self) -> Sheet {
        const COLUMNS: &[Column] = &[
            column("环节", 10.0),
            column("按时", 10.0),
            column("超时", 10.0),
            column("合计", 10.0),
            column("及时率", 10.0),
        ];
        let stage = |name: &str, ok: i64, late: i64| {
            vec![
                Cell::text(name),
                Cell::count(ok),
                Cell::count(late),
                Cell::count(ok + late),
                share(ok, ok + late),
            ]
        };
        let summary = self.summary;
        let rows = vec![
            stage("签收", summary.signed_on_time, summary.signed_late),
            stage("回复", summary.replied_on_time, summary.replied_late),
        ];
        sheet("及时率", self.title("签收及时率、回复及时率"), COLUMNS, rows)
    }

    fn satisfaction(&self) -> Sheet {
        const COLUMNS: &[Column] = &[column("项目", 22.0), column("数值", 10.0), column("占比", 10.0)];
        let catalog = Catalog::get();
        let rating = &self.summary.rating;
        let mut rows: Vec<Vec<Cell>> = (1u8..=5)
            .zip(rating.distribution)
            .map(|(stars, n)| {
                let level = catalog.rating_level(stars).unwrap_or_default();
                vec![
                    Cell::Text(format!("{stars}星({level})")),
                    Cell::count(n),
                    share(n, rating.count),
                ]
            })
            .collect();
        rows.push(vec![
            Cell::text("评价条数"),
            Cell::count(rating.count),
            Cell::Number(None),
        ]);
        rows.push(vec![
            Cell::text("平均星级"),
            Cell::Number(rating.average.map(|a| (a * 100.0).round() / 100.0)),
            Cell::Number(None),
        ]);
        rows.push(vec![
            Cell::text("满意率(4星及以上)"),
            Cell::Number(None),
            Cell::Percent(rating.satisfied_share),
        ]);
        // Each report counts with its latest round's rating; these say how many rounds there were.
        for (label, n) in [
            ("退回重办的举报件", self.summary.reopened),
            ("重办次数", self.summary.reopenings),
            ("待处理的不满意件", self.summary.dissatisfied_open),
        ] {
            rows.push(vec![Cell::text(label), Cell::count(n), Cell::Number(None)]);
        }
        sheet("满意度", self.title("满意度"), COLUMNS, rows)
    }

    /// 查实与处理措施: 查实率 per county and category, then each measure's count.
    fn findings(&self, regions: &Regions) -> Sheet {
        const COLUMNS: &[Column] = &[
            column("项目", 22.0),
            column("已回复", 10.0),
            column("查实(含部分属实)", 16.0),
            column("查实率", 10.0),
            column("处理措施(项)", 14.0),
        ];
        let catalog = Catalog::get();
        let row = |label: String, c: &FoundCount| {
            vec![
                Cell::Text(label),
                Cell::count(c.replied),
                Cell::count(c.found),
                share(c.found, c.replied),
                Cell::count(c.measures),
            ]
        };
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        for (county, count) in &self.summary.found_by_county {
            let name = regions.get(county).map_or(county.as_str(), |r| r.name.as_str());
            rows.push(row(format!("区县:{name}"), count));
        }
        for (category, count) in &self.summary.found_by_category {
            let name = catalog
                .category(category)
                .map_or(category.as_str(), |c| c.name.as_str());
            rows.push(row(format!("分类:{name}"), count));
        }
        let f = &self.summary.findings;
        let replied = f.substantiated + f.partly + f.unsubstantiated + f.unverifiable;
        let taken: i64 = self.summary.measures.values().sum();
        rows.push(vec![
            Cell::text("合计"),
            Cell::count(replied),
            Cell::count(f.substantiated + f.partly),
            share(f.substantiated + f.partly, replied),
            Cell::count(taken),
        ]);
        for (code, n) in &self.summary.measures {
            let name = catalog.measure(code).map_or(code.as_str(), |m| m.name.as_str());
            rows.push(vec![
                Cell::Text(format!("措施:{name}")),
                Cell::Number(None),
                Cell::Number(None),
                Cell::Number(None),
                Cell::count(*n),
            ]);
        }
        sheet("查实与处理措施", self.title("查实与处理措施"), COLUMNS, rows)
    }

    fn institutions(&self, regions: &Regions) -> Sheet {
        const COLUMNS: &[Column] = &[
            column("排名", 8.0),
            column("机构名称", 30.0),
            column("区县", 12.0),
            column("举报件数", 10.0),
            column("查实件数", 10.0),
            column("处理措施数", 12.0),
        ];
        let rows = (1i64..)
            .zip(&self.summary.institutions)
            .map(|(rank, i)| {
                let county = regions.get(&i.county).map_or(i.county.as_str(), |r| r.name.as_str());
                vec![
                    Cell::count(rank),
                    Cell::text(&i.name),
                    Cell::text(county),
                    Cell::count(i.count),
                    Cell::count(i.found),
                    Cell::count(i.measures),
                ]
            })
            .collect();
        sheet("名录机构", self.title("被举报较多的名录机构(前10)"), COLUMNS, rows)
    }

    fn overdue(&self, regions: &Regions, calendar: &Calendar, now: &DateTime<FixedOffset>) -> Sheet {
        const COLUMNS: &[Column] = &[
            column("流水号", 18.0),
            column("状态", 8.0),
            column("区县", 10.0),
            column("所属分类", 10.0),
            column("举报对象", 24.0),
            column("受理机构", 18.0),
            column("提交时间", 19.0),
            column("办理期限", 19.0),
            column("超期工作日", 10.0),
        ];
        let overdue_now = self.summary.overdue_now;
        let mut rows: Vec<Vec<Cell>> = self
            .overdue
            .iter()
            .map(|r| overdue_row(r, regions, calendar, now))
            .collect();
        let unlisted = overdue_now - i64::try_from(rows.len()).unwrap_or(i64::MAX);
        if unlisted > 0 {
            rows.push(vec![Cell::Text(format!(
                "另有{unlisted}件未列出,请在举报件列表按“超期”筛选后导出"
            ))]);
        }
        let title = format!(
            "{}当前超期举报件(共{overdue_now}件,截至{})",
            self.scope_name,
            now.format("%Y-%m-%d %H:%M")
        );
        sheet("超期举报件", Some(title), COLUMNS, rows)
    }
}

fn sheet(name: &'static str, title: Option<String>, columns: &'static [Column], rows: Vec<Vec<Cell>>) -> Sheet {
    Sheet {
        name,
        title,
        columns,
        rows,
    }
}

fn overdue_row(report: &Report, regions: &Regions, calendar: &Calendar, now: &DateTime<FixedOffset>) -> Vec<Cell> {
    // Named as the queue and its export name them.
    let subject = Subject::of(report, regions);
    let due = report.open_deadline();
    let late = due.map(|by| -calendar.working_days_left(now, &by));
    vec![
        Cell::Text(report.serial.to_string()),
        Cell::text(report.status.name()),
        Cell::Text(subject.county_name),
        Cell::Text(subject.category_name),
        Cell::text(&report.target),
        Cell::text(&report.assignment.agency_name),
        Cell::Time(Some(report.created_at)),
        Cell::Time(due),
        Cell::Number(late.map(|days| days as f64)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::directory::Directory;
    use crate::domain::report::tests::{at, sample};
    use crate::domain::reporting::stats::{counters, summarize};

    fn summary() -> Summary {
        let mut other = sample(true);
        other.assignment = Directory::hubei().dispatch("420100", "420111", "academic").unwrap();
        let months = [
            ("2022-11".to_owned(), counters(&sample(true))),
            ("2022-12".to_owned(), counters(&other)),
        ];
        summarize(&months, 1)
    }

    fn cell(sheet: &Sheet, row: usize, col: usize) -> &Cell {
        &sheet.rows[row][col]
    }

    #[test]
    fn the_period_reads_as_a_clerk_writes_it() {
        assert_eq!(period_text(Some("2026-01"), Some("2026-11")), "2026-01 至 2026-11");
        assert_eq!(period_text(Some("2026-11"), Some("2026-11")), "2026-11");
        assert_eq!(period_text(Some("2026-01"), None), "2026-01 起");
        assert_eq!(period_text(None, Some("2026-11")), "截至 2026-11");
        assert_eq!(period_text(None, None), "全部时间");
    }

    #[test]
    fn a_province_counts_by_city_and_a_city_by_county() {
        let directory = Directory::hubei();
        let summary = summary();
        let cities = by_region(&summary, &directory.regions, Some(Level::Province));
        assert_eq!(cities, [("420100".to_owned(), "武汉市".to_owned(), 2)]);
        let counties = by_region(&summary, &directory.regions, Some(Level::City));
        assert_eq!(counties.len(), 2);
        assert!(counties.iter().all(|(_, _, n)| *n == 1), "{counties:?}");
        assert_eq!(counties[0].1, "武昌区", "ties by code");
    }

    #[test]
    fn every_sheet_is_titled_and_counts_are_numbers_and_rates_percentages() {
        let directory = Directory::hubei();
        let summary = summary();
        let overdue = [sample(true)];
        let report = StatsWorkbook {
            scope_name: "武汉市",
            level: Some(Level::City),
            from: Some("2022-11"),
            to: Some("2022-12"),
            summary: &summary,
            overdue: &overdue,
        };
        let now = at("2023-01-20T09:00:00+08:00");
        let sheets = report.sheets(&directory.regions, crate::domain::calendar::Calendar::china(), &now);
        let names: Vec<&str> = sheets.iter().map(|s| s.name).collect();
        assert_eq!(
            names,
            [
                "按状态",
                "按地区",
                "按分类",
                "按月份",
                "及时率",
                "满意度",
                "查实与处理措施",
                "名录机构",
                "超期举报件"
            ]
        );
        for sheet in &sheets {
            let title = sheet.title.as_deref().unwrap_or_default();
            assert!(title.starts_with("武汉市"), "{title}");
            assert!(
                sheet.rows.iter().all(|r| r.len() <= sheet.columns.len()),
                "{}",
                sheet.name
            );
        }
        assert!(sheets[0].title.as_deref().unwrap().contains("2022-11 至 2022-12"));
        let status = &sheets[0];
        assert_eq!(cell(status, 0, 0), &Cell::text("待受理"));
        assert_eq!(cell(status, 0, 1), &Cell::count(2));
        assert_eq!(cell(status, 0, 2), &Cell::Percent(Some(1.0)));
        assert_eq!(cell(status, 3, 1), &Cell::count(2), "合计");
        let months = &sheets[3];
        assert_eq!(months.rows.len(), 2);
        assert_eq!(cell(months, 1, 0), &Cell::text("2022-12"));
        assert_eq!(cell(months, 1, 4), &Cell::count(1));
        let on_time = &sheets[4];
        assert_eq!(cell(on_time, 0, 4), &Cell::Percent(None), "nothing signed: no rate");
        let rating = &sheets[5];
        assert_eq!(cell(rating, 4, 0), &Cell::text("5星(非常满意)"));
        let overdue = &sheets[8];
        assert_eq!(cell(overdue, 0, 0), &Cell::Text(report.overdue[0].serial.to_string()));
        assert!(matches!(cell(overdue, 0, 7), Cell::Time(Some(_))));
        assert!(matches!(cell(overdue, 0, 8), Cell::Number(Some(days)) if *days > 0.0));
    }

    #[test]
    fn overdue_reports_beyond_the_list_are_counted_in_a_closing_row() {
        let directory = Directory::hubei();
        let mut summary = summary();
        summary.overdue_now = 3;
        let overdue = [sample(true)];
        let report = StatsWorkbook {
            scope_name: "武汉市",
            level: Some(Level::City),
            from: None,
            to: None,
            summary: &summary,
            overdue: &overdue,
        };
        let now = at("2023-01-20T09:00:00+08:00");
        let sheets = report.sheets(&directory.regions, crate::domain::calendar::Calendar::china(), &now);
        let rows = &sheets[8].rows;
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1], [Cell::text("另有2件未列出,请在举报件列表按“超期”筛选后导出")]);
    }
}
