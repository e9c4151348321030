//! The service under test: the release `prm` binary in its own process, as deployed.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const ADMIN_EMAIL: &str = "bench@example.com";
pub const ADMIN_PASSWORD: &str = "benchmark admin password";

pub struct Server {
    child: Child,
    pub base: String,
    /// From spawn to the first `200` from `/readyz`.
    pub ready_after: Duration,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Server {
    pub fn start(database_url: &str, workdir: &std::path::Path) -> Server {
        let port = free_port();
        let started = Instant::now();
        let child = Command::new(env!("CARGO_BIN_EXE_prm"))
            .current_dir(workdir)
            .env("PRM_DATABASE_URL", database_url)
            .env("PRM_BIND", format!("127.0.0.1:{port}"))
            .env("PRM_LOG", "warn")
            .env("PRM_ADMIN_EMAIL", ADMIN_EMAIL)
            .env("PRM_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("PRM_ACCESS_TOKEN_TTL_SECONDS", "14400")
            .env("PRM_JWT_SECRET", "benchmark secret, not for production use")
            // Throughput is what is measured here: no per-principal write quota.
            .env("PRM_WRITES_PER_MINUTE", "0")
            .env("PRM_PARTNER_WRITES_PER_MINUTE", "0")
            // The webhook workload's receiver listens on loopback, over plain http.
            .env("PRM_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
            .env("PRM_WEBHOOK_ALLOW_HTTP", "true")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start prm");
        let base = format!("http://127.0.0.1:{port}");
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_millis(200))
            .build();
        loop {
            if agent.get(&format!("{base}/readyz")).call().is_ok() {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "prm did not become ready"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        Server {
            child,
            base,
            ready_after: started.elapsed(),
        }
    }

    /// Starts the peak over again from what the process holds now (Linux `clear_refs` 5), so
    /// each workload's peak is its own and not the highest of every workload before it; the
    /// highest of the rows is still the process's peak over its life.
    pub fn reset_peak_rss(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.child.id()), "5");
    }

    /// The most memory the process has held resident (`VmHWM`) since the last reset, in MiB.
    pub fn peak_rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
            .unwrap_or(f64::NAN)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
