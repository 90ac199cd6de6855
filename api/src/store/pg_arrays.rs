//! Reading a PostgreSQL row of arrays (`array_agg`), for reads of tens of thousands of values: one
//! row of arrays costs far less to receive than as many rows, and timestamps are decoded here
//! straight from their binary form instead of through calendar arithmetic per value.

use chrono::{DateTime, Utc};
use sea_orm::sqlx::error::BoxDynError;
use sea_orm::sqlx::postgres::{PgHasArrayType, PgRow, PgTypeInfo, PgValueFormat, PgValueRef, Postgres};
use sea_orm::sqlx::{Decode, Row, Type};
use sea_orm::{DbErr, RuntimeErr};

/// Column `index` of `row`, decoded as `T` (`Option<Vec<…>>` for an aggregate over no rows).
pub fn column<'r, T>(row: &'r PgRow, index: usize) -> Result<T, DbErr>
where
    T: Decode<'r, Postgres> + Type<Postgres>,
{
    row.try_get(index).map_err(sqlx_error)
}

/// An error of sqlx's, as sea-orm reports one.
pub fn sqlx_error(error: sea_orm::sqlx::Error) -> DbErr {
    DbErr::Query(RuntimeErr::SqlxError(std::sync::Arc::new(error)))
}

/// A `timestamptz`, decoded from PostgreSQL's binary form: microseconds since 2000-01-01 UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp(pub DateTime<Utc>);

/// 2000-01-01T00:00:00Z in microseconds since the Unix epoch.
const POSTGRES_EPOCH_MICROS: i64 = 946_684_800_000_000;

/// The time PostgreSQL's binary `timestamptz` value `micros` stands for; `None` for ±infinity and
/// other values out of chrono's range.
pub fn from_postgres_micros(micros: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_micros(micros.checked_add(POSTGRES_EPOCH_MICROS)?)
}

impl Type<Postgres> for Timestamp {
    fn type_info() -> PgTypeInfo {
        <DateTime<Utc> as Type<Postgres>>::type_info()
    }
}

impl PgHasArrayType for Timestamp {
    fn array_type_info() -> PgTypeInfo {
        <DateTime<Utc> as PgHasArrayType>::array_type_info()
    }
}

impl<'r> Decode<'r, Postgres> for Timestamp {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        match value.format() {
            PgValueFormat::Text => Ok(Self(<DateTime<Utc> as Decode<Postgres>>::decode(value)?)),
            PgValueFormat::Binary => {
                let bytes: [u8; 8] = value.as_bytes()?.try_into()?;
                let micros = i64::from_be_bytes(bytes);
                from_postgres_micros(micros).map(Self).ok_or_else(|| format!("timestamp {micros} out of range").into())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn binary_timestamps_count_microseconds_from_2000() {
        assert_eq!(from_postgres_micros(0), Some(at("2000-01-01T00:00:00Z")));
        assert_eq!(from_postgres_micros(-1), Some(at("1999-12-31T23:59:59.999999Z")));
        assert_eq!(from_postgres_micros(847_015_294_536_808), Some(at("2026-11-03T10:01:34.536808Z")));
    }

    #[test]
    fn infinity_is_out_of_range_not_a_wrong_time() {
        assert_eq!(from_postgres_micros(i64::MAX), None);
        assert_eq!(from_postgres_micros(i64::MIN), None);
    }
}
