//! argon2id hashing and verification with memory that goes back to the
//! operating system when a hash is done.
//!
//! argon2 needs 19 MiB per run. Allocated the ordinary way, glibc's malloc
//! keeps such blocks in per-thread arenas after the first one is freed (its
//! mmap threshold rises to the block's size), so a burst of sign-ins on the
//! blocking pool's threads left hundreds of megabytes resident for good.
//! Allocations larger than 32 MiB are always mapped on their own and unmapped
//! when freed (`mallopt(3)`, `DEFAULT_MMAP_THRESHOLD_MAX`), so each run reserves
//! a little more than that and touches only the 19 MiB it uses: resident
//! memory grows by the blocks in use and shrinks back when they are dropped.

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

/// Working memory for one run of `params`.
fn blocks(params: &Params) -> Vec<Block> {
    const ALWAYS_MAPPED_BYTES: usize = 33 << 20;
    let count = params.block_count();
    let reserve = count.max(ALWAYS_MAPPED_BYTES / std::mem::size_of::<Block>());
    let mut memory = Vec::with_capacity(reserve);
    memory.resize(count, Block::default());
    memory
}

/// The PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) of `password`.
pub fn hash(params: &Params, password: &[u8], salt: &SaltString) -> Result<String, String> {
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt
        .as_salt()
        .decode_b64(&mut salt_buf)
        .map_err(|e| e.to_string())?;
    let mut memory = blocks(params);
    let len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let output = Output::init_with(len, |out| {
        argon
            .hash_password_into_with_memory(password, salt_bytes, out, &mut memory)
            .map_err(|_| argon2::password_hash::Error::Password)
    })
    .map_err(|e| e.to_string())?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(|e| e.to_string())?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// True when `password` matches the PHC string `phc` (any argon2 variant and
/// parameters it names). The comparison takes constant time.
pub fn verify(phc: &str, password: &[u8]) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let argon = Argon2::new(algorithm, version, params.clone());
    let mut memory = blocks(&params);
    let mut out = vec![0u8; expected.len()];
    if argon
        .hash_password_into_with_memory(password, salt_bytes, &mut out, &mut memory)
        .is_err()
    {
        return false;
    }
    // `Output`'s equality is constant-time.
    Output::new(&out).is_ok_and(|o| o == expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::PasswordHasher;

    fn params() -> Params {
        Params::new(1024, 1, 1, None).unwrap()
    }

    fn salt() -> SaltString {
        SaltString::encode_b64(b"0123456789abcdef").unwrap()
    }

    #[test]
    fn hashes_verify_and_match_the_reference_implementation() {
        let phc = hash(&params(), b"correct horse", &salt()).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"), "{phc}");
        assert!(verify(&phc, b"correct horse"));
        assert!(!verify(&phc, b"correct horsf"));
        assert!(!verify(&phc, b""));
        // The same string as the argon2 crate's own hasher.
        let reference = Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
            .hash_password(b"correct horse", &salt())
            .unwrap()
            .to_string();
        assert_eq!(phc, reference);
        // Hashes made elsewhere (other variants and costs) still verify.
        let other = Argon2::new(
            Algorithm::Argon2i,
            Version::V0x10,
            Params::new(2048, 2, 1, None).unwrap(),
        )
        .hash_password(b"pw", &salt())
        .unwrap()
        .to_string();
        assert!(verify(&other, b"pw") && !verify(&other, b"pW"));
    }

    #[test]
    fn garbage_never_verifies() {
        for phc in [
            "",
            "plain",
            "$argon2id$v=19$m=1024,t=1,p=1$",
            "$argon2id$v=99$m=1024,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$AAAA",
            "$argon2id$v=19$m=1,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$AAAAAAAAAAAAAAAAAAAAAA",
            "$bcrypt$v=19$m=1024,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$AAAAAAAAAAAAAAAAAAAAAA",
        ] {
            assert!(!verify(phc, b"x"), "{phc}");
        }
    }

    #[test]
    fn memory_is_reserved_past_the_mapping_threshold() {
        let m = blocks(&params());
        assert_eq!(m.len(), params().block_count());
        assert!(m.capacity() * std::mem::size_of::<Block>() > 32 << 20);
        let big = Params::new(40 * 1024, 1, 1, None).unwrap();
        assert_eq!(blocks(&big).capacity(), big.block_count());
    }
}
