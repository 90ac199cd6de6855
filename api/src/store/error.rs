use sea_orm::{DbErr, SqlErr};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {message}")]
    Conflict { field: Option<String>, message: String },
    #[error("database error: {0}")]
    Db(#[from] DbErr),
}

impl StoreError {
    /// Turns a unique-constraint violation into a `Conflict` about `field`; other errors pass through.
    pub(crate) fn unique(err: DbErr, field: &str, message: &str) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                Self::Conflict { field: Some(field.to_owned()), message: message.to_owned() }
            }
            _ => Self::Db(err),
        }
    }
}
