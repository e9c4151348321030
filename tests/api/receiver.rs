//! A webhook receiver on loopback for the tests: a plain TCP server (no framework between the
//! test and the bytes), answering each request as the test scripts it — a status, a slow or
//! trickled answer, a hang-up, a 30 MB body — and keeping what it received.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How the receiver answers one request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Answer {
    Status(u16),
    /// Waits this long, then 200 (past the sender's timeout: a timeout).
    Slow(Duration),
    /// Hangs up without answering: the sender meets a connection closed mid-request.
    Hangup,
    /// 200 with a 30 MB body.
    Huge,
    /// 200 whose body arrives a byte every 200 ms for ever (until the sender gives up).
    Trickle,
}

#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(String::as_str).unwrap_or("")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

#[derive(Default)]
struct Script {
    next: VecDeque<Answer>,
    received: Vec<Received>,
}

#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    script: Arc<Mutex<Script>>,
}

impl Receiver {
    /// Listens on a free loopback port; answers 200 unless told otherwise.
    pub fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a receiver");
        let url = format!(
            "http://127.0.0.1:{}/hooks",
            listener.local_addr().unwrap().port()
        );
        let script = Arc::new(Mutex::new(Script::default()));
        let shared = script.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let script = shared.clone();
                std::thread::spawn(move || serve(stream, script));
            }
        });
        Receiver { url, script }
    }

    /// The answers to the next requests, in order; 200 after them.
    pub fn then(&self, answers: &[Answer]) {
        self.script
            .lock()
            .unwrap()
            .next
            .extend(answers.iter().copied());
    }

    pub fn received(&self) -> Vec<Received> {
        self.script.lock().unwrap().received.clone()
    }

    /// Waits (up to `within`) until `done` holds of what was received.
    pub async fn wait_for(
        &self,
        within: Duration,
        done: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let got = self.received();
            if done(&got) || start.elapsed() > within {
                return got;
            }
            actix_web::rt::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

impl Receiver {
    /// As [`Receiver::wait_for`], for tests that drive real processes from plain threads.
    pub fn wait_for_blocking(
        &self,
        within: Duration,
        done: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let got = self.received();
            if done(&got) || start.elapsed() > within {
                return got;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

fn serve(stream: TcpStream, script: Arc<Mutex<Script>>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone the stream"));
    let mut headers = HashMap::new();
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let answer = {
        let mut s = script.lock().unwrap();
        s.received.push(Received { headers, body });
        s.next.pop_front().unwrap_or(Answer::Status(200))
    };
    answer_with(stream, answer);
}

fn answer_with(mut stream: TcpStream, answer: Answer) {
    let head = |status: u16, length: usize| {
        format!("HTTP/1.1 {status} X\r\ncontent-length: {length}\r\nconnection: close\r\n\r\n")
    };
    let _ = match answer {
        Answer::Status(code) => stream.write_all(format!("{}ok", head(code, 2)).as_bytes()),
        Answer::Slow(wait) => {
            std::thread::sleep(wait);
            stream.write_all(format!("{}ok", head(200, 2)).as_bytes())
        }
        Answer::Hangup => stream.shutdown(std::net::Shutdown::Both),
        Answer::Huge => {
            let size = 30 * 1024 * 1024;
            let _ = stream.write_all(head(200, size).as_bytes());
            let chunk = vec![b'x'; 64 * 1024];
            let mut sent = 0;
            while sent < size {
                if stream.write_all(&chunk).is_err() {
                    break;
                }
                sent += chunk.len();
            }
            Ok(())
        }
        Answer::Trickle => {
            let _ = stream.write_all(head(200, 1_000_000).as_bytes());
            while stream.write_all(b"x").is_ok() {
                std::thread::sleep(Duration::from_millis(200));
            }
            Ok(())
        }
    };
}
