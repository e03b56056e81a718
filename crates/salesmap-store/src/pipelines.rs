//! Pipelines and their map versions. A pipeline is one map and its deals; several run on one
//! server. Every saved map is an immutable version (author, message, time, status) and the
//! pipeline runs on its published version. A version is saved only when the map checker finds
//! no error, and a new version may not strand open deals: a stage it removes, renames or turns
//! into an outcome must have its open deals moved elsewhere in the same step (`relocation`).

use std::collections::BTreeMap;
use std::sync::Arc;

use salesmap_core::map::Map;
use serde_json::json;
use sqlx::Row;

use crate::actor::Actor;
use crate::db::{Store, now};
use crate::error::{Refusal, StoreError};
use crate::journal::{Event, audit, emit};
use crate::model::{MapVersion, Pipeline, Role};
use crate::relocation::{Relocation, plan_relocations, relocation_targets};
use crate::users::check_text;

/// The map a pipeline runs on now.
#[derive(Clone, Debug)]
pub struct PublishedMap {
    pub version_id: i64,
    pub number: i64,
    pub map: Arc<Map>,
}

/// Checks a map file's text; a map with errors is refused with the diagnostics rendered as
/// the checker prints them (file `map.toml`, line and column).
pub fn check_map(source: &str) -> Result<Map, StoreError> {
    let checked = salesmap_mapfile::load(source, "map.toml");
    match checked.map {
        Some(map) => Ok(map),
        None => {
            let errors: Vec<_> = checked
                .diagnostics
                .into_iter()
                .filter(|d| d.severity == salesmap_mapfile::Severity::Error)
                .collect();
            Err(StoreError::Refused(Refusal::MapHasErrors {
                diagnostics: salesmap_mapfile::diagnostic::render_human(
                    source, "map.toml", &errors,
                ),
            }))
        }
    }
}

/// A pipeline key: 1 to 40 characters of `a-z 0-9 -`.
pub fn check_key(key: &str) -> Result<String, StoreError> {
    let ok = !key.is_empty()
        && key.len() <= 40
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(key.to_string())
    } else {
        Err(StoreError::invalid(
            "key",
            "a pipeline key has 1 to 40 characters: a-z, digits and `-`",
        ))
    }
}

const MAX_MAP_BYTES: usize = 1 << 20;

impl Store {
    /// Creates a pipeline whose first version (published) is `source` (admins only).
    pub async fn create_pipeline(
        &self,
        actor: &Actor,
        key: &str,
        name: &str,
        source: &str,
        message: &str,
    ) -> Result<Pipeline, StoreError> {
        actor.require(Role::Admin, "creating a pipeline")?;
        let key = check_key(key)?;
        let name = check_text("name", name, 200)?;
        let message = check_text("message", message, 2000)?;
        if source.len() > MAX_MAP_BYTES {
            return Err(StoreError::invalid(
                "map",
                "a map file may be at most 1 MiB",
            ));
        }
        check_map(source)?;
        let mut w = self.write().await?;
        if sqlx::query("SELECT id FROM pipelines WHERE key = $1")
            .bind(&key)
            .fetch_optional(&mut *w.tx)
            .await?
            .is_some()
        {
            return Err(StoreError::Duplicate(format!(
                "a pipeline with key `{key}`"
            )));
        }
        let t = now();
        let pipeline_id: i64 = sqlx::query(
            "INSERT INTO pipelines (key, name, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(&key)
        .bind(&name)
        .bind(t)
        .fetch_one(&mut *w.tx)
        .await?
        .try_get("id")?;
        let version_id = insert_version(&mut w.tx, actor, pipeline_id, 1, source, &message).await?;
        sqlx::query("UPDATE pipelines SET published_version_id = $1 WHERE id = $2")
            .bind(version_id)
            .bind(pipeline_id)
            .execute(&mut *w.tx)
            .await?;
        audit(
            &mut w.tx,
            actor,
            "pipeline.created",
            Some(pipeline_id),
            None,
            json!({"key": key, "name": name, "map_version": 1}),
        )
        .await?;
        emit(
            &mut w.tx,
            Event {
                kind: "map.published",
                pipeline_id,
                deal_id: None,
                map_version_id: Some(version_id),
                payload: json!({"pipeline": key, "version": 1, "author": actor.label}),
            },
        )
        .await?;
        w.commit().await?;
        self.pipeline(actor, &key).await
    }

    /// Every pipeline, by key.
    pub async fn list_pipelines(&self, _actor: &Actor) -> Result<Vec<Pipeline>, StoreError> {
        let rows = sqlx::query(&format!("{} ORDER BY p.key", Pipeline::SELECT))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(Pipeline::from_row)
            .collect::<Result<_, _>>()
            .map_err(StoreError::from)
    }

    pub async fn pipeline(&self, _actor: &Actor, key: &str) -> Result<Pipeline, StoreError> {
        let row = sqlx::query(&format!("{} WHERE p.key = $1", Pipeline::SELECT))
            .bind(key)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::not_found(format!("pipeline `{key}`")))?;
        Ok(Pipeline::from_row(&row)?)
    }

