// The review queue: two records side by side, the evidence as contributions, a decision that takes
// effect at once. Keys: A accept, R reject, S skip.
import { gql } from "../api.js";
import { drawChart } from "../lib.js";
import { empty, failure, fmt, h, loading, personLink, picture, show, toast } from "../ui.js";

const PERSON = "person { id name identities { platform handle } }";
const QUEUE = `query Queue($offset: Int!) {
  reviewQueue(status: PENDING, first: 20, offset: $offset) {
    id score value evidence
    a { kind id contact { source sourceId name company title city country ${PERSON} }
        identity { platform handle displayName avatarUrl followers bio location url ${PERSON} } }
    b { kind id contact { source sourceId name company title city country ${PERSON} }
        identity { platform handle displayName avatarUrl followers bio location url ${PERSON} } }
  }
}`;
const DECIDE = (accept) => `mutation Decide($id: ID!, $reason: String) {
  ${accept ? "acceptMatch" : "rejectMatch"}(id: $id, reason: $reason) { id status }
}`;

function side(record, label) {
  const c = record.contact;
  const i = record.identity;
  const facts = c
    ? [["record", `${c.source}:${c.sourceId}`], ["name", c.name], ["title", c.title], ["company", c.company], ["city", c.city], ["country", c.country]]
    : [["account", `${i.platform}:${i.handle ?? "(hidden)"}`], ["name", i.displayName], ["bio", i.bio], ["location", i.location], ["followers", fmt(i.followers)], ["link", i.url]];
  const person = (c || i || {}).person;
  const photo = i && i.avatarUrl
    ? h("figure", { class: "small muted", style: "margin:0" }, picture(i.avatarUrl, i.displayName || i.handle || "?", true), h("figcaption", { class: "url" }, i.avatarUrl))
    : null;
  return h("div", { class: "side stack", "aria-label": label },
    h("h2", {}, label),
    photo,
    h("dl", { class: "facts" }, ...facts.filter(([, v]) => v !== null && v !== undefined && v !== "").flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, String(v))])),
    h("p", { class: "small muted" }, person ? h("span", {}, "now in ", personLink(person), ` (${person.identities.length} identities)`) : "not in a person yet"),
  );
}

function after(pair) {
  const persons = [pair.a, pair.b].map((r) => (r.contact || r.identity || {}).person).filter(Boolean);
  const accounts = new Set(persons.flatMap((p) => p.identities.map((i) => `${i.platform}:${i.handle ?? "(hidden)"}`)));
  const ids = new Set(persons.map((p) => p.id));
  if (ids.size === 1) return h("p", { class: "small" }, "Both records are already in one person; accepting keeps them together in every later run.");
  return h("p", { class: "small" }, `Accepting joins ${ids.size || "the two"} person(s) into one with ${accounts.size} identities: `, [...accounts].slice(0, 12).join(", "), accounts.size > 12 ? " …" : "");
}

async function evidenceChart(canvas, evidence) {
  const items = (Array.isArray(evidence) ? evidence : []).filter((e) => typeof e.weight === "number");
  return drawChart(canvas, {
    type: "bar",
    data: {
      labels: items.map((e) => `${e.comparison || e.field || ""} ${e.level || ""}`.trim()),
      datasets: [{ label: "evidence (bits)", data: items.map((e) => e.weight), backgroundColor: items.map((e) => (e.weight >= 0 ? "#166534" : "#b91c1c")) }],
    },
    options: { indexAxis: "y", plugins: { legend: { display: false } } },
  });
}

export async function render(view, args, context) {
  let offset = 0;
  let queue = [];
  let index = 0;
  const panel = h("div", {});
  show(view, h("h1", {}, "Review queue"), h("p", { class: "muted" }, "Uncertain pairs, most valuable first. Decisions take effect at once and hold in every later run. Keys: ", h("span", { class: "kbd" }, "A"), " accept, ", h("span", { class: "kbd" }, "R"), " reject, ", h("span", { class: "kbd" }, "S"), " skip."), panel);

  const load = async () => {
    show(panel, loading("Loading the queue"));
    const data = await gql(QUEUE, { offset });
    if (!context.alive()) return;
    queue = data.reviewQueue;
    index = 0;
    draw();
  };

  const decide = async (accept) => {
    const pair = queue[index];
    if (!pair) return;
    try {
      const result = await gql(DECIDE(accept), { id: pair.id, reason: "console review" });
      const status = (result.acceptMatch || result.rejectMatch).status;
      toast(`${status}: ${pair.a.id} / ${pair.b.id}`);
      queue.splice(index, 1);
      if (!queue.length) await load();
      else draw();
    } catch (error) {
      show(panel, failure(error, draw));
    }
  };
  const skip = () => {
    index += 1;
    if (index >= queue.length) {
      offset += queue.length;
      load();
    } else draw();
  };

  const draw = () => {
    const pair = queue[index];
    if (!pair) return show(panel, empty("The queue is empty: no uncertain pairs wait for a decision."));
    const canvas = h("canvas", { id: "evidence-chart", role: "img", "aria-label": "evidence contributions" });
    show(panel, h("article", { class: "card stack", "data-pair": pair.id },
      h("div", { class: "row spread" }, h("h2", {}, `Pair ${pair.id}`), h("span", { class: "muted" }, `match probability ${fmt(pair.score)} · value ${fmt(pair.value, 1)}`)),
      h("div", { class: "pair" }, side(pair.a, "Record A"), side(pair.b, "Record B")),
      h("h3", {}, "What each piece of evidence added or took away"),
      h("div", { class: "chart" }, canvas),
      after(pair),
      h("div", { class: "row" },
        h("button", { type: "button", class: "good", id: "accept", onclick: () => decide(true) }, "Accept (A)"),
        h("button", { type: "button", class: "bad", id: "reject", onclick: () => decide(false) }, "Reject (R)"),
        h("button", { type: "button", id: "skip", onclick: skip }, "Skip (S)"),
      ),
    ));
    evidenceChart(canvas, pair.evidence);
  };

  const keys = (event) => {
    if (!context.alive()) return document.removeEventListener("keydown", keys);
    if (event.target.closest("input, textarea, select") || event.metaKey || event.ctrlKey || event.altKey) return;
    const key = event.key.toLowerCase();
    if (key === "a") decide(true);
    else if (key === "r") decide(false);
    else if (key === "s") skip();
  };
  document.addEventListener("keydown", keys);
  await load();
}
