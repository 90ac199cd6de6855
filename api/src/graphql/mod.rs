//! The GraphQL schema: thin resolvers per area, merged into the roots.

mod accounts;
mod api_tokens;
mod audit;
mod connection_auth;
mod connection_descriptions;
mod context;
mod credential_changes;
mod date;
mod document_cache;
pub mod document_guard;
mod enum_literals;
mod error_codes;
mod event_snapshots;
mod executor;
mod handoff_events;
pub(crate) mod handoffs;
pub mod ids;
pub(crate) mod imports;
pub(crate) mod inline;
mod invitations;
pub mod loaders;
mod memberships;
mod node;
mod organizations;
mod paging;
mod partners;
pub mod persisted;
mod portfolio;
mod report_links;
mod roles;
mod scoping;
mod scorecard;
mod scorecard_enums;
mod session;
mod subscriptions;
mod total_count;
mod trust;
mod trust_records;
mod users;
mod webhooks;
mod working_agreement;

use async_graphql::{MergedObject, Schema};

use crate::auth::jwt::JwtKeys;
use crate::store::Store;

/// Entry points for reading.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(session::SessionQuery, organizations::OrganizationQuery, node::NodeQuery);

/// Entry points for changing data; each takes one `input` and returns a `…Payload`.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    session::SessionMutation,
    organizations::OrganizationMutation,
    invitations::InvitationMutation,
    memberships::MembershipMutation,
    api_tokens::ApiTokenMutation,
    partners::PartnerMutation,
    accounts::AccountMutation,
    handoffs::HandoffMutation,
    trust_records::TrustRecordMutation,
    working_agreement::WorkingAgreementMutation,
    webhooks::WebhookMutation,
    imports::ImportMutation,
    report_links::ReportLinkMutation,
);

pub use connection_auth::ConnectionCredential;
pub use executor::Api;
pub use subscriptions::SubscriptionCount;

pub type AppSchema = Schema<QueryRoot, MutationRoot, subscriptions::SubscriptionRoot>;

/// Query cost limits; all on by default.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_depth: usize,
    /// Each field counts one, times the rows a list under it may return.
    pub max_complexity: usize,
    pub introspection: bool,
    /// Size of the document once fragments are expanded, checked before validation.
    pub document: document_guard::DocumentLimits,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 15,
            max_complexity: 5_000,
            introspection: true,
            document: document_guard::DocumentLimits::default(),
        }
    }
}

pub fn build(
    store: Store,
    keys: JwtKeys,
    events: crate::events::EventBus,
    throttle: crate::auth::throttle::Throttle,
    config: &crate::config::Config,
) -> Api {
    let limits = config.limits;
    let mut builder = schema_builder(limits)
        .data(store.clone())
        .data(keys.clone())
        .data(config.clock.clone())
        .data(events)
        .data(std::sync::Arc::new(event_snapshots::EventSnapshots::default()))
        .data(throttle)
        .data(crate::auth::password::Hasher::default())
        .data(config.webhooks.destinations.clone())
        .data(config.webhooks.secret_box.clone())
        .data(config.mailer.clone())
        .data(config.lifetimes);
    if !limits.introspection {
        builder = builder.disable_introspection().disable_suggestions();
    }
    let persisted = persisted::PersistedDocuments::new(config.trusted_documents.clone());
    Api::new(builder.finish(), limits.document, store, keys, persisted)
}

/// The schema's types as async-graphql registers them, for checks that run before validation.
pub fn registry() -> async_graphql::registry::Registry {
    use async_graphql::{OutputType, SubscriptionType};
    let mut registry = async_graphql::registry::Registry {
        query_type: QueryRoot::type_name().into_owned(),
        mutation_type: Some(MutationRoot::type_name().into_owned()),
        subscription_type: Some(subscriptions::SubscriptionRoot::type_name().into_owned()),
        ..Default::default()
    };
    QueryRoot::create_type_info(&mut registry);
    MutationRoot::create_type_info(&mut registry);
    subscriptions::SubscriptionRoot::create_type_info(&mut registry);
    registry
}

