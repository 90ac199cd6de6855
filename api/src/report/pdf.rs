//! PDF copies of the report, printed by headless Chromium when it is installed (`CHROMIUM_PATH`,
//! or `chromium`, `chromium-browser`, `google-chrome` on the `PATH`). The page is written to a
//! private directory and printed from there; it holds no script and fetches nothing (every text in
//! it is escaped). One print runs at a time per server, for at most 25 seconds.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::sync::Semaphore;

/// Longest a print may take: within the request's own time limit (30 s by default).
const PRINT_TIMEOUT: Duration = Duration::from_secs(25);
/// Longest a request waits for the printer before it is told to come back.
const QUEUE_WAIT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("PDF copies need headless Chromium, which this server does not have: install it, or set CHROMIUM_PATH")]
    NoChromium,
    #[error("the printer is busy with another report; try again shortly")]
    Busy,
    #[error("Chromium could not print the report: {0}")]
    Failed(String),
}

/// The server's printer: where Chromium is, and the one place in its queue.
pub struct Printer {
    chromium: Option<PathBuf>,
    running: std::sync::Arc<Semaphore>,
}

impl Printer {
    /// A printer using `configured`, or else the first Chromium on the `PATH`; none when the
    /// configured file does not exist (PDFs are then refused with a clear error).
    pub fn new(configured: Option<PathBuf>) -> Self {
        let chromium = match configured {
            Some(path) if path.is_file() => Some(path),
            Some(path) => {
                tracing::warn!(path = %path.display(), "CHROMIUM_PATH names no file: PDF reports are off");
                None
            }
            None => find_on_path(),
        };
        Self { chromium, running: std::sync::Arc::new(Semaphore::new(1)) }
    }

    pub fn available(&self) -> bool {
        self.chromium.is_some()
    }

    /// `html` printed to PDF bytes. The print runs as a task of its own, holding the printer until
    /// Chromium ends or is killed at the time limit, even when the request goes away first; its
    /// directory (private to this user) is removed when it ends.
    pub async fn print(self: &std::sync::Arc<Self>, html: String) -> Result<Vec<u8>, PdfError> {
        let chromium = self.chromium.clone().ok_or(PdfError::NoChromium)?;
        let turn = tokio::time::timeout(QUEUE_WAIT, self.running.clone().acquire_owned())
            .await
            .map_err(|_| PdfError::Busy)?
            .map_err(|_| PdfError::Busy)?;
        let task = tokio::spawn(async move {
            let _turn = turn;
            let dir = tempfile::Builder::new()
                .prefix("handoff-report-")
                .tempdir()
                .map_err(|e| PdfError::Failed(e.to_string()))?;
            print_in(&chromium, dir.path(), &html).await
        });
        task.await.map_err(|e| PdfError::Failed(e.to_string()))?
    }
}

fn find_on_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
        .into_iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

async fn print_in(chromium: &Path, dir: &Path, html: &str) -> Result<Vec<u8>, PdfError> {
    let failed = |e: std::io::Error| PdfError::Failed(e.to_string());
    let page = dir.join("report.html");
    let pdf = dir.join("report.pdf");
    tokio::fs::write(&page, html).await.map_err(failed)?;
    let mut command = tokio::process::Command::new(chromium);
    command
        .arg("--headless")
        .arg("--no-sandbox")
        .arg("--disable-gpu")
        .arg("--disable-extensions")
        .arg("--no-first-run")
        .arg("--disable-dev-shm-usage")
        .arg("--no-pdf-header-footer")
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let output = tokio::time::timeout(PRINT_TIMEOUT, command.output())
        .await
        .map_err(|_| PdfError::Failed(format!("it took longer than {} s", PRINT_TIMEOUT.as_secs())))?
        .map_err(failed)?;
    let bytes = tokio::fs::read(&pdf).await.unwrap_or_default();
    if !bytes.starts_with(b"%PDF") {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no PDF was written");
        return Err(PdfError::Failed(format!("{} ({})", last.trim(), output.status)));
    }
    Ok(bytes)
}
