// The query console served at `/`: a document and variables editor, an Authorization field,
// results, the schema's types from introspection, and subscriptions over graphql-transport-ws.
// Everything it needs comes from this server; it loads nothing from anywhere else.
"use strict";

const ENDPOINT = "/graphql";

const STARTING_DOCUMENT = `# Welcome. Pick an operation above and press Run (or Ctrl+Enter).
#
# 1. SignIn logs in as the demo ADMIN (start the server with --demo); the token it returns is
#    put into the Authorization field for you.
# 2. DemoOrganization reads the demo organization's recent handoffs with that token.
# 3. Landed subscribes to handoffs landing there, over WebSocket; Stop ends it. Put the
#    organization's id (from DemoOrganization) into the variables: {"organizationId": "..."}

mutation SignIn {
  login(input: { email: "admin@demo.example", password: "demo-password-not-secret" }) {
    token
    viewer { name email }
  }
}

query DemoOrganization {
  organization(slug: "demo") {
    id
    name
    handoffs(first: 5) {
      edges { node { title status score band weakestComponents } }
    }
    scorecard { handoffCount averageScore band }
  }
}

subscription Landed($organizationId: ID!) {
  handoffLanded(organizationId: $organizationId) { title score band }
}
`;

const INTROSPECTION = `query ConsoleSchema {
  __schema {
    types {
      kind name description
      fields { name description type { ...TypeName } args { name type { ...TypeName } } }
      inputFields { name description type { ...TypeName } }
      enumValues { name description }
    }
  }
}
fragment TypeName on __Type {
  kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }
}`;

const $ = (id) => document.getElementById(id);
let socket = null;

function authorization() {
  const value = $("authorization").value.trim();
  return value === "" ? null : value;
}