    /// The map a pipeline runs on (parsed once per version and cached).
    pub async fn published_map(&self, pipeline: &Pipeline) -> Result<PublishedMap, StoreError> {
        let (Some(version_id), Some(number)) =
            (pipeline.published_version_id, pipeline.published_version)
        else {
            return Err(StoreError::not_found(format!(
                "a published map for pipeline `{}`",
                pipeline.key
            )));
        };
        let map = self.map_of_version(version_id).await?;
        Ok(PublishedMap {
            version_id,
            number,
            map,
        })
    }

    pub(crate) async fn map_of_version(&self, version_id: i64) -> Result<Arc<Map>, StoreError> {
        let cached = self.cached_map(version_id, || Err(StoreError::Internal(String::new())));
        if let Ok(map) = cached {
            return Ok(map);
        }
        let source: String = sqlx::query("SELECT source FROM map_versions WHERE id = $1")
            .bind(version_id)
            .fetch_one(&self.pool)
            .await?
            .try_get("source")?;
        self.cached_map(version_id, || {
            check_map(&source).map_err(|e| {
                StoreError::Internal(format!("map version {version_id} no longer checks: {e}"))
            })
        })
    }

    /// A pipeline's map versions, newest first.
    pub async fn map_versions(
        &self,
        actor: &Actor,
        key: &str,
    ) -> Result<Vec<MapVersion>, StoreError> {
        let pipeline = self.pipeline(actor, key).await?;
        let rows = sqlx::query(&format!(
            "SELECT {} FROM map_versions WHERE pipeline_id = $1 ORDER BY number DESC",
            MapVersion::COLUMNS
        ))
        .bind(pipeline.id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(MapVersion::from_row)
            .collect::<Result<_, _>>()
            .map_err(StoreError::from)
    }

    pub async fn map_version(
        &self,
        actor: &Actor,
        key: &str,
        number: i64,
    ) -> Result<MapVersion, StoreError> {
        let pipeline = self.pipeline(actor, key).await?;
        let row = sqlx::query(&format!(
            "SELECT {} FROM map_versions WHERE pipeline_id = $1 AND number = $2",
            MapVersion::COLUMNS
        ))
        .bind(pipeline.id)
        .bind(number)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::not_found(format!("version {number} of pipeline `{key}`")))?;
        Ok(MapVersion::from_row(&row)?)
    }

    /// Saves `source` as the pipeline's next version and publishes it (managers and admins).
    /// Refused when the map has errors or strands open deals (see
    /// [`Store::publish_map_version_relocating`] to move them in the same step).
    pub async fn publish_map_version(
        &self,
        actor: &Actor,
        key: &str,
        source: &str,
        message: &str,
    ) -> Result<MapVersion, StoreError> {
        self.publish_map_version_relocating(actor, key, source, message, &BTreeMap::new())
            .await
    }

