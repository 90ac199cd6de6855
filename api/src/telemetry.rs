//! Logs to standard error (text or JSON lines) and, when the standard
//! `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set, OpenTelemetry
//! traces over OTLP/HTTP: each request's span, with its operation, user and organization, joined to
//! the caller's trace when the request carries a W3C `traceparent`.
//!
//! The exporter reads the other standard variables itself (`OTEL_EXPORTER_OTLP_PROTOCOL`,
//! `…_HEADERS`, `…_TIMEOUT`, `OTEL_BSP_*`); `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES`
//! name the service (`handoff-api` by default).

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
#[error("OTEL_EXPORTER_OTLP_ENDPOINT is set but its exporter cannot start: {0}")]
pub struct TelemetryError(String);

/// Installs the global subscriber. Call it outside any async runtime: the exporter runs its own
/// thread with a blocking HTTP client.
pub fn init(settings: &Settings) -> Result<Telemetry, TelemetryError> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.log_level));
    // Colour codes only for a terminal: a log file or collector gets plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let logs = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(ansi);
    let logs = match settings.log_format {
        LogFormat::Text => logs.boxed(),
        LogFormat::Json => logs.json().boxed(),
    };
    let provider = if endpoint_is_set() { Some(provider()?) } else { None };
    let traces = provider.as_ref().map(|p| tracing_opentelemetry::layer().with_tracer(p.tracer(SERVICE)));
    tracing_subscriber::registry().with(filter).with(logs).with(traces).init();
    if provider.is_some() {
        opentelemetry::global::set_text_map_propagator(opentelemetry_sdk::propagation::TraceContextPropagator::new());
        EXPORTING.store(true, Ordering::Relaxed);
    }
    Ok(Telemetry { provider })
}

fn endpoint_is_set() -> bool {
    ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
}

fn provider() -> Result<SdkTracerProvider, TelemetryError> {
    let exporter =
        opentelemetry_otlp::SpanExporter::builder().with_http().build().map_err(|e| TelemetryError(e.to_string()))?;
    let mut resource = opentelemetry_sdk::Resource::builder()
        .with_attribute(opentelemetry::KeyValue::new("service.version", env!("CARGO_PKG_VERSION")));
    if std::env::var_os("OTEL_SERVICE_NAME").is_none_or(|v| v.is_empty()) {
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
