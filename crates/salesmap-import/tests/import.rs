//! What a user sees when importing each kind of export: the summary, the problem report and
//! the normalized history, as snapshots over the fixtures in `test_data/` (small exports
//! shaped exactly like the real ones, with made-up companies and people).
//!
//! Index:
//! - Salesforce: `salesforce_*`; HubSpot: `hubspot_*`; Pipedrive: `pipedrive_*`;
//!   snapshot: `snapshot_*`; generic CSV with a mapping file: `generic_*`; two files joined
//!   on a deal key: `joined_*`.
//! - Bad input: `bad_*` (row problems, ambiguous dates, a cut-off XES file).
//! - Round trips: `round_trip_*` (normalized CSV and XES back into identical histories).
//! - Robustness: `never_panics_*` (random bytes and truncated files for every reader).
//! - The rules of issue-shaped exports: `snapshot_*` outcomes by the status column whatever
//!   the mapping says, `funnel_*` (leads and closed deals in two files), `xes_*` (work items
//!   as touches), and `column_mapping_*` (every option applied or refused, per source).

use std::path::{Path, PathBuf};

use expect_test::{Expect, expect};
use salesmap_core::map::Map;
use salesmap_import::{
    ColumnMapping, DateFormat, ImportOptions, Source, import_files, read_history, render_problems,
    write_csv, write_xes,
};

fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("test_data")
        .join(path)
}

fn b2b(lang: &str) -> Map {
    let checked = salesmap_mapfile::load(salesmap_mapfile::templates::b2b(lang), "b2b.map.toml");
    checked.map.expect("the template map loads")
}

fn mapping(path: &str) -> ColumnMapping {
    let text = std::fs::read_to_string(data(path)).unwrap();
    ColumnMapping::from_toml(&text, path).unwrap()
}

/// Summary, problems and the normalized history CSV, with fixture paths made relative.
fn report(files: &[&str], options: &ImportOptions) -> String {
    let paths: Vec<PathBuf> = files.iter().map(|f| data(f)).collect();
    let text = match import_files(&paths, options) {
        Ok(imported) => {
            let mut csv = Vec::new();
            write_csv(&imported.history, &mut csv).unwrap();
            format!(
                "{}--- problems\n{}--- history\n{}",
                imported.summary,
                render_problems(&imported.problems, 20),
                String::from_utf8(csv).unwrap()
            )
        }
        Err(e) => format!("fatal: {e}\n"),
    };
    let prefix = format!("{}/", data("").display().to_string().trim_end_matches('/'));
    text.replace(&prefix, "")
}

fn check(files: &[&str], options: &ImportOptions, expect: Expect) {
    expect.assert_eq(&report(files, options));
}

fn with_map(lang: &str) -> ImportOptions {
    ImportOptions {
        map: Some(b2b(lang)),
        ..ImportOptions::default()
    }
}

