//! The `handoff-api` command: `serve` (default), `migrate`, `schema`, `check-data`, `seed`,
//! `healthcheck`, `backup`, `restore`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use handoff_api::config::{Settings, redact_url};
use handoff_api::store::Store;
use handoff_api::{graphql, server};
use migration::{Migrator, MigratorTrait};

/// jemalloc: a page of handoffs allocates some ten thousand times; glibc's malloc spent a fifth of
/// the page's CPU time on that, jemalloc about half as much (docs/performance.md).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(name = "handoff-api", version, about = "GraphQL API for the sales handoff scorecard")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    settings: Settings,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations and serve the API (the default).
    Serve,
    /// Manage the database schema.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Print the GraphQL schema (SDL) that `schema.graphql` must equal.
    Schema,
    /// Write realistic data for benchmarks, straight to the tables (development mode only): the
    /// same numbers write the same rows. Every seeded person's password is `seed-password-not-secret`.
    Seed {
        /// Organizations to write (`seed-000`, `seed-001`, …).
        #[arg(long, default_value_t = 10)]
        organizations: u32,
        /// Handoffs per organization, created over the year before now.
        #[arg(long, default_value_t = 1_000)]
        handoffs: u32,
        /// Also write one more organization, numbered after the others, with this many handoffs.
        #[arg(long)]
        large_organization: Option<u32>,
        /// The seed number.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Import a CSV file of history into an organization, all or nothing (columns: docs/import.md).
    /// Prints every row's problems and exits with failure when there is one.
    Import {
        /// The organization's slug.
        #[arg(long)]
        organization: String,
        /// What the file's rows are.
        #[arg(long, value_enum, default_value_t = ImportKind::Handoffs)]
        kind: ImportKind,
        /// The member the rows are imported as, by email (default: the organization's first ADMIN).
        #[arg(long = "as", value_name = "EMAIL")]
        as_member: Option<String>,
        /// Check every row and report, writing nothing.
        #[arg(long)]
        dry_run: bool,
        file: std::path::PathBuf,
    },
    /// List stored values this version cannot read (each with its table, row and column); exits
    /// with failure when there is one.
    CheckData,
    /// Exit with success when the server on LISTEN_ADDR answers `/healthz` (for a container's
    /// HEALTHCHECK, where no shell or HTTP client is installed).
    Healthcheck,
    /// Copy the whole database into the new file FILE, while servers keep running (SQLite:
    /// `VACUUM INTO`; PostgreSQL: `pg_dump`'s custom format). The file appears only when complete.
    Backup {
        file: std::path::PathBuf,
        #[command(flatten)]
        tools: handoff_api::backup::Tools,
    },
    /// Load FILE, made by `backup`, into the database, all or nothing: into an empty database, or
    /// over an existing one with `--replace`. Stop every server using the database first.
    Restore {
        file: std::path::PathBuf,
        /// Overwrite a database that already holds tables.
        #[arg(long)]
        replace: bool,
        #[command(flatten)]
        tools: handoff_api::backup::Tools,
    },
}

