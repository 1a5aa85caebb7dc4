//! Citizen records and the identifiers they are found by.

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, Row};

use super::sql::{Columns, Param, Sql, starts_pattern};
use super::{Store, StoreError, StoreResult, parse_json, parse_uuid, to_micros};
use crate::domain::citizen::fold_name;
use crate::domain::{Citizen, CitizenId, CitizenPatch, Cpr};

/// A way to find a citizen, already normalised.
#[derive(Clone, Debug)]
pub enum CitizenLookup {
    Cpr(Cpr),
    /// Normalised by [`crate::domain::citizen::normalise_phone`].
    Phone(String),
    /// Normalised by [`crate::domain::citizen::normalise_email`].
    Email(String),
}

impl CitizenLookup {
    fn key(&self) -> (&'static str, String) {
        match self {
            Self::Cpr(cpr) => ("cpr", cpr.compact()),
            Self::Phone(phone) => ("phone", phone.clone()),
            Self::Email(email) => ("email", email.clone()),
        }
    }
}

/// What a create-or-update did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpsertOutcome {
    Created(CitizenId),
    Updated(CitizenId),
    /// The record was already exactly this.
    Unchanged(CitizenId),
    /// The numbers given belong to more than one citizen; merging identities is a deliberate act, not a side effect.
    IdentityConflict,
    /// A registry write would have turned a real record fictitious or back: only an administrator's explicit act
    /// ([`Store::set_fictitious`]) may, since it decides whether trainers can read the person.
    FictitiousConflict,
    /// Seeding met a real record under one of its CPR numbers and left it alone.
    RealRecord,
}

/// Who writes a citizen record, which decides what the write may change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordWriter {
    /// A registry feed (`PUT /v1/citizens`, the import). `fictitious` as the feed gave it: `None` keeps the
    /// stored flag (a new record is real); a value that differs from the stored flag is refused.
    Registry { fictitious: Option<bool> },
    /// Demo and training seeding: creates fictitious records and updates only fictitious ones. A real record
    /// holding any of the CPR numbers is never touched.
    Seed,
}

/// The stored search key: the folded name with a leading space, so `% word%` matches from the start of any word.
fn name_key(name: &str) -> String {
    format!(" {}", fold_name(name))
}

fn citizen_from_row(row: &dyn Columns) -> StoreResult<Citizen> {
    parse_json(&row.text("record")?, "citizen record")
}

fn identifier_from_row(row: &dyn Columns) -> StoreResult<(String, String)> {
    Ok((row.text("kind")?, row.text("value")?))
}

fn identifiers(citizen: &Citizen) -> Vec<(&'static str, String)> {
    let cprs = std::iter::once(&citizen.cpr).chain(&citizen.earlier_cprs).map(|c| ("cpr", c.compact()));
    let phones = citizen.phones.iter().map(|p| ("phone", p.clone()));
    let emails = citizen.emails.iter().map(|e| ("email", e.clone()));
    cprs.chain(phones).chain(emails).collect()
}

