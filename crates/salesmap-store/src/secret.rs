//! Secrets: random tokens (sessions, API tokens, one-time passwords, idempotency keys), their
//! SHA-256 digests (what the database stores), and argon2id password hashes.
//!
//! Session and API tokens are 256 random bits, so a fast digest is enough to make a stolen
//! database useless for signing in; passwords are low-entropy and get argon2id.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};

use crate::error::StoreError;

/// `bytes` random bytes as lowercase hex.
pub fn random_hex(bytes: usize) -> Result<String, StoreError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)
        .map_err(|e| StoreError::Internal(format!("no random numbers: {e}")))?;
    Ok(hex(&buf))
}

/// A fresh 256-bit token with a readable prefix (`sms_` session, `smt_` API token).
pub fn new_token(prefix: &str) -> Result<String, StoreError> {
    Ok(format!("{prefix}{}", random_hex(32)?))
}

/// A one-time password a person can type: 16 characters from an alphabet without look-alikes.
pub fn one_time_password() -> Result<String, StoreError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut buf = [0u8; 16];
    getrandom::fill(&mut buf)
        .map_err(|e| StoreError::Internal(format!("no random numbers: {e}")))?;
    Ok(buf
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect())
}

/// SHA-256 of a token, as hex: what sessions and API tokens are looked up by.
pub fn digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// An argon2id PHC string for `password` with a random salt.
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Internal(format!("cannot hash a password: {e}")))
}

/// Whether `password` matches a PHC string from [`hash_password`].
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A password a user chose: at least 10 characters, at most 200, not all one character.
pub fn check_new_password(password: &str) -> Result<(), StoreError> {
    let chars = password.chars().count();
    if chars < 10 {
        return Err(StoreError::invalid(
            "password",
            "a password needs at least 10 characters",
        ));
    }
    if chars > 200 {
        return Err(StoreError::invalid(
            "password",
            "a password may have at most 200 characters",
        ));
    }
    let first = password.chars().next();
    if password.chars().all(|c| Some(c) == first) {
        return Err(StoreError::invalid(
            "password",
            "a password of one repeated character is too easy to guess",
        ));
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let phc = hash_password("correct horse battery").unwrap();
        assert!(phc.starts_with("$argon2id$"), "{phc}");
        assert!(verify_password("correct horse battery", &phc));
        assert!(!verify_password("correct horse batterY", &phc));
        assert!(!verify_password("x", "not a phc string"));
        assert_ne!(
            phc,
            hash_password("correct horse battery").unwrap(),
            "salted"
        );
    }

    #[test]
    fn tokens_are_random_and_digests_are_sha256() {
        let a = new_token("smt_").unwrap();
        assert_eq!(a.len(), 4 + 64);
        assert_ne!(a, new_token("smt_").unwrap());
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let otp = one_time_password().unwrap();
        assert_eq!(otp.chars().count(), 16);
        assert!(check_new_password(&otp).is_ok());
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("aaaaaaaaaaaa").is_err());
    }
}
