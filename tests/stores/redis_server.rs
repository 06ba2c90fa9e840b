//! Debian's redis-server for the Rust tests, on a free 127.0.0.1 port without persistence,
//! started by the test and stopped when dropped (the twin of `servers.mjs` for the JS tests).
//! Included by path: `#[path = ".../tests/stores/redis_server.rs"] mod redis_server;`.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process killed when dropped.
pub struct Running {
    pub child: Child,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A redis-server the test owns.
pub struct Redis {
    process: Option<Running>,
    pub port: u16,
}

impl Redis {
    /// Starts one on a port the kernel says is free, and waits until it accepts connections.
    pub fn start() -> Redis {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .spawn()
            .expect(
                "redis-server (Debian's redis-server package; `scripts/just stores` installs it)",
            );
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Redis {
            process: Some(Running { child }),
            port,
        }
    }

    /// Its URL.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Stops it (the port then refuses connections).
    #[allow(dead_code)]
    pub fn stop(&mut self) {
        self.process = None;
    }
}