    /// The open deals per stage of a pipeline, by stage id.
    async fn open_deals_by_stage(
        &self,
        exec: impl sqlx::Executor<'_, Database = sqlx::Any>,
        pipeline_id: i64,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT stage, COUNT(*) AS n FROM deals WHERE pipeline_id = $1 AND is_open = $2 \
             GROUP BY stage ORDER BY stage",
        )
        .bind(pipeline_id)
        .bind(1i64)
        .fetch_all(exec)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("stage")?, row.try_get::<i64, _>("n")? as u64)))
            .collect()
    }

    /// Which open deals `new` would strand if it were published now, and where each stage's
    /// deals would go by default (what the map editor shows before saving).
    pub async fn relocation_plan(
        &self,
        actor: &Actor,
        key: &str,
        new: &Map,
    ) -> Result<Vec<Relocation>, StoreError> {
        let pipeline = self.pipeline(actor, key).await?;
        let published = self.published_map(&pipeline).await?;
        let open = self.open_deals_by_stage(&self.pool, pipeline.id).await?;
        Ok(plan_relocations(&published.map, new, &open))
    }

    /// Publishes `source` like [`Store::publish_map_version`], moving the open deals of each
    /// stage the new map strands (removed, renamed, or now an outcome) to the stage
    /// `relocate` names for it (old stage id → new stage id, not an outcome). Each moved deal
    /// gets a stage entry, an audit row `deal.relocated` and a `deal.moved` event, in the
    /// same transaction as the version. A stranded stage without a destination refuses the
    /// publish (`stages-in-use`); a destination for a stage that strands nothing is refused.
    pub async fn publish_map_version_relocating(
        &self,
        actor: &Actor,
        key: &str,
        source: &str,
        message: &str,
        relocate: &BTreeMap<String, String>,
    ) -> Result<MapVersion, StoreError> {
        actor.require(Role::Manager, "publishing a map version")?;
        let message = check_text("message", message, 2000)?;
        if source.len() > MAX_MAP_BYTES {
            return Err(StoreError::invalid(
                "map",
                "a map file may be at most 1 MiB",
            ));
        }
        let map = check_map(source)?;
        let pipeline = self.pipeline(actor, key).await?;
        let old = self.published_map(&pipeline).await?;
        let mut w = self.write().await?;
        let open = self.open_deals_by_stage(&mut *w.tx, pipeline.id).await?;
        let stranded = plan_relocations(&old.map, &map, &open);
        for stage in relocate.keys() {
            if !stranded.iter().any(|r| &r.stage == stage) {
                return Err(StoreError::invalid(
                    &format!("relocate.{stage}"),
                    "no open deal of this stage needs moving: leave it out",
                ));
            }
        }
        let mut moves: Vec<(String, String)> = Vec::new();
        let mut unplaced = Vec::new();
        for r in &stranded {
            match relocate.get(&r.stage) {
                None => unplaced.push((r.stage.clone(), r.deals)),
                Some(to) => {
                    let ok = relocation_targets(&map)
                        .into_iter()
                        .any(|ix| &map.stage(ix).id == to);
                    if !ok {
                        return Err(StoreError::invalid(
                            &format!("relocate.{}", r.stage),
                            &format!(
                                "`{to}` is not a stage of the new map that open deals may be in \
                                 (an outcome closes a deal: move deals there one by one with a reason)"
                            ),
                        ));
                    }
                    moves.push((r.stage.clone(), to.clone()));
                }
            }
        }
        if !unplaced.is_empty() {
            return Err(StoreError::Refused(Refusal::StagesInUse {
                stages: unplaced,
            }));
        }
        let number: i64 = sqlx::query(
            "SELECT COALESCE(MAX(number), 0) AS n FROM map_versions WHERE pipeline_id = $1",
        )
        .bind(pipeline.id)
        .fetch_one(&mut *w.tx)
        .await?
        .try_get("n")?;
        let number = number + 1;
        sqlx::query(
            "UPDATE map_versions SET status = 'superseded' WHERE pipeline_id = $1 \
             AND status = 'published'",
        )
        .bind(pipeline.id)
        .execute(&mut *w.tx)
        .await?;
        let version_id =
            insert_version(&mut w.tx, actor, pipeline.id, number, source, &message).await?;
        sqlx::query("UPDATE pipelines SET published_version_id = $1 WHERE id = $2")
            .bind(version_id)
            .bind(pipeline.id)
            .execute(&mut *w.tx)
            .await?;
        audit(
            &mut w.tx,
            actor,
            "map.published",
            Some(pipeline.id),
            None,
            json!({"pipeline": key, "version": number, "message": message}),
        )
        .await?;
        for (from, to) in &moves {
            relocate_deals(&mut w.tx, actor, &pipeline, (version_id, number), from, to).await?;
        }
        emit(
            &mut w.tx,
            Event {
                kind: "map.published",
                pipeline_id: pipeline.id,
                deal_id: None,
                map_version_id: Some(version_id),
                payload: json!({"pipeline": key, "version": number, "author": actor.label}),
            },
        )
        .await?;
        w.commit().await?;
        self.map_version(actor, key, number).await
    }
}

