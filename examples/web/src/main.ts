import { Api, ApiError } from "./client";
import { HandoffLandedDocument, HandoffPageDocument } from "./documents";
import type { HandoffRowFragment } from "./gql/graphql";

// The API's base URL: `?api=https://…` on the page's own URL, else a server on this machine.
const api = new Api(new URLSearchParams(location.search).get("api") ?? "http://127.0.0.1:8080");

const form = document.querySelector<HTMLFormElement>("#sign-in")!;
const status = document.querySelector<HTMLParagraphElement>("#status")!;
const table = document.querySelector<HTMLTableElement>("#handoffs")!;
const rows = table.querySelector("tbody")!;

function say(text: string, error = false) {
  status.textContent = text;
  status.classList.toggle("error", error);
}

function row(handoff: HandoffRowFragment, landed: boolean): HTMLTableRowElement {
  const tr = document.createElement("tr");
  tr.dataset.id = handoff.id;
  tr.classList.toggle("landed", landed);
  const grades = handoff.grades.map((g) => `${g.component.toLowerCase().replaceAll("_", " ")}: ${g.grade}`).join(", ");
  for (const text of [handoff.title, handoff.partner.name, handoff.status, String(handoff.score), handoff.band, grades]) {
    const td = document.createElement("td");
    td.textContent = text; // text, never HTML: titles are user input
    tr.append(td);
  }
  tr.lastElementChild!.className = "grades";
  return tr;
}

let stopLive = () => {};

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const value = (id: string) => document.querySelector<HTMLInputElement>(id)!.value;
  stopLive();
  try {
    say("Signing in…");
    await api.signIn(value("#email"), value("#password"));
    const { organization } = await api.execute(HandoffPageDocument, { slug: value("#organization") });
    if (!organization) return say(`No organization "${value("#organization")}" for you.`, true);
    rows.replaceChildren(...organization.handoffs.nodes.map((h) => row(h, false)));
    table.hidden = false;
    const listed = `${organization.name}: ${organization.handoffs.nodes.length} handoffs`;
    say(`${listed}; connecting for live updates…`);
    stopLive = api.subscribe(
      HandoffLandedDocument,
      { organizationId: organization.id },
      ({ handoffLanded }) => {
        rows.querySelector(`tr[data-id="${CSS.escape(handoffLanded.id)}"]`)?.remove();
        rows.prepend(row(handoffLanded, true));
        say(`${organization.name}: “${handoffLanded.title}” just landed.`);
      },
      (error) => say(`Live updates stopped: ${error instanceof Error ? error.message : "the connection closed"}`, true),
      (again) => say(again ? `${organization.name}: connected again.` : `${listed}; connected.`),
    );
  } catch (error) {
    if (error instanceof ApiError) say(`${error.code}: ${error.message}`, true);
    else say(`The API could not be reached (${String(error)}).`, true);
  }
});
