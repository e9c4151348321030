//! Access tokens (HS256 JWTs) and opaque refresh tokens / client secrets.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::model::{parse_scopes, Principal, PrincipalKind, Role};
use crate::http::ApiError;
use crate::refusal::Code;

pub const ISSUER: &str = "prm";
pub const AUDIENCE: &str = "prm-api";

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub exp: i64,
    pub nbf: i64,
    pub iat: i64,
    pub jti: String,
    /// `user` or `client`.
    pub kind: PrincipalKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_id: Option<String>,
    /// Space-separated scopes (integration clients).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
    /// The sign-in (refresh-token family) a user's token belongs to; it ends with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

/// Signing and checking keys, built once at start. Tokens are signed with the current secret
/// and name it in their `kid` header; secrets being retired (`PRM_JWT_PREVIOUS_SECRETS`) still
/// verify the tokens they signed until they are taken out of the configuration.
pub struct JwtKeys {
    current_kid: String,
    encoding: EncodingKey,
    /// The current key first, then the previous ones.
    decoding: Vec<(String, DecodingKey)>,
    validation: Validation,
    pub access_ttl_seconds: i64,
}

/// A key's id: the first 16 hex digits of the secret's SHA-256, so it names the key without
/// revealing it and needs no configuration of its own.
pub fn key_id(secret: &[u8]) -> String {
    hex::encode(Sha256::digest(secret))[..16].to_string()
}

impl JwtKeys {
    pub fn new(secret: &[u8], access_ttl_seconds: i64) -> JwtKeys {
        JwtKeys::rotating(secret, &[], access_ttl_seconds)
    }

    /// Keys that sign with `secret` and also accept tokens signed with any of `previous`.
    pub fn rotating(secret: &[u8], previous: &[Vec<u8>], access_ttl_seconds: i64) -> JwtKeys {
        // Only HS256 is accepted: a token claiming `none` or any other algorithm is refused,
        // which closes the algorithm-switching attacks.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 30;
        let decoding = std::iter::once(secret)
            .chain(previous.iter().map(Vec::as_slice))
            .map(|s| (key_id(s), DecodingKey::from_secret(s)))
            .collect();
        JwtKeys {
            current_kid: key_id(secret),
            encoding: EncodingKey::from_secret(secret),
            decoding,
            validation,
            access_ttl_seconds,
        }
    }

    /// The key a token names; a token without `kid` (issued before keys had ids) is checked
    /// against the current key only, and an unknown `kid` is refused.
    fn key_for(&self, token: &str) -> Result<&DecodingKey, ApiError> {
        let invalid =
            || ApiError::Unauthorized(Code::TokenInvalid, "the access token is not valid".into());
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid())?;
        match header.kid {
            None => Ok(&self.decoding[0].1),
            Some(kid) => self
                .decoding
                .iter()
                .find(|(k, _)| *k == kid)
                .map(|(_, key)| key)
                .ok_or_else(invalid),
        }
    }

    pub fn issue(
        &self,
        sub: &str,
        kind: PrincipalKind,
        role: Option<Role>,
        partner_id: Option<String>,
        scope: String,
    ) -> Result<String, ApiError> {
        self.issue_for_session(sub, kind, role, partner_id, scope, None)
    }

    /// As [`JwtKeys::issue`], for a user's sign-in `sid`: the token stops working when that
    /// sign-in ends (logout, a new password, a replayed refresh token).
    pub fn issue_for_session(
        &self,
        sub: &str,
        kind: PrincipalKind,
        role: Option<Role>,
        partner_id: Option<String>,
        scope: String,
        sid: Option<&str>,
    ) -> Result<String, ApiError> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: sub.into(),
            exp: now + self.access_ttl_seconds,
            nbf: now,
            iat: now,
            jti: uuid::Uuid::now_v7().to_string(),
            kind,
            role,
            partner_id,
            scope,
            sid: sid.map(str::to_string),
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.current_kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.encoding)
            .map_err(|e| ApiError::Internal(format!("sign token: {e}")))
    }

    pub fn verify(&self, token: &str) -> Result<Principal, ApiError> {
        use jsonwebtoken::errors::ErrorKind;
        let data = jsonwebtoken::decode::<Claims>(token, self.key_for(token)?, &self.validation)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => ApiError::Unauthorized(
                    Code::TokenExpired,
                    "the access token has expired; refresh it".into(),
                ),
                _ => ApiError::Unauthorized(
                    Code::TokenInvalid,
                    "the access token is not valid".into(),
                ),
            })?;
        let c = data.claims;
        let scopes = parse_scopes("scope", &c.scope).map_err(|_| {
            ApiError::Unauthorized(Code::TokenInvalid, "the access token is not valid".into())
        })?;
        if c.kind == PrincipalKind::User && c.role.is_none() {
            return Err(ApiError::Unauthorized(
                Code::TokenInvalid,
                "the access token is not valid".into(),
            ));
        }
        Ok(Principal {
            id: c.sub,
            kind: c.kind,
            role: c.role,
            scopes,
            partner_id: c.partner_id,
            request_id: None,
            session_id: c.sid,
        })
    }
}

/// A fresh 256-bit random secret, URL-safe.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Refresh tokens carry 256 bits of entropy, so a fast hash is enough to store them safely
/// (a slow password hash guards low-entropy secrets; these cannot be guessed).
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::new(b"0123456789abcdef0123456789abcdef", 900)
    }

    #[test]
    fn issued_tokens_verify() {
        let k = keys();
        let t = k
            .issue(
                "u1",
                PrincipalKind::User,
                Some(Role::Buyer),
                None,
                String::new(),
            )
            .unwrap();
        let p = k.verify(&t).unwrap();
        assert_eq!(p.id, "u1");
        assert_eq!(p.role, Some(Role::Buyer));
    }

    #[test]
    fn refuses_other_secret_alg_none_and_expired() {
        let k = keys();
        let other = JwtKeys::new(b"another-secret-another-secret-xx", 900);
        let t = other
            .issue(
                "u1",
                PrincipalKind::User,
                Some(Role::Admin),
                None,
                String::new(),
            )
            .unwrap();
        assert!(k.verify(&t).is_err());

        // alg: none, hand-made.
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let now = Utc::now().timestamp();
        let body = URL_SAFE_NO_PAD.encode(format!(
            r#"{{"iss":"prm","aud":"prm-api","sub":"u1","exp":{},"nbf":{now},"iat":{now},"jti":"x","kind":"user","role":"admin"}}"#,
            now + 600
        ));
        assert!(k.verify(&format!("{header}.{body}.")).is_err());

        let expired = JwtKeys::new(b"0123456789abcdef0123456789abcdef", -120);
        let t = expired
            .issue(
                "u1",
                PrincipalKind::User,
                Some(Role::Admin),
                None,
                String::new(),
            )
            .unwrap();
        match k.verify(&t) {
            Err(ApiError::Unauthorized(code, _)) => assert_eq!(code, Code::TokenExpired),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn random_secrets_differ_and_hash_stably() {
        assert_ne!(random_secret(), random_secret());
        assert_eq!(hash_token("a"), hash_token("a"));
        assert_eq!(random_secret().len(), 43);
    }
}
