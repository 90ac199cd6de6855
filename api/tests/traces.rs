//! OpenTelemetry traces: with `OTEL_EXPORTER_OTLP_ENDPOINT` set, a collector on loopback receives
//! OTLP/HTTP protobuf spans, one per request, naming its operation, user and organization, joined
//! to the caller's trace by `traceparent`.

#[allow(dead_code)] // the shared helpers this test does not need
mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{KeyValue, any_value};
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;

/// One export as the collector received it.
struct Export {
    path: String,
    content_type: String,
    request: ExportTraceServiceRequest,
}

/// An OTLP/HTTP collector on loopback that decodes every export it is sent.
fn collector() -> (String, Arc<Mutex<Vec<Export>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen: Arc<Mutex<Vec<Export>>> = Arc::default();
    let recorded = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            let (mut length, mut content_type) = (0, String::new());
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(value) = lower.strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
                if let Some(value) = lower.strip_prefix("content-type:") {
                    content_type = value.trim().to_owned();
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            let path = request_line.split_whitespace().nth(1).unwrap_or_default().to_owned();
            if let Ok(request) = ExportTraceServiceRequest::decode(body.as_slice()) {
                recorded.lock().unwrap().push(Export { path, content_type, request });
            }
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    (url, seen)
}

fn text(attributes: &[KeyValue], key: &str) -> Option<String> {
    attributes.iter().find(|kv| kv.key == key).and_then(|kv| match kv.value.as_ref()?.value.as_ref()? {
        any_value::Value::StringValue(s) => Some(s.clone()),
        other => Some(format!("{other:?}")),
    })
}

/// The request spans received so far, each with its service name.
fn request_spans(seen: &Mutex<Vec<Export>>) -> Vec<(String, Span)> {
    let mut spans = Vec::new();
    for export in seen.lock().unwrap().iter() {
        assert_eq!(export.path, "/v1/traces");
        assert_eq!(export.content_type, "application/x-protobuf");
        for resource_spans in &export.request.resource_spans {
            let service =
                resource_spans.resource.as_ref().and_then(|r| text(&r.attributes, "service.name")).unwrap_or_default();
            for scope in &resource_spans.scope_spans {
                for span in scope.spans.iter().filter(|s| s.name == "request") {
                    spans.push((service.clone(), span.clone()));
                }
            }
        }
    }
    spans
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn requests_become_spans_on_an_otlp_collector_joined_to_the_callers_trace() {
    let (endpoint, seen) = collector();
    let dir = common::scratch("traces");
    let (mut server, url, _) = common::start_with(
        &dir,
        "traces",
        &[("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint), ("OTEL_BSP_SCHEDULE_DELAY", "100")],
    );
    let api = common::Client::new(&url);
    let (token, user) = api.sign_up("admin@traces.example").await;
    let (org, _, _, _) = api.organization(&token, "traces").await;

    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let caller_span = "00f067aa0ba902b7";
    let scores = "query Scores { organization(slug: \"traces\") { scorecard { handoffCount } } }";
    let traceparent = format!("00-{trace_id}-{caller_span}-01");
    api.ok_with(Some(&token), scores, serde_json::json!({}), &[("traceparent", &traceparent)]).await;

    let started = Instant::now();
    let joined = loop {
        let spans = request_spans(&seen);
        if let Some(found) = spans.iter().find(|(_, span)| hex(&span.trace_id) == trace_id) {
            break (found.clone(), spans);
        }
        assert!(started.elapsed() < Duration::from_secs(15), "no span of the caller's trace arrived");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let ((service, span), all) = joined;
    assert_eq!(service, "handoff-api");
    assert_eq!(hex(&span.parent_span_id), caller_span, "the request's span is a child of the caller's");
    assert_eq!(text(&span.attributes, "operation").as_deref(), Some("Scores"));
    assert_eq!(text(&span.attributes, "user_id"), Some(common::uuid_of(&user)));
    assert_eq!(text(&span.attributes, "organization_id"), Some(common::uuid_of(&org)));
    assert_eq!(text(&span.attributes, "path").as_deref(), Some("/graphql"));
    assert!(text(&span.attributes, "request_id").is_some_and(|id| !id.is_empty()));
    assert!(span.end_time_unix_nano > span.start_time_unix_nano);
    // Requests without a `traceparent` start traces of their own.
    let roots: Vec<&Span> =
        all.iter().map(|(_, s)| s).filter(|s| s.parent_span_id.is_empty() && hex(&s.trace_id) != trace_id).collect();
    assert!(roots.len() >= 2, "sign-up and the organization's requests are roots: {}", roots.len());
    server.kill().unwrap();
    server.wait().unwrap();
}
