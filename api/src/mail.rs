//! Outgoing mail: invitation links, sent through an SMTP relay when one is configured.

use std::time::Duration;

use chrono::{DateTime, Utc};
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::domain::{Email, Role};

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("SMTP_URL is not usable: {0}")]
    Url(String),
    #[error("MAIL_FROM is not a mailbox: {0}")]
    From(String),
    #[error("in production mode SMTP_URL must use TLS (`smtps://…` or `smtp://…?tls=required`)")]
    Plaintext,
    #[error("the message could not be built: {0}")]
    Build(String),
    #[error("the SMTP relay did not take the message: {0}")]
    Send(String),
}

/// Sends mail, or knows that it cannot (no relay configured).
#[derive(Clone)]
pub struct Mailer {
    relay: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
    /// Where people open the console; invitation links point there.
    public_url: String,
}

/// How long one message may take to hand over, connecting included.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

impl Mailer {
    /// A mailer for `smtp_url` (none: mail is not sent, invitation secrets are shown to the ADMIN).
    pub fn new(smtp_url: Option<&str>, from: &str, public_url: &str, production: bool) -> Result<Self, MailError> {
        let from: Mailbox = from.parse().map_err(|e: lettre::address::AddressError| MailError::From(e.to_string()))?;
        let relay = match smtp_url.filter(|u| !u.trim().is_empty()) {
            None => None,
            Some(url) => {
                let encrypted = url.starts_with("smtps://") || url.contains("tls=required");
                if production && !encrypted {
                    return Err(MailError::Plaintext);
                }
                let builder =
                    AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|e| MailError::Url(e.to_string()))?;
                Some(builder.timeout(Some(SEND_TIMEOUT)).build())
            }
        };
        Ok(Self { relay, from, public_url: public_url.trim_end_matches('/').to_owned() })
    }

    /// No relay: nothing is sent.
    pub fn disabled(public_url: &str) -> Self {
        let from = "handoff-api <no-reply@localhost>".parse().expect("a literal mailbox parses");
        Self { relay: None, from, public_url: public_url.trim_end_matches('/').to_owned() }
    }

    pub fn sends_mail(&self) -> bool {
        self.relay.is_some()
    }

    /// Where people open the console (`PUBLIC_URL`), without a trailing slash.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// The link an invitation mail carries.
    pub fn invitation_link(&self, secret: &str) -> String {
        format!("{}/?invitation={secret}", self.public_url)
    }

    /// Mails an invitation's secret to the invited address.
    pub async fn send_invitation(
        &self,
        to: &Email,
        organization: &str,
        role: Role,
        secret: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<(), MailError> {
        let Some(relay) = &self.relay else { return Ok(()) };
        let to: Mailbox =
            to.as_str().parse().map_err(|e: lettre::address::AddressError| MailError::Build(e.to_string()))?;
        let body = format!(
            "You are invited to join {organization} as {role} on the handoff scorecard.\r\n\r\n\
             Log in (or sign up) and open this link to accept:\r\n\r\n{link}\r\n\r\n\
             Or pass this token to acceptInvitation:\r\n\r\n{secret}\r\n\r\n\
             The invitation can be used once and expires at {expires} (UTC).\r\n\
             If you did not expect it, ignore this message.\r\n",
            role = role.contract_name(),
            link = self.invitation_link(secret),
            expires = expires_at.format("%Y-%m-%d %H:%M"),
        );
        let subject: String = format!("Invitation to {organization}").chars().take(200).collect();
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| MailError::Build(e.to_string()))?;
        relay.send(message).await.map_err(|e| MailError::Send(e.to_string()))?;
        Ok(())
    }
}
