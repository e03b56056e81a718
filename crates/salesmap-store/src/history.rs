//! The live history and the way history comes in: the pipeline's deals as the core's
//! [`History`] (what `analyze` reads and `salesmap export` writes), imports of any history
//! `salesmap import` reads (in one transaction: all valid rows in with the problems reported,
//! or nothing), and the first start of an empty database (the first pipeline, the first admin,
//! and for a demo a generated history).
//!
//! The live history's layout: one deal per deal row (its key as the deal id), its stage
//! entries and touches in time order (entries before touches at the same instant, then in the
//! order written); deal attributes `amount`, `currency`, `segment`, `source`, `name`,
//! `company` and the free attributes; the event attribute `owner` on stage entries plus any
//! event attributes an import brought.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use salesmap_core::generate::{GenerateOptions, generate};
use salesmap_core::history::{EventKind, History, MICROS_PER_DAY};
use salesmap_core::journey::{AMOUNT_ATTRS, OWNER_ATTRS};
use salesmap_import::Problem;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::actor::Actor;
use crate::db::{HistoryKey, Store, now};
use crate::deals::{amount_param, closes};
use crate::error::StoreError;
use crate::journal::audit;
use crate::model::{Role, parse_attributes};
use crate::pipelines::{PublishedMap, check_map};
use crate::secret::one_time_password;
use crate::users::NewUser;

/// Rows per multi-row INSERT when importing (well under both backends' parameter limits).
const BATCH: usize = 400;

/// What an import did.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Whether anything was stored (false when `strict` met an error, or nothing was valid).
    pub committed: bool,
    pub deals: u64,
    pub stage_entries: u64,
    pub touches: u64,
    /// Every problem found, in file order: rows skipped (errors) and remarks (warnings).
    pub problems: Vec<ImportedProblem>,
}

/// One problem of an import, where it is and how to fix it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ImportedProblem {
    /// `error` (the row or deal was not imported) or `warning` (imported with a remark).
    pub level: String,
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<String>,
    pub message: String,
    pub help: Option<String>,
}

impl ImportedProblem {
    pub fn from_problem(p: &Problem) -> ImportedProblem {
        ImportedProblem {
            level: if p.kind.is_warning() {
                "warning"
            } else {
                "error"
            }
            .into(),
            file: p.file.clone(),
            line: p.row,
            column: p.column.clone(),
            message: p.reason.clone(),
            help: p.help.clone(),
        }
    }

    fn deal(file: &str, deal: &str, message: String, help: &str) -> ImportedProblem {
        ImportedProblem {
            level: "error".into(),
            file: file.into(),
            line: None,
            column: Some("deal".into()),
            message: format!("deal `{deal}`: {message}"),
            help: Some(help.into()),
        }
    }
}

/// What the first start of an empty database created.
#[derive(Clone, Debug)]
pub struct FirstStart {
    pub pipeline: Option<String>,
    /// The admin created, with a one-time password to show once.
    pub admin: Option<(String, String)>,
}

/// An amount as the history writes it: whole numbers without a fraction.
pub(crate) fn format_amount(a: f64) -> String {
    if a.fract() == 0.0 && a.abs() < 1e15 {
        format!("{a:.0}")
    } else {
        format!("{a}")
    }
}

/// One deal of a history being imported.
struct DealRows {
    key: String,
    name: String,
    company: Option<String>,
    amount: Option<f64>,
    currency: Option<String>,
    owner: Option<String>,
    source: Option<String>,
    segment: Option<String>,
    attributes: BTreeMap<String, String>,
    stage: String,
    stage_entered_at: i64,
    rows: Vec<u32>,
}

