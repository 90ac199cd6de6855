// Opens the query console in headless Chromium with every host but the server unresolvable, signs
// in and runs the demo query from the page, and checks the result appears on the page, nothing was
// requested from another host, and no error (a Content-Security-Policy refusal included) was
// logged. Saves a screenshot. Usage:
//   node console-check.cjs http://127.0.0.1:PORT/ target/console.png
// (with playwright-core reachable through NODE_PATH; Chromium at $CHROMIUM or /usr/bin/chromium).
const { chromium } = require('playwright-core');

async function main() {
  const [url, screenshot] = process.argv.slice(2);
  const server = new URL(url);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ${server.hostname}`,
    ],
  });
  const failures = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('request', (request) => {
      const target = new URL(request.url());
      if (target.protocol !== 'data:' && target.host !== server.host) failures.push(`requested ${request.url()}`);
    });
    page.on('pageerror', (error) => failures.push(`page error: ${error}`));
    page.on('console', (message) => {
      if (message.type() === 'error') failures.push(`console error: ${message.text()}`);
    });
    const response = await page.goto(url, { waitUntil: 'load' });
    const policy = response.headers()['content-security-policy'] || '';
    if (!policy.includes("default-src 'none'")) failures.push(`no strict Content-Security-Policy: "${policy}"`);
    // The schema panel fills from introspection.
    await page.waitForSelector('#types details', { timeout: 15000 });
    await page.selectOption('#operation', 'SignIn');
    await page.click('#run');
    await page.waitForFunction(() => document.getElementById('authorization').value.startsWith('Bearer '), null, { timeout: 15000 });
    await page.selectOption('#operation', 'DemoOrganization');
    await page.click('#run');
    await page.waitForFunction(() => document.getElementById('result').textContent.includes('"edges"'), null, { timeout: 15000 });
    const result = JSON.parse(await page.textContent('#result'));
    const organization = result.data && result.data.organization;
    if (!organization || !organization.name) failures.push(`the demo query did not return the organization: ${JSON.stringify(result)}`);
    else if (organization.handoffs.edges.length === 0) failures.push('the demo organization shows no handoffs');
    await page.screenshot({ path: screenshot, fullPage: true });
    // A subscription over WebSocket, from the same page and under the same policy.
    if (organization) {
      await page.fill('#variables', JSON.stringify({ organizationId: organization.id }));
      await page.selectOption('#operation', 'Landed');
      await page.click('#run');
      await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Subscribed'), null, { timeout: 15000 });
      await page.click('#stop');
    }
    console.log(`console check: ${organization ? organization.name : '?'}, ${organization ? organization.handoffs.edges.length : 0} handoffs shown; screenshot ${screenshot}`);
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
