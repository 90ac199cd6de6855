//! The secret that signs access tokens: how strong a configured one must be, and where development
//! mode keeps the one it generates when none is configured. No secret ever comes from the source.

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;

pub const MIN_SECRET_BYTES: usize = 32;
/// Entropy a configured secret must show, estimated from its characters' frequencies. Random
/// base64 of 32 characters shows about 150 bits, random hex of 32 about 115; 32 times one letter
/// shows none, and a short repeated pattern little.
pub const MIN_ESTIMATED_BITS: f64 = 100.0;

/// Shannon entropy of the secret's characters times its length: a cheap lower-bound style estimate
/// that catches repeated letters and short patterns (it cannot see through a known phrase).
pub fn estimated_bits(secret: &str) -> f64 {
    let bytes = secret.as_bytes();
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0usize; 256];
    for &b in bytes {
        counts[usize::from(b)] += 1;
    }
    let n = bytes.len() as f64;
    let per_symbol: f64 = counts.iter().filter(|&&c| c > 0).map(|&c| c as f64 / n).map(|p| -p * p.log2()).sum();
    per_symbol * n
}

/// The length of the shortest unit the secret repeats (`abcabcabc` → 3), or its own length.
fn period(secret: &[u8]) -> usize {
    (1..=secret.len() / 2)
        .find(|&p| secret.len().is_multiple_of(p) && secret.chunks(p).all(|chunk| chunk == &secret[..p]))
        .unwrap_or(secret.len())
}

/// Why a configured secret is too weak, if it is.
pub fn weakness(secret: &str) -> Option<String> {
    if secret.len() < MIN_SECRET_BYTES {
        return Some(format!("it is shorter than {MIN_SECRET_BYTES} bytes"));
    }
    // A repeated unit carries no more than the unit: judge the unit.
    let unit = period(secret.as_bytes());
    if unit < secret.len() {
        return Some(format!("it repeats a unit of {unit} bytes"));
    }
    let bits = estimated_bits(secret);
    if bits < MIN_ESTIMATED_BITS {
        return Some(format!("it shows about {bits:.0} bits of entropy; at least {MIN_ESTIMATED_BITS:.0} are needed"));
    }
    None
}

/// 48 random bytes, URL-safe base64.
pub fn generate() -> String {
    let mut bytes = [0u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What development mode generates and keeps beside the SQLite file.
pub const JWT_SECRET_FILE: &str = "jwt-secret";
pub const WEBHOOK_KEY_FILE: &str = "webhook-key";

/// Where development mode keeps its generated secret of `kind`: beside the SQLite file, so tokens
/// and sealed webhook secrets survive a restart. `None` for PostgreSQL or an in-memory database (a
/// fresh secret per process then).
pub fn development_secret_path(database_url: &str, kind: &str) -> Option<PathBuf> {
    let mut name = crate::store::sqlite_file(database_url)?.into_os_string();
    name.push(format!(".{kind}"));
    Some(PathBuf::from(name))
}

/// Reads the development secret at `path`, generating and storing one (owner-readable only) the
/// first time.
pub fn load_or_create(path: &Path) -> std::io::Result<String> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        let existing = existing.trim().to_owned();
        if weakness(&existing).is_none() {
            // A copy or restore may have loosened the file's mode: only the owner reads it.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
            }
            return Ok(existing);
        }
    }
    let secret = generate();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    std::io::Write::write_all(&mut options.open(path)?, secret.as_bytes())?;
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_and_patterned_secrets_are_weak_random_ones_are_not() {
        assert!(weakness(&"a".repeat(32)).is_some());
        assert!(weakness(&"ab".repeat(20)).is_some());
        assert!(weakness(&"abcd".repeat(10)).is_some());
        assert!(weakness("short").is_some());
        assert!(weakness("0123456789abcdef0123456789abcdef").is_some());
        assert!(weakness(&"Tr0ub4dor&3xyz!".repeat(3)).is_some());
        assert!(weakness(&generate()).is_none());
        assert!(weakness("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08").is_none());
        assert!(weakness("correct horse battery staple, then a long walk home").is_none());
    }

    #[test]
    fn development_secrets_live_beside_the_sqlite_file_and_persist() {
        let path = |url| development_secret_path(url, JWT_SECRET_FILE);
        assert_eq!(path("sqlite://handoff.db"), Some(PathBuf::from("handoff.db.jwt-secret")));
        assert_eq!(path("sqlite:///var/x.db?mode=rwc"), Some(PathBuf::from("/var/x.db.jwt-secret")));
        assert_eq!(development_secret_path("sqlite://x.db", WEBHOOK_KEY_FILE), Some(PathBuf::from("x.db.webhook-key")));
        assert_eq!(path("sqlite::memory:"), None);
        assert_eq!(path("postgres://db/handoff"), None);
        let dir = std::env::temp_dir().join(format!("secret-test-{}", uuid::Uuid::new_v4()));
        let path = dir.join("x.db.jwt-secret");
        let first = load_or_create(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        assert_eq!(load_or_create(&path).unwrap(), first);
        assert_ne!(generate(), generate());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::remove_dir_all(dir).ok();
    }
}