/// Moves every open deal of `from` to `to` as part of publishing map version `version`
/// (its id and number).
async fn relocate_deals(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    actor: &Actor,
    pipeline: &Pipeline,
    version: (i64, i64),
    from: &str,
    to: &str,
) -> Result<(), StoreError> {
    let (version_id, number) = version;
    let rows = sqlx::query(
        "SELECT d.id, d.key, d.version, d.amount, d.currency, d.owner_id, \
         u.display_name AS owner_name FROM deals d LEFT JOIN users u ON u.id = d.owner_id \
         WHERE d.pipeline_id = $1 AND d.is_open = $2 AND d.stage = $3 ORDER BY d.id",
    )
    .bind(pipeline.id)
    .bind(1i64)
    .bind(from)
    .fetch_all(&mut **tx)
    .await?;
    let t = now();
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        let deal_key: String = row.try_get("key")?;
        let owner_name: Option<String> = row.try_get("owner_name")?;
        sqlx::query(
            "UPDATE deals SET stage = $1, stage_entered_at = $2, version = version + 1, \
             updated_at = $2 WHERE id = $3",
        )
        .bind(to)
        .bind(t)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO stage_entries (deal_id, stage, entered_at, from_stage, actor_id, \
             map_version_id, owner) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(to)
        .bind(t)
        .bind(from)
        .bind(actor.user_id)
        .bind(version_id)
        .bind(&owner_name)
        .execute(&mut **tx)
        .await?;
        audit(
            tx,
            actor,
            "deal.relocated",
            Some(pipeline.id),
            Some(id),
            json!({"from": from, "to": to, "map_version": number}),
        )
        .await?;
        emit(
            tx,
            Event {
                kind: "deal.moved",
                pipeline_id: pipeline.id,
                deal_id: Some(id),
                map_version_id: Some(version_id),
                payload: json!({
                    "deal": id, "key": deal_key, "pipeline": pipeline.key, "from": from,
                    "to": to, "actor": actor.label, "at": salesmap_import::format_timestamp(t),
                    "map_version": number, "relocated": true,
                    "amount": row.try_get::<Option<f64>, _>("amount")?,
                    "currency": row.try_get::<Option<String>, _>("currency")?,
                    "owner_id": row.try_get::<Option<i64>, _>("owner_id")?,
                }),
            },
        )
        .await?;
    }
    Ok(())
}

async fn insert_version(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    actor: &Actor,
    pipeline_id: i64,
    number: i64,
    source: &str,
    message: &str,
) -> Result<i64, StoreError> {
    let id: i64 = sqlx::query(
        "INSERT INTO map_versions (pipeline_id, number, source, author_id, author, message, \
         created_at, status) VALUES ($1, $2, $3, $4, $5, $6, $7, 'published') RETURNING id",
    )
    .bind(pipeline_id)
    .bind(number)
    .bind(source)
    .bind(actor.user_id)
    .bind(&actor.label)
    .bind(message)
    .bind(now())
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    Ok(id)
}