function show(value) {
  $("result").textContent = typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

function status(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

/** Named operations of the document, with their types, in order. */
function operations(text) {
  const stripped = text.replace(/#[^\n\r]*/g, "").replace(/"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"/g, '""');
  const found = [];
  const pattern = /\b(query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/g;
  let match;
  while ((match = pattern.exec(stripped)) !== null) {
    found.push({ type: match[1], name: match[2] });
  }
  if (found.length === 0 && /\bsubscription\b/.test(stripped)) {
    found.push({ type: "subscription", name: "" });
  }
  return found;
}

function refreshOperations() {
  const select = $("operation");
  const previous = select.value;
  const found = operations($("query").value);
  select.replaceChildren(
    ...(found.length ? found : [{ type: "query", name: "" }]).map((op) => {
      const option = document.createElement("option");
      option.value = op.name;
      option.dataset.type = op.type;
      option.textContent = op.name ? `${op.name} (${op.type})` : "(the whole document)";
      return option;
    }),
  );
  if ([...select.options].some((o) => o.value === previous)) {
    select.value = previous;
  }
}

function variables() {
  const text = $("variables").value.trim();
  if (text === "") return {};
  return JSON.parse(text);
}

async function post(query, operationName, vars) {
  const headers = { "content-type": "application/json", accept: "application/graphql-response+json, application/json" };
  const auth = authorization();
  if (auth) headers.authorization = auth;
  const response = await fetch(ENDPOINT, {
    method: "POST",
    headers,
    body: JSON.stringify({ query, operationName: operationName || undefined, variables: vars }),
  });
  return { status: response.status, body: await response.json() };
}

async function run() {
  const select = $("operation");
  const chosen = select.selectedOptions[0];
  const operationName = chosen ? chosen.value : "";
  const type = chosen ? chosen.dataset.type : "query";
  let vars;
  try {
    vars = variables();
  } catch (error) {
    status(`Variables are not valid JSON: ${error.message}`, true);
    return;
  }
  if (type === "subscription") {
    subscribe($("query").value, operationName, vars);
    return;
  }
  status("Running…");
  try {
    const { status: code, body } = await post($("query").value, operationName, vars);
    show(body);
    const token = body && body.data && body.data.login && body.data.login.token;
    if (token) {
      $("authorization").value = `Bearer ${token}`;
      localStorage.setItem("authorization", $("authorization").value);
    }
    status(body.errors ? `HTTP ${code} · ${body.errors.length} error(s)` : `HTTP ${code} · done`, Boolean(body.errors));
  } catch (error) {
    status(`The request failed: ${error.message}`, true);
  }
}

function subscribe(query, operationName, vars) {
  stop();
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${ENDPOINT}`;
  const ws = new WebSocket(url, "graphql-transport-ws");
  socket = ws;
  const events = [];
  $("stop").disabled = false;
  status("Connecting…");
  ws.onopen = () => ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: authorization() || "" } }));
  ws.onmessage = (message) => {
    const data = JSON.parse(message.data);
    if (data.type === "connection_ack") {
      status("Subscribed; events appear below as they happen.");
      ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query, operationName: operationName || undefined, variables: vars } }));
    } else if (data.type === "ping") {
      ws.send(JSON.stringify({ type: "pong" }));
    } else if (data.type === "next" || data.type === "error") {
      events.unshift(data.payload);
      show(events);
    } else if (data.type === "complete") {
      status("The subscription ended.");
    }
  };
  ws.onclose = (event) => {
    if (socket === ws) {
      socket = null;
      $("stop").disabled = true;
      status(`Connection closed (${event.code}${event.reason ? `: ${event.reason}` : ""}).`, event.code !== 1000);
    }
  };
}

function stop() {
  if (socket) {
    const ws = socket;
    socket = null;
    ws.close(1000, "stopped");
    $("stop").disabled = true;
    status("Stopped.");
  }
}

function typeName(type) {
  if (!type) return "";
  if (type.kind === "NON_NULL") return `${typeName(type.ofType)}!`;
  if (type.kind === "LIST") return `[${typeName(type.ofType)}]`;
  return type.name;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function renderTypes(types) {
  const filter = $("filter").value.trim().toLowerCase();
  const list = types
    .filter((t) => !t.name.startsWith("__"))
    .filter((t) => filter === "" || t.name.toLowerCase().includes(filter))
    .sort((a, b) => a.name.localeCompare(b.name));
  const nodes = list.map((type) => {
    const details = element("details");
    const summary = element("summary", "", type.name);
    summary.append(element("span", "kind", type.kind.toLowerCase().replace("_", " ")));
    details.append(summary);
    if (type.description) details.append(element("p", "description", type.description));
    const members = element("ul");
    for (const field of type.fields || type.inputFields || []) {
      const item = element("li");
      const args = (field.args || []).map((a) => `${a.name}: ${typeName(a.type)}`).join(", ");
      item.append(element("code", "", `${field.name}${args ? `(${args})` : ""}: ${typeName(field.type)}`));
      if (field.description) item.append(element("div", "description", field.description));
      members.append(item);
    }
    for (const value of type.enumValues || []) {
      const item = element("li");
      item.append(element("code", "", value.name));
      if (value.description) item.append(element("div", "description", value.description));
      members.append(item);
    }
    details.append(members);
    return details;
  });
  $("types").replaceChildren(...nodes);
}

async function loadSchema() {
  try {
    const { body } = await post(INTROSPECTION, "ConsoleSchema", {});
    if (!body.data) {
      $("types").textContent = "The schema is not available here (introspection is off).";
      return;
    }
    const types = body.data.__schema.types;
    renderTypes(types);
    $("filter").addEventListener("input", () => renderTypes(types));
  } catch (error) {
    $("types").textContent = `The schema could not be loaded: ${error.message}`;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("query").value = localStorage.getItem("query") || STARTING_DOCUMENT;
  $("authorization").value = localStorage.getItem("authorization") || "";
  refreshOperations();
  $("query").addEventListener("input", () => {
    localStorage.setItem("query", $("query").value);
    refreshOperations();
  });
  $("authorization").addEventListener("change", () => localStorage.setItem("authorization", $("authorization").value));
  $("run").addEventListener("click", run);
  $("stop").addEventListener("click", stop);
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") run();
  });
  loadSchema();
});
