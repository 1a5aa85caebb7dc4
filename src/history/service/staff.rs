//! Staff management (admins): list, add, disable or enable, and rotate a token. Tokens are shown once.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::extract::{AppJson, AppPath, Caller};
use crate::domain::{Capability, Role, Staff};
use crate::history::api::ErrorCode;
use crate::history::api::{ErrorBody, StaffInput, StaffList, StaffToken};

const MAX_FIELD: usize = 200;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_staff, add_staff))
        .routes(routes!(disable_staff))
        .routes(routes!(enable_staff))
        .routes(routes!(rotate_token))
}

/// Every staff member (no tokens).
#[utoipa::path(get, path = "/v1/staff", tag = "staff", security(("bearer" = [])),
    responses((status = 200, body = StaffList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_staff(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<StaffList>> {
    caller.require(Capability::ManageStaff)?;
    Ok(Json(StaffList { staff: state.store.all_staff().await? }))
}

/// Adds a staff member; the answer holds their token, which cannot be shown again.
#[utoipa::path(post, path = "/v1/staff", tag = "staff", request_body = StaffInput, security(("bearer" = [])),
    responses((status = 201, body = StaffToken), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_staff(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<(StatusCode, Json<StaffToken>)> {
    caller.require(Capability::ManageStaff)?;
    let input: StaffInput = AppJson::read(request).await?;
    let name = field("name", &input.name)?;
    let site = field("site", &input.site)?;
    let (staff, token) = state.store.add_staff(name, input.role, site, state.now()).await?;
    tracing::info!(staff = %staff.id, role = staff.role.code(), by = %caller.0.id, "staff member added");
    Ok((StatusCode::CREATED, Json(StaffToken { staff, token: token.0 })))
}

/// Stops a staff member's token working at once. The last active admin cannot be disabled.
#[utoipa::path(post, path = "/v1/staff/{id}/disable", tag = "staff", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Staff), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "the last active admin")))]
async fn disable_staff(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<Json<Staff>> {
    caller.require(Capability::ManageStaff)?;
    let target = state.store.staff(id).await?.ok_or_else(|| ApiError::not_found("staff member"))?;
    if target.role == Role::Admin && target.active && state.store.count_active(Role::Admin).await? <= 1 {
        return Err(ApiError::conflict(
            ErrorCode::LastAdmin,
            "this is the last active admin; add or enable another admin first, or nobody can manage staff",
        ));
    }
    let staff = state.store.set_staff_active(id, false).await?.ok_or_else(|| ApiError::not_found("staff member"))?;
    tracing::info!(staff = %staff.id, by = %caller.0.id, "staff member disabled");
    Ok(Json(staff))
}

/// Lets a disabled staff member's token work again.
#[utoipa::path(post, path = "/v1/staff/{id}/enable", tag = "staff", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Staff), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn enable_staff(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<Json<Staff>> {
    caller.require(Capability::ManageStaff)?;
    let staff = state.store.set_staff_active(id, true).await?.ok_or_else(|| ApiError::not_found("staff member"))?;
    tracing::info!(staff = %staff.id, by = %caller.0.id, "staff member enabled");
    Ok(Json(staff))
}

/// Gives a staff member a new token; the old one stops working at once. The new token is shown this once.
#[utoipa::path(post, path = "/v1/staff/{id}/rotate", tag = "staff", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = StaffToken), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn rotate_token(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<Json<StaffToken>> {
    caller.require(Capability::ManageStaff)?;
    let (staff, token) = state.store.rotate_token(id).await?.ok_or_else(|| ApiError::not_found("staff member"))?;
    tracing::info!(staff = %staff.id, by = %caller.0.id, "staff token rotated");
    Ok(Json(StaffToken { staff, token: token.0 }))
}

fn field<'a>(name: &'static str, value: &'a str) -> ApiResult<&'a str> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > MAX_FIELD {
        return Err(ApiError::unprocessable(ErrorCode::InvalidField, format!("{name}: 1 to {MAX_FIELD} characters")));
    }
    Ok(value)
}
