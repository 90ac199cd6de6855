// Drives the built app in headless Chromium against a live demo server on another origin:
// sign in, see the page of handoffs with their grades, send a handoff through the API, see it land.
//
//   APP_URL=http://127.0.0.1:4173 API_URL=http://127.0.0.1:8080 node e2e.cjs [screenshot.png]
//
// The server must run with `--demo` and CORS_ALLOWED_ORIGINS naming APP_URL's origin. Set
// TOKEN_TTL_MINUTES to the server's (1) to also wait for the access token to expire.
const { chromium } = require("playwright-core");

const APP_URL = process.env.APP_URL;
const API_URL = process.env.API_URL;
const PASSWORD = "demo-password-not-secret";
const COMPONENTS = ["TARGET_ACCOUNT_LOGIC", "PARTNER_CONTEXT", "RELATIONSHIP_PATH", "BUYER_PROBLEM", "PARTNER_OFFER",
  "NEXT_ACTION", "OWNER", "ACCEPTANCE_CRITERIA", "PROOF"];

async function call(query, variables, token) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(`${API_URL}/graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const answer = await response.json();
  if (answer.errors) throw new Error(`${query.slice(0, 40)}…: ${JSON.stringify(answer.errors)}`);
  return answer.data;
}

/** What another person does meanwhile: the demo marketer sends a full-marks handoff. */
async function sendHandoff(title) {
  const login = await call("mutation($i: LoginInput!) { login(input: $i) { token viewer { id } } }",
    { i: { email: "marketer@demo.example", password: PASSWORD } });
  const token = login.login.token;
  const org = (await call(`{ organization(slug: "demo") { id accounts(first: 1) { nodes { id } }
    partners(first: 1) { nodes { id } } } }`, {}, token)).organization;
  const packet = { organizationId: org.id, accountId: org.accounts.nodes[0].id, partnerId: org.partners.nodes[0].id,
    title, ownerId: login.login.viewer.id, nextAction: "Book the call this week", responseWindowDays: 3,
    acceptanceDefinition: "The seller books the call" };
  const created = await call("mutation($i: CreateHandoffInput!) { createHandoff(input: $i) { handoff { id } } }",
    { i: packet }, token);
  const id = created.createHandoff.handoff.id;
  await call("mutation($i: GradeHandoffInput!) { gradeHandoff(input: $i) { handoff { id } } }",
    { i: { handoffId: id, grades: COMPONENTS.map((component) => ({ component, grade: "STRONG" })) } }, token);
  await call("mutation($i: SendHandoffInput!) { sendHandoff(input: $i) { handoff { status } } }",
    { i: { handoffId: id } }, token);
}

(async () => {
  if (new URL(APP_URL).origin === new URL(API_URL).origin) throw new Error("the app must be served from another origin");
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium" });
  const problems = [];
  try {
    const page = await browser.newPage();
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => { if (message.type() === "error") problems.push(`console: ${message.text()}`); });
    // Each answer from the API, with the origin it allowed (CORS).
    const answers = [];
    page.on("response", (response) => {
      if (response.url().startsWith(API_URL)) {
        answers.push([response.request().method(), response.headers()["access-control-allow-origin"]]);
      }
    });

    await page.goto(`${APP_URL}/?api=${encodeURIComponent(API_URL)}`);
    await page.fill("#email", "admin@demo.example");
    await page.fill("#password", PASSWORD);
    await page.click("button[type=submit]");
    await page.waitForSelector("#status:has-text('handoffs; connected.')", { timeout: 20000 });
    const listed = await page.locator("#handoffs tbody tr").count();
    if (listed < 5) throw new Error(`the page lists ${listed} handoffs; the demo has about thirty`);
    const grades = await page.locator("#handoffs tbody tr td.grades").first().textContent();
    if (!/target account logic: (STRONG|WEAK|MISSING)/.test(grades)) throw new Error(`no grades shown: ${grades}`);
    // The page's query went by hash in a GET (persisted queries); every answer allowed the app's
    // origin, which the browser checked (after a preflight, for the Authorization header).
    const appOrigin = new URL(APP_URL).origin;
    if (!answers.some(([method]) => method === "GET") || answers.some(([, allowed]) => allowed !== appOrigin)) {
      throw new Error(`expected GETs and POSTs allowed for ${appOrigin}, saw ${JSON.stringify(answers)}`);
    }

    // `handoffLanded` is live only: the server may still be registering the subscription when the
    // socket is up, so one handoff sent too early may pass unseen; a second one then must land.
    let title = `Landed live ${Date.now()}`;
    await sendHandoff(title);
    const landed = page.locator("#handoffs tbody tr.landed").first();
    if (!(await landed.waitFor({ timeout: 8000 }).then(() => true, () => false))) {
      title = `Landed live, second try ${Date.now()}`;
      await sendHandoff(title);
      await landed.waitFor({ timeout: 20000 });
    }
    const cells = await landed.locator("td").allTextContents();
    if (cells[0] !== title || cells[3] !== "18" || cells[4] !== "SALES_READY") {
      throw new Error(`the landed row reads ${JSON.stringify(cells)}`);
    }

    // With short-lived access tokens (the server's TOKEN_TTL_MINUTES=1), stay until the token
    // expires: the server closes the socket (4403), the app refreshes its token, reconnects and
    // subscribes again, and a handoff sent after that still lands.
    if (process.env.TOKEN_TTL_MINUTES) {
      const wait = Number(process.env.TOKEN_TTL_MINUTES) * 60_000 + 30_000;
      await page.waitForSelector("#status:has-text('connected again')", { timeout: wait }).catch(async (error) => {
        throw new Error(`${error.message}\nthe page says: ${await page.textContent("#status")}`);
      });
      let after = `Landed after a refresh ${Date.now()}`;
      await sendHandoff(after);
      const seen = (text, ms) => page.locator(`#handoffs tbody tr.landed:has-text('${text}')`).waitFor({ timeout: ms });
      if (!(await seen(after, 8000).then(() => true, () => false))) {
        after = `Landed after a refresh, second try ${Date.now()}`;
        await sendHandoff(after);
        await seen(after, 20000);
      }
      console.log("examples/web: the access token expired, was refreshed, and live updates went on");
    }
    if (process.argv[2]) await page.screenshot({ path: process.argv[2], fullPage: true });
    if (problems.length) throw new Error(problems.join("\n"));
    console.log(`examples/web: signed in, ${listed} handoffs listed with grades, "${title}" landed live`);
  } finally {
    await browser.close();
  }
})().catch((error) => {
  console.error(error.message || error);
  process.exit(1);
});
