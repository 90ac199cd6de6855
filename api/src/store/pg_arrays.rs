//! Reading a PostgreSQL row of arrays (`array_agg`), for reads of tens of thousands of values: one
//! row of arrays costs far less to receive than as many rows. Arrays and timestamps are decoded
//! here straight from their binary form, without sqlx's per-element calls and calendar arithmetic.

use chrono::{DateTime, Utc};
use sea_orm::sqlx::error::BoxDynError;
use sea_orm::sqlx::postgres::{PgRow, PgTypeInfo, PgValueFormat, PgValueRef, Postgres};
use sea_orm::sqlx::{Decode, Row, Type, ValueRef};
use sea_orm::{DbErr, RuntimeErr};

/// `ids` as PostgreSQL's text form of a `uuid[]`, to bind as text and cast: `{a,b,…}`.
pub fn uuid_array_literal(ids: &[uuid::Uuid]) -> String {
    format!("{{{}}}", ids.iter().map(uuid::Uuid::to_string).collect::<Vec<_>>().join(","))
}

/// A one-dimensional array column in PostgreSQL's binary form, read in place: sqlx's `Vec<T>`
/// decoding makes a value reference, a type check and a decode call for every element, which cost
/// more than the values themselves over tens of thousands of them.
pub struct BinaryArray<'r> {
    elements: &'r [u8],
    len: usize,
}

/// PostgreSQL's type ids for the element types read here.
pub const INT2: u32 = 21;
pub const INT4: u32 = 23;
pub const TIMESTAMPTZ: u32 = 1184;

impl<'r> BinaryArray<'r> {
    /// Column `index` of `row`, an array of `element_type`; `None` for SQL NULL (an aggregate over
    /// no rows).
    pub fn of(row: &'r PgRow, index: usize, element_type: u32) -> Result<Option<Self>, DbErr> {
        let value = row.try_get_raw(index).map_err(sqlx_error)?;
        if value.is_null() {
            return Ok(None);
        }
        if value.format() != PgValueFormat::Binary {
            return Err(malformed("an array arrived as text"));
        }
        let bytes = value.as_bytes().map_err(|e| sqlx_error(sea_orm::sqlx::Error::Decode(e)))?;
        Self::parse(bytes, element_type).map(Some)
    }

