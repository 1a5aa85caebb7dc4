//! Staff members and their bearer tokens. Only a SHA-256 hash of a token is stored.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::sql::{Columns, Param, Sql};
use super::{Store, StoreError, StoreResult, parse_uuid, to_micros};
use crate::domain::{Role, Staff, StaffId};

/// A token shown once, when it is created.
pub struct NewToken(pub String);

impl std::fmt::Debug for NewToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewToken(…)")
    }
}

const TOKEN_PREFIX: &str = "mbj_";

/// A new random token: a recognisable prefix and 256 bits from the operating system's generator.
fn generate_token() -> StoreResult<NewToken> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Corrupt { what: "random source", detail: e.to_string() })?;
    Ok(NewToken(format!("{TOKEN_PREFIX}{}", hex::encode(bytes))))
}

/// The stored form of a token.
pub(crate) fn hash_token(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

fn staff_from_row(row: &dyn Columns) -> StoreResult<Staff> {
    let role = row.text("role")?;
    Ok(Staff {
        id: parse_uuid(&row.text("id")?, "staff id")?,
        name: row.text("name")?,
        role: Role::from_code(&role).ok_or(StoreError::Corrupt { what: "staff role", detail: role })?,
        site: row.text("site")?,
        active: row.int("active")? != 0,
    })
}

impl Store {
    /// Adds a staff member and returns them with their token, which is not stored and cannot be shown again.
    pub async fn add_staff(
        &self,
        name: &str,
        role: Role,
        site: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<(Staff, NewToken)> {
        let token = generate_token()?;
        let staff =
            Staff { id: uuid::Uuid::new_v4(), name: name.to_owned(), role, site: site.to_owned(), active: true };
        sqlx::query(
            "INSERT INTO staff (id, name, role, site, token_hash, active, created_at) VALUES ($1, $2, $3, $4, $5, 1, $6)",
        )
        .bind(staff.id.to_string())
        .bind(&staff.name)
        .bind(role.code())
        .bind(&staff.site)
        .bind(hash_token(&token.0))
        .bind(to_micros(now))
        .execute(self.pool())
        .await?;
        Ok((staff, token))
    }

    /// The active staff member a token belongs to.
    pub async fn staff_by_token(&self, token: &str) -> StoreResult<Option<Staff>> {
        let mut sql = Sql::new("SELECT id, name, role, site, active FROM staff WHERE token_hash = ");
        sql.bind(Param::Text(hash_token(token))).push(" AND active = 1");
        Ok(self.read_rows(sql, staff_from_row).await?.pop())
    }

    /// A staff member by id, active or not.
    pub async fn staff(&self, id: StaffId) -> StoreResult<Option<Staff>> {
        let row = sqlx::query("SELECT id, name, role, site, active FROM staff WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(|row| staff_from_row(row)).transpose()
    }

    /// Turns a staff member's access on or off; a disabled token is refused at once. Returns the updated record,
    /// or `None` for an unknown id.
    pub async fn set_staff_active(&self, id: StaffId, active: bool) -> StoreResult<Option<Staff>> {
        sqlx::query("UPDATE staff SET active = $1 WHERE id = $2")
            .bind(i64::from(active))
            .bind(id.to_string())
            .execute(self.pool())
            .await?;
        self.staff(id).await
    }

    /// Gives a staff member a new token; the old one stops working at once. `None` for an unknown id.
    pub async fn rotate_token(&self, id: StaffId) -> StoreResult<Option<(Staff, NewToken)>> {
        let token = generate_token()?;
        let updated = sqlx::query("UPDATE staff SET token_hash = $1 WHERE id = $2")
            .bind(hash_token(&token.0))
            .bind(id.to_string())
            .execute(self.pool())
            .await?;
        if updated.rows_affected() == 0 {
            return Ok(None);
        }
        Ok(self.staff(id).await?.map(|staff| (staff, token)))
    }

    /// How many active staff members have this role.
    pub async fn count_active(&self, role: Role) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM staff WHERE role = $1 AND active = 1")
            .bind(role.code())
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get("n")?)
    }

    /// Every staff member, by name.
    pub async fn all_staff(&self) -> StoreResult<Vec<Staff>> {
        let rows = sqlx::query("SELECT id, name, role, site, active FROM staff ORDER BY name, id")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|row| staff_from_row(row)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_prefixed_and_hashed() {
        let a = generate_token().expect("token");
        let b = generate_token().expect("token");
        assert_ne!(a.0, b.0);
        assert!(a.0.starts_with(TOKEN_PREFIX));
        assert_eq!(a.0.len(), TOKEN_PREFIX.len() + 64);
        assert_eq!(hash_token(&a.0).len(), 64);
        assert_ne!(hash_token(&a.0), a.0);
        assert_eq!(format!("{a:?}"), "NewToken(…)");
    }
}