#[derive(Subcommand)]
enum MigrateAction {
    /// Apply all pending migrations.
    Up,
    /// Roll back the last `steps` migrations.
    Down {
        #[arg(long, default_value_t = 1)]
        steps: u32,
    },
    /// List migrations and whether each is applied.
    Status,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Before the runtime: the trace exporter runs its own thread with a blocking client, and the
    // last spans are sent after the runtime has stopped.
    // Traces only from a serving process: a HEALTHCHECK or a migration has no request to trace.
    let serving = matches!(cli.command, None | Some(Command::Serve));
    let telemetry = match handoff_api::telemetry::init(&cli.settings, serving) {
        Ok(telemetry) => telemetry,
        Err(e) => {
            eprintln!("handoff-api: {e}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("handoff-api: starting the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(cli));
    drop(runtime);
    drop(telemetry);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("handoff-api: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(cli.settings).await,
        Command::Migrate { action } => migrate(&cli.settings, action).await,
        Command::Schema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
        Command::CheckData => check_data(&cli.settings).await,
        Command::Healthcheck => healthcheck(cli.settings.listen_addr).await,
        Command::Backup { file, tools } => backup(&cli.settings, &file, tools).await,
        Command::Restore { file, replace, tools } => restore(&cli.settings, &file, replace, tools).await,
        Command::Import { organization, kind, as_member, dry_run, file } => {
            import(&cli.settings, &organization, kind, as_member.as_deref(), dry_run, &file).await
        }
        Command::Seed { organizations, handoffs, large_organization, seed } => {
            let plan = handoff_api::seed::Plan {
                organizations,
                handoffs_per_organization: handoffs,
                large_organization,
                seed,
            };
            seed_data(&cli.settings, plan).await
        }
    }
}

async fn serve(settings: Settings) -> Result<(), String> {
    let config = settings.resolve().map_err(|e| e.to_string())?;
    if settings.uses_development_secret() {
        match handoff_api::auth::secret::development_secret_path(
            &settings.database_url,
            handoff_api::auth::secret::JWT_SECRET_FILE,
        ) {
            Some(path) => tracing::warn!(
                "JWT_SECRET is not set: signing with a generated secret kept in {} (production mode requires JWT_SECRET)",
                path.display()
            ),
            None => tracing::warn!(
                "JWT_SECRET is not set: signing with a secret generated for this process; tokens end at restart"
            ),
        }
    }
    let running = server::start(config.clone()).await.map_err(|e| e.to_string())?;
    let url = format!("http://{}", running.addr());
    tracing::info!(database = %redact_url(&config.database_url), production = config.production, "serving on {url}");
    // The banner is for a person at a terminal: a closed or full stdout (a supervisor that does not
    // read it) must never take the running server down, so write errors are ignored.
    let mut banner = format!("handoff-api is serving on {url}\n");
    banner += &format!("  GraphQL endpoint: {url}/graphql (WebSocket: graphql-transport-ws on the same path)\n");
    if config.graphiql {
        banner += &format!("  Query console:    {url}/\n");
    }
    if let Some(metrics) = running.metrics_addr() {
        banner += &format!("  Metrics:          http://{metrics}/metrics\n");
    }
    if let Some(demo) = running.demo_logins() {
        let state = if demo.loaded_now { "loaded" } else { "already loaded" };
        banner += &format!(
            "  Demo organization `{}` {state}; log in with password `{}` as:\n",
            handoff_api::demo::SLUG,
            demo.password
        );
        for (role, email) in &demo.people {
            banner += &format!("    {role:<17} {email}\n");
        }
    }
    let mut stdout = std::io::stdout();
    let _ = std::io::Write::write_all(&mut stdout, banner.as_bytes()).and_then(|()| std::io::Write::flush(&mut stdout));
    server::shutdown_signal().await;
    tracing::info!("shutting down: draining in-flight requests");
    running.stop().await.map_err(|e| e.to_string())
}

async fn healthcheck(listen_addr: std::net::SocketAddr) -> Result<(), String> {
    // A server listening on every address is reached on loopback.
    let host = match listen_addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => std::net::Ipv4Addr::LOCALHOST.into(),
        ip if ip.is_unspecified() => std::net::Ipv6Addr::LOCALHOST.into(),
        ip => ip,
    };
    let url = format!("http://{}/healthz", std::net::SocketAddr::new(host, listen_addr.port()));
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(3))
        .no_proxy()
        .build()
        .map_err(|e| e.to_string())?;
    let response = client.get(&url).send().await.map_err(|e| format!("{url}: {e}"))?;
    match response.status().is_success() {
        true => Ok(()),
        false => Err(format!("{url} answered {}", response.status())),
    }
}

async fn backup(settings: &Settings, file: &std::path::Path, tools: handoff_api::backup::Tools) -> Result<(), String> {
    let done = handoff_api::backup::backup(&settings.database_url, file, &tools).await.map_err(|e| e.to_string())?;
    println!(
        "backed up {} to {} ({} bytes, {} migrations applied)",
        redact_url(&settings.database_url),
        done.file.display(),
        done.bytes,
        done.migrations.len()
    );
    Ok(())
}

