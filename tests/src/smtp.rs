//! A small SMTP receiver on loopback: enough of the protocol for the server to hand over a
//! message, which tests then read (an invitation mail, its link).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One received message: the envelope recipients and the raw data.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub data: String,
}

impl Mail {
    /// The body with quoted-printable soft line breaks and escapes undone (enough for ASCII text).
    pub fn text(&self) -> String {
        let joined = self.data.replace("=\r\n", "");
        let mut out = String::new();
        let mut chars = joined.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '=' {
                let hex: String = chars.clone().take(2).collect();
                if let Ok(byte) = u8::from_str_radix(&hex, 16) {
                    out.push(byte as char);
                    chars.next();
                    chars.next();
                    continue;
                }
            }
            out.push(c);
        }
        out
    }

    /// The first word in the body starting with `prefix` (a secret, a link).
    pub fn word_starting(&self, prefix: &str) -> Option<String> {
        let text = self.text();
        let start = text.find(prefix)?;
        Some(text[start..].split(|c: char| c.is_whitespace()).next()?.to_owned())
    }
}

pub struct MailCatcher {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Mail>>>,
    /// When set, every message is refused (a relay that is down or rejects).
    refuse: Arc<Mutex<bool>>,
}

impl MailCatcher {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let refuse = Arc::new(Mutex::new(false));
        let (store, refusing) = (received.clone(), refuse.clone());
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (store, refusing) = (store.clone(), refusing.clone());
                tokio::spawn(async move {
                    let _ = session(socket, store, refusing).await;
                });
            }
        });
        Self { addr, received, refuse }
    }

    /// `SMTP_URL` for the server under test.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    pub fn refuse_everything(&self) {
        *self.refuse.lock().unwrap() = true;
    }

    pub fn received(&self) -> Vec<Mail> {
        self.received.lock().unwrap().clone()
    }

    /// The newest message to `address`, waiting up to five seconds for it.
    pub async fn wait_for(&self, address: &str) -> Mail {
        for _ in 0..100 {
            let found = self.received().into_iter().rev().find(|m| m.to.iter().any(|t| t.contains(address)));
            if let Some(mail) = found {
                return mail;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no mail reached {address}");
    }
}

async fn session(
    socket: tokio::net::TcpStream,
    store: Arc<Mutex<Vec<Mail>>>,
    refuse: Arc<Mutex<bool>>,
) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 catcher ESMTP\r\n").await?;
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        if command.starts_with("EHLO") || command.starts_with("HELO") {
            write.write_all(b"250-catcher\r\n250 8BITMIME\r\n").await?;
        } else if command.starts_with("MAIL FROM") {
            to.clear();
            write.write_all(b"250 ok\r\n").await?;
        } else if command.starts_with("RCPT TO") {
            to.push(line.trim_end()[8..].trim().trim_matches(|c| c == '<' || c == '>').to_owned());
            write.write_all(b"250 ok\r\n").await?;
        } else if command == "DATA" {
            if *refuse.lock().unwrap() {
                write.write_all(b"554 refused\r\n").await?;
                continue;
            }
            write.write_all(b"354 go ahead\r\n").await?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                data.push_str(&line);
            }
            store.lock().unwrap().push(Mail { to: to.clone(), data });
            write.write_all(b"250 queued\r\n").await?;
        } else if command == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            write.write_all(b"250 ok\r\n").await?;
        }
    }
}