impl Store {
    /// The pipeline's live history and the map it runs on. The history is read once and kept
    /// while nothing changes (the newest audit row and the published version say so), so
    /// repeated analyses of a large pipeline do not read every event again.
    pub async fn live_history(
        &self,
        actor: &Actor,
        pipeline_key: &str,
    ) -> Result<(Arc<History>, PublishedMap), StoreError> {
        let pipeline = self.pipeline(actor, pipeline_key).await?;
        let published = self.published_map(&pipeline).await?;
        // The key is read before the data: a change committed in between makes the cached
        // history newer than its key, never older.
        let audit_id: Option<i64> = sqlx::query("SELECT MAX(id) AS id FROM audit")
            .fetch_one(&self.pool)
            .await?
            .try_get("id")?;
        let key = HistoryKey {
            version_id: published.version_id,
            audit_id: audit_id.unwrap_or(0),
        };
        if let Some((cached_key, history)) = self
            .histories
            .lock()
            .expect("history cache")
            .get(&pipeline.id)
            && *cached_key == key
        {
            return Ok((history.clone(), published));
        }
        let history = Arc::new(self.read_history(pipeline.id).await?);
        self.histories
            .lock()
            .expect("history cache")
            .insert(pipeline.id, (key, history.clone()));
        Ok((history, published))
    }

    /// Reads a pipeline's deals, stage entries and touches into a history, a thousand deals'
    /// events per row (see `Store::json_rows`).
    async fn read_history(&self, pipeline_id: i64) -> Result<History, StoreError> {
        type EventRow = (i64, String, i64, i64, Option<String>, Option<String>, i64);
        type DealRow = (
            i64,
            String,
            String,
            Option<String>,
            Option<f64>,
            Option<String>,
            Option<String>,
            Option<String>,
            String,
        );
        let deals_sql = format!(
            "SELECT {} AS rows FROM deals WHERE pipeline_id = $1 GROUP BY id / 1000 \
             ORDER BY id / 1000",
            self.json_rows(
                "id, key, name, company, amount, currency, source, segment, attributes",
                "id"
            )
        );
        let events_sql = format!(
            "SELECT {} AS rows FROM (\
             SELECT e.deal_id, e.stage AS activity, e.entered_at AS at, 0 AS touch, e.owner, \
             e.attributes, e.id FROM stage_entries e JOIN deals d ON d.id = e.deal_id \
             WHERE d.pipeline_id = $1 \
             UNION ALL SELECT t.deal_id, t.kind, t.at, 1, NULL, t.attributes, t.id \
             FROM touches t JOIN deals d ON d.id = t.deal_id WHERE d.pipeline_id = $1) ev \
             GROUP BY ev.deal_id / 1000 ORDER BY ev.deal_id / 1000",
            self.json_rows(
                "ev.deal_id, ev.activity, ev.at, ev.touch, ev.owner, ev.attributes, ev.id",
                "ev.deal_id, ev.at, ev.touch, ev.id"
            )
        );
        let rows_of = |row: &sqlx::any::AnyRow| -> Result<String, StoreError> {
            Ok(row
                .try_get::<Option<String>, _>("rows")?
                .unwrap_or_else(|| "[]".into()))
        };
        let parse = |text: &str, what: &str| {
            StoreError::Internal(format!("reading the {what} of the history: {text}"))
        };
        let mut deals: Vec<DealRow> = Vec::new();
        for row in sqlx::query(&deals_sql)
            .bind(pipeline_id)
            .fetch_all(&self.pool)
            .await?
        {
            let chunk: Vec<DealRow> = serde_json::from_str(&rows_of(&row)?)
                .map_err(|e| parse(&e.to_string(), "deals"))?;
            deals.extend(chunk);
        }
        let mut history = History::default();
        let keys: HashMap<i64, usize> = deals.iter().enumerate().map(|(i, d)| (d.0, i)).collect();
        for row in sqlx::query(&events_sql)
            .bind(pipeline_id)
            .fetch_all(&self.pool)
            .await?
        {
            let events: Vec<EventRow> = serde_json::from_str(&rows_of(&row)?)
                .map_err(|e| parse(&e.to_string(), "events"))?;
            for (deal, activity, at, touch, owner, attributes, _) in events {
                let key = keys
                    .get(&deal)
                    .map(|&i| deals[i].1.as_str())
                    .ok_or_else(|| StoreError::Internal(format!("event of unknown deal {deal}")))?;
                let kind = if touch == 0 {
                    EventKind::StageEntry
                } else {
                    EventKind::Touch
                };
                let r = history.push(key, &activity, at, kind);
                if let Some(owner) = owner {
                    history.set_event_attr(r, "owner", &owner);
                }
                if let Some(attrs) = attributes {
                    for (name, value) in parse_attributes(&attrs)? {
                        history.set_event_attr(r, &name, &value);
                    }
                }
            }
        }
        for (_, key, name, company, amount, currency, source, segment, attributes) in &deals {
            if history.deals.get(key).is_none() {
                continue; // a deal without events is not part of the history
            }
            let mut set = |column: &str, value: Option<String>| {
                if let Some(v) = value.filter(|v| !v.is_empty()) {
                    history.set_deal_attr(key, column, &v);
                }
            };
            set("amount", amount.map(format_amount));
            set("currency", currency.clone());
            set("segment", segment.clone());
            set("source", source.clone());
            set("name", Some(name.clone()));
            set("company", company.clone());
            for (column, value) in parse_attributes(attributes)? {
                set(&column, Some(value));
            }
        }
        Ok(history)
    }