async fn restore(
    settings: &Settings,
    file: &std::path::Path,
    replace: bool,
    tools: handoff_api::backup::Tools,
) -> Result<(), String> {
    let done =
        handoff_api::backup::restore(&settings.database_url, file, replace, &tools).await.map_err(|e| e.to_string())?;
    println!("restored {} ({} bytes) into {}", done.file.display(), done.bytes, redact_url(&settings.database_url));
    let unknown = done.unknown_migrations();
    if !unknown.is_empty() {
        println!(
            "the backup comes from a newer release (migrations {}): serve it with that release or a later one",
            unknown.join(", ")
        );
    }
    let pending = done.pending_migrations();
    if !pending.is_empty() {
        println!(
            "{} migrations are pending: `handoff-api migrate up` (or the server's start) applies them",
            pending.len()
        );
    }
    Ok(())
}

async fn seed_data(settings: &Settings, plan: handoff_api::seed::Plan) -> Result<(), String> {
    let connections = handoff_api::seed::PARALLEL_WRITES as u32;
    let store = Store::connect(&settings.database_url, connections).await.map_err(|e| e.to_string())?;
    store.migrate_up().await.map_err(|e| e.to_string())?;
    let started = std::time::Instant::now();
    let now = chrono::Utc::now();
    let seeded =
        handoff_api::seed::run(&store, plan, now, settings.is_production()).await.map_err(|e| e.to_string())?;
    println!(
        "seeded {} organizations in {:.1} s: {} people, {} handoffs, {} grades, {} answers, {} trust records",
        seeded.organizations,
        started.elapsed().as_secs_f64(),
        seeded.people,
        seeded.handoffs,
        seeded.grades,
        seeded.responses,
        seeded.records
    );
    println!("log in as {} with password {}", seeded.first_admin, handoff_api::seed::PASSWORD);
    Ok(())
}

/// The kinds of file `import` reads.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ImportKind {
    Handoffs,
    PartnerAsks,
    PartnerMeetings,
    PipelineMentions,
    Escalations,
    ScoreReviews,
}

async fn import(
    settings: &Settings,
    slug: &str,
    kind: ImportKind,
    as_member: Option<&str>,
    dry_run: bool,
    file: &std::path::Path,
) -> Result<(), String> {
    use handoff_api::domain::import::RecordKind;
    use handoff_api::import::FileKind;
    let kind = match kind {
        ImportKind::Handoffs => FileKind::Handoffs,
        ImportKind::PartnerAsks => FileKind::Records(RecordKind::PartnerAsk),
        ImportKind::PartnerMeetings => FileKind::Records(RecordKind::PartnerMeeting),
        ImportKind::PipelineMentions => FileKind::Records(RecordKind::PipelineMention),
        ImportKind::Escalations => FileKind::Records(RecordKind::Escalation),
        ImportKind::ScoreReviews => FileKind::Records(RecordKind::ScoreReview),
    };
    let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let store = Store::connect(&settings.database_url, 1).await.map_err(|e| e.to_string())?;
    let started = std::time::Instant::now();
    let report =
        handoff_api::import::as_operator(&store, slug, as_member, kind, &bytes, dry_run, chrono::Utc::now()).await?;
    print!("{}", handoff_api::import::summary(&report));
    println!("({:.2} s)", started.elapsed().as_secs_f64());
    match report.problem_count {
        0 => Ok(()),
        n => Err(format!("{n} problem(s); nothing was imported")),
    }
}

async fn check_data(settings: &Settings) -> Result<(), String> {
    let store = Store::connect(&settings.database_url, 1).await.map_err(|e| e.to_string())?;
    let found = handoff_api::store::codes::unreadable(store.conn(), handoff_api::store::codes::Scan::Everything)
        .await
        .map_err(|e| e.to_string())?;
    for value in &found {
        println!("{value}");
    }
    match found.len() {
        0 => Ok(()),
        n => Err(format!("{n} stored values this version cannot read")),
    }
}

async fn migrate(settings: &Settings, action: MigrateAction) -> Result<(), String> {
    // Two connections: on PostgreSQL one holds the migration lock while the other migrates.
    let store = Store::connect(&settings.database_url, 2).await.map_err(|e| e.to_string())?;
    let db = store.conn();
    match action {
        MigrateAction::Up => store.migrate_up().await.map_err(|e| e.to_string())?,
        MigrateAction::Down { steps } => Migrator::down(db, Some(steps)).await.map_err(|e| e.to_string())?,
        MigrateAction::Status => {
            for m in Migrator::get_migration_with_status(db).await.map_err(|e| e.to_string())? {
                println!("{:<10} {}", format!("{:?}", m.status()), m.name());
            }
        }
    }
    Ok(())
}
