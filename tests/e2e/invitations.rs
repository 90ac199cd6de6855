//! Joining by invitation: the secret, not the address an account claims, decides who joins.

use std::time::Duration;

use handoff_e2e::smtp::MailCatcher;
use handoff_e2e::{ACCEPT, INVITE, TestApp, error_code, expect_error};
use serde_json::{Value, json};

const INVITATIONS: &str =
    r#"{ organization(slug: "acme") { invitations { edges { node { id email role status invitedBy { email } } } } } }"#;
const REVOKE: &str =
    "mutation($i: RevokeInvitationInput!) { revokeInvitation(input: $i) { invitation { id status revokedAt } } }";
const AUDIT: &str =
    r#"{ organization(slug: "acme") { auditLog { edges { node { action detail actor { email } } } } } }"#;

fn actions(body: &Value) -> Vec<String> {
    body["organization"]["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_invited_person_accepts_and_joins_with_the_invited_role() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let org = app.create_org(&ana, "acme").await;
    let invited = app
        .ok(
            Some(&ana.token),
            INVITE,
            json!({ "i": { "organizationId": org, "email": "Sam@Example.com", "role": "SELLER" } }),
        )
        .await;
    let payload = &invited["inviteMember"];
    assert_eq!(payload["delivery"], "SHOWN_ONCE");
    assert_eq!(payload["invitation"]["email"], "sam@example.com");
    assert_eq!(payload["invitation"]["status"], "PENDING");
    let secret = payload["token"].as_str().unwrap();
    assert!(secret.starts_with("hsi_") && secret.len() > 40, "32 random bytes behind a prefix");

    let sam = app.sign_up("sam@example.com").await;
    let accepted = app.ok(Some(&sam.token), ACCEPT, json!({ "i": { "token": secret } })).await;
    assert_eq!(accepted["acceptInvitation"]["membership"]["role"], "SELLER");
    assert_eq!(accepted["acceptInvitation"]["membership"]["user"]["id"], sam.user_id.as_str());
    let seen = app.ok(Some(&sam.token), r#"{ organization(slug: "acme") { viewerRole } }"#, json!({})).await;
    assert_eq!(seen["organization"]["viewerRole"], "SELLER");

    let list = app.ok(Some(&ana.token), INVITATIONS, json!({})).await;
    let node = &list["organization"]["invitations"]["edges"][0]["node"];
    assert_eq!(
        (node["status"].as_str(), node["invitedBy"]["email"].as_str()),
        (Some("ACCEPTED"), Some("ana@example.com"))
    );
    assert!(!list.to_string().contains(secret), "the secret is never listed");
    let audit = app.ok(Some(&ana.token), AUDIT, json!({})).await;
    assert_eq!(actions(&audit), ["invitation.accepted", "invitation.sent"], "newest first");
    assert_eq!(audit["organization"]["auditLog"]["edges"][0]["node"]["actor"]["email"], "sam@example.com");
    assert!(!audit.to_string().contains(secret), "the trail holds no secret");
}

#[tokio::test]
async fn an_account_registered_first_with_someone_elses_email_gains_nothing() {
    let mail = MailCatcher::start().await;
    let url = mail.url();
    let app = TestApp::spawn_with(move |c| {
        c.mailer = handoff_api::mail::Mailer::new(
            Some(&url),
            "Scorecard <no-reply@acme.example>",
            "https://app.example",
            false,
        )
        .unwrap();
    })
    .await;
    let ana = app.sign_up("ana@acme.example").await;
    let org = app.create_org(&ana, "acme").await;
    // Eve guesses the address of the next hire and registers it before the ADMIN invites it.
    let eve = app.sign_up("new.hire@acme.example").await;
    let invite = |email: &str| json!({ "i": { "organizationId": org, "email": email, "role": "PARTNER_MARKETER" } });
    let for_eve = app.ok(Some(&ana.token), INVITE, invite("new.hire@acme.example")).await;
    let for_nobody = app.ok(Some(&ana.token), INVITE, invite("other.hire@acme.example")).await;
    // The answer does not tell whether the address has an account.
    let shape = |v: &Value| {
        let p = &v["inviteMember"];
        (p["token"].clone(), p["delivery"].clone(), p["invitation"]["status"].clone(), p["invitation"]["role"].clone())
    };
    assert_eq!(shape(&for_eve), shape(&for_nobody));
    assert_eq!(for_eve["inviteMember"]["delivery"], "MAILED");
    assert!(for_eve["inviteMember"]["token"].is_null(), "a mailed secret is not shown to the ADMIN");

    // Eve's account alone opens nothing.
    let nothing = app
        .ok(Some(&eve.token), r#"{ organization(slug: "acme") { id } me { memberships { role } } }"#, json!({}))
        .await;
    assert!(nothing["organization"].is_null());
    assert_eq!(nothing["me"]["memberships"], json!([]));

    // The real hire reads the mail, and joins with an account of their own.
    let letter = mail.wait_for("new.hire@acme.example").await;
    let secret = letter.word_starting("hsi_").expect("the mail carries the secret");
    let link = letter.word_starting("https://app.example/?invitation=").expect("and a link");
    assert!(link.ends_with(&secret));
    let hire = app.sign_up("hire.personal@example.net").await;
    let joined = app.ok(Some(&hire.token), ACCEPT, json!({ "i": { "token": secret } })).await;
    assert_eq!(joined["acceptInvitation"]["membership"]["role"], "PARTNER_MARKETER");
    let still_nothing = app.ok(Some(&eve.token), r#"{ organization(slug: "acme") { id } }"#, json!({})).await;
    assert!(still_nothing["organization"].is_null());
}

#[tokio::test]
async fn a_relay_that_refuses_the_mail_leaves_no_open_invitation() {
    let mail = MailCatcher::start().await;
    mail.refuse_everything();
    let url = mail.url();
    let app = TestApp::spawn_with(move |c| {
        c.mailer =
            handoff_api::mail::Mailer::new(Some(&url), "no-reply@acme.example", "https://app.example", false).unwrap();
    })
    .await;
    let ana = app.sign_up("ana@example.com").await;
    let org = app.create_org(&ana, "acme").await;
    let body = app
        .gql(
            Some(&ana.token),
            INVITE,
            json!({ "i": { "organizationId": org, "email": "sam@example.com", "role": "SELLER" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("SERVICE_UNAVAILABLE"), "{body:#}");
    let list = app.ok(Some(&ana.token), INVITATIONS, json!({})).await;
    assert_eq!(list["organization"]["invitations"]["edges"][0]["node"]["status"], "REVOKED");
}

#[tokio::test]
async fn a_secret_works_once_and_only_while_open() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let org = app.create_org(&ana, "acme").await;
    let sam = app.sign_up("sam@example.com").await;
    let lee = app.sign_up("lee@example.com").await;

    // Re-inviting replaces the open invitation: only the newest secret works.
    let old = app.invite(&ana, &org, "sam@example.com", "SELLER").await;
    let new = app.invite(&ana, &org, "sam@example.com", "SALES_LEADER").await;
    let replaced = app.gql(Some(&sam.token), ACCEPT, json!({ "i": { "token": old } })).await;
    expect_error(&replaced, "BAD_USER_INPUT", Some("token"));
    assert!(replaced["errors"][0]["message"].as_str().unwrap().contains("revoked or replaced"));

    // Two people racing with one secret: exactly one joins.
    let (a, b) = tokio::join!(
        app.gql(Some(&sam.token), ACCEPT, json!({ "i": { "token": new } })),
        app.gql(Some(&lee.token), ACCEPT, json!({ "i": { "token": new } })),
    );
    let wins = [&a, &b].iter().filter(|r| r.get("errors").is_none()).count();
    assert_eq!(wins, 1, "{a:#} {b:#}");
    let used = app.gql(Some(&sam.token), ACCEPT, json!({ "i": { "token": new } })).await;
    assert_eq!(error_code(&used), Some("BAD_USER_INPUT"));

    // Revoked.
    let dana = app.sign_up("dana@example.com").await;
    let revoked = app.invite(&ana, &org, "dana@example.com", "SELLER").await;
    let list = app.ok(Some(&ana.token), INVITATIONS, json!({})).await;
    let id = list["organization"]["invitations"]["edges"][0]["node"]["id"].clone();
    let gone = app.ok(Some(&ana.token), REVOKE, json!({ "i": { "id": id } })).await;
    assert_eq!(gone["revokeInvitation"]["invitation"]["status"], "REVOKED");
    let body = app.gql(Some(&dana.token), ACCEPT, json!({ "i": { "token": revoked } })).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));

    // Unknown, malformed, megabyte-long.
    for token in ["hsi_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "", &"x".repeat(1_000_000)] {
        let body = app.gql(Some(&dana.token), ACCEPT, json!({ "i": { "token": token } })).await;
        expect_error(&body, "BAD_USER_INPUT", Some("token"));
    }
    let audit = app.ok(Some(&ana.token), AUDIT, json!({})).await;
    assert!(actions(&audit).contains(&"invitation.revoked".to_owned()));
}

#[tokio::test]
async fn an_expired_invitation_is_refused() {
    let app = TestApp::spawn_with(|c| c.lifetimes.invitation = chrono::Duration::seconds(1)).await;
    let ana = app.sign_up("ana@example.com").await;
    let org = app.create_org(&ana, "acme").await;
    let sam = app.sign_up("sam@example.com").await;
    let secret = app.invite(&ana, &org, "sam@example.com", "SELLER").await;
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let body = app.gql(Some(&sam.token), ACCEPT, json!({ "i": { "token": secret } })).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("expired"));
    let list = app.ok(Some(&ana.token), INVITATIONS, json!({})).await;
    assert_eq!(list["organization"]["invitations"]["edges"][0]["node"]["status"], "EXPIRED");
}

#[tokio::test]
async fn only_admins_invite_and_only_people_accept() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let outsider = app.sign_up("eve@example.com").await;
    let invite = json!({ "i": { "organizationId": team.org_id, "email": "x@example.com", "role": "ADMIN" } });
    let body = app.gql(Some(&team.leader.token), INVITE, invite.clone()).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
    let body = app.gql(Some(&outsider.token), INVITE, invite).await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "a non-member learns nothing");
    let listed = app.gql(Some(&team.seller.token), INVITATIONS, json!({})).await;
    assert_eq!(error_code(&listed), Some("FORBIDDEN"));
    // An existing member cannot be invited again.
    let again = app
        .gql(
            Some(&team.admin.token),
            INVITE,
            json!({ "i": { "organizationId": team.org_id, "email": team.seller.email, "role": "ADMIN" } }),
        )
        .await;
    expect_error(&again, "CONFLICT", Some("email"));
    // A member accepting a second invitation to the same organization joins nothing twice.
    let secret = app.invite(&team.admin, &team.org_id, "seller-alias@example.com", "ADMIN").await;
    let twice = app.gql(Some(&team.seller.token), ACCEPT, json!({ "i": { "token": secret } })).await;
    assert_eq!(error_code(&twice), Some("CONFLICT"));
    let seen = app.ok(Some(&team.seller.token), r#"{ organization(slug: "acme") { viewerRole } }"#, json!({})).await;
    assert_eq!(seen["organization"]["viewerRole"], "SELLER", "the rolled-back acceptance changed nothing");
    // Anonymous callers and API tokens cannot accept.
    let anonymous = app.gql(None, ACCEPT, json!({ "i": { "token": secret } })).await;
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"));
    let bad_email = app
        .gql(
            Some(&team.admin.token),
            INVITE,
            json!({ "i": { "organizationId": team.org_id, "email": "a".repeat(1_000_000), "role": "SELLER" } }),
        )
        .await;
    expect_error(&bad_email, "BAD_USER_INPUT", Some("email"));
}

#[tokio::test]
async fn an_admin_who_leaves_or_is_demoted_cannot_return_through_an_open_invitation() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let org = app.create_org(&ana, "acme").await;
    let bob = app.sign_up("bob@example.com").await;
    let carol = app.sign_up("carol@example.com").await;
    app.add_member(&ana, &org, &bob, "ADMIN").await;
    app.add_member(&ana, &org, &carol, "ADMIN").await;
    // Each prepares a way back in before losing ADMIN.
    let bobs = app.invite(&bob, &org, "bob.alt@example.net", "ADMIN").await;
    let carols = app.invite(&carol, &org, "carol.alt@example.net", "ADMIN").await;
    app.ok(
        Some(&ana.token),
        "mutation($i: RemoveMemberInput!) { removeMember(input: $i) { removedUserId } }",
        json!({ "i": { "organizationId": org, "userId": bob.user_id } }),
    )
    .await;
    app.ok(
        Some(&ana.token),
        "mutation($i: SetMemberRoleInput!) { setMemberRole(input: $i) { membership { role } } }",
        json!({ "i": { "organizationId": org, "userId": carol.user_id, "role": "SELLER" } }),
    )
    .await;
    let alt = app.sign_up("alt@example.net").await;
    for secret in [bobs, carols] {
        let body = app.gql(Some(&alt.token), ACCEPT, json!({ "i": { "token": secret } })).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body:#}");
    }
    let audit = app.ok(Some(&ana.token), AUDIT, json!({})).await;
    assert_eq!(actions(&audit).iter().filter(|a| *a == "invitation.revoked").count(), 2);
}

#[tokio::test]
async fn revoking_and_accepting_at_once_tell_one_story() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let org = app.create_org(&ana, "acme").await;
    for round in 0..4 {
        let person = app.sign_up(&format!("p{round}@example.com")).await;
        let secret = app.invite(&ana, &org, &person.email, "SELLER").await;
        let list = app.ok(Some(&ana.token), INVITATIONS, json!({})).await;
        let id = list["organization"]["invitations"]["edges"][0]["node"]["id"].clone();
        let (accepted, revoked) = tokio::join!(
            app.gql(Some(&person.token), ACCEPT, json!({ "i": { "token": secret } })),
            app.gql(Some(&ana.token), REVOKE, json!({ "i": { "id": id } })),
        );
        let joined = accepted.get("errors").is_none();
        let status = revoked["data"]["revokeInvitation"]["invitation"]["status"].clone();
        assert_eq!(status, if joined { "ACCEPTED" } else { "REVOKED" }, "{accepted:#} {revoked:#}");
        let audit = app.ok(Some(&ana.token), AUDIT, json!({})).await;
        assert_eq!(actions(&audit)[0], if joined { "invitation.accepted" } else { "invitation.revoked" });
    }
}

#[tokio::test]
async fn invitations_to_one_address_at_once_leave_one_open_secret() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let org = app.create_org(&ana, "acme").await;
    let secrets =
        futures_util::future::join_all((0..6).map(|_| app.invite(&ana, &org, "sam@example.com", "SELLER"))).await;
    let list = app.ok(Some(&ana.token), INVITATIONS, json!({})).await;
    let pending = list["organization"]["invitations"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["node"]["status"] == "PENDING")
        .count();
    assert_eq!(pending, 1);
    let sam = app.sign_up("sam@example.com").await;
    let mut joined = 0;
    for secret in secrets {
        if app.gql(Some(&sam.token), ACCEPT, json!({ "i": { "token": secret } })).await.get("errors").is_none() {
            joined += 1;
        }
    }
    assert_eq!(joined, 1);
}
