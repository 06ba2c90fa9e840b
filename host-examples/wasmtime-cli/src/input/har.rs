//! HTTP Archives (HAR 1.2) from browsers and proxies: every request with a text body is a
//! payload; requests without one (page loads, GETs) are skipped.

use std::io::BufRead;
use std::sync::Arc;

use serde::Deserialize;

use super::{InputProblem, Item, Payload, ReadOptions, RequestLine};

#[derive(Deserialize)]
struct Har {
    log: Log,
}

#[derive(Deserialize)]
struct Log {
    entries: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    request: Request,
    /// What the receiver answered; HAR writes status 0 when no response came.
    #[serde(default)]
    response: Option<Response>,
}

#[derive(Deserialize)]
struct Response {
    #[serde(default)]
    status: u64,
}

#[derive(Deserialize)]
struct Request {
    method: String,
    url: String,
    #[serde(default)]
    headers: Vec<Header>,
    #[serde(rename = "postData")]
    post_data: Option<PostData>,
}

#[derive(Deserialize)]
struct Header {
    name: String,
    value: String,
}

#[derive(Deserialize)]
struct PostData {
    text: Option<String>,
    /// Not in HAR 1.2, but written by several tools for binary bodies.
    encoding: Option<String>,
}

pub fn read(
    label: Arc<str>,
    reader: impl BufRead,
    options: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> bool,
) -> bool {
    let har: Har = match serde_json::from_reader(reader) {
        Ok(har) => har,
        Err(error) => {
            return sink(Item::Problem(InputProblem {
                source: label.to_string(),
                message: format!(
                    "not a HAR file (expected {{\"log\": {{\"entries\": [...]}}}}): line {} column {}",
                    error.line(),
                    error.column()
                ),
            }));
        }
    };
    for (index, entry) in har.log.entries.into_iter().enumerate() {
        let Some(post_data) = entry.request.post_data else {
            continue;
        };
        let Some(text) = post_data.text else {
            continue;
        };
        let source = format!("{label}#/log/entries/{index}");
        if post_data
            .encoding
            .is_some_and(|encoding| encoding != "utf8" && encoding != "utf-8")
        {
            let problem = InputProblem {
                source,
                message:
                    "the body is stored encoded (postData.encoding); only text bodies are read"
                        .into(),
            };
            if !sink(Item::Problem(problem)) {
                return false;
            }
            continue;
        }
        let mut body = text.into_bytes();
        body.truncate(options.max_bytes.saturating_add(1));
        let payload = Payload {
            file: Arc::clone(&label),
            source: Arc::from(source),
            request: Some(RequestLine {
                method: entry.request.method,
                target: entry.request.url,
                webhook_headers: entry
                    .request
                    .headers
                    .into_iter()
                    .filter(|header| super::is_webhook_header(&header.name))
                    .map(|header| (header.name, header.value))
                    .collect(),
                answered: entry
                    .response
                    .and_then(|response| u16::try_from(response.status).ok())
                    .filter(|status| (100..600).contains(status)),
            }),
            // The body is a JSON string inside the archive, escaped: positions stay relative
            // to the body itself.
            origin: None,
            body,
        };
        if !sink(Item::Payload(payload)) {
            return false;
        }
    }
    true
}
