//! What a store answers when it does not answer a value: a [`Refusal`] (a business rule, or a
//! database constraint that says the same), or a database failure with the place in our code
//! that met it, for the log. The web layer maps it; stores never name HTTP.

use std::panic::Location;

use diesel::result::{DatabaseErrorKind, Error};

use crate::refusal::{Code, Refusal};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The database failed in a way no rule explains; `at` is where our code met it.
    #[error("{source} (at {at})")]
    Database {
        source: Error,
        at: &'static Location<'static>,
    },
    /// No connection could be had (pool exhausted or database down).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The work could not run to its end (its blocking task failed).
    #[error("{0}")]
    Failed(String),
    /// The principal acting no longer may (disabled, its rights changed, its sign-in ended):
    /// found by the account check that runs with a request's first database work.
    #[error("the account behind this token is disabled, its rights changed or its sign-in ended; sign in again")]
    Revoked,
}

/// The stores' result.
pub type Stored<T> = Result<T, StoreError>;

impl StoreError {
    /// A row a request's `field` names that is not there is a bad field (422 `message`), not a
    /// missing resource; any other answer, a database failure above all, stays what it was.
    pub fn missing_as_invalid(self, field: &str, message: &str) -> StoreError {
        match self {
            StoreError::Refused(Refusal::NotFound(_)) => {
                StoreError::Refused(Refusal::invalid(field, message))
            }
            other => other,
        }
    }
}

impl From<Error> for StoreError {
    /// `?` on a diesel result keeps the caller's location.
    #[track_caller]
    fn from(e: Error) -> Self {
        match e {
            Error::NotFound => Refusal::NotFound("record").into(),
            // A unique or foreign-key race that the store's own checks did not catch first.
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                tracing::info!(detail = info.message(), "unique violation");
                Refusal::conflict(
                    Code::Duplicate,
                    "a record with the same unique value exists",
                )
                .into()
            }
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                tracing::info!(detail = info.message(), "foreign key violation");
                Refusal::conflict(Code::ReferenceMissing, "a referenced record does not exist")
                    .into()
            }
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => Refusal::conflict(
                Code::WriteConflict,
                "a concurrent write won; retry the request",
            )
            .into(),
            // Pointed at a hot standby (or a read-only session): the write is not lost to a
            // bug, it cannot happen here; 503 like any database that cannot take it.
            Error::DatabaseError(DatabaseErrorKind::ReadOnlyTransaction, _) => {
                StoreError::Unavailable(
                    "the database is read-only (a standby?); writes are refused".into(),
                )
            }
            source => StoreError::Database {
                source,
                at: Location::caller(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraint_races_are_refusals_and_other_failures_keep_their_place() {
        let refused: StoreError = Error::NotFound.into();
        assert!(matches!(refused, StoreError::Refused(Refusal::NotFound(_))));
        let here = line!() + 1;
        let failed: StoreError = Error::BrokenTransactionManager.into();
        match failed {
            StoreError::Database { at, .. } => {
                assert_eq!(at.file(), file!());
                assert_eq!(at.line(), here);
            }
            other => panic!("expected a database failure, got {other:?}"),
        }
    }

    #[test]
    fn only_a_missing_row_becomes_a_bad_field() {
        let missing = StoreError::from(Refusal::NotFound("product"));
        assert!(matches!(
            missing.missing_as_invalid("product_id", "no such product"),
            StoreError::Refused(Refusal::Invalid(_))
        ));
        let failed: StoreError = Error::BrokenTransactionManager.into();
        assert!(matches!(
            failed.missing_as_invalid("product_id", "no such product"),
            StoreError::Database { .. }
        ));
    }
}
