//! Objects whose fields are resolved one after another in place.
//!
//! async-graphql resolves an object's fields concurrently: each field becomes a boxed future in a
//! `FuturesUnordered`, so a page of 50 handoffs with their nine grades costs thousands of
//! allocations and task wake-ups for fields that are plain reads of memory. `Inline<T>` is the
//! same GraphQL type as `T` (same name, same fields, same schema) but awaits its fields in turn,
//! without boxing them. It suits types whose fields rarely wait: a field that does wait (a
//! `DataLoader` read) still batches with the same field of the list's other items, which resolve
//! concurrently as before.
//!
//! Anything but plain fields (fragments, custom directives) goes the library's usual way. The schema
//! has no extensions (`graphql::Api` applies its rules outside the executor); a schema extension
//! would not see the fields resolved here.

use std::borrow::Cow;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, Selection};
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::{ContainerType, resolve_container};
use async_graphql::{ContextSelectionSet, Name, OutputType, Positioned, ServerResult, Value};

/// `T`, with its fields resolved in turn.
pub struct Inline<T>(pub T);

impl<T: ContainerType> OutputType for Inline<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        self.0.introspection_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(&self, ctx: &ContextSelectionSet<'_>, _field: &Positioned<Field>) -> ServerResult<Value> {
        resolve_in_turn(ctx, &self.0).await
    }
}

/// The object's selected fields, each awaited in place; the library's resolver when the selection
/// holds anything but plain fields.
async fn resolve_in_turn<T: ContainerType>(ctx: &ContextSelectionSet<'_>, root: &T) -> ServerResult<Value> {
    let plain =
        ctx.item.node.items.iter().all(|s| matches!(&s.node, Selection::Field(f) if f.node.directives.is_empty()));
    if !plain {
        return resolve_container(ctx, root).await;
    }
    let mut fields: IndexMap<Name, Value> = IndexMap::with_capacity(ctx.item.node.items.len());
    for selection in &ctx.item.node.items {
        let Selection::Field(field) = &selection.node else { unreachable!("checked above") };
        let name = field.node.response_key().node.clone();
        let value = if field.node.name.node == "__typename" {
            Value::String(root.introspection_type_name().into_owned())
        } else {
            // As the library does: a field's error is recorded and the field left out.
            match root.resolve_field(&ctx.with_field(field)).await {
                Ok(value) => value.unwrap_or_default(),
                Err(error) => {
                    ctx.add_error(error);
                    continue;
                }
            }
        };
        merge(&mut fields, name, value);
    }
    Ok(if fields.is_empty() { Value::Null } else { Value::Object(fields) })
}

/// A response key selected twice (`grades { grade } grades { points }`) holds both selections.
fn merge(fields: &mut IndexMap<Name, Value>, name: Name, value: Value) {
    use async_graphql::indexmap::map::Entry;
    let previous = match fields.entry(name) {
        Entry::Vacant(slot) => {
            slot.insert(value);
            return;
        }
        Entry::Occupied(slot) => slot.into_mut(),
    };
    match (previous, value) {
        (Value::Object(previous), Value::Object(more)) => {
            for (key, value) in more {
                merge(previous, key, value);
            }
        }
        (Value::List(previous), Value::List(more)) => {
            for (item, more) in previous.iter_mut().zip(more) {
                if let (Value::Object(item), Value::Object(more)) = (item, more) {
                    for (key, value) in more {
                        merge(item, key, value);
                    }
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::{Name, Value};

    use super::merge;

    fn object(pairs: &[(&str, Value)]) -> Value {
        Value::Object(pairs.iter().map(|(k, v)| (Name::new(k), v.clone())).collect())
    }

    #[test]
    fn a_key_selected_twice_holds_both_selections() {
        let mut fields = Default::default();
        merge(&mut fields, Name::new("a"), Value::List(vec![object(&[("x", Value::from(1))])]));
        merge(&mut fields, Name::new("a"), Value::List(vec![object(&[("y", Value::from(2))])]));
        merge(&mut fields, Name::new("b"), object(&[("x", Value::from(1))]));
        merge(&mut fields, Name::new("b"), object(&[("y", Value::from(2))]));
        assert_eq!(
            Value::Object(fields),
            object(&[
                ("a", Value::List(vec![object(&[("x", Value::from(1)), ("y", Value::from(2))])])),
                ("b", object(&[("x", Value::from(1)), ("y", Value::from(2))])),
            ])
        );
    }
}
