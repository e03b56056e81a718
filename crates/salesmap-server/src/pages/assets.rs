//! The pages' static files, compiled into the binary: one stylesheet, a few small scripts and
//! the icon (`crates/salesmap-server/assets/`). Each is served under a name that carries a
//! hash of its content (`/assets/app.1a2b3c4d5e.css`) with a year-long immutable cache, so a
//! new build's files are fetched anew and old ones never go stale; any other name is 404.
//! Nothing is fetched from elsewhere and nothing needs a build step.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// One embedded file.
#[derive(Debug)]
pub struct Asset {
    /// The file's name in `assets/` (`app.css`).
    pub name: &'static str,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
    /// The URL it is served at, with its content hash.
    pub url: String,
}

const FILES: [(&str, &str, &[u8]); 5] = [
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/app.js"),
    ),
    (
        "board.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/board.js"),
    ),
    (
        "editor.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/editor.js"),
    ),
    (
        "icon.svg",
        "image/svg+xml",
        include_bytes!("../../assets/icon.svg"),
    ),
];

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|&(name, content_type, bytes)| {
            let digest = Sha256::digest(bytes);
            let hash: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
            let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
            Asset {
                name,
                content_type,
                bytes,
                url: format!("/assets/{stem}.{hash}.{ext}"),
            }
        })
        .collect()
});

/// The URL of an embedded file by its name (`app.css`).
pub fn url(name: &str) -> &'static str {
    ASSETS
        .iter()
        .find(|a| a.name == name)
        .map(|a| a.url.as_str())
        .unwrap_or_else(|| panic!("no embedded asset `{name}`"))
}

/// `GET /assets/{file}`: an embedded file by its hashed name.
pub async fn serve(Path(file): Path<String>) -> Response {
    let path = format!("/assets/{file}");
    match ASSETS.iter().find(|a| a.url == path) {
        Some(asset) => {
            let mut r = asset.bytes.into_response();
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            );
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            );
            r
        }
        None => (StatusCode::NOT_FOUND, "no such file").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_has_a_hashed_url() {
        for name in ["app.css", "app.js", "board.js", "editor.js", "icon.svg"] {
            let u = url(name);
            let (stem, ext) = name.rsplit_once('.').unwrap();
            assert!(
                u.starts_with(&format!("/assets/{stem}.")) && u.ends_with(&format!(".{ext}")),
                "{u}"
            );
            assert_eq!(u.len(), name.len() + "/assets/".len() + 11, "{u}");
        }
    }
}
