//! Argon2id hashing for passwords and client secrets. One hash takes tens of milliseconds and
//! ~19 MiB by design: call these only on the hashing pool ([`super::hashing`]), whose slots
//! each keep one memory area for every check they run.

use argon2::password_hash::{rand_core::OsRng, Output, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::http::ApiError;

/// Memory a stored hash may ask for (256 MiB): ours ask 19 MiB; a hand-edited row asking more
/// is refused rather than allowed to take the machine.
const MAX_BLOCKS: usize = 256 * 1024;

pub fn hash(secret: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::Internal(format!("hash secret: {e}")))
}

/// Checks `secret` against a stored PHC hash with `memory` as Argon2's working area (grown on
/// first use, then reused), comparing in constant time.
pub fn verify_with(secret: &str, stored: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(expected), Ok(params), Ok(algorithm)) = (
        parsed.hash,
        Params::try_from(&parsed),
        Algorithm::try_from(parsed.algorithm),
    ) else {
        return false;
    };
    let version = parsed
        .version
        .map(Version::try_from)
        .unwrap_or(Ok(Version::V0x13));
    let (Ok(version), Some(salt)) = (version, parsed.salt) else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let blocks = params.block_count();
    if blocks > MAX_BLOCKS {
        return false;
    }
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(secret.as_bytes(), salt, &mut out, &mut memory[..blocks])
        .is_ok()
        && Output::new(&out).is_ok_and(|o| o == expected)
}

pub fn verify(secret: &str, stored: &str) -> bool {
    verify_with(secret, stored, &mut Vec::new())
}

/// Spends the same time as a real check when there is no such account, so response time does
/// not tell which e-mail addresses exist.
pub fn verify_against_nothing(secret: &str, memory: &mut Vec<Block>) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let stored = DUMMY.get_or_init(|| hash("dummy-password-for-timing").unwrap_or_default());
    let _ = verify_with(secret, stored, memory);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_argon2id() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("wrong horse battery", &h));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn one_memory_area_serves_many_checks() {
        let h = hash("correct horse battery").unwrap();
        let mut memory = Vec::new();
        assert!(verify_with("correct horse battery", &h, &mut memory));
        let size = memory.len();
        assert_eq!(size, Params::default().block_count());
        assert!(!verify_with("wrong horse battery", &h, &mut memory));
        assert!(verify_with("correct horse battery", &h, &mut memory));
        assert_eq!(memory.len(), size);
    }
}
