//! A SELLER sees only their own trust records; sales leaders and marketers see the organization's.

use handoff_e2e::{TestApp, error_code};
use serde_json::{Value, json};

const ASK: &str = "mutation($i: LogPartnerAskInput!) { logPartnerAsk(input: $i) { partnerAsk { id } } }";
const ESCALATE: &str = "mutation($i: RaiseEscalationInput!) { raiseEscalation(input: $i) { escalation { id } } }";
const LISTS: &str = r#"{ organization(slug: "acme") {
    partnerAsks { edges { node { id seller { email } } } }
    escalations { edges { node { id } } } } }"#;

fn ids(body: &Value, list: &str) -> Vec<String> {
    body["organization"][list]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_seller_sees_only_their_own_asks_and_escalations() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let account = app.create_account(&team.marketer, &team.org_id, "Globex", &team.seller).await;
    let log = |who: &handoff_e2e::Person, query: &'static str, input: Value| {
        let token = who.token.clone();
        let app = &app;
        async move { app.ok(Some(&token), query, json!({ "i": input })).await }
    };
    let mine = log(&team.seller, ASK, json!({ "organizationId": team.org_id, "accountId": account })).await;
    let mine = mine["logPartnerAsk"]["partnerAsk"]["id"].as_str().unwrap().to_owned();
    let theirs = log(&team.seller2, ASK, json!({ "organizationId": team.org_id, "accountName": "Hooli" })).await;
    let theirs = theirs["logPartnerAsk"]["partnerAsk"]["id"].as_str().unwrap().to_owned();
    let escalation =
        json!({ "organizationId": team.org_id, "topic": "WORTH_READING", "accountId": account, "note": "too vague" });
    let raised = log(&team.seller2, ESCALATE, escalation.clone()).await;
    let raised = raised["raiseEscalation"]["escalation"]["id"].as_str().unwrap().to_owned();
    let own_escalation = log(&team.seller, ESCALATE, escalation).await;
    let own_escalation = own_escalation["raiseEscalation"]["escalation"]["id"].as_str().unwrap().to_owned();

    let seen = app.ok(Some(&team.seller.token), LISTS, json!({})).await;
    assert_eq!(ids(&seen, "partnerAsks"), [mine.as_str()]);
    assert_eq!(ids(&seen, "escalations"), [own_escalation.as_str()]);
    for other in [&theirs, &raised] {
        let node =
            app.gql(Some(&team.seller.token), "query($id: ID!) { node(id: $id) { id } }", json!({ "id": other })).await;
        assert_eq!(error_code(&node), Some("NOT_FOUND"), "a colleague's record does not exist for a seller");
    }
    // A seller's API token sees what the seller sees.
    let tool = app
        .ok(
            Some(&team.seller.token),
            "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }",
            json!({ "i": { "organizationId": team.org_id, "name": "crm", "role": "SELLER" } }),
        )
        .await;
    let via_token = app.ok(tool["createApiToken"]["token"].as_str(), LISTS, json!({})).await;
    assert_eq!(ids(&via_token, "partnerAsks"), [mine.as_str()]);

    // The sales leader and the marketer see every record.
    for who in [&team.leader, &team.marketer] {
        let all = app.ok(Some(&who.token), LISTS, json!({})).await;
        assert_eq!(ids(&all, "partnerAsks").len(), 2);
        assert_eq!(ids(&all, "escalations").len(), 2);
    }
}