/// Adds what one request's resolvers need: the caller and the per-request batch loaders.
pub fn prepare(request: async_graphql::Request, viewer: crate::auth::Viewer, store: &Store) -> async_graphql::Request {
    request
        .data(viewer)
        .data(loaders::user_loader(store.clone()))
        .data(async_graphql::dataloader::DataLoader::new(loaders::AccountLoader(store.clone()), tokio::spawn))
        .data(async_graphql::dataloader::DataLoader::new(loaders::PartnerLoader(store.clone()), tokio::spawn))
        .data(async_graphql::dataloader::DataLoader::new(loaders::GradeHistoryLoader(store.clone()), tokio::spawn))
        .data(async_graphql::dataloader::DataLoader::new(loaders::ResponseLoader(store.clone()), tokio::spawn))
}

/// The SDL clients build against; `schema.graphql` at the repository root must equal it.
pub fn sdl() -> String {
    schema_builder(Limits::default()).finish().sdl()
}

fn schema_builder(
    limits: Limits,
) -> async_graphql::SchemaBuilder<QueryRoot, MutationRoot, subscriptions::SubscriptionRoot> {
    let builder = Schema::build(QueryRoot::default(), MutationRoot::default(), subscriptions::SubscriptionRoot)
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .limit_recursive_depth(32)
        .limit_directives(16);
    connection_descriptions::describe_connections(builder)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_schema_builds_and_names_the_contract_roots() {
        let sdl = super::sdl();
        assert!(sdl.contains("type Query {"));
        assert!(sdl.contains("type Mutation {"));
    }

    /// Front-end teams read the schema's descriptions; every type, field, argument and enum value
    /// has one, the connection and edge types async-graphql generates included.
    #[test]
    fn every_type_field_argument_and_enum_value_is_documented() {
        use async_graphql::Positioned;
        use async_graphql::parser::types::{FieldDefinition, TypeKind, TypeSystemDefinition};
        let doc = async_graphql::parser::parse_schema(super::sdl()).expect("the SDL parses");
        let mut missing = Vec::new();
        for def in doc.definitions {
            let TypeSystemDefinition::Type(ty) = def else { continue };
            let ty = ty.node;
            let name = ty.name.node.to_string();
            if ty.description.is_none() {
                missing.push(name.clone());
            }
            let fields: &[Positioned<FieldDefinition>] = match &ty.kind {
                TypeKind::Object(o) => o.fields.as_slice(),
                TypeKind::Interface(i) => i.fields.as_slice(),
                _ => &[],
            };
            for field in fields {
                let field = &field.node;
                missing.extend(
                    field
                        .arguments
                        .iter()
                        .filter(|argument| argument.node.description.is_none())
                        .map(|argument| format!("{name}.{}({})", field.name.node, argument.node.name.node)),
                );
            }
            let members: Vec<(String, bool)> = match ty.kind {
                TypeKind::Object(o) => {
                    o.fields.into_iter().map(|f| (f.node.name.node.to_string(), f.node.description.is_some())).collect()
                }
                TypeKind::Interface(i) => {
                    i.fields.into_iter().map(|f| (f.node.name.node.to_string(), f.node.description.is_some())).collect()
                }
                TypeKind::InputObject(i) => {
                    i.fields.into_iter().map(|f| (f.node.name.node.to_string(), f.node.description.is_some())).collect()
                }
                TypeKind::Enum(e) => e
                    .values
                    .into_iter()
                    .map(|v| (v.node.value.node.to_string(), v.node.description.is_some()))
                    .collect(),
                _ => Vec::new(),
            };
            missing
                .extend(members.into_iter().filter(|(_, documented)| !documented).map(|(m, _)| format!("{name}.{m}")));
        }
        assert!(missing.is_empty(), "undocumented: {missing:?}");
    }
}