    /// The header: dimensions, a has-nulls flag, the element type, and per dimension its length
    /// and lower bound; the elements follow.
    fn parse(bytes: &'r [u8], element_type: u32) -> Result<Self, DbErr> {
        let word = |at: usize| -> Result<u32, DbErr> {
            let b = bytes.get(at..at + 4).ok_or_else(|| malformed("an array header is cut short"))?;
            Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        };
        let dimensions = word(0)?;
        if word(8)? != element_type {
            return Err(malformed("an array holds another element type"));
        }
        match dimensions {
            0 => Ok(Self { elements: &[], len: 0 }),
            1 => Ok(Self { elements: &bytes[20.min(bytes.len())..], len: word(12)? as usize }),
            _ => Err(malformed("an array has more than one dimension")),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// The elements as `N`-byte values (big-endian, as PostgreSQL sends them), `None` for NULL.
    pub fn fixed<const N: usize>(&self) -> Result<Vec<Option<[u8; N]>>, DbErr> {
        let mut out = Vec::with_capacity(self.len);
        let mut rest = self.elements;
        for _ in 0..self.len {
            let (length, tail) = rest.split_at_checked(4).ok_or_else(|| malformed("an array is cut short"))?;
            match i32::from_be_bytes([length[0], length[1], length[2], length[3]]) {
                -1 => {
                    out.push(None);
                    rest = tail;
                }
                n if n as usize == N => {
                    let (value, tail) = tail.split_at_checked(N).ok_or_else(|| malformed("an array is cut short"))?;
                    out.push(Some(value.try_into().expect("split at N")));
                    rest = tail;
                }
                _ => return Err(malformed("an array element has an unexpected width")),
            }
        }
        Ok(out)
    }

    /// A `timestamptz[]`'s elements; an infinite or out-of-range time is an error.
    pub fn timestamps(&self) -> Result<Vec<Option<DateTime<Utc>>>, DbErr> {
        self.fixed::<8>()?
            .into_iter()
            .map(|v| {
                v.map(|b| from_postgres_micros(i64::from_be_bytes(b)).ok_or_else(|| malformed("a time out of range")))
                    .transpose()
            })
            .collect()
    }
}

fn malformed(what: &str) -> DbErr {
    DbErr::Type(format!("reading a PostgreSQL array: {what}"))
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

    /// `array_send`'s form of a one-dimensional array of `element_type`.
    fn array(element_type: u32, elements: &[Option<&[u8]>]) -> Vec<u8> {
        let mut out = Vec::new();
        for word in [1, u32::from(elements.iter().any(Option::is_none)), element_type, elements.len() as u32, 1] {
            out.extend_from_slice(&word.to_be_bytes());
        }
        for element in elements {
            match element {
                Some(bytes) => {
                    out.extend_from_slice(&(bytes.len() as i32).to_be_bytes());
                    out.extend_from_slice(bytes);
                }
                None => out.extend_from_slice(&(-1i32).to_be_bytes()),
            }
        }
        out
    }

    #[test]
    fn a_binary_array_reads_its_values_and_nulls_in_order() {
        let micros = 847_015_294_536_808i64.to_be_bytes();
        let bytes = array(TIMESTAMPTZ, &[Some(&micros), None, Some(&0i64.to_be_bytes())]);
        let read = BinaryArray::parse(&bytes, TIMESTAMPTZ).unwrap();
        assert_eq!(read.len(), 3);
        assert_eq!(
            read.timestamps().unwrap(),
            [Some(at("2026-11-03T10:01:34.536808Z")), None, Some(at("2000-01-01T00:00:00Z"))]
        );
        let shorts = array(INT2, &[Some(&18i16.to_be_bytes()), Some(&(-1i16).to_be_bytes())]);
        let read = BinaryArray::parse(&shorts, INT2).unwrap().fixed::<2>().unwrap();
        assert_eq!(read.into_iter().map(|v| v.map(i16::from_be_bytes)).collect::<Vec<_>>(), [Some(18), Some(-1)]);
        // An empty array has no dimensions.
        let empty = [0u32, 0, INT4].iter().flat_map(|w| w.to_be_bytes()).collect::<Vec<u8>>();
        assert_eq!(BinaryArray::parse(&empty, INT4).unwrap().fixed::<4>().unwrap(), []);
    }

    #[test]
    fn a_binary_array_of_another_shape_is_an_error_not_a_misread() {
        let four = 7i32.to_be_bytes();
        let ints = array(INT4, &[Some(&four)]);
        assert!(BinaryArray::parse(&ints, INT2).is_err(), "another element type");
        assert!(BinaryArray::parse(&ints, INT4).unwrap().fixed::<2>().is_err(), "another width");
        assert!(BinaryArray::parse(&ints[..ints.len() - 1], INT4).unwrap().fixed::<4>().is_err(), "cut short");
        assert!(BinaryArray::parse(&ints[..10], INT4).is_err(), "a header cut short");
        let mut two_dimensions = ints.clone();
        two_dimensions[3] = 2;
        assert!(BinaryArray::parse(&two_dimensions, INT4).is_err());
        let infinity = array(TIMESTAMPTZ, &[Some(&i64::MAX.to_be_bytes())]);
        assert!(BinaryArray::parse(&infinity, TIMESTAMPTZ).unwrap().timestamps().is_err());
    }

    #[test]
    fn infinity_is_out_of_range_not_a_wrong_time() {
        assert_eq!(from_postgres_micros(i64::MAX), None);
        assert_eq!(from_postgres_micros(i64::MIN), None);
    }
}