    /// Stores an imported history in a pipeline (managers and admins), in one transaction.
    /// Deals whose key is already in the pipeline, and deals with no stage entry, are reported
    /// and left out; with `strict`, any error stores nothing.
    pub async fn import_history(
        &self,
        actor: &Actor,
        pipeline_key: &str,
        file: &str,
        history: &History,
        read_problems: &[Problem],
        strict: bool,
    ) -> Result<ImportReport, StoreError> {
        actor.require(Role::Manager, "importing a history")?;
        let pipeline = self.pipeline(actor, pipeline_key).await?;
        let published = self.published_map(&pipeline).await?;
        let map = published.map.clone();
        let mut problems: Vec<ImportedProblem> = read_problems
            .iter()
            .map(ImportedProblem::from_problem)
            .collect();
        let users = self.list_users(actor).await?;
        let find_user = |name: &str| {
            let name = name.trim().to_lowercase();
            users
                .iter()
                .find(|u| u.login == name || u.display_name.to_lowercase() == name)
                .map(|u| u.id)
        };
        let existing: std::collections::HashSet<String> =
            sqlx::query("SELECT key FROM deals WHERE pipeline_id = $1")
                .bind(pipeline.id)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| r.try_get::<String, _>("key"))
                .collect::<Result<_, _>>()?;
        let order = history.deal_order();
        let owner_col = OWNER_ATTRS.iter().find_map(|n| history.event_attr(n));
        let mut deals: Vec<DealRows> = Vec::new();
        for rows in history.cases(&order) {
            let code = history.deal[rows[0] as usize];
            let key = history.deals.name(code).to_string();
            if existing.contains(&key) {
                problems.push(ImportedProblem::deal(
                    file,
                    &key,
                    format!("is already in pipeline `{pipeline_key}`"),
                    "an import adds new deals; leave this deal out of the file, or import into another pipeline",
                ));
                continue;
            }
            let last_entry = rows
                .iter()
                .rev()
                .find(|&&r| history.kind[r as usize] == EventKind::StageEntry);
            let Some(&last_entry) = last_entry else {
                problems.push(ImportedProblem::deal(
                    file,
                    &key,
                    "has touches but no stage entry, so it has no stage".into(),
                    "add at least one stage entry for the deal",
                ));
                continue;
            };
            let mut attributes = BTreeMap::new();
            let mut fields: HashMap<&str, String> = HashMap::new();
            for column in &history.deal_attrs {
                if let Some(value) = column.get(code as usize) {
                    let lower = column.name.to_lowercase();
                    let field = match lower.as_str() {
                        n if AMOUNT_ATTRS.contains(&n) => Some("amount"),
                        "currency" => Some("currency"),
                        "segment" => Some("segment"),
                        "source" => Some("source"),
                        "name" | "deal name" | "deal_name" => Some("name"),
                        "company" | "account" | "organization" => Some("company"),
                        _ => None,
                    };
                    match field {
                        Some(f) if !fields.contains_key(f) => {
                            fields.insert(f, value.to_string());
                        }
                        _ => {
                            attributes.insert(column.name.clone(), value.to_string());
                        }
                    }
                }
            }
            let amount = match fields.get("amount") {
                None => None,
                Some(text) => match text.trim().replace(',', "").parse::<f64>() {
                    Ok(a) if a.is_finite() => Some(a),
                    _ => {
                        // Kept as an attribute, so nothing is lost, and reported.
                        attributes.insert("amount".into(), text.clone());
                        problems.push(ImportedProblem {
                            level: "warning".into(),
                            file: file.into(),
                            line: None,
                            column: Some("amount".into()),
                            message: format!("deal `{key}`: amount `{text}` is not a number"),
                            help: Some("it was kept as a text attribute; write amounts as plain numbers such as 12000.50".into()),
                        });
                        None
                    }
                },
            };
            let currency = fields.get("currency").and_then(|c| {
                let ok = c.len() == 3 && c.chars().all(|c| c.is_ascii_alphabetic());
                if !ok {
                    attributes.insert("currency".into(), c.clone());
                }
                ok.then(|| c.to_ascii_uppercase())
            });
            let owner = owner_col.and_then(|c| {
                rows.iter()
                    .rev()
                    .find_map(|&r| c.get(r as usize))
                    .map(str::to_string)
            });
            deals.push(DealRows {
                name: fields.get("name").cloned().unwrap_or_else(|| key.clone()),
                company: fields.get("company").cloned(),
                amount,
                currency,
                owner,
                source: fields.get("source").cloned(),
                segment: fields.get("segment").cloned(),
                attributes,
                stage: history
                    .activities
                    .name(history.activity[last_entry as usize])
                    .to_string(),
                stage_entered_at: history.time[last_entry as usize],
                rows: rows.to_vec(),
                key,
            });
        }
        let has_errors = problems.iter().any(|p| p.level == "error");
        let mut report = ImportReport {
            committed: false,
            deals: 0,
            stage_entries: 0,
            touches: 0,
            problems,
        };
        if deals.is_empty() || (strict && has_errors) {
            return Ok(report);
        }
        let t = now();
        let mut w = self.write().await?;
        for chunk in deals.chunks(BATCH) {
            let mut sql = String::from(
                "INSERT INTO deals (pipeline_id, key, name, company, amount, currency, owner_id, \
                 source, segment, attributes, stage, stage_entered_at, is_open, version, \
                 created_at, updated_at) VALUES ",
            );
            push_placeholders(&mut sql, chunk.len(), 16);
            let sql = cast_amounts(&sql);
            let mut q = sqlx::query(&sql);
            for d in chunk {
                q = q
                    .bind(pipeline.id)
                    .bind(&d.key)
                    .bind(&d.name)
                    .bind(&d.company)
                    .bind(amount_param(d.amount))
                    .bind(&d.currency)
                    .bind(d.owner.as_deref().and_then(find_user))
                    .bind(&d.source)
                    .bind(&d.segment)
                    .bind(serde_json::to_string(&d.attributes).expect("string map"))
                    .bind(&d.stage)
                    .bind(d.stage_entered_at)
                    .bind(i64::from(!closes(&map, &d.stage)))
                    .bind(1i64)
                    .bind(t)
                    .bind(t);
            }
            q.execute(&mut *w.tx).await?;
        }
        let ids: HashMap<String, i64> =
            sqlx::query("SELECT id, key FROM deals WHERE pipeline_id = $1")
                .bind(pipeline.id)
                .fetch_all(&mut *w.tx)
                .await?
                .iter()
                .map(|r| Ok((r.try_get("key")?, r.try_get("id")?)))
                .collect::<Result<_, StoreError>>()?;
        let owner_name = owner_col.map(|c| c.name.as_str());
        let event_attrs = |row: usize| -> Option<String> {
            let attrs: BTreeMap<&str, &str> = history
                .event_attrs
                .iter()
                .filter(|c| Some(c.name.as_str()) != owner_name)
                .filter_map(|c| c.get(row).map(|v| (c.name.as_str(), v)))
                .collect();
            (!attrs.is_empty()).then(|| serde_json::to_string(&attrs).expect("string map"))
        };
        let mut entries = Vec::new();
        let mut touches = Vec::new();
        for d in &deals {
            let id = ids[&d.key];
            for &r in &d.rows {
                match history.kind[r as usize] {
                    EventKind::StageEntry => entries.push((id, r as usize)),
                    EventKind::Touch => touches.push((id, r as usize)),
                }
            }
        }
        for chunk in entries.chunks(BATCH) {
            let mut sql = String::from(
                "INSERT INTO stage_entries (deal_id, stage, entered_at, owner, attributes) VALUES ",
            );
            push_placeholders(&mut sql, chunk.len(), 5);
            let mut q = sqlx::query(&sql);
            for &(id, r) in chunk {
                q = q
                    .bind(id)
                    .bind(history.activities.name(history.activity[r]).to_string())
                    .bind(history.time[r])
                    .bind(owner_col.and_then(|c| c.get(r)).map(str::to_string))
                    .bind(event_attrs(r));
            }
            q.execute(&mut *w.tx).await?;
        }
        for chunk in touches.chunks(BATCH) {
            let mut sql = String::from(
                "INSERT INTO touches (deal_id, kind, at, attributes, created_at) VALUES ",
            );
            push_placeholders(&mut sql, chunk.len(), 5);
            let mut q = sqlx::query(&sql);
            for &(id, r) in chunk {
                q = q
                    .bind(id)
                    .bind(history.activities.name(history.activity[r]).to_string())
                    .bind(history.time[r])
                    .bind(event_attrs(r))
                    .bind(t);
            }
            q.execute(&mut *w.tx).await?;
        }
        report.deals = deals.len() as u64;
        report.stage_entries = entries.len() as u64;
        report.touches = touches.len() as u64;
        audit(
            &mut w.tx,
            actor,
            "pipeline.imported",
            Some(pipeline.id),
            None,
            json!({
                "file": file, "deals": report.deals, "stage_entries": report.stage_entries,
                "touches": report.touches,
                "problems": report.problems.len(),
            }),
        )
        .await?;
        w.commit().await?;
        report.committed = true;
        if self.backend == crate::db::Backend::Postgres {
            // Fresh statistics after a bulk load, so the planner uses the indexes at once
            // rather than when autovacuum gets to the tables.
            sqlx::query("ANALYZE deals, stage_entries, touches")
                .execute(&self.pool)
                .await?;
        }
        Ok(report)
    }

    /// Sets up an empty database: the pipeline `sales` running `map_source` when there is no
    /// pipeline, and the admin `admin` with a one-time password when there is no user.
    /// Returns what it created (nothing on a database already set up).
    pub async fn first_start(&self, map_source: &str) -> Result<FirstStart, StoreError> {
        let console = Actor::console();
        let mut done = FirstStart {
            pipeline: None,
            admin: None,
        };
        if !self.has_users().await? {
            let (user, password) = self
                .add_user(
                    &console,
                    NewUser {
                        login: "admin".into(),
                        display_name: "Administrator".into(),
                        role: Role::Admin,
                        password: None,
                    },
                )
                .await?;
            let password = match password {
                Some(p) => p,
                None => one_time_password()?,
            };
            done.admin = Some((user.login, password));
        }
        if self.list_pipelines(&console).await?.is_empty() {
            let map = check_map(map_source)?;
            let name = map.name.get(&map.language, &map.language).to_string();
            let pipeline = self
                .create_pipeline(&console, "sales", &name, map_source, "first version")
                .await?;
            done.pipeline = Some(pipeline.key);
        }
        Ok(done)
    }

    /// Loads a generated demo history (as `salesmap demo` generates it) into an empty
    /// pipeline: a year of deals ending today, so recent deals are open on the board; the
    /// people it names as owners become reps, so the deals have owners.
    pub async fn load_demo(
        &self,
        pipeline_key: &str,
        deals: usize,
        seed: u64,
    ) -> Result<ImportReport, StoreError> {
        let console = Actor::console();
        let pipeline = self.pipeline(&console, pipeline_key).await?;
        let published = self.published_map(&pipeline).await?;
        let days = 365;
        let start = (now() / MICROS_PER_DAY - days as i64) * MICROS_PER_DAY;
        let history = generate(
            &published.map,
            &GenerateOptions {
                deals,
                seed,
                start,
                days,
            },
        );
        self.add_demo_owners(&console, &history).await?;
        self.import_history(&console, pipeline_key, "demo", &history, &[], true)
            .await
    }

    /// Adds the people a generated history names as owners (`Kim (Sales)`) as reps, so the
    /// demo's deals have owners. Their one-time passwords are not shown: an admin resets one
    /// to sign in as that rep. People already there are left as they are.
    async fn add_demo_owners(&self, console: &Actor, history: &History) -> Result<(), StoreError> {
        let Some(owners) = history.event_attr("owner") else {
            return Ok(());
        };
        let mut names: Vec<String> = (0..history.len())
            .filter_map(|row| owners.get(row).map(str::to_string))
            .collect();
        names.sort();
        names.dedup();
        let existing = self.list_users(console).await?;
        for name in names {
            let taken = existing
                .iter()
                .any(|u| u.display_name.to_lowercase() == name.to_lowercase());
            if taken {
                continue;
            }
            let slug: String = name
                .to_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect::<String>()
                .split('-')
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join("-");
            let login: String = format!("demo-{slug}").chars().take(64).collect();
            match self
                .add_user(
                    console,
                    NewUser {
                        login,
                        display_name: name,
                        role: Role::Rep,
                        password: None,
                    },
                )
                .await
            {
                Ok(_) | Err(StoreError::Duplicate(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

/// The deal INSERT with every fifth value of a row (the amount) cast from text to a double.
fn cast_amounts(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 64);
    let mut rest = sql;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let digits = rest[at + 1..]
            .find(|c: char| !c.is_ascii_digit())
            .map_or(rest.len() - at - 1, |n| n);
        let n: usize = rest[at + 1..at + 1 + digits].parse().unwrap_or(0);
        let param = &rest[at..at + 1 + digits];
        if n % 16 == 5 {
            out.push_str(&format!("CAST({param} AS DOUBLE PRECISION)"));
        } else {
            out.push_str(param);
        }
        rest = &rest[at + 1 + digits..];
    }
    out.push_str(rest);
    out
}

/// Appends `(…), (…)` placeholders for `rows` rows of `columns` values each.
fn push_placeholders(sql: &mut String, rows: usize, columns: usize) {
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..columns {
            if c > 0 {
                sql.push_str(", ");
            }
            n += 1;
            sql.push('$');
            sql.push_str(&n.to_string());
        }
        sql.push(')');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_every_value() {
        let mut sql = String::new();
        push_placeholders(&mut sql, 2, 3);
        assert_eq!(sql, "($1, $2, $3), ($4, $5, $6)");
        let mut sql = String::new();
        push_placeholders(&mut sql, 2, 16);
        let cast = cast_amounts(&sql);
        assert!(
            cast.contains("$4, CAST($5 AS DOUBLE PRECISION), $6"),
            "{cast}"
        );
        assert!(
            cast.contains("$20, CAST($21 AS DOUBLE PRECISION), $22"),
            "{cast}"
        );
        assert_eq!(cast.matches("CAST").count(), 2);
        assert_eq!(format_amount(12000.0), "12000");
        assert_eq!(format_amount(12000.5), "12000.5");
    }
}
