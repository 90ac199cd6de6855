// Opens the client report of the demo organization in headless Chromium through a signed link,
// with every host but the server unresolvable, and checks that both charts are drawn, that its
// figures are the API's, that nothing was fetched from elsewhere and no error was logged; saves a
// screenshot; and checks that `&format=pdf` answers a PDF. Usage:
//   node report-check.cjs http://127.0.0.1:PORT target/report.png
// (with playwright-core reachable through NODE_PATH; Chromium at $CHROMIUM or /usr/bin/chromium).
const { chromium } = require('playwright-core');

async function gql(base, query, variables, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${base}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors) throw new Error(`${query}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

const near = (page, api) => (api === null ? page === '' : Math.abs(Number(page) - api) < 1e-9);

async function main() {
  const [base, screenshot] = process.argv.slice(2);
  const failures = [];
  const login = await gql(base, 'mutation($i: LoginInput!) { login(input: $i) { token } }',
    { i: { email: 'leader@demo.example', password: 'demo-password-not-secret' } });
  const token = login.login.token;
  const api = (await gql(base, `{ organization(slug: "demo") { id
      scorecard(lastN: 10) { averageScore componentAverages { averagePoints } handoffs { score } }
      trustReport(days: 90) { signals { signal value } bothImproving } } }`, {}, token)).organization;
  const link = (await gql(base, 'mutation($i: CreateReportLinkInput!) { createReportLink(input: $i) { url } }',
    { i: { organizationId: api.id, expiresInMinutes: 10 } }, token)).createReportLink.url;
  const server = new URL(base);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ${server.hostname}`],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
    page.on('request', (request) => {
      const target = new URL(request.url());
      if (target.protocol !== 'data:' && target.host !== server.host) failures.push(`requested ${request.url()}`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') failures.push(`console error: ${message.text()}`);
    });
    const response = await page.goto(link, { waitUntil: 'load' });
    if (response.status() !== 200) failures.push(`the link answered ${response.status()}`);
    const charts = await page.$$eval('svg', (svgs) => svgs.map((svg) => svg.getBoundingClientRect().height));
    if (charts.length !== 2 || charts.some((h) => h < 100)) failures.push(`two drawn charts expected, got heights ${charts}`);
    const bars = await page.$$eval('[data-figure="component-averages"] rect.bar', (rects) =>
      rects.map((r) => ({ value: r.getAttribute('data-value'), width: r.getBoundingClientRect().width })));
    if (bars.length !== 9) failures.push(`nine bars expected, got ${bars.length}`);
    bars.forEach((bar, i) => {
      const expected = api.scorecard.componentAverages[i].averagePoints;
      if (!near(bar.value, expected)) failures.push(`bar ${i}: ${bar.value} on the page, ${expected} from the API`);
      if (expected > 0 && bar.width <= 0) failures.push(`bar ${i} is not drawn`);
    });
    const average = await page.textContent('[data-figure="average-score"]');
    if (average !== api.scorecard.averageScore.toFixed(1)) failures.push(`average ${average} vs ${api.scorecard.averageScore}`);
    const scores = await page.$$eval('[data-score]', (cells) => cells.map((c) => Number(c.getAttribute('data-score'))));
    if (JSON.stringify(scores) !== JSON.stringify(api.scorecard.handoffs.map((h) => h.score))) {
      failures.push(`last handoffs' scores ${scores} vs ${api.scorecard.handoffs.map((h) => h.score)}`);
    }
    for (const signal of api.trustReport.signals) {
      const value = await page.getAttribute(`tr[data-signal="${signal.signal}"] [data-value]`, 'data-value');
      if (!near(value, signal.value)) failures.push(`${signal.signal}: ${value} on the page, ${signal.value} from the API`);
    }
    const both = await page.getAttribute('[data-figure="both-improving"]', 'data-value');
    if (both !== String(api.trustReport.bothImproving)) failures.push(`bothImproving ${both} vs ${api.trustReport.bothImproving}`);
    const points = await page.$$eval('[data-figure="score-and-trust"] circle', (c) => c.length);
    if (points < 2) failures.push(`the score-and-trust chart has ${points} points`);
    await page.screenshot({ path: screenshot, fullPage: true });
    const pdf = await fetch(`${link}&format=pdf`);
    const bytes = Buffer.from(await pdf.arrayBuffer());
    if (pdf.status !== 200 || bytes.subarray(0, 4).toString() !== '%PDF') {
      failures.push(`the PDF answered ${pdf.status} ${pdf.headers.get('content-type')}: ${bytes.subarray(0, 200)}`);
    }
    console.log(`report check: ${bars.length} bars, ${api.trustReport.signals.length} signals, ${points} points, PDF ${bytes.length} bytes; screenshot ${screenshot}`);
  } finally {
    await browser.close();
  }
  for (const failure of failures) console.log(`FAIL ${failure}`);
  process.exit(failures.length === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
