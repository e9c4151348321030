//! Argon2id hashing for passwords and client secrets. One hash takes tens of milliseconds and
//! ~19 MiB by design: call these only on the hashing pool ([`super::hashing`]), whose slots
//! each keep one memory area for every check they run.

use argon2::password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::http::ApiError;

/// Memory a stored hash may ask for (256 MiB): ours ask 19 MiB; a hand-edited row asking more
/// is refused rather than allowed to take the machine.
const MAX_BLOCKS: usize = 256 * 1024;

pub fn hash(secret: &str) -> Result<String, ApiError> {
    hash_with(secret, &mut Vec::new())
}

/// [`hash`] with `memory` as Argon2's working area (grown on first use, then reused), so a
/// hashing slot that sets passwords keeps one area, not that one and a fresh 19 MiB per hash
/// left behind in its thread's allocator arena.
pub fn hash_with(secret: &str, memory: &mut Vec<Block>) -> Result<String, ApiError> {
    let failed = |e: &dyn std::fmt::Display| ApiError::Internal(format!("hash secret: {e}"));
    let salt = SaltString::generate(&mut OsRng);
    let argon = Argon2::default();
    let params = argon.params().clone();
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_buf).map_err(|e| failed(&e))?;
    let len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let output = Output::init_with(len, |out| {
        argon
            .hash_password_into_with_memory(
                secret.as_bytes(),
                salt_bytes,
                out,
                &mut memory[..blocks],
            )
            .map_err(|_| argon2::password_hash::Error::Crypto)
    })
    .map_err(|e| failed(&e))?;
    let phc = PasswordHash {
        algorithm: Algorithm::default().ident(),
        version: Some(Version::default().into()),
        params: ParamsString::try_from(&params).map_err(|e| failed(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
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
    let stored =
        DUMMY.get_or_init(|| hash_with("dummy-password-for-timing", memory).unwrap_or_default());
    let _ = verify_with(secret, stored, memory);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_argon2id() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("correct horse battery", &h));
        // The crate's own hasher reads what ours writes, so stored hashes stay standard PHC.
        let parsed = PasswordHash::new(&h).unwrap();
        use argon2::PasswordVerifier;
        assert!(Argon2::default()
            .verify_password(b"correct horse battery", &parsed)
            .is_ok());
        let mut memory = Vec::new();
        let again = hash_with("correct horse battery", &mut memory).unwrap();
        assert_ne!(again, h, "a fresh salt each time");
        assert!(verify_with("correct horse battery", &again, &mut memory));
        assert!(!verify_with("wrong horse battery", &again, &mut memory));
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
