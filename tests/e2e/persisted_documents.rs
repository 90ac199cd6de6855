//! Persisted documents in Apollo's protocol: a document sent once with its hash is answered by its
//! hash alone, in a cacheable GET; with a trusted-documents manifest only its documents run, over
//! HTTP and WebSocket alike.

use std::sync::Arc;
use std::time::Duration;

use handoff_api::graphql::persisted::{Manifest, sha256_hex};
use handoff_e2e::ws::{next_json, subscribe};
use handoff_e2e::{TestApp, error_code};
use serde_json::{Value, json};

const ME: &str = "query Me { me { email } }";
const LANDED: &str = "subscription($o: ID!) { handoffLanded(organizationId: $o) { id } }";

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

/// A GET naming the document by hash, as a CDN would cache it.
async fn get_by_hash(app: &TestApp, token: &str, hash: &str) -> Value {
    let extensions = persisted(hash).to_string();
    app.client
        .get(app.url("/graphql"))
        .query(&[("extensions", extensions.as_str()), ("operationName", "Me")])
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn post(app: &TestApp, token: &str, body: Value) -> Value {
    app.client.post(app.url("/graphql")).bearer_auth(token).json(&body).send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn a_document_sent_once_with_its_hash_is_answered_by_the_hash_alone() {
    let app = TestApp::spawn().await;
    let person = app.sign_up("apq@persisted.example").await;
    let hash = sha256_hex(ME);

    let unknown = get_by_hash(&app, &person.token, &hash).await;
    assert_eq!(error_code(&unknown), Some("PERSISTED_QUERY_NOT_FOUND"), "{unknown}");
    assert_eq!(unknown["errors"][0]["message"], "PersistedQueryNotFound", "the message Apollo's clients look for");

    let registered = post(&app, &person.token, json!({ "query": ME, "extensions": persisted(&hash) })).await;
    assert_eq!(registered["data"]["me"]["email"], "apq@persisted.example", "{registered}");
    let by_hash = get_by_hash(&app, &person.token, &hash).await;
    assert_eq!(by_hash["data"]["me"]["email"], "apq@persisted.example", "{by_hash}");

    // A hash that is not the text's is refused, and teaches the server nothing.
    let other = sha256_hex("{ __typename }");
    let lying = post(&app, &person.token, json!({ "query": ME, "extensions": persisted(&other) })).await;
    assert_eq!(error_code(&lying), Some("BAD_REQUEST"), "{lying}");
    assert_eq!(error_code(&get_by_hash(&app, &person.token, &other).await), Some("PERSISTED_QUERY_NOT_FOUND"));
    // Mutations by hash still need POST.
    let mutation = "mutation { logout(input: {}) { __typename } }";
    let mutation_hash = sha256_hex(mutation);
    post(&app, &person.token, json!({ "query": mutation, "extensions": persisted(&mutation_hash) })).await;
    let extensions = persisted(&mutation_hash).to_string();
    let by_get =
        app.client.get(app.url("/graphql")).query(&[("extensions", extensions.as_str())]).send().await.unwrap();
    assert_eq!(by_get.status(), 405);
    app.stop().await;
}

#[tokio::test]
async fn with_a_manifest_only_its_documents_run_over_http_and_websocket() {
    // The people and their organization are made through a server without a manifest (the
    // harness's own documents are in none); a replica with one serves the same database.
    let setup = TestApp::spawn().await;
    let team = setup.team("trusted").await;
    let token = team.admin.token.clone();
    let manifest = json!({ sha256_hex(ME): ME }).to_string();
    let app = setup
        .spawn_replica_with(move |c| c.trusted_documents = Some(Arc::new(Manifest::parse(&manifest).unwrap())))
        .await;

    let by_hash = get_by_hash(&app, &token, &sha256_hex(ME)).await;
    assert!(by_hash["data"]["me"]["email"].is_string(), "{by_hash}");
    let as_text = post(&app, &token, json!({ "query": ME })).await;
    assert!(as_text["data"]["me"]["email"].is_string(), "the manifest's text is the same document: {as_text}");

    for free in ["{ __typename }", "query Me { me { email id } }"] {
        let refused = post(&app, &token, json!({ "query": free })).await;
        assert_eq!(error_code(&refused), Some("TRUSTED_DOCUMENT_REQUIRED"), "{free}: {refused}");
        let registering =
            post(&app, &token, json!({ "query": free, "extensions": persisted(&sha256_hex(free)) })).await;
        assert_eq!(error_code(&registering), Some("TRUSTED_DOCUMENT_REQUIRED"), "{free}: {registering}");
    }
    let unknown = get_by_hash(&app, &token, &sha256_hex("{ __typename }")).await;
    assert_eq!(error_code(&unknown), Some("PERSISTED_QUERY_NOT_FOUND"));

    // A subscription is a document like any other.
    let mut socket = subscribe(&app, &token, LANDED, json!({ "o": team.org_id })).await;
    let answer = next_json(&mut socket, Duration::from_secs(5)).await.expect("an answer to the subscription");
    // Refused like any document the server will not run: one answer with the error, no data.
    assert_eq!(answer["payload"]["errors"][0]["extensions"]["code"], "TRUSTED_DOCUMENT_REQUIRED", "{answer}");
    assert_eq!(answer["payload"]["data"], Value::Null);
    app.stop().await;
    setup.stop().await;
}