#[test]
fn salesforce_opportunity_history() {
    check(
        &["salesforce/OpportunityHistory.csv"],
        &with_map("en"),
        expect![[r#"
            salesforce/OpportunityHistory.csv: Salesforce OpportunityHistory, 10 rows → 6 events, 2 rows with problems
              note: 1 row without a stage change (amount, close date or probability edits) gave deal attributes only
              note: 1 deleted row (IsDeleted) skipped
            history: 2 deals, 6 events (6 stage entries, 0 touches)
            dates: 2023-01-09T01:15:22Z to 2023-03-30T09:00:00Z
            stages found (5):
              sales-interaction      2 events      2 deals
              sql                    1 event       1 deal
              discovery              1 event       1 deal
              contract-signed        1 event       1 deal
              lost                   1 event       1 deal
            every stage is on the map
            1 deal has no event left (rows with problems or without dates) and is not in the history
            --- problems
            error: salesforce/OpportunityHistory.csv:10: column `CREATEDDATE`: cannot read `2023-02-31T10:00:00.000Z` as a timestamp: day 31 does not exist in that month; the row is skipped
              help: write timestamps as ISO 8601 (2023-04-05T12:34:00+09:00), or describe the layout with --date-format
            error: salesforce/OpportunityHistory.csv:11: column `STAGENAME`: no stage; the row is skipped
            --- history
            deal,stage,timestamp,kind,amount,expected_revenue,close_date,probability,forecast_category,event:changed_by
            0062x00000Lm9xAAC,sales-interaction,2023-01-09T01:15:22Z,stage,15000,15000,2023-03-30,100,Closed,0052x000003Rt5AAE
            0062x00000Lm9xAAC,sql,2023-01-20T06:02:10Z,stage,15000,15000,2023-03-30,100,Closed,0052x000003Rt5AAE
            0062x00000Lm9xAAC,discovery,2023-02-15T02:11:45Z,stage,15000,15000,2023-03-30,100,Closed,0052x000003Rt5AAE
            0062x00000Lm9xAAC,contract-signed,2023-03-30T09:00:00Z,stage,15000,15000,2023-03-30,100,Closed,0052x000003Rt5AAE
            0062x00000Lm9yAAC,sales-interaction,2023-01-11T23:30:00Z,stage,8000,0,2023-02-01,0,Omitted,0052x000003Rt6AAE
            0062x00000Lm9yAAC,lost,2023-02-01T04:00:00Z,stage,8000,0,2023-02-01,0,Omitted,0052x000003Rt6AAE
        "#]],
    );
}

#[test]
fn salesforce_field_history() {
    check(
        &["salesforce/OpportunityFieldHistory.csv"],
        &ImportOptions::default(),
        expect![[r#"
            salesforce/OpportunityFieldHistory.csv: Salesforce OpportunityFieldHistory, 10 rows → 7 events
              note: 1 deal has no `created` row, so the entry into the first stage is not dated; the history starts at the first change
              note: 1 deal was created but never changed stage; the stage it was created in is not in this file
              note: 1 row about other fields (not stage changes) skipped
            history: 3 deals, 7 events (7 stage entries, 0 touches)
            dates: 2023-01-09T01:15:22Z to 2023-03-30T09:00:00Z
            stages found (6):
              Prospecting               2 events      2 deals
              Qualification             1 event       1 deal
              Needs Analysis            1 event       1 deal
              Closed Won                1 event       1 deal
              Closed Lost               1 event       1 deal
              Proposal/Price Quote      1 event       1 deal
            1 deal has no event left (rows with problems or without dates) and is not in the history
            --- problems
            --- history
            deal,stage,timestamp,kind,amount,event:changed_by
            0062x00000Lm9xAAC,Prospecting,2023-01-09T01:15:22Z,stage,15000,
            0062x00000Lm9xAAC,Qualification,2023-01-20T06:02:10Z,stage,15000,0052x000003Rt5AAE
            0062x00000Lm9xAAC,Needs Analysis,2023-02-15T02:11:45Z,stage,15000,0052x000003Rt5AAE
            0062x00000Lm9xAAC,Closed Won,2023-03-30T09:00:00Z,stage,15000,0052x000003Rt5AAE
            0062x00000Lm9yAAC,Prospecting,2023-01-11T23:30:00Z,stage,,
            0062x00000Lm9yAAC,Closed Lost,2023-02-01T04:00:00Z,stage,,0052x000003Rt6AAE
            0062x00000LmA1AAC,Proposal/Price Quote,2023-03-01T10:00:00Z,stage,,0052x000003Rt5AAE
        "#]],
    );
}

#[test]
fn hubspot_labels_in_the_portal_time_zone() {
    let options = ImportOptions {
        timezone: Some("America/New_York".into()),
        ..with_map("en")
    };
    check(
        &["hubspot/all-deals.csv"],
        &options,
        expect![[r#"
            hubspot/all-deals.csv: HubSpot deal export, 4 rows → 11 events, 1 row with problems
              note: a HubSpot deal export keeps only the latest entry into each stage: earlier visits and re-entries are not in the file
              note: 11 dates and times without a UTC offset were read in America/New_York time, the zone given
            history: 3 deals, 11 events (11 stage entries, 0 touches)
            dates: 2023-02-01T14:12:00Z to 2023-03-20T20:40:00Z
            stages found (6):
              sales-interaction      3 events      3 deals
              sql                    3 events      3 deals
              demo                   2 events      2 deals
              verbal-agreement       1 event       1 deal
              contract-signed        1 event       1 deal
              lost                   1 event       1 deal
            every stage is on the map
            1 deal has no event left (rows with problems or without dates) and is not in the history
            --- problems
            error: hubspot/all-deals.csv:5: column `Date entered "Appointment Scheduled (Sales Pipeline)"`: cannot read `2023-03-32 10:00` as a timestamp: day 32 does not exist in that month; the entry into `Appointment Scheduled` is left out
              help: write timestamps as ISO 8601 (2023-04-05T12:34:00+09:00), or describe the layout with --date-format
            --- history
            deal,stage,timestamp,kind,name,current_stage,pipeline,amount,owner,created,close_date,lost_reason
            15220934811,sales-interaction,2023-02-01T14:12:00Z,stage,Acme Logistics - Fleet plan,Closed Won,Sales Pipeline,24000,Jane Park,2023-02-01 09:12,2023-03-20 16:40,
            15220934811,sql,2023-02-08T19:00:00Z,stage,Acme Logistics - Fleet plan,Closed Won,Sales Pipeline,24000,Jane Park,2023-02-01 09:12,2023-03-20 16:40,
            15220934811,demo,2023-02-20T15:30:00Z,stage,Acme Logistics - Fleet plan,Closed Won,Sales Pipeline,24000,Jane Park,2023-02-01 09:12,2023-03-20 16:40,
            15220934811,verbal-agreement,2023-03-10T16:00:00Z,stage,Acme Logistics - Fleet plan,Closed Won,Sales Pipeline,24000,Jane Park,2023-02-01 09:12,2023-03-20 16:40,
            15220934811,contract-signed,2023-03-20T20:40:00Z,stage,Acme Logistics - Fleet plan,Closed Won,Sales Pipeline,24000,Jane Park,2023-02-01 09:12,2023-03-20 16:40,
            15220934812,sales-interaction,2023-02-03T16:00:00Z,stage,Birch Dental - 3 clinics,Closed Lost,Sales Pipeline,9500,Min-jun Lee,2023-02-03 11:00,2023-02-27 09:00,Went with competitor
            15220934812,sql,2023-02-10T20:20:00Z,stage,Birch Dental - 3 clinics,Closed Lost,Sales Pipeline,9500,Min-jun Lee,2023-02-03 11:00,2023-02-27 09:00,Went with competitor
            15220934812,lost,2023-02-27T14:00:00Z,stage,Birch Dental - 3 clinics,Closed Lost,Sales Pipeline,9500,Min-jun Lee,2023-02-03 11:00,2023-02-27 09:00,Went with competitor
            15220934813,sales-interaction,2023-03-01T13:00:00Z,stage,Cobalt Foods - pilot,Presentation Scheduled,Sales Pipeline,,Jane Park,2023-03-01 08:00,,
            15220934813,sql,2023-03-01T13:00:00Z,stage,Cobalt Foods - pilot,Presentation Scheduled,Sales Pipeline,,Jane Park,2023-03-01 08:00,,
            15220934813,demo,2023-03-14T17:00:00Z,stage,Cobalt Foods - pilot,Presentation Scheduled,Sales Pipeline,,Jane Park,2023-03-01 08:00,,
        "#]],
    );
}

#[test]
fn hubspot_korean_stages_and_two_pipelines() {
    let options = ImportOptions {
        timezone: Some("Asia/Seoul".into()),
        ..ImportOptions::default()
    };
    check(
        &["hubspot/deals-ko.csv"],
        &options,
        expect![[r#"
            hubspot/deals-ko.csv: HubSpot deal export, 3 rows → 6 events
              note: a HubSpot deal export keeps only the latest entry into each stage: earlier visits and re-entries are not in the file
              note: 6 dates and times without a UTC offset were read in Asia/Seoul time, the zone given
            history: 3 deals, 6 events (6 stage entries, 0 touches)
            dates: 2023-04-03T01:00:00Z to 2023-05-02T02:00:00Z
            stages found (4):
              미팅 예약 (영업 파이프라인)        2 events      2 deals
              제안서 발송 (영업 파이프라인)      2 events      2 deals
              계약 완료 (영업 파이프라인)        1 event       1 deal
              미팅 예약 (파트너 파이프라인)      1 event       1 deal
            --- problems
            --- history
            deal,stage,timestamp,kind,name,current_stage,pipeline,amount,owner
            2301,미팅 예약 (영업 파이프라인),2023-04-03T01:00:00Z,stage,한빛제약 - 연간 구독,계약 완료,영업 파이프라인,36000000,김지수
            2301,제안서 발송 (영업 파이프라인),2023-04-17T06:30:00Z,stage,한빛제약 - 연간 구독,계약 완료,영업 파이프라인,36000000,김지수
            2301,계약 완료 (영업 파이프라인),2023-05-02T02:00:00Z,stage,한빛제약 - 연간 구독,계약 완료,영업 파이프라인,36000000,김지수
            2302,미팅 예약 (파트너 파이프라인),2023-04-20T00:30:00Z,stage,누리건설 - 파트너 재판매,미팅 예약,파트너 파이프라인,,박서연
            2303,미팅 예약 (영업 파이프라인),2023-04-11T05:00:00Z,stage,다온물류,제안서 발송,영업 파이프라인,12000000,김지수
            2303,제안서 발송 (영업 파이프라인),2023-04-28T01:00:00Z,stage,다온물류,제안서 발송,영업 파이프라인,12000000,김지수
        "#]],
    );
}

#[test]
fn hubspot_internal_property_names() {
    check(
        &["hubspot/deals-internal.csv"],
        &ImportOptions::default(),
        expect![[r#"
            hubspot/deals-internal.csv: HubSpot deal export, 2 rows → 4 events
              note: a HubSpot deal export keeps only the latest entry into each stage: earlier visits and re-entries are not in the file
            history: 2 deals, 4 events (4 stage entries, 0 touches)
            dates: 2023-05-02T08:00:00Z to 2023-06-01T11:00:00Z
            stages found (3):
              appointmentscheduled      2 events      2 deals
              qualifiedtobuy            1 event       1 deal
              closedwon                 1 event       1 deal
            --- problems
            --- history
            deal,stage,timestamp,kind,name,current_stage,pipeline,amount,owner,created
            9001,appointmentscheduled,2023-05-02T08:00:00Z,stage,Fjord Hotels,closedwon,default,18000,71234567,2023-05-02T08:00:00Z
            9001,qualifiedtobuy,2023-05-09T12:00:00.250000Z,stage,Fjord Hotels,closedwon,default,18000,71234567,2023-05-02T08:00:00Z
            9001,closedwon,2023-06-01T11:00:00Z,stage,Fjord Hotels,closedwon,default,18000,71234567,2023-05-02T08:00:00Z
            9002,appointmentscheduled,2023-05-04T09:00:00Z,stage,Granite Law,appointmentscheduled,default,,71234568,2023-05-04T09:00:00Z
        "#]],
    );
}

#[test]
fn pipedrive_deal_export_alone() {
    check(
        &["pipedrive/deals-export.csv"],
        &ImportOptions::default(),
        expect![[r#"
            pipedrive/deals-export.csv: Pipedrive deal export, 4 rows → 5 events
              note: a Pipedrive deal export holds only each deal's current stage and outcome; add the deal flow (changelog) export for the stages before
              note: 1 deleted deal skipped
              note: 5 dates and times without a UTC offset were read as UTC; if the export was written in another zone, give it with --timezone (or `timezone` in the mapping file)
            history: 3 deals, 5 events (5 stage entries, 0 touches)
            dates: 2023-06-10T13:00:00Z to 2023-06-28T10:15:00Z
            stages found (5):
              Negotiations Started      1 event       1 deal
              Won                       1 event       1 deal
              Proposal Made             1 event       1 deal
              Lost                      1 event       1 deal
              Qualified                 1 event       1 deal
            --- problems
            --- history
            deal,stage,timestamp,kind,name,amount,currency,owner,pipeline,status,created,lost_reason,expected_close_date,Organization
            101,Negotiations Started,2023-06-20T15:00:00Z,stage,Harbor Bikes deal,7200,EUR,Anna Weber,Sales,won,2023-06-01 09:00:00,,2023-06-30,Harbor Bikes GmbH
            101,Won,2023-06-28T10:15:00Z,stage,Harbor Bikes deal,7200,EUR,Anna Weber,Sales,won,2023-06-01 09:00:00,,2023-06-30,Harbor Bikes GmbH
            102,Proposal Made,2023-06-12T16:45:00Z,stage,Iris Optics deal,3100,EUR,Jonas Berg,Sales,lost,2023-06-03 11:30:00,Price too high,2023-07-15,Iris Optics AG
            102,Lost,2023-06-19T08:00:00Z,stage,Iris Optics deal,3100,EUR,Jonas Berg,Sales,lost,2023-06-03 11:30:00,Price too high,2023-07-15,Iris Optics AG
            103,Qualified,2023-06-10T13:00:00Z,stage,Juniper Apps deal,12500,EUR,Anna Weber,Sales,open,2023-06-10 13:00:00,,2023-08-01,Juniper Apps
        "#]],
    );
}

#[test]
fn pipedrive_deal_export_with_deal_flow() {
    check(
        &["pipedrive/deals-export.csv", "pipedrive/deal-flow.csv"],
        &with_map("en"),
        expect![[r#"
            pipedrive/deals-export.csv: Pipedrive deal export, 4 rows → 5 events
              note: a Pipedrive deal export holds only each deal's current stage and outcome; add the deal flow (changelog) export for the stages before
              note: 1 deleted deal skipped
              note: 5 dates and times without a UTC offset were read as UTC; if the export was written in another zone, give it with --timezone (or `timezone` in the mapping file)
            pipedrive/deal-flow.csv: Pipedrive deal flow, 10 rows → 8 events, 1 row with problems
              note: 1 row about other fields (not stage changes) skipped
              note: 8 dates and times without a UTC offset were read as UTC; if the export was written in another zone, give it with --timezone (or `timezone` in the mapping file)
            history: 3 deals, 9 events (9 stage entries, 0 touches)
            dates: 2023-06-01T09:00:00Z to 2023-06-28T10:15:00Z
            stages found (6):
              mql                    3 events      3 deals
              sales-interaction      1 event       1 deal
              proposal               2 events      2 deals
              verbal-agreement       1 event       1 deal
              contract-signed        1 event       1 deal
              lost                   1 event       1 deal
            every stage is on the map
            duplicates: 4 repeated events kept once (4 found in more than one file)
            --- problems
            error: pipedrive/deal-flow.csv:11: column `log_time`: cannot read `2023-06-31 10:00:00` as a timestamp: day 31 does not exist in that month; the row is skipped
              help: write timestamps as ISO 8601 (2023-04-05T12:34:00+09:00), or describe the layout with --date-format
            --- history
            deal,stage,timestamp,kind,name,amount,currency,owner,pipeline,status,created,lost_reason,expected_close_date,Organization,event:changed_by
            101,verbal-agreement,2023-06-20T15:00:00Z,stage,Harbor Bikes deal,7200,EUR,Anna Weber,Sales,won,2023-06-01 09:00:00,,2023-06-30,Harbor Bikes GmbH,13
            101,contract-signed,2023-06-28T10:15:00Z,stage,Harbor Bikes deal,7200,EUR,Anna Weber,Sales,won,2023-06-01 09:00:00,,2023-06-30,Harbor Bikes GmbH,13
            102,proposal,2023-06-12T16:45:00Z,stage,Iris Optics deal,3100,EUR,Jonas Berg,Sales,lost,2023-06-03 11:30:00,Price too high,2023-07-15,Iris Optics AG,14
            102,lost,2023-06-19T08:00:00Z,stage,Iris Optics deal,3100,EUR,Jonas Berg,Sales,lost,2023-06-03 11:30:00,Price too high,2023-07-15,Iris Optics AG,14
            103,mql,2023-06-10T13:00:00Z,stage,Juniper Apps deal,12500,EUR,Anna Weber,Sales,open,2023-06-10 13:00:00,,2023-08-01,Juniper Apps,
            101,mql,2023-06-01T09:00:00Z,stage,Harbor Bikes deal,7200,EUR,Anna Weber,Sales,won,2023-06-01 09:00:00,,2023-06-30,Harbor Bikes GmbH,
            101,sales-interaction,2023-06-05T10:00:00Z,stage,Harbor Bikes deal,7200,EUR,Anna Weber,Sales,won,2023-06-01 09:00:00,,2023-06-30,Harbor Bikes GmbH,13
            101,proposal,2023-06-12T09:30:00Z,stage,Harbor Bikes deal,7200,EUR,Anna Weber,Sales,won,2023-06-01 09:00:00,,2023-06-30,Harbor Bikes GmbH,13
            102,mql,2023-06-03T11:30:00Z,stage,Iris Optics deal,3100,EUR,Jonas Berg,Sales,lost,2023-06-03 11:30:00,Price too high,2023-07-15,Iris Optics AG,
        "#]],
    );
}

#[test]
fn snapshot_milestone_dates() {
    check(
        &["snapshot/sales_pipeline.csv"],
        &ImportOptions::default(),
        expect![[r#"
            snapshot/sales_pipeline.csv: snapshot export, 6 rows → 9 events
              note: 1 deal has no milestone date and is not in the history
              note: 9 dates and times without a UTC offset were read as UTC; if the export was written in another zone, give it with --timezone (or `timezone` in the mapping file)
            history: 5 deals, 9 events (9 stage entries, 0 touches)
            dates: 2016-10-20T00:00:00Z to 2017-03-15T00:00:00Z
            stages found (3):
              engage      5 events      5 deals
              Won         3 events      3 deals
              Lost        1 event       1 deal
            --- problems
            --- history
            deal,stage,timestamp,kind,sales_agent,product,account,deal_stage,close_date,close_value
            1C1I7A6R,engage,2016-10-20T00:00:00Z,stage,Moses Frase,GTX Plus Basic,Cancity,Won,2017-03-01,1054
            1C1I7A6R,Won,2017-03-01T00:00:00Z,stage,Moses Frase,GTX Plus Basic,Cancity,Won,2017-03-01,1054
            Z063OYW0,engage,2016-10-25T00:00:00Z,stage,Darcel Schlecht,GTXPro,Isdom,Won,2017-03-11,4514
            Z063OYW0,Won,2017-03-11T00:00:00Z,stage,Darcel Schlecht,GTXPro,Isdom,Won,2017-03-11,4514
            EC4QE1BX,engage,2016-10-25T00:00:00Z,stage,Darcel Schlecht,MG Special,Cancity,Won,2017-03-07,50
            EC4QE1BX,Won,2017-03-07T00:00:00Z,stage,Darcel Schlecht,MG Special,Cancity,Won,2017-03-07,50
            MV1LWRNH,engage,2016-10-25T00:00:00Z,stage,Moses Frase,GTX Basic,Codehow,Lost,2017-03-09,0
            MV1LWRNH,Lost,2017-03-09T00:00:00Z,stage,Moses Frase,GTX Basic,Codehow,Lost,2017-03-09,0
            PE84CX4O,engage,2017-03-15T00:00:00Z,stage,Zane Levy,GTX Basic,Hatfan,Engaging,,
        "#]],
    );
}

#[test]
fn generic_korean_export_with_mapping_file_and_mixed_zones() {
    let options = ImportOptions {
        columns: mapping("generic/crm-activity-ko.mapping.toml"),
        ..with_map("ko")
    };
    check(
        &["generic/crm-activity-ko.csv"],
        &options,
        expect![[r#"
            generic/crm-activity-ko.csv: event log CSV, 8 rows → 8 events
              note: 4 dates and times without a UTC offset were read in Asia/Seoul time, the zone given
            history: 2 deals, 8 events (6 stage entries, 2 touches)
            dates: 2023-03-02T00:00:00Z to 2023-03-20T05:00:00Z
            stages found (5):
              brand-engagement      2 events      2 deals
              discovery             1 event       1 deal
              proposal              1 event       1 deal
              contract-signed       1 event       1 deal
              데모 진행             1 event       1 deal
            touch types (2):
              첫 통화      1 event       1 deal
              이메일       1 event       1 deal
            stages unknown to the map (1):
              데모 진행      1 event  (an alias of `demo`?)
            --- problems
            warning: generic/crm-activity-ko.csv:9: stage `데모 진행` is not in the map (1 event); kept under this name
              help: if it is the map's stage `demo`, add `데모 진행` to that stage's aliases
            --- history
            deal,stage,timestamp,kind,amount,owner,event:메모
            D-001,brand-engagement,2023-03-02T00:00:00Z,stage,5500000,김지수,웨비나 신청
            D-001,첫 통화,2023-03-02T01:30:00Z,touch,5500000,김지수,
            D-001,discovery,2023-03-06T01:00:00Z,stage,5500000,김지수,
            D-001,proposal,2023-03-09T07:00:00Z,stage,5500000,김지수,할인 10%
            D-001,contract-signed,2023-03-20T05:00:00Z,stage,5500000,김지수,
            D-002,brand-engagement,2023-03-02T23:15:00Z,stage,,박서연,
            D-002,이메일,2023-03-03T00:00:00Z,touch,,박서연,소개 자료
            D-002,데모 진행,2023-03-13T05:00:00Z,stage,,박서연,
        "#]],
    );
}

#[test]
fn joined_leads_and_opportunities_on_the_lead_id() {
    let options = ImportOptions {
        columns: mapping("joined/mapping.toml"),
        ..with_map("en")
    };
    check(
        &["joined/leads.csv", "joined/opportunities.csv"],
        &options,
        expect![[r#"
            joined/leads.csv: snapshot export, 3 rows → 3 events
              note: 3 dates and times without a UTC offset were read as UTC; if the export was written in another zone, give it with --timezone (or `timezone` in the mapping file)
            joined/opportunities.csv: event log CSV, 5 rows → 5 events
              note: 5 dates and times without a UTC offset were read as UTC; if the export was written in another zone, give it with --timezone (or `timezone` in the mapping file)
            history: 3 deals, 8 events (8 stage entries, 0 touches)
            dates: 2023-07-03T00:00:00Z to 2023-08-15T17:30:00Z
            stages found (5):
              brand-engagement      3 events      3 deals
              sql                   2 events      2 deals
              proposal              1 event       1 deal
              contract-signed       1 event       1 deal
              lost                  1 event       1 deal
            every stage is on the map
            --- problems
            --- history
            deal,stage,timestamp,kind,Source,Segment,Amount
            L-17,brand-engagement,2023-07-03T00:00:00Z,stage,Webinar,SMB,4200
            L-18,brand-engagement,2023-07-04T00:00:00Z,stage,Referral,Enterprise,25000
            L-19,brand-engagement,2023-07-05T00:00:00Z,stage,Paid search,SMB,
            L-17,sql,2023-07-10T09:00:00Z,stage,Webinar,SMB,4200
            L-17,proposal,2023-07-21T15:00:00Z,stage,Webinar,SMB,4200
            L-17,contract-signed,2023-08-02T11:00:00Z,stage,Webinar,SMB,4200
            L-18,sql,2023-07-12T10:00:00Z,stage,Referral,Enterprise,25000
            L-18,lost,2023-08-15T17:30:00Z,stage,Referral,Enterprise,25000
        "#]],
    );
}

#[test]
fn bad_rows_are_reported_and_valid_rows_kept() {
    check(
        &["bad/bad-rows.csv"],
        &ImportOptions::default(),
        expect![[r#"
            bad/bad-rows.csv: event log CSV, 11 rows → 6 events, 7 rows with problems
              note: 6 dates and times without a UTC offset were read as UTC; if the export was written in another zone, give it with --timezone (or `timezone` in the mapping file)
              note: 1 empty row skipped
            history: 2 deals, 4 events (4 stage entries, 0 touches)
            dates: 2023-04-03T09:00:00Z to 2023-04-12T10:00:00Z
            stages found (3):
              Lead In        2 events      2 deals
              Discovery      1 event       1 deal
              Proposal       1 event       1 deal
            duplicates: 2 repeated events kept once
            1 deal has no event left (rows with problems or without dates) and is not in the history
            --- problems
            error: bad/bad-rows.csv:5: column `deal_id`: no deal id; the row is skipped
            error: bad/bad-rows.csv:6: column `stage`: no stage; the row is skipped
            error: bad/bad-rows.csv:7: column `timestamp`: no timestamp; the row is skipped
            error: bad/bad-rows.csv:8: column `timestamp`: cannot read `2023-04-31 10:00` as a timestamp: day 31 does not exist in that month; the row is skipped
              help: write timestamps as ISO 8601 (2023-04-05T12:34:00+09:00), or describe the layout with --date-format
            error: bad/bad-rows.csv:9: column `timestamp`: cannot read `next tuesday` as a timestamp: expected a date such as 2023-04-05; the row is skipped
              help: write timestamps as ISO 8601 (2023-04-05T12:34:00+09:00), or describe the layout with --date-format
            error: bad/bad-rows.csv:10: the row has 7 values but the header has 5 columns; the extra values are ignored
              help: a value that contains the delimiter must be in double quotes
            error: bad/bad-rows.csv:13: column `owner`: the value is not UTF-8 text; it is left out (the event is kept)
              help: save the export as UTF-8 (in Excel: Save As › CSV UTF-8); Korean Windows exports are often CP949
            warning: bad/bad-rows.csv:3: the same event as line 2 (deal `D-1`, `Lead In` at 2023-04-03T09:00:00Z): kept once
              help: remove the repeated row from the export, or pass --duplicates keep to keep every copy
            warning: bad/bad-rows.csv:11: the same event as line 10 (deal `D-3`, `Lead In` at 2023-04-08T10:00:00Z): kept once
              help: remove the repeated row from the export, or pass --duplicates keep to keep every copy
            --- history
            deal,stage,timestamp,kind,owner,event:note
            D-1,Lead In,2023-04-03T09:00:00Z,stage,Sam,
            D-1,Discovery,2023-04-05T09:00:00Z,stage,Sam,time without leading zero is fine
            D-3,Lead In,2023-04-08T10:00:00Z,stage,Lee,extra
            D-3,Proposal,2023-04-12T10:00:00Z,stage,Lee,cp949 name
        "#]],
    );
}

#[test]
fn bad_strict_fails_on_the_first_problem() {
    let options = ImportOptions {
        strict: true,
        ..ImportOptions::default()
    };
    check(
        &["bad/bad-rows.csv"],
        &options,
        expect![[r#"
            fatal: 9 problem(s) found and --strict is set; the first:
            error: bad/bad-rows.csv:5: column `deal_id`: no deal id; the row is skipped
        "#]],
    );
}

#[test]
fn bad_ambiguous_day_month_is_an_error_until_told() {
    check(
        &["bad/ambiguous-dates.csv"],
        &ImportOptions::default(),
        expect![[r#"
            fatal: bad/ambiguous-dates.csv:2: column `date`: dates such as `03/04/2023` can be read day first or month first, and no value in the file settles which
              help: give --date-format day-first (05/04/2023 is 5 April) or --date-format month-first (05/04/2023 is May 4)
        "#]],
    );
    let options = ImportOptions {
        date_format: Some(DateFormat::DayFirst),
        ..ImportOptions::default()
    };
    check(
        &["bad/ambiguous-dates.csv"],
        &options,
        expect![[r#"
            bad/ambiguous-dates.csv: event log CSV, 3 rows → 3 events
              note: 3 dates and times without a UTC offset were read as UTC; if the export was written in another zone, give it with --timezone (or `timezone` in the mapping file)
            history: 2 deals, 3 events (3 stage entries, 0 touches)
            dates: 2023-02-01T00:00:00Z to 2023-06-05T00:00:00Z
            stages found (2):
              Lead      2 events      2 deals
              Demo      1 event       1 deal
            --- problems
            --- history
            deal,stage,timestamp,kind
            A,Lead,2023-04-03T00:00:00Z,stage
            A,Demo,2023-06-05T00:00:00Z,stage
            B,Lead,2023-02-01T00:00:00Z,stage
        "#]],
    );
}

#[test]
fn bad_cut_off_xes_keeps_complete_events() {
    check(
        &["bad/cut-off.xes"],
        &ImportOptions::default(),
        expect![[r#"
            bad/cut-off.xes: XES, 4 events → 2 events, 3 rows with problems
            history: 2 deals, 2 events (2 stage entries, 0 touches)
            dates: 2023-04-03T07:00:00Z to 2023-04-04T08:00:00Z
            stages found (1):
              Lead In      2 events      2 deals
            --- problems
            error: bad/cut-off.xes:9: column `time:timestamp`: event `Demo` of case `T-1` has no timestamp; it is skipped
            error: bad/cut-off.xes:13: column `concept:name`: a trace without a case id (`concept:name`); its 1 event(s) are skipped
              help: give every <trace> a <string key="concept:name" value="…"/>
            error: bad/cut-off.xes:27: the XML cannot be read past this point: syntax error: attribute value not closed: `"` not found before end of input
              help: the complete events before this point were kept; export the log again if it was cut off
            --- history
            deal,stage,timestamp,kind
            T-1,Lead In,2023-04-03T07:00:00Z,stage
            T-2,Lead In,2023-04-04T08:00:00Z,stage
        "#]],
    );
}

#[test]
fn bad_unknown_format_names_the_columns() {
    let options = ImportOptions {
        source: Source::Auto,
        ..ImportOptions::default()
    };
    check(
        &["joined/mapping.toml"],
        &options,
        expect![[r#"
        fatal: joined/mapping.toml: cannot tell what kind of export this is (columns: `deal = "Lead ID"`)
          help: a history needs a deal, a stage and a timestamp column; name them with --deal-column, --stage-column and --time-column, or pick the format with --from
    "#]],
    );
}

/// Every fixture that imports, with the options it needs.
fn fixtures() -> Vec<(Vec<&'static str>, ImportOptions)> {
    let seoul = ImportOptions {
        timezone: Some("Asia/Seoul".into()),
        ..ImportOptions::default()
    };
    vec![
        (vec!["salesforce/OpportunityHistory.csv"], with_map("en")),
        (
            vec!["salesforce/OpportunityFieldHistory.csv"],
            ImportOptions::default(),
        ),
        (vec!["hubspot/all-deals.csv"], ImportOptions::default()),
        (vec!["hubspot/deals-ko.csv"], seoul),
        (vec!["hubspot/deals-internal.csv"], ImportOptions::default()),
        (
            vec!["pipedrive/deals-export.csv", "pipedrive/deal-flow.csv"],
            ImportOptions::default(),
        ),
        (
            vec!["snapshot/sales_pipeline.csv"],
            ImportOptions::default(),
        ),
        (
            vec!["generic/crm-activity-ko.csv"],
            ImportOptions {
                columns: mapping("generic/crm-activity-ko.mapping.toml"),
                ..with_map("ko")
            },
        ),
        (
            vec!["joined/leads.csv", "joined/opportunities.csv"],
            ImportOptions {
                columns: mapping("joined/mapping.toml"),
                ..ImportOptions::default()
            },
        ),
        (vec!["bad/bad-rows.csv"], ImportOptions::default()),
        (vec!["bad/cut-off.xes"], ImportOptions::default()),
    ]
}

fn temp_file(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("salesmap-import-{}-{name}", std::process::id()))
}

/// (deal, stage, time, kind, event attributes) of every event, sorted.
fn events(h: &salesmap_core::history::History) -> Vec<String> {
    let mut rows: Vec<String> = (0..h.len())
        .map(|r| {
            let attrs: Vec<String> = h
                .event_attrs
                .iter()
                .filter_map(|c| c.get(r).map(|v| format!("{}={v}", c.name)))
                .collect();
            format!(
                "{} {} {} {:?} {attrs:?}",
                h.deals.name(h.deal[r]),
                h.activities.name(h.activity[r]),
                h.time[r],
                h.kind[r]
            )
        })
        .collect();
    rows.sort();
    rows
}

/// `deal attribute=value` of every deal, sorted.
fn deal_attrs(h: &salesmap_core::history::History) -> Vec<String> {
    let mut all: Vec<String> = h
        .deal_attrs
        .iter()
        .flat_map(|c| {
            (0..h.deals.len()).filter_map(move |d| {
                c.get(d)
                    .map(|v| format!("{} {}={v}", h.deals.name(d as u32), c.name))
            })
        })
        .collect();
    all.sort();
    all
}

#[test]
fn round_trip_normalized_csv_gives_an_identical_history() {
    for (i, (files, options)) in fixtures().into_iter().enumerate() {
        let paths: Vec<PathBuf> = files.iter().map(|f| data(f)).collect();
        let first = import_files(&paths, &options).unwrap().history;
        let path = temp_file(&format!("round-trip-{i}.csv"));
        write_csv(&first, std::fs::File::create(&path).unwrap()).unwrap();
        let again = read_history(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert!(again.problems.is_empty(), "{files:?}: {:?}", again.problems);
        assert_eq!(again.history, first, "{files:?}");
    }
}

#[test]
fn round_trip_xes_keeps_every_event_and_touch() {
    for (i, (files, options)) in fixtures().into_iter().enumerate() {
        let paths: Vec<PathBuf> = files.iter().map(|f| data(f)).collect();
        let first = import_files(&paths, &options).unwrap().history;
        let path = temp_file(&format!("round-trip-{i}.xes"));
        write_xes(&first, std::fs::File::create(&path).unwrap()).unwrap();
        let second = read_history(&path).unwrap().history;
        write_xes(&second, std::fs::File::create(&path).unwrap()).unwrap();
        let third = read_history(&path).unwrap().history;
        std::fs::remove_file(&path).unwrap();
        assert_eq!(events(&second), events(&first), "{files:?}");
        assert_eq!(deal_attrs(&second), deal_attrs(&first), "{files:?}");
        assert_eq!(third, second, "{files:?}");
    }
}

#[test]
fn round_trip_shared_logs_through_both_formats() {
    let Some(dir) = salesmap_testkit::shared_data().map(|d| d.join("logs")) else {
        return;
    };
    for log in ["running-example.xes", "receipt.csv", "sepsis.xes.gz"] {
        let first = read_history(&dir.join(log)).unwrap().history;
        let csv = temp_file(&format!("{log}.csv"));
        write_csv(&first, std::fs::File::create(&csv).unwrap()).unwrap();
        let from_csv = read_history(&csv).unwrap().history;
        std::fs::remove_file(&csv).unwrap();
        assert_eq!(from_csv, first, "{log}");
        let xes = temp_file(&format!("{log}.xes"));
        write_xes(&first, std::fs::File::create(&xes).unwrap()).unwrap();
        let from_xes = read_history(&xes).unwrap().history;
        std::fs::remove_file(&xes).unwrap();
        assert_eq!(events(&from_xes), events(&first), "{log}");
    }
}

/// xorshift64*: a seeded generator, so a failure can be replayed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Imports `bytes` as every source; any result is fine, a panic is not.
fn import_bytes_as_every_source(bytes: &[u8], name: &str) {
    static MAP: std::sync::OnceLock<Map> = std::sync::OnceLock::new();
    let map = MAP.get_or_init(|| b2b("en"));
    let path = temp_file(name);
    std::fs::write(&path, bytes).unwrap();
    for source in Source::ALL {
        for strict in [false, true] {
            let options = ImportOptions {
                source,
                strict,
                map: Some(map.clone()),
                ..ImportOptions::default()
            };
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                import_files(std::slice::from_ref(&path), &options)
            }));
            assert!(
                result.is_ok(),
                "panic reading {name} as {} ({} bytes): {:?}",
                source.name(),
                bytes.len(),
                String::from_utf8_lossy(bytes)
            );
        }
    }
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn never_panics_on_truncated_or_mutated_fixtures() {
    let mut random = Random(0x5eed_1234_abcd_0001);
    let mut inputs: Vec<(String, Vec<u8>)> = Vec::new();
    for dir in [
        "salesforce",
        "hubspot",
        "pipedrive",
        "snapshot",
        "generic",
        "joined",
        "bad",
    ] {
        for entry in std::fs::read_dir(data(dir)).unwrap() {
            let path = entry.unwrap().path();
            inputs.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    // A gzip-compressed XES file, for the streaming decompressor.
    let xes = std::fs::read(data("bad/cut-off.xes")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &xes).unwrap();
    inputs.push(("cut-off.xes.gz".into(), gz.finish().unwrap()));
    for (n, (name, bytes)) in inputs.iter().enumerate() {
        for round in 0..12 {
            let mut bytes = bytes.clone();
            let cut = random.below(bytes.len() + 1);
            bytes.truncate(cut);
            for _ in 0..random.below(4) {
                if !bytes.is_empty() {
                    let at = random.below(bytes.len());
                    bytes[at] = random.next() as u8;
                }
            }
            let label = format!("fuzz-{n}-{round}");
            let run = std::panic::catch_unwind(|| import_bytes_as_every_source(&bytes, &label));
            assert!(run.is_ok(), "{name}: round {round}");
        }
    }
}

#[test]
fn never_panics_on_random_bytes() {
    let mut random = Random(0x0dd_ba11_cafe_f00d);
    let alphabet: &[u8] =
        b",;\t\"\n\r<>/=:-. 0123456789TZ+abcdeflogtracevntkyu\xff\xfe\xef\xbb\xbf\x1f\x8b";
    for round in 0..60 {
        let len = random.below(300);
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                if random.below(4) == 0 {
                    random.next() as u8
                } else {
                    alphabet[random.below(alphabet.len())]
                }
            })
            .collect();
        import_bytes_as_every_source(&bytes, &format!("random-{round}"));
    }
}

#[test]
fn lifecycle_filter_and_attribute_free_reading() {
    let path = temp_file("lifecycle.xes");
    std::fs::write(
        &path,
        r#"<log><trace><string key="concept:name" value="D1"/>
<event><string key="concept:name" value="Demo"/><string key="lifecycle:transition" value="start"/><date key="time:timestamp" value="2023-04-03T09:00:00Z"/></event>
<event><string key="concept:name" value="Demo"/><string key="lifecycle:transition" value="COMPLETE"/><date key="time:timestamp" value="2023-04-03T10:00:00Z"/></event>
<event><string key="concept:name" value="Call"/><string key="salesmap:kind" value="touch"/><date key="time:timestamp" value="2023-04-04T10:00:00Z"/></event>
</trace></log>"#,
    )
    .unwrap();
    let every = read_history(&path).unwrap();
    assert_eq!(every.history.len(), 3);
    let options = ImportOptions {
        lifecycle: Some(vec!["complete".into()]),
        ..ImportOptions::default()
    };
    let imported = import_files(std::slice::from_ref(&path), &options).unwrap();
    expect![[r#"
        deal,stage,timestamp,kind,event:lifecycle:transition
        D1,Demo,2023-04-03T10:00:00Z,stage,COMPLETE
    "#]]
    .assert_eq(&{
        let mut csv = Vec::new();
        write_csv(&imported.history, &mut csv).unwrap();
        String::from_utf8(csv).unwrap()
    });
    assert_eq!(imported.summary.filtered_lifecycle, 2);
    let bare = ImportOptions {
        attributes: salesmap_import::Attributes::None,
        ..ImportOptions::default()
    };
    let imported = import_files(std::slice::from_ref(&path), &bare).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(imported.history.event_attrs.is_empty());
    assert_eq!(imported.summary.touches, 1);
}

/// Summary and problems only (no history), fixture paths made relative.
fn summary(files: &[&str], options: &ImportOptions) -> String {
    let paths: Vec<PathBuf> = files.iter().map(|f| data(f)).collect();
    let text = match import_files(&paths, options) {
        Ok(imported) => format!(
            "{}--- problems\n{}",
            imported.summary,
            render_problems(&imported.problems, 20)
        ),
        Err(e) => format!("fatal: {e}\n"),
    };
    let prefix = format!("{}/", data("").display().to_string().trim_end_matches('/'));
    text.replace(&prefix, "")
}

fn with_mapping(path: &str) -> ImportOptions {
    ImportOptions {
        columns: mapping(path),
        ..ImportOptions::default()
    }
}

#[test]
fn snapshot_outcomes_by_default_follow_the_status_column() {
    check(
        &["snapshot/opportunities.csv"],
        &ImportOptions::default(),
        expect![[r#"
            snapshot/opportunities.csv: snapshot export, 12 rows → 17 events
              note: 1 deal won or lost by `deal_stage` has no `close_date`, so its outcome is not in the history
              note: 2 deals have no milestone date and are not in the history
              note: 17 dates and times without a UTC offset were read as UTC; if the export was written in another zone, give it with --timezone (or `timezone` in the mapping file)
            history: 10 deals, 17 events (17 stage entries, 0 touches)
            dates: 2017-01-03T00:00:00Z to 2017-05-19T00:00:00Z
            stages found (3):
              engage     10 events     10 deals
              Won         4 events      4 deals
              Lost        3 events      3 deals
            --- problems
            --- history
            deal,stage,timestamp,kind,sales_agent,product,account,deal_stage,close_date,close_value
            3P7UHZ0X,engage,2017-01-03T00:00:00Z,stage,Versie Hillebrand,GTX Basic,Konex,Won,2017-02-14,558
            3P7UHZ0X,Won,2017-02-14T00:00:00Z,stage,Versie Hillebrand,GTX Basic,Konex,Won,2017-02-14,558
            4HJQ1ZBK,engage,2017-01-05T00:00:00Z,stage,Cassey Cress,MG Advanced,Bioholding,Won,2017-03-30,3288
            4HJQ1ZBK,Won,2017-03-30T00:00:00Z,stage,Cassey Cress,MG Advanced,Bioholding,Won,2017-03-30,3288
            AZJ2M9DP,engage,2017-01-09T00:00:00Z,stage,Versie Hillebrand,GTX Plus Pro,Rangreen,Lost,2017-02-02,0
            AZJ2M9DP,Lost,2017-02-02T00:00:00Z,stage,Versie Hillebrand,GTX Plus Pro,Rangreen,Lost,2017-02-02,0
            BH5O3LKS,engage,2017-01-12T00:00:00Z,stage,Donn Cantrell,MG Special,Zathunicon,Won,2017-01-27,51
            BH5O3LKS,Won,2017-01-27T00:00:00Z,stage,Donn Cantrell,MG Special,Zathunicon,Won,2017-01-27,51
            C1XUBQX4,engage,2017-01-16T00:00:00Z,stage,Cassey Cress,GTXPro,Goodsilron,Lost,2017-04-10,0
            C1XUBQX4,Lost,2017-04-10T00:00:00Z,stage,Cassey Cress,GTXPro,Goodsilron,Lost,2017-04-10,0
            D6CBRKWQ,engage,2017-02-01T00:00:00Z,stage,Donn Cantrell,GTX Basic,Treequote,Lost,2017-02-28,0
            D6CBRKWQ,Lost,2017-02-28T00:00:00Z,stage,Donn Cantrell,GTX Basic,Treequote,Lost,2017-02-28,0
            EXT1TJKV,engage,2017-02-06T00:00:00Z,stage,Versie Hillebrand,MG Advanced,Konex,Won,2017-05-19,3180
            EXT1TJKV,Won,2017-05-19T00:00:00Z,stage,Versie Hillebrand,MG Advanced,Konex,Won,2017-05-19,3180
            F0GZ2W8N,engage,2017-03-20T00:00:00Z,stage,Cassey Cress,GTX Plus Basic,Bioholding,Engaging,2017-06-30,
            GK9V7TQD,engage,2017-04-11T00:00:00Z,stage,Donn Cantrell,MG Special,Rangreen,Engaging,,
            HC24M1RZ,engage,2017-03-02T00:00:00Z,stage,Versie Hillebrand,GTX Basic,Treequote,Won,,
        "#]],
    );
}

#[test]
fn snapshot_close_date_mapped_to_won_keeps_lost_deals_lost() {
    check(
        &["snapshot/opportunities.csv"],
        &with_mapping("snapshot/close-as-won.mapping.toml"),
        expect![[r#"
            snapshot/opportunities.csv: snapshot export, 12 rows → 7 events, 3 rows with problems
              note: 3 deals whose `deal_stage` contradicts the mapping's `close_date` = `Won` were read by their status (4 won, 3 lost); see the warnings
              note: 1 deal won or lost by `deal_stage` has no `close_date`, so its outcome is not in the history
              note: 1 open deal (by `deal_stage`) has a `close_date`: an expected close date, kept as a deal attribute, not an entry into `Won`
              note: `engage_date` is not under [milestones]: its 10 dates are kept as a deal attribute, not as stage entries
              note: 5 deals have no milestone date and are not in the history
              note: 7 dates and times without a UTC offset were read as UTC; if the export was written in another zone, give it with --timezone (or `timezone` in the mapping file)
            history: 7 deals, 7 events (7 stage entries, 0 touches)
            dates: 2017-01-27T00:00:00Z to 2017-05-19T00:00:00Z
            stages found (2):
              Won       4 events      4 deals
              Lost      3 events      3 deals
            --- problems
            warning: snapshot/opportunities.csv:4: column `close_date`: the mapping marks `close_date` as `Won`, but `deal_stage` says `Lost`: the date is read as the entry into `Lost`
              help: a close date is the entry into the outcome the deal's status names; map it to that outcome's name, or leave it out of [milestones]
            warning: snapshot/opportunities.csv:6: column `close_date`: the mapping marks `close_date` as `Won`, but `deal_stage` says `Lost`: the date is read as the entry into `Lost`
              help: a close date is the entry into the outcome the deal's status names; map it to that outcome's name, or leave it out of [milestones]
            warning: snapshot/opportunities.csv:7: column `close_date`: the mapping marks `close_date` as `Won`, but `deal_stage` says `Lost`: the date is read as the entry into `Lost`
              help: a close date is the entry into the outcome the deal's status names; map it to that outcome's name, or leave it out of [milestones]
            --- history
            deal,stage,timestamp,kind,sales_agent,product,account,deal_stage,engage_date,close_date,close_value
            3P7UHZ0X,Won,2017-02-14T00:00:00Z,stage,Versie Hillebrand,GTX Basic,Konex,Won,2017-01-03,2017-02-14,558
            4HJQ1ZBK,Won,2017-03-30T00:00:00Z,stage,Cassey Cress,MG Advanced,Bioholding,Won,2017-01-05,2017-03-30,3288
            AZJ2M9DP,Lost,2017-02-02T00:00:00Z,stage,Versie Hillebrand,GTX Plus Pro,Rangreen,Lost,2017-01-09,2017-02-02,0
            BH5O3LKS,Won,2017-01-27T00:00:00Z,stage,Donn Cantrell,MG Special,Zathunicon,Won,2017-01-12,2017-01-27,51
            C1XUBQX4,Lost,2017-04-10T00:00:00Z,stage,Cassey Cress,GTXPro,Goodsilron,Lost,2017-01-16,2017-04-10,0
            D6CBRKWQ,Lost,2017-02-28T00:00:00Z,stage,Donn Cantrell,GTX Basic,Treequote,Lost,2017-02-01,2017-02-28,0
            EXT1TJKV,Won,2017-05-19T00:00:00Z,stage,Versie Hillebrand,MG Advanced,Konex,Won,2017-02-06,2017-05-19,3180
        "#]],
    );
}

#[test]
fn snapshot_mapping_without_the_close_date_still_reads_outcomes() {
    expect![[r#"
        snapshot/opportunities.csv: snapshot export, 12 rows → 17 events
          note: `close_date` is not under [milestones]; it is still read as the entry into each closed deal's outcome by `deal_stage` (4 won, 3 lost)
          note: 1 deal won or lost by `deal_stage` has no `close_date`, so its outcome is not in the history
          note: 2 deals have no milestone date and are not in the history
          note: 17 dates and times without a UTC offset were read as UTC; if the export was written in another zone, give it with --timezone (or `timezone` in the mapping file)
        history: 10 deals, 17 events (17 stage entries, 0 touches)
        dates: 2017-01-03T00:00:00Z to 2017-05-19T00:00:00Z
        stages found (3):
          Engaging     10 events     10 deals
          Won           4 events      4 deals
          Lost          3 events      3 deals
        --- problems
    "#]].assert_eq(&summary(
        &["snapshot/opportunities.csv"],
        &with_mapping("snapshot/engage-only.mapping.toml"),
    ));
}

#[test]
fn funnel_leads_and_closed_deals_join_on_the_first_id_column() {
    check(
        &["funnel/leads.csv", "funnel/closed_deals.csv"],
        &ImportOptions::default(),
        expect![[r#"
            funnel/leads.csv: snapshot export, 10 rows → 10 events
              note: 10 dates and times without a UTC offset were read as UTC; if the export was written in another zone, give it with --timezone (or `timezone` in the mapping file)
            funnel/closed_deals.csv: snapshot export, 3 rows → 3 events
              note: 3 dates and times without a UTC offset were read as UTC; if the export was written in another zone, give it with --timezone (or `timezone` in the mapping file)
            history: 10 deals, 13 events (13 stage entries, 0 touches)
            dates: 2018-01-08T00:00:00Z to 2018-03-30T11:08:07Z
            stages found (2):
              first_contact     10 events     10 deals
              won                3 events      3 deals
            --- problems
            --- history
            deal,stage,timestamp,kind,landing_page_id,origin,seller_id,sdr_id,sr_id,business_segment,lead_type,lead_behaviour_profile,business_type,declared_monthly_revenue
            0b4de3b8fc2e2b0f4a9e5bd2b8ac4f37,first_contact,2018-01-08T00:00:00Z,stage,22c29808c4f815213303f8933030604c,organic_search,,,,,,,,
            1c7a1d6e0f3b45e2c8d9aa51e6f0b7c2,first_contact,2018-01-10T00:00:00Z,stage,b76ef37428e6799c421989521c0e5077,paid_search,2c43fb513632d29b3b58df74816f1b06,a8387c01a09e99ce014107505b92388c,4ef15afb4b2723d8f3d81e51ec7afefe,pet,online_medium,cat,reseller,0
            2f2d3e6c94b1a8e7d5c0f9a3b6e1d4c8,first_contact,2018-01-15T00:00:00Z,stage,22c29808c4f815213303f8933030604c,social,,,,,,,,
            3a9e7c1b5d2f4e6a8c0b9d1e3f5a7c9b,first_contact,2018-01-22T00:00:00Z,stage,58326e62183c14b0c03085c33b9fdc44,organic_search,bbb7d7893a450660432ea6652310ebb7,09285259593c61296eef10c734121d5b,d3d1e91a157ea7f90548eef82f1955e3,car_accessories,industry,eagle,manufacturer,0
            4d6b8f0a2c4e6a8b0d2f4a6c8e0b2d4f,first_contact,2018-02-01T00:00:00Z,stage,b76ef37428e6799c421989521c0e5077,direct_traffic,,,,,,,,
            5e1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c,first_contact,2018-02-05T00:00:00Z,stage,40dec9f3d5259a3d2dbcdab2114fae47,unknown,,,,,,,,
            6f8a0c2e4a6c8e0a2c4e6a8c0e2a4c6e,first_contact,2018-02-12T00:00:00Z,stage,22c29808c4f815213303f8933030604c,paid_search,612170e34b97004b3ba37eae81836b4c,b90f87164b5f8c2cfa5c8572834dbe3f,6565aa9ce3178a5caf6171827af3a9ba,home_appliances,online_big,,reseller,0
            7a3c5e7a9c1e3a5c7e9a1c3e5a7c9e1a,first_contact,2018-02-19T00:00:00Z,stage,58326e62183c14b0c03085c33b9fdc44,email,,,,,,,,
            8b5d7f9b1d3f5b7d9f1b3d5f7b9d1f3b,first_contact,2018-03-01T00:00:00Z,stage,40dec9f3d5259a3d2dbcdab2114fae47,referral,,,,,,,,
            9c7e9a1c3e5a7c9e1a3c5e7a9c1e3a5c,first_contact,2018-03-07T00:00:00Z,stage,b76ef37428e6799c421989521c0e5077,organic_search,,,,,,,,
            1c7a1d6e0f3b45e2c8d9aa51e6f0b7c2,won,2018-02-26T03:19:58Z,stage,b76ef37428e6799c421989521c0e5077,paid_search,2c43fb513632d29b3b58df74816f1b06,a8387c01a09e99ce014107505b92388c,4ef15afb4b2723d8f3d81e51ec7afefe,pet,online_medium,cat,reseller,0
            3a9e7c1b5d2f4e6a8c0b9d1e3f5a7c9b,won,2018-03-14T14:36:24Z,stage,58326e62183c14b0c03085c33b9fdc44,organic_search,bbb7d7893a450660432ea6652310ebb7,09285259593c61296eef10c734121d5b,d3d1e91a157ea7f90548eef82f1955e3,car_accessories,industry,eagle,manufacturer,0
            6f8a0c2e4a6c8e0a2c4e6a8c0e2a4c6e,won,2018-03-30T11:08:07Z,stage,22c29808c4f815213303f8933030604c,paid_search,612170e34b97004b3ba37eae81836b4c,b90f87164b5f8c2cfa5c8572834dbe3f,6565aa9ce3178a5caf6171827af3a9ba,home_appliances,online_big,,reseller,0
        "#]],
    );
}

#[test]
fn xes_work_items_named_as_touches_are_touches() {
    let touches = ImportOptions {
        columns: ColumnMapping {
            touches: vec!["W_*".into(), "Call".into()],
            ..ColumnMapping::default()
        },
        ..ImportOptions::default()
    };
    expect![[r#"
        xes/loan-applications.xes: XES, 75 events → 75 events
        history: 6 deals, 75 events (46 stage entries, 29 touches)
        dates: 2011-09-30T22:38:44.546000Z to 2011-10-18T02:11:30.351000Z
        stages found (16):
          A_SUBMITTED            6 events      6 deals
          A_PARTLYSUBMITTED      6 events      6 deals
          A_PREACCEPTED          5 events      5 deals
          A_ACCEPTED             3 events      3 deals
          O_SELECTED             3 events      3 deals
          A_FINALIZED            3 events      3 deals
          O_CREATED              3 events      3 deals
          O_SENT                 3 events      3 deals
          O_SENT_BACK            2 events      2 deals
          O_ACCEPTED             2 events      2 deals
          A_APPROVED             2 events      2 deals
          A_REGISTERED           2 events      2 deals
          A_ACTIVATED            2 events      2 deals
          A_DECLINED             2 events      2 deals
          A_CANCELLED            1 event       1 deal
          O_CANCELLED            1 event       1 deal
        touch types (3):
          W_Completeren aanvraag     14 events      5 deals
          W_Nabellen offertes         9 events      3 deals
          W_Valideren aanvraag        6 events      2 deals
        the touch name `Call` matches no activity in the files, so nothing was read as a touch by it
        --- problems
    "#]]
    .assert_eq(&summary(&["xes/loan-applications.xes"], &touches));
}

/// Sets one option on a mapping; the flag says the export is XES (keys, not columns).
type SetOption = fn(&mut ColumnMapping, bool);

/// The column-mapping options, each as it sets a mapping for the exports of [`SOURCES`].
const OPTIONS: [(&str, SetOption); 6] = [
    ("--deal-column", |m, xes| {
        m.deal = if xes {
            vec!["ref".into()]
        } else {
            vec![
                "Ref".into(),
                "Opp Ref".into(),
                "Deal Ref".into(),
                "Deal - Ref".into(),
            ]
        }
    }),
    ("--stage-column", |m, xes| {
        m.stage = if xes {
            vec!["step".into()]
        } else {
            vec!["Step".into(), "Stage Label".into(), "Deal - Phase".into()]
        }
    }),
    ("--time-column", |m, xes| {
        m.timestamp = if xes {
            vec!["when".into()]
        } else {
            vec!["When".into(), "Changed On".into()]
        }
    }),
    ("--kind-column", |m, xes| {
        m.kind = Some(if xes { "type" } else { "Type" }.into())
    }),
    ("[milestones]", |m, _| {
        m.milestones = vec![("engage_date".into(), "Engaged".into())]
    }),
    ("[deal_attributes]", |m, _| {
        m.deal_attributes = vec![("amount".into(), "Amount (EUR)".into())]
    }),
];

/// One export per source whose key columns have names no reader knows, with the options it
/// needs to be read at all (indices into [`OPTIONS`]).
const SOURCES: &[(&str, Source, &str, &str, &[usize])] = &[
    (
        "event log CSV",
        Source::Csv,
        "options.csv",
        "Ref,Step,When,Type,Amount (EUR)\nA,Lead,2023-01-02T09:00:00Z,stage,100\nA,Call,2023-01-03T09:00:00Z,touch,\nA,Demo,2023-01-09T09:00:00Z,stage,\n",
        &[0, 1, 2],
    ),
    (
        "normalized CSV",
        Source::Csv,
        "options-normalized.csv",
        "deal,stage,timestamp,kind\nA,Lead,2023-01-02T09:00:00Z,stage\n",
        &[],
    ),
    (
        "Salesforce OpportunityHistory",
        Source::Salesforce,
        "options-sf.csv",
        "Opp Ref,Stage Label,Changed On,Amount (EUR)\nA,Prospecting,2023-01-02T09:00:00Z,100\nA,Closed Won,2023-01-09T09:00:00Z,100\n",
        &[0, 1, 2],
    ),
    (
        "Salesforce OpportunityFieldHistory",
        Source::Salesforce,
        "options-sf-field.csv",
        "Opp Ref,Field,OldValue,NewValue,Changed On\nA,StageName,Prospecting,Closed Won,2023-01-09T09:00:00Z\n",
        &[0, 2],
    ),
    (
        "HubSpot deal export",
        Source::HubSpot,
        "options-hubspot.csv",
        "Deal Ref,Amount (EUR),\"Date entered \"\"Closed Won (Sales Pipeline)\"\"\"\nA,100,2023-01-09T09:00:00Z\n",
        &[0],
    ),
    (
        "Pipedrive deal export",
        Source::Pipedrive,
        "options-pd.csv",
        "Deal - Ref,Deal - Phase,Deal - Last stage change,Amount (EUR)\nA,Proposal Made,2023-01-09T09:00:00Z,100\n",
        &[0, 1],
    ),
    (
        "Pipedrive deal flow",
        Source::Pipedrive,
        "options-pd-flow.csv",
        "Deal Ref,field_key,old_value,new_value,Changed On\nA,stage_id,1,2,2023-01-09T09:00:00Z\n",
        &[0, 2],
    ),
    (
        "snapshot export",
        Source::Snapshot,
        "options-snapshot.csv",
        "Opp Ref,engage_date,close_date,deal_stage,Amount (EUR)\nA,2023-01-02,2023-01-09,Won,100\n",
        &[0],
    ),
    (
        "XES",
        Source::Xes,
        "options.xes",
        r#"<log><trace><string key="ref" value="A"/><string key="Amount (EUR)" value="100"/>
<event><string key="step" value="Lead"/><date key="when" value="2023-01-02T09:00:00Z"/><string key="type" value="stage"/></event>
<event><string key="step" value="Call"/><date key="when" value="2023-01-03T09:00:00Z"/><string key="type" value="touch"/></event>
</trace></log>"#,
        &[0, 1, 2],
    ),
];

/// What importing `path` with `columns` gives, in one line.
fn import_line(path: &Path, name: &str, source: Source, columns: ColumnMapping) -> String {
    let options = ImportOptions {
        source,
        columns,
        ..ImportOptions::default()
    };
    match import_files(&[path.to_path_buf()], &options) {
        Ok(imported) => {
            let h = &imported.history;
            let attrs: Vec<&str> = h.deal_attrs.iter().map(|c| c.name.as_str()).collect();
            format!(
                "{} deal, stages {:?}, {} touch, deal attributes {:?}, {} problems",
                h.deals.len(),
                h.activities.names(),
                imported.summary.touches,
                attrs,
                imported.problems.len()
            )
        }
        Err(e) => {
            let text = e.to_string().replace(&path.display().to_string(), name);
            format!("error: {}", text.lines().next().unwrap_or(""))
        }
    }
}

#[test]
fn column_mapping_options_apply_to_every_source_or_are_refused() {
    let mut out = String::new();
    for (label, source, name, text, needs) in SOURCES {
        let path = temp_file(name);
        std::fs::write(&path, text).unwrap();
        let xes = *source == Source::Xes;
        let mut base = ColumnMapping::default();
        for &i in *needs {
            OPTIONS[i].1(&mut base, xes);
        }
        out.push_str(&format!(
            "{label}: {}\n",
            import_line(&path, name, *source, base.clone())
        ));
        for (i, (option, set)) in OPTIONS.iter().enumerate() {
            let line = if needs.contains(&i) {
                // Needed: without it the export cannot be read.
                let mut without = ColumnMapping::default();
                for &k in needs.iter().filter(|&&k| k != i) {
                    OPTIONS[k].1(&mut without, xes);
                }
                format!(
                    "needed; without it: {}",
                    import_line(&path, name, *source, without)
                )
            } else {
                let mut with = base.clone();
                set(&mut with, xes);
                import_line(&path, name, *source, with)
            };
            out.push_str(&format!("  {option}: {line}\n"));
        }
        std::fs::remove_file(&path).unwrap();
    }
    expect![[r#"
        event log CSV: 1 deal, stages ["Lead", "Call", "Demo"], 0 touch, deal attributes [], 0 problems
          --deal-column: needed; without it: error: options.csv: read as event log CSV, but there is no deal column (columns: `Ref`, `Step`, `When`, `Type`, `Amount (EUR)`)
          --stage-column: needed; without it: error: options.csv: read as event log CSV, but there is no stage (activity) column (columns: `Ref`, `Step`, `When`, `Type`, `Amount (EUR)`)
          --time-column: needed; without it: error: options.csv: read as event log CSV, but there is no timestamp column (columns: `Ref`, `Step`, `When`, `Type`, `Amount (EUR)`)
          --kind-column: 1 deal, stages ["Lead", "Call", "Demo"], 1 touch, deal attributes [], 0 problems
          [milestones]: error: the mapping file's `[milestones]` does not apply to options.csv (event log CSV: its rows are events with their own stage; `[milestones]` names the date columns of an export with one row per deal)
          [deal_attributes]: 1 deal, stages ["Lead", "Call", "Demo"], 0 touch, deal attributes ["amount"], 0 problems
        normalized CSV: 1 deal, stages ["Lead"], 0 touch, deal attributes [], 0 problems
          --deal-column: error: the deal column (`--deal-column`, or `deal` in the mapping file) does not apply to options-normalized.csv (normalized history CSV: its columns are fixed: deal, stage, timestamp, kind)
          --stage-column: error: the stage column (`--stage-column`, or `stage` in the mapping file) does not apply to options-normalized.csv (normalized history CSV: its columns are fixed: deal, stage, timestamp, kind)
          --time-column: error: the timestamp column (`--time-column`, or `timestamp` in the mapping file) does not apply to options-normalized.csv (normalized history CSV: its columns are fixed: deal, stage, timestamp, kind)
          --kind-column: error: the kind column (`--kind-column`, or `kind` in the mapping file) does not apply to options-normalized.csv (normalized history CSV: its columns are fixed: deal, stage, timestamp, kind)
          [milestones]: error: the mapping file's `[milestones]` does not apply to options-normalized.csv (normalized history CSV: its rows are events with their own stage; `[milestones]` names the date columns of an export with one row per deal)
          [deal_attributes]: error: the mapping file's `[deal_attributes]` does not apply to options-normalized.csv (normalized history CSV: its deal attributes are the columns after `kind`, named already)
        Salesforce OpportunityHistory: 1 deal, stages ["Prospecting", "Closed Won"], 0 touch, deal attributes ["Amount (EUR)"], 0 problems
          --deal-column: needed; without it: error: options-sf.csv: read as Salesforce OpportunityHistory, but there is no `OpportunityId` column (columns: `Opp Ref`, `Stage Label`, `Changed On`, `Amount (EUR)`)
          --stage-column: needed; without it: error: options-sf.csv: read as Salesforce OpportunityHistory, but there is no `StageName` column (columns: `Opp Ref`, `Stage Label`, `Changed On`, `Amount (EUR)`)
          --time-column: needed; without it: error: options-sf.csv: read as Salesforce OpportunityHistory, but there is no `CreatedDate` column (columns: `Opp Ref`, `Stage Label`, `Changed On`, `Amount (EUR)`)
          --kind-column: error: the kind column (`--kind-column`, or `kind` in the mapping file) does not apply to options-sf.csv (Salesforce OpportunityHistory: it holds stage entries only, no touches)
          [milestones]: error: the mapping file's `[milestones]` does not apply to options-sf.csv (Salesforce OpportunityHistory: its rows are events with their own stage; `[milestones]` names the date columns of an export with one row per deal)
          [deal_attributes]: 1 deal, stages ["Prospecting", "Closed Won"], 0 touch, deal attributes ["amount"], 0 problems
        Salesforce OpportunityFieldHistory: 1 deal, stages ["Closed Won"], 0 touch, deal attributes [], 0 problems
          --deal-column: needed; without it: error: options-sf-field.csv: read as Salesforce OpportunityFieldHistory, but there is no `OpportunityId` column (columns: `Opp Ref`, `Field`, `OldValue`, `NewValue`, `Changed On`)
          --stage-column: error: the stage column (`--stage-column`, or `stage` in the mapping file) does not apply to options-sf-field.csv (Salesforce OpportunityFieldHistory: its stage changes are the rows with `Field` = StageName)
          --time-column: needed; without it: error: options-sf-field.csv: read as Salesforce OpportunityFieldHistory, but there is no `CreatedDate` column (columns: `Opp Ref`, `Field`, `OldValue`, `NewValue`, `Changed On`)
          --kind-column: error: the kind column (`--kind-column`, or `kind` in the mapping file) does not apply to options-sf-field.csv (Salesforce OpportunityFieldHistory: it holds stage entries only, no touches)
          [milestones]: error: the mapping file's `[milestones]` does not apply to options-sf-field.csv (Salesforce OpportunityFieldHistory: its rows are events with their own stage; `[milestones]` names the date columns of an export with one row per deal)
          [deal_attributes]: error: the mapping file's `[deal_attributes]` does not apply to options-sf-field.csv (Salesforce OpportunityFieldHistory: it holds field changes, not deal columns)
        HubSpot deal export: 1 deal, stages ["Closed Won"], 0 touch, deal attributes ["Amount (EUR)"], 0 problems
          --deal-column: needed; without it: error: options-hubspot.csv: read as HubSpot deal export, but there is no `Record ID` column (columns: `Deal Ref`, `Amount (EUR)`, `Date entered "Closed Won (Sales Pipeline)"`)
          --stage-column: error: the stage column (`--stage-column`, or `stage` in the mapping file) does not apply to options-hubspot.csv (HubSpot deal export: every stage has its own `Date entered` column)
          --time-column: error: the timestamp column (`--time-column`, or `timestamp` in the mapping file) does not apply to options-hubspot.csv (HubSpot deal export: each stage's `Date entered` column dates the entry into it)
          --kind-column: error: the kind column (`--kind-column`, or `kind` in the mapping file) does not apply to options-hubspot.csv (HubSpot deal export: it holds stage entries only, no touches)
          [milestones]: error: the mapping file's `[milestones]` does not apply to options-hubspot.csv (HubSpot deal export: its rows are events with their own stage; `[milestones]` names the date columns of an export with one row per deal)
          [deal_attributes]: 1 deal, stages ["Closed Won"], 0 touch, deal attributes ["amount"], 0 problems
        Pipedrive deal export: 1 deal, stages ["Proposal Made"], 0 touch, deal attributes ["Amount (EUR)"], 0 problems
          --deal-column: needed; without it: error: options-pd.csv: read as Pipedrive deal export, but there is no `Deal - ID` column (columns: `Deal - Ref`, `Deal - Phase`, `Deal - Last stage change`, `Amount (EUR)`)
          --stage-column: needed; without it: error: options-pd.csv: read as Pipedrive deal export, but there is no `Deal - Stage` column (columns: `Deal - Ref`, `Deal - Phase`, `Deal - Last stage change`, `Amount (EUR)`)
          --time-column: error: the timestamp column (`--time-column`, or `timestamp` in the mapping file) does not apply to options-pd.csv (Pipedrive deal export: its entries are dated by `Deal - Last stage change`, `Deal - Won time` and `Deal - Lost time`)
          --kind-column: error: the kind column (`--kind-column`, or `kind` in the mapping file) does not apply to options-pd.csv (Pipedrive deal export: it holds stage entries only, no touches)
          [milestones]: error: the mapping file's `[milestones]` does not apply to options-pd.csv (Pipedrive deal export: its rows are events with their own stage; `[milestones]` names the date columns of an export with one row per deal)
          [deal_attributes]: 1 deal, stages ["Proposal Made"], 0 touch, deal attributes ["amount"], 0 problems
        Pipedrive deal flow: 1 deal, stages ["2"], 0 touch, deal attributes [], 0 problems
          --deal-column: needed; without it: error: options-pd-flow.csv: read as Pipedrive deal flow, but there is no `item_id (the deal id)` column (columns: `Deal Ref`, `field_key`, `old_value`, `new_value`, `Changed On`)
          --stage-column: error: the stage column (`--stage-column`, or `stage` in the mapping file) does not apply to options-pd-flow.csv (Pipedrive deal flow: its stage changes are the `stage_id` rows)
          --time-column: needed; without it: error: options-pd-flow.csv: read as Pipedrive deal flow, but there is no `log_time` column (columns: `Deal Ref`, `field_key`, `old_value`, `new_value`, `Changed On`)
          --kind-column: error: the kind column (`--kind-column`, or `kind` in the mapping file) does not apply to options-pd-flow.csv (Pipedrive deal flow: it holds stage entries only, no touches)
          [milestones]: error: the mapping file's `[milestones]` does not apply to options-pd-flow.csv (Pipedrive deal flow: its rows are events with their own stage; `[milestones]` names the date columns of an export with one row per deal)
          [deal_attributes]: error: the mapping file's `[deal_attributes]` does not apply to options-pd-flow.csv (Pipedrive deal flow: it holds field changes, not deal columns)
        snapshot export: 1 deal, stages ["engage", "Won"], 0 touch, deal attributes ["close_date", "deal_stage", "Amount (EUR)"], 0 problems
          --deal-column: needed; without it: error: options-snapshot.csv: read as snapshot export, but there is no deal id column (columns: `Opp Ref`, `engage_date`, `close_date`, `deal_stage`, `Amount (EUR)`)
          --stage-column: error: the stage column (`--stage-column`, or `stage` in the mapping file) does not apply to options-snapshot.csv (snapshot export: it has one row per deal, and its stage entries are its date columns: name them under `[milestones]`)
          --time-column: error: the timestamp column (`--time-column`, or `timestamp` in the mapping file) does not apply to options-snapshot.csv (snapshot export: it has one row per deal, and its stage entries are its date columns: name them under `[milestones]`)
          --kind-column: error: the kind column (`--kind-column`, or `kind` in the mapping file) does not apply to options-snapshot.csv (snapshot export: it holds stage entries only, no touches)
          [milestones]: 1 deal, stages ["Engaged", "Won"], 0 touch, deal attributes ["close_date", "deal_stage", "Amount (EUR)"], 0 problems
          [deal_attributes]: 1 deal, stages ["engage", "Won"], 0 touch, deal attributes ["close_date", "deal_stage", "amount"], 0 problems
        XES: 1 deal, stages ["Lead", "Call"], 0 touch, deal attributes ["Amount (EUR)"], 0 problems
          --deal-column: needed; without it: 0 deal, stages [], 0 touch, deal attributes [], 1 problems
          --stage-column: needed; without it: 0 deal, stages [], 0 touch, deal attributes [], 2 problems
          --time-column: needed; without it: 0 deal, stages [], 0 touch, deal attributes [], 2 problems
          --kind-column: 1 deal, stages ["Lead", "Call"], 1 touch, deal attributes ["Amount (EUR)"], 0 problems
          [milestones]: error: the mapping file's `[milestones]` does not apply to options.xes (XES: its rows are events with their own stage; `[milestones]` names the date columns of an export with one row per deal)
          [deal_attributes]: 1 deal, stages ["Lead", "Call"], 0 touch, deal attributes ["amount"], 0 problems
    "#]].assert_eq(&out);
}

#[test]
fn mapping_entries_naming_no_column_stop_the_import() {
    let mut columns = mapping("joined/mapping.toml");
    columns.milestones = vec![("Created Dat".into(), "Lead".into())];
    columns.deal_attributes = vec![("amount".into(), "Amount (USD)".into())];
    let options = ImportOptions {
        columns,
        ..ImportOptions::default()
    };
    expect![[r#"
        fatal: joined/leads.csv: read as snapshot export, but there is no `Created Dat` (named under [milestones]) column (columns: `Lead ID`, `Created Date`, `Source`, `Segment`)
          help: name the column with a column mapping (--deal-column, --stage-column, --time-column or --mapping FILE)
    "#]].assert_eq(&summary(
        &["joined/leads.csv", "joined/opportunities.csv"],
        &options,
    ));
    let mut columns = mapping("joined/mapping.toml");
    columns.milestones.clear();
    columns.deal_attributes = vec![("amount".into(), "Amount (USD)".into())];
    let options = ImportOptions {
        columns,
        ..ImportOptions::default()
    };
    expect![[r#"
        fatal: the mapping file's `[deal_attributes]` names the column `Amount (USD)`, which no file has (joined/opportunities.csv)
          help: write the column's name as its header has it
    "#]].assert_eq(&summary(&["joined/opportunities.csv"], &options));
}
