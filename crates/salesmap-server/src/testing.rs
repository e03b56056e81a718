//! For tests of the server (here and in the command line's tests): [`spawn`] starts the
//! application on a free loopback port over a store, and [`Client`] is a small HTTP/1.1 client
//! over a TCP stream (one connection per request, `Connection: close`) that keeps the session
//! cookie and CSRF token like a browser's script would. It is written for tests only: a full
//! HTTP client library would cost more to build than the whole server.

use std::net::SocketAddr;

use salesmap_store::Store;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::state::ServerConfig;

/// A running test server; it stops when dropped.
#[derive(Debug)]
pub struct TestServer {
    pub address: SocketAddr,
    pub store: Store,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl TestServer {
    pub fn client(&self) -> Client {
        Client::new(self.address)
    }

    /// Stops the server and waits until it has finished.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Serves `store` on 127.0.0.1 (a free port) with `config`.
pub async fn spawn(store: Store, config: ServerConfig) -> TestServer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = listener.local_addr().expect("an address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = store.clone();
    let task = tokio::spawn(async move {
        let shutdown = async move {
            let _ = stopped.await;
        };
        crate::server::serve(listener, served, config, shutdown)
            .await
            .expect("the test server runs");
    });
    TestServer {
        address,
        store,
        stop: Some(stop),
        task: Some(task),
    }
}

/// A response.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON (panics, showing the body, when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}), status {}: {}", self.status, self.text()))
    }
}

/// An HTTP client with a cookie jar of one cookie and a CSRF token.
#[derive(Clone, Debug)]
pub struct Client {
    pub address: SocketAddr,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
}

impl Client {
    pub fn new(address: SocketAddr) -> Client {
        Client {
            address,
            cookie: None,
            csrf: None,
            bearer: None,
        }
    }

    /// Sends a request and reads the whole response. `Err` when the server cannot be reached
    /// or breaks the connection.
    pub async fn try_send(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &[u8],
        headers: &[(&str, &str)],
    ) -> std::io::Result<Reply> {
        let mut stream = TcpStream::connect(self.address).await?;
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.address,
            body.len()
        );
        if let Some(ct) = content_type {
            head.push_str(&format!("Content-Type: {ct}\r\n"));
        }
        if let Some(cookie) = &self.cookie {
            head.push_str(&format!("Cookie: {cookie}\r\n"));
        }
        if let Some(csrf) = &self.csrf {
            head.push_str(&format!("X-CSRF-Token: {csrf}\r\n"));
        }
        if let Some(token) = &self.bearer {
            head.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body).await?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await?;
        parse(&raw)
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Reply {
        self.try_send(method, path, content_type, body, &[])
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send("GET", path, None, b"").await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send("DELETE", path, None, b"").await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.send(
            "POST",
            path,
            Some("application/json"),
            body.to_string().as_bytes(),
        )
        .await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Reply {
        self.send(
            "PATCH",
            path,
            Some("application/json"),
            body.to_string().as_bytes(),
        )
        .await
    }

    /// Signs in; keeps the cookie and the CSRF token. Returns the reply.
    pub async fn sign_in(&mut self, login: &str, password: &str) -> Reply {
        let reply = self
            .post(
                "/api/v1/session",
                &serde_json::json!({"login": login, "password": password}),
            )
            .await;
        if reply.status == 200 {
            let set = reply.header("set-cookie").expect("a session cookie");
            self.cookie = Some(set.split(';').next().unwrap_or("").to_string());
            self.csrf = reply.json()["csrf_token"].as_str().map(str::to_string);
        }
        reply
    }
}

fn parse(raw: &[u8]) -> std::io::Result<Reply> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad("no end of headers"))?;
    let head = std::str::from_utf8(&raw[..split]).map_err(|_| bad("headers not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no status line"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    if chunked {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let end = rest
                .windows(2)
                .position(|w| w == b"\r\n")
                .ok_or_else(|| bad("bad chunk"))?;
            let size_text = std::str::from_utf8(&rest[..end]).map_err(|_| bad("bad chunk"))?;
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| bad("bad chunk size"))?;
            rest = &rest[end + 2..];
            if size == 0 {
                break;
            }
            if rest.len() < size + 2 {
                return Err(bad("cut chunk"));
            }
            out.extend_from_slice(&rest[..size]);
            rest = &rest[size + 2..];
        }
        body = out;
    }
    Ok(Reply {
        status,
        headers,
        body,
    })
}
