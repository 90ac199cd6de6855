//! Logs to standard error (text or JSON lines) and, when `serve` runs with the standard
//! `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) set, OpenTelemetry
//! traces over OTLP/HTTP with protobuf: each request's span, with its operation, user and
//! organization, joined to the caller's trace when the request carries a W3C `traceparent`.
//!
//! Spans are exported at `info` and above whatever `LOG_LEVEL` says, and without the log events
//! inside them: the SQL trace, for one, never leaves the process. The exporter reads the other
//! standard variables itself (`…_HEADERS`, `…_TIMEOUT`, `OTEL_BSP_*`); `OTEL_SERVICE_NAME` or a
//! `service.name` in `OTEL_RESOURCE_ATTRIBUTES` names the service (`handoff-api` by default).
//! The exporter's own trouble (a collector down, a refused export) is logged under the
//! `opentelemetry` targets.

use std::sync::atomic::{AtomicBool, Ordering};

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::{LogFormat, Settings};

/// Whether spans are exported; when not, a request pays nothing for reading its `traceparent`.
static EXPORTING: AtomicBool = AtomicBool::new(false);

const SERVICE: &str = "handoff-api";

/// Keeps the exporter alive; dropping it sends the spans still queued.
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take()
            && let Err(e) = provider.shutdown()
        {
            eprintln!("handoff-api: sending the last trace spans: {e}");
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("OpenTelemetry traces: {0}")]
pub struct TelemetryError(String);

/// Installs the global subscriber; with `traces`, also the span exporter when a collector is
/// named. Call it outside any async runtime: the exporter runs its own thread with a blocking
/// HTTP client.
pub fn init(settings: &Settings, traces: bool) -> Result<Telemetry, TelemetryError> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.log_level));
    // Colour codes only for a terminal: a log file or collector gets plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let logs = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(ansi);
    let logs = match settings.log_format {
        LogFormat::Text => logs.with_filter(filter).boxed(),
        LogFormat::Json => logs.json().with_filter(filter).boxed(),
    };
    let provider = if traces && exporting_is_asked() { Some(provider()?) } else { None };
    let spans = provider.as_ref().map(|p| {
        tracing_opentelemetry::layer().with_tracer(p.tracer(SERVICE)).with_filter(
            tracing_subscriber::filter::filter_fn(|meta| meta.is_span() && *meta.level() <= tracing::Level::INFO),
        )
    });
    tracing_subscriber::registry().with(logs).with(spans).init();
    if provider.is_some() {
        opentelemetry::global::set_text_map_propagator(opentelemetry_sdk::propagation::TraceContextPropagator::new());
        EXPORTING.store(true, Ordering::Relaxed);
    }
    Ok(Telemetry { provider })
}

fn set(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Whether a collector is named, and the SDK not switched off by its standard variables.
fn exporting_is_asked() -> bool {
    let disabled = set("OTEL_SDK_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true"))
        || set("OTEL_TRACES_EXPORTER").is_some_and(|v| v.eq_ignore_ascii_case("none"));
    !disabled && (set("OTEL_EXPORTER_OTLP_ENDPOINT").is_some() || set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").is_some())
}

fn provider() -> Result<SdkTracerProvider, TelemetryError> {
    // Only OTLP over HTTP with protobuf is built in; another protocol asked for would fail quietly.
    for name in ["OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] {
        if let Some(protocol) = set(name).filter(|p| p != "http/protobuf") {
            return Err(TelemetryError(format!(
                "{name}={protocol} is not supported: only http/protobuf is (forward gRPC through an OpenTelemetry Collector)"
            )));
        }
    }
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .build()
        .map_err(|e| TelemetryError(format!("the OTLP exporter cannot start: {e}")))?;
    let mut resource = opentelemetry_sdk::Resource::builder()
        .with_attribute(opentelemetry::KeyValue::new("service.version", env!("CARGO_PKG_VERSION")));
    let named = set("OTEL_SERVICE_NAME").is_some()
        || set("OTEL_RESOURCE_ATTRIBUTES")
            .is_some_and(|a| a.split(',').any(|kv| kv.trim().starts_with("service.name=")));
    if !named {
        resource = resource.with_service_name(SERVICE);
    }
    Ok(SdkTracerProvider::builder().with_batch_exporter(exporter).with_resource(resource.build()).build())
}

/// Makes `span` a child of the trace named by `headers`' `traceparent`, when spans are exported.
pub fn adopt_remote_parent(span: &tracing::Span, headers: &axum::http::HeaderMap) {
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    if !EXPORTING.load(Ordering::Relaxed) {
        return;
    }
    let parent = opentelemetry::global::get_text_map_propagator(|propagator| {
        propagator.extract(&opentelemetry_http::HeaderExtractor(headers))
    });
    let _ = span.set_parent(parent);
}
