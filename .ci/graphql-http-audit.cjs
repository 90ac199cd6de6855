// Runs the graphql-http server audit (GraphQL over HTTP) against a running server and fails on
// anything short of "ok", notices included. Usage: node graphql-http-audit.cjs http://HOST:PORT/graphql
// (with graphql-http reachable through NODE_PATH).
const { auditServer } = require('graphql-http');

async function main() {
  const url = process.argv[2];
  const results = await auditServer({ url });
  const failed = results.filter((r) => r.status !== 'ok');
  for (const r of failed) {
    let body = '';
    try { body = r.response ? (await r.response.text()).slice(0, 300) : ''; } catch (_) { body = ''; }
    console.log(`${r.status.toUpperCase()} ${r.id} ${r.name}: ${r.reason} ${body}`);
  }
  console.log(`graphql-http audit: ${results.length} audits, ${results.length - failed.length} ok, ${failed.length} not ok`);
  process.exit(failed.length === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