/// Replaces the registry's identifiers of `citizen`. Those a merge brought stay (undoing the merge takes them away);
/// one the registry now names too becomes the registry's, so an undo leaves it.
async fn write_identifiers(conn: &mut AnyConnection, citizen: &Citizen) -> StoreResult<()> {
    sqlx::query("DELETE FROM citizen_identifiers WHERE citizen_id = $1 AND merge_id IS NULL")
        .bind(citizen.id.to_string())
        .execute(&mut *conn)
        .await?;
    for (kind, value) in identifiers(citizen) {
        sqlx::query(
            "INSERT INTO citizen_identifiers (kind, value, citizen_id) VALUES ($1, $2, $3) \
             ON CONFLICT (kind, value, citizen_id) DO UPDATE SET merge_id = NULL",
        )
        .bind(kind)
        .bind(value)
        .bind(citizen.id.to_string())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Whether any of these records (ids as stored) is a real person's.
async fn real_among(conn: &mut AnyConnection, ids: &[String]) -> StoreResult<bool> {
    if ids.is_empty() {
        return Ok(false);
    }
    let mut sql = Sql::new("SELECT COUNT(*) FROM citizens WHERE fictitious = 0 AND id IN ");
    sql.bind_list(ids.iter().cloned().map(Param::Text));
    let real: i64 = sql.query().fetch_one(&mut *conn).await?.try_get(0)?;
    Ok(real > 0)
}

impl Store {
    /// Creates or updates a citizen, matched on any of the CPR numbers the update names (current or earlier),
    /// under the rules of `writer`; what the update leaves out stays as stored. `id` is used only when the citizen
    /// is new.
    pub async fn upsert_citizen(
        &self,
        update: &CitizenPatch,
        id: CitizenId,
        writer: RecordWriter,
        now: DateTime<Utc>,
    ) -> StoreResult<UpsertOutcome> {
        let mut tx = self.begin_write().await?;
        let cprs = update.cprs().into_iter().map(|c| Param::Text(c.compact()));
        let mut sql = Sql::new("SELECT DISTINCT citizen_id FROM citizen_identifiers WHERE kind = 'cpr' AND value IN ");
        sql.bind_list(cprs);
        let matches: Vec<String> =
            sql.query().fetch_all(&mut *tx).await?.iter().map(|r| r.try_get(0)).collect::<Result<_, _>>()?;
        // A record merged into another keeps its CPR number (so the merge can be undone) but is found by none:
        // a feed naming that number as current must not silently turn the target into it.
        let holder = sqlx::query("SELECT id FROM citizens WHERE cpr = $1")
            .bind(update.cpr.compact())
            .fetch_optional(&mut *tx)
            .await?
            .map(|row| row.try_get::<String, _>(0))
            .transpose()?;
        if holder.is_some_and(|holder| !matches.contains(&holder)) {
            return Ok(UpsertOutcome::IdentityConflict);
        }
        if writer == RecordWriter::Seed && real_among(&mut tx, &matches).await? {
            return Ok(UpsertOutcome::RealRecord);
        }
        let fictitious = match writer {
            RecordWriter::Registry { fictitious } => fictitious.unwrap_or(false),
            RecordWriter::Seed => true,
        };
        let record;
        let outcome = match matches.as_slice() {
            [] => {
                record = update.new_record(id, fictitious);
                sqlx::query("INSERT INTO citizens (id, cpr, name_key, fictitious, record, updated_at) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(record.id.to_string())
                    .bind(record.cpr.compact())
                    .bind(name_key(&record.name))
                    .bind(i64::from(record.fictitious))
                    .bind(serde_json::to_string(&record).unwrap_or_default())
                    .bind(to_micros(now))
                    .execute(&mut *tx)
                    .await?;
                UpsertOutcome::Created(record.id)
            }
            [existing] => {
                let stored =
                    sqlx::query("SELECT record FROM citizens WHERE id = $1").bind(existing).fetch_one(&mut *tx).await?;
                let stored = citizen_from_row(&stored)?;
                if let RecordWriter::Registry { fictitious: Some(given) } = writer
                    && given != stored.fictitious
                {
                    return Ok(UpsertOutcome::FictitiousConflict);
                }
                record = update.apply(stored.clone());
                if stored == record {
                    return Ok(UpsertOutcome::Unchanged(record.id));
                }
                sqlx::query("UPDATE citizens SET cpr = $2, name_key = $3, fictitious = $4, record = $5, updated_at = $6 WHERE id = $1")
                    .bind(existing)
                    .bind(record.cpr.compact())
                    .bind(name_key(&record.name))
                    .bind(i64::from(record.fictitious))
                    .bind(serde_json::to_string(&record).unwrap_or_default())
                    .bind(to_micros(now))
                    .execute(&mut *tx)
                    .await?;
                UpsertOutcome::Updated(record.id)
            }
            _ => return Ok(UpsertOutcome::IdentityConflict),
        };
        write_identifiers(&mut tx, &record).await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// Marks a record fictitious or real: the administrator's explicit act that no registry write or seeding may
    /// make. Returns the flag it had, or `None` for an unknown or merged record.
    pub async fn set_fictitious(
        &self,
        id: CitizenId,
        fictitious: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<bool>> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT record FROM citizens WHERE id = $1 AND merged_into IS NULL")
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let mut record = citizen_from_row(&row)?;
        let before = record.fictitious;
        record.fictitious = fictitious;
        sqlx::query("UPDATE citizens SET fictitious = $2, record = $3, updated_at = $4 WHERE id = $1")
            .bind(id.to_string())
            .bind(i64::from(fictitious))
            .bind(serde_json::to_string(&record).unwrap_or_default())
            .bind(to_micros(now))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(before))
    }

    /// A citizen by id, with the identifiers merges brought; `None` for a record merged into another.
    pub async fn citizen(&self, id: CitizenId) -> StoreResult<Option<Citizen>> {
        let mut sql = Sql::new("SELECT record FROM citizens WHERE id = ");
        sql.bind(Param::Text(id.to_string())).push(" AND merged_into IS NULL");
        let Some(mut citizen) = self.read_rows(sql, citizen_from_row).await?.pop() else {
            return Ok(None);
        };
        let mut sql = Sql::new("SELECT kind, value FROM citizen_identifiers WHERE citizen_id = ");
        sql.bind(Param::Text(id.to_string())).push(" AND merge_id IS NOT NULL ORDER BY kind, value");
        for (kind, value) in self.read_rows(sql, identifier_from_row).await? {
            match kind.as_str() {
                "cpr" => {
                    let cpr = Cpr::parse(&value)
                        .map_err(|e| StoreError::Corrupt { what: "citizen identifier", detail: e.to_string() })?;
                    if cpr != citizen.cpr && !citizen.earlier_cprs.contains(&cpr) {
                        citizen.earlier_cprs.push(cpr);
                    }
                }
                "phone" if !citizen.phones.contains(&value) => citizen.phones.push(value),
                "email" if !citizen.emails.contains(&value) => citizen.emails.push(value),
                _ => {}
            }
        }
        Ok(Some(citizen))
    }

    /// Whether a live (unmerged) record with this id exists, and if so whether it is fictitious: what a read
    /// needs to know before it shows a citizen's history, without loading the record.
    pub async fn live_citizen_fictitious(&self, id: CitizenId) -> StoreResult<Option<bool>> {
        let mut sql = Sql::new("SELECT fictitious FROM citizens WHERE id = ");
        sql.bind(Param::Text(id.to_string())).push(" AND merged_into IS NULL");
        Ok(self.read_rows(sql, |row| Ok(row.int("fictitious")? != 0)).await?.pop())
    }

    /// Citizens with this CPR number, phone or e-mail; at most `limit`, by name.
    pub async fn find_citizens(
        &self,
        lookup: &CitizenLookup,
        fictitious_only: bool,
        limit: u32,
    ) -> StoreResult<Vec<Citizen>> {
        let (kind, value) = lookup.key();
        let mut sql = Sql::new(
            "SELECT c.record FROM citizen_identifiers i JOIN citizens c ON c.id = i.citizen_id \
             WHERE c.merged_into IS NULL AND i.kind = ",
        );
        sql.bind(Param::Text(kind.to_owned())).push(" AND i.value = ").bind(Param::Text(value));
        if fictitious_only {
            sql.push(" AND c.fictitious = 1");
        }
        sql.push(" ORDER BY c.name_key, c.id LIMIT ").bind(Param::Int(i64::from(limit)));
        self.read_rows(sql, citizen_from_row).await
    }

    /// Citizens with a name word starting with each word of `query` (case-insensitive, Danish letters too), so
    /// "han" finds Hansen but not Johansen; at most `limit`, by name.
    pub async fn search_citizens_by_name(
        &self,
        query: &str,
        fictitious_only: bool,
        limit: u32,
    ) -> StoreResult<Vec<Citizen>> {
        let mut sql = Sql::new("SELECT record FROM citizens WHERE merged_into IS NULL");
        for word in fold_name(query).split(' ').filter(|w| !w.is_empty()) {
            sql.push(" AND name_key LIKE ")
                .bind(Param::Text(format!("% {}", starts_pattern(word))))
                .push(" ESCAPE '\\'");
        }
        if fictitious_only {
            sql.push(" AND fictitious = 1");
        }
        sql.push(" ORDER BY name_key, id LIMIT ").bind(Param::Int(i64::from(limit)));
        self.read_rows(sql, citizen_from_row).await
    }

    /// Up to `limit` fictitious records that were not merged away, in id order, leaving out those with a CPR number
    /// in `except`: whom demo sessions are for (the showcase and the practice cast keep the histories their stories
    /// tell).
    pub async fn fictitious_citizens(&self, limit: u32, except: &[Cpr]) -> StoreResult<Vec<CitizenId>> {
        let except: std::collections::HashSet<String> = except.iter().map(Cpr::compact).collect();
        let rows = sqlx::query(
            "SELECT id, cpr FROM citizens WHERE fictitious = 1 \
             AND id NOT IN (SELECT from_id FROM merges WHERE undone_at IS NULL) ORDER BY id LIMIT $1",
        )
        .bind(i64::from(limit).saturating_add(i64::try_from(except.len()).unwrap_or(i64::MAX)))
        .fetch_all(self.pool())
        .await?;
        let mut ids = Vec::new();
        for row in &rows {
            if !except.contains(&row.try_get::<String, _>("cpr")?) {
                ids.push(parse_uuid(&row.try_get::<String, _>("id")?, "citizen id")?);
            }
        }
        ids.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(ids)
    }

    /// How many citizen records the store holds (merged ones too).
    pub async fn count_citizens(&self) -> StoreResult<i64> {
        Ok(sqlx::query("SELECT COUNT(*) FROM citizens").fetch_one(self.pool()).await?.try_get(0)?)
    }

    /// How many contacts the history holds (each logged session among them) and how many logged sessions.
    pub async fn count_contacts(&self) -> StoreResult<(i64, i64)> {
        let row = sqlx::query("SELECT (SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM sessions)")
            .fetch_one(self.pool())
            .await?;
        Ok((row.try_get(0)?, row.try_get(1)?))
    }
}
