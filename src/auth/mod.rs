//! Identity and access: tokens, passwords, users, integration clients, and `policy`.

pub mod hashing;
pub mod model;
pub mod passwords;
pub mod policy;
pub mod routes;
pub mod store;
pub mod throttle;
pub mod tokens;

use crate::audit::Actor;
use crate::db::Db;
use crate::http::ApiError;
use crate::refusal::Refusal;

/// What start-up did about the first admin.
pub enum Bootstrap {
    /// Users exist already; nothing done.
    Existing,
    /// Created from `PRM_ADMIN_EMAIL` / `PRM_ADMIN_PASSWORD`.
    Created { email: String },
    /// Created with a generated password, to be shown once.
    Generated { email: String, password: String },
}

/// With no users at all, creates the first admin so the service can be used at once.
pub fn bootstrap_admin(
    db: &Db,
    email: Option<String>,
    password: Option<String>,
) -> Result<Bootstrap, ApiError> {
    let existing = db.write_blocking(store::count_users)?;
    if existing > 0 {
        return Ok(Bootstrap::Existing);
    }
    let email = model::normalise_email(
        "PRM_ADMIN_EMAIL",
        email.as_deref().unwrap_or("admin@localhost.localdomain"),
    )
    .map_err(|e| Refusal::Invalid(vec![e]))?;
    let (password, generated) = match password {
        Some(p) => {
            model::check_password("PRM_ADMIN_PASSWORD", &p, &[&email])
                .map_err(|e| Refusal::Invalid(vec![e]))?;
            (p, false)
        }
        None => (tokens::random_secret(), true),
    };
    let password_hash = passwords::hash(&password)?;
    let new = store::NewUser {
        email: email.clone(),
        name: "Administrator".into(),
        role: model::Role::Admin,
        partner_id: None,
        password_hash,
    };
    let created = db.write_blocking(|conn| {
        // Instances starting together take turns here; the second counts the first's admin
        // (its count runs after the turn is granted) and creates none.
        crate::db::locks::take_database(conn, crate::db::locks::Lock::FirstAdmin)?;
        if store::count_users(conn)? > 0 {
            return Ok(false);
        }
        store::insert_user(conn, &Actor::system(), new).map(|_| true)
    })?;
    if !created {
        return Ok(Bootstrap::Existing);
    }
    Ok(if generated {
        Bootstrap::Generated { email, password }
    } else {
        Bootstrap::Created { email }
    })
}

/// `prm user add`: the same rules as `POST /users`, run as the system.
pub fn add_user_from_cli(
    db: &Db,
    email: &str,
    name: &str,
    role: model::Role,
    partner_id: Option<String>,
    password: &str,
) -> Result<model::User, ApiError> {
    let mut errors = vec![];
    let email = model::normalise_email("email", email)
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    if let Err(e) = model::check_password("password", password, &[&email, name]) {
        errors.push(e);
    }
    if let Err(e) = model::check_role_binding(role, partner_id.as_deref()) {
        errors.push(e);
    }
    if name.trim().is_empty() {
        errors.push(crate::refusal::FieldError::new("name", "must not be empty"));
    }
    Refusal::check(errors)?;
    let password_hash = passwords::hash(password)?;
    let new = store::NewUser {
        email,
        name: name.trim().into(),
        role,
        partner_id,
        password_hash,
    };
    Ok(db.write_blocking(|conn| store::insert_user(conn, &Actor::system(), new))?)
}
