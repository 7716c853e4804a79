// A unified person: identities, surviving values, scores, topics, stances, conversations, consent,
// history, the ego network and the warm path from one of our people.
import { gql } from "../api.js";
import { communityColour, drawChart, drawGraph } from "../lib.js";
import { atLeast, avatar, empty, failure, fmt, h, loading, personLink, picture, show } from "../ui.js";

function query(role) {
  const analyst = atLeast(role, "analyst");
  return `query Person($id: ID!) {
    person(id: $id) {
      id name size platforms
      scores { influence pagerank reach engagement kcore betweenness jobRun }
      community { id size topTopics }
      identities { platform handle displayName avatarUrl followers following url verified bio location }
      contacts { id source sourceId name company title city country ${analyst ? "emails phones" : ""} }
      topics { topic score rank }
      brandStances { brand side score posts sentiment }
      conversations(first: 8) { platform postId text createdAt sentiment sentimentLabel topics brands }
      sentimentTrend(unit: WEEK, days: 365) { bucket posts sentiment }
      ${analyst ? "consents { purpose status channel givenAt expiresAt source }" : ""}
    }
    personValues(id: $id) { field value source rule edited }
    ${analyst ? "personHistory(id: $id, limit: 20) { at action by reason }" : ""}
  }`;
}

const EGO = `query Ego($id: ID!, $depth: Int!) {
  person(id: $id) { egoNetwork(depth: $depth, limit: 60) {
    members { distance person { id name scores { influence } community { id } } }
    ties { strength kinds source { id } target { id } } } }
}`;

const WARM = `query Warm($id: ID!) {
  warmPath(to: $id) { hops strength persons { id name } ties { kinds interactions strength } }
}`;

function section(title, ...body) {
  return h("section", { class: "card stack", "aria-label": title }, h("h2", {}, title), ...body);
}

function identities(list) {
  if (!list.length) return empty("No identities.");
  return h(
    "table",
    {},
    h("thead", {}, h("tr", {}, h("th", {}, h("span", { class: "visually-hidden" }, "picture")), h("th", {}, "platform"), h("th", {}, "handle"), h("th", {}, "name"), h("th", { class: "num" }, "followers"))),
    h("tbody", {}, ...list.map((i) => h("tr", {},
      h("td", {}, picture(i.avatarUrl, i.displayName || i.handle || i.platform)),
      h("td", {}, i.platform),
      h("td", {}, i.url && /^https?:/.test(i.url) ? h("a", { href: i.url, rel: "noopener noreferrer", target: "_blank" }, i.handle ?? "(hidden)") : i.handle ?? h("span", { class: "muted" }, "(hidden for your role)")),
      h("td", {}, i.displayName || ""),
      h("td", { class: "num" }, fmt(i.followers)),
    ))),
  );
}

function values(list) {
  return h(
    "table",
    {},
    h("thead", {}, h("tr", {}, h("th", {}, "field"), h("th", {}, "value"), h("th", {}, "from"), h("th", {}, "rule"))),
    h("tbody", {}, ...list.map((v) => h("tr", {},
      h("td", {}, v.field),
      h("td", {}, v.value ?? h("span", { class: "muted" }, "–")),
      h("td", { class: "small" }, v.source || ""),
      h("td", { class: "small" }, v.edited ? "human edit" : v.rule || ""),
    ))),
  );
}

function scores(person) {
  const s = person.scores;
  if (!s) return empty("No scores yet: run the influence job.");
  const facts = [["influence", s.influence], ["PageRank", s.pagerank], ["reach (2 hops)", s.reach], ["engagement", s.engagement], ["k-core", s.kcore], ["brokerage (betweenness)", s.betweenness]];
  return h("dl", { class: "facts" }, ...facts.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, fmt(v))]),
    h("dt", {}, "community"), h("dd", {}, person.community ? h("a", { href: `#/communities/${encodeURIComponent(person.community.id)}` }, `${person.community.id} (${person.community.size} people)`) : "–"));
}

function posts(list) {
  if (!list.length) return empty("No posts.");
  return h("div", { class: "stack" }, ...list.map((p) => h("div", { class: `post ${p.sentimentLabel || ""}` },
    h("div", { class: "small muted" }, `${p.platform} · ${p.createdAt.slice(0, 10)} · ${p.sentimentLabel || ""} ${fmt(p.sentiment, 2)}`),
    h("div", {}, p.text || ""),
  )));
}

async function egoPicture(container, id, depth, context, asked = null) {
  show(container, loading("Drawing the network"));
  const data = await (asked || gql(EGO, { id, depth }));
  if (!context.alive()) return;
  const ego = data.person.egoNetwork;
  if (!ego.members.length) return show(container, empty("No ties to draw."));
  container.replaceChildren();
  const max = Math.max(...ego.members.map((m) => m.person.scores?.influence || 0), 1e-9);
  const nodes = ego.members.map((m) => ({
    id: m.person.id,
    label: m.person.name || m.person.id,
    colour: communityColour(m.person.community?.id),
    size: 14 + 30 * ((m.person.scores?.influence || 0) / max),
    border: m.distance === 0 ? 3 : 0,
    ring: 3 - m.distance,
  }));
  const ids = new Set(nodes.map((n) => n.id));
  const edges = ego.ties
    .filter((t) => t.source && t.target && ids.has(t.source.id) && ids.has(t.target.id))
    .map((t, i) => ({ id: `t${i}`, source: t.source.id, target: t.target.id, width: 1 + 4 * t.strength }));
  // rings by distance from the person: instant to lay out, and the picture an ego network asks for
  const layout = { name: "concentric", concentric: (node) => node.data("ring"), levelWidth: () => 1, minNodeSpacing: 6 };
  await drawGraph(container, nodes, edges, (nodeId) => { location.hash = `#/person/${encodeURIComponent(nodeId)}`; }, layout);
  container.dataset.depth = String(depth);
}

async function warmPath(box, id) {
  try {
    const data = await gql(WARM, { id });
    const path = data.warmPath;
    if (!path) return show(box, empty("No chain of real ties from our people reaches this person."));
    const chain = [];
    path.persons.forEach((p, i) => {
      if (i) chain.push(h("span", { class: "muted small" }, ` —${path.ties[i - 1].kinds.join("/").toLowerCase()}→ `));
      chain.push(personLink(p));
    });
    show(box, h("p", {}, ...chain), h("p", { class: "small muted" }, `${path.hops} hop(s), strength ${fmt(path.strength)}`));
  } catch (error) {
    show(box, failure(error));
  }
}

export async function render(view, args, context) {
  const id = args[0];
  show(view, loading("Opening the person"));
  const firstEgo = gql(EGO, { id, depth: 1 }); // asked alongside the person, drawn once the page is laid out
  firstEgo.catch(() => null); // its error is shown in its panel
  const data = await gql(query(context.role), { id });
  if (!context.alive()) return;
  const person = data.person;
  if (!person) return show(view, failure({ message: `There is no person ${id}.`, code: "NOT_FOUND" }));

  const ego = h("div", { class: "graph", id: "ego-network", role: "img", "aria-label": "ego network" });
  const depth = h("select", { id: "ego-depth" }, h("option", { value: "1" }, "1 hop"), h("option", { value: "2" }, "2 hops"));
  const warm = h("div", {}, loading("Looking for a warm path"));
  const chart = h("canvas", { id: "sentiment-chart", role: "img", "aria-label": "sentiment per week" });
  const header = h("div", { class: "row" }, avatar(person, true), h("div", {},
    h("h1", {}, person.name || person.id),
    h("div", { class: "muted" }, `${person.id} · ${person.size ?? 0} records · ${(person.platforms || []).join(", ")}`),
  ));

  const cards = [
    section("Ego network", h("div", { class: "row spread" }, h("label", { for: "ego-depth" }, "Depth"), depth), ego,
      h("p", { class: "legend" }, "Colour: community. Size: influence. Click a person to open them.")),
    section("Scores", scores(person), atLeast(context.role, "marketer") ? h("div", { class: "stack" }, h("h2", {}, "Warm path"), warm) : null),
    section("Identities", identities(person.identities)),
    section("Profile values", values(data.personValues)),
    section("Topics", person.topics.length ? h("div", { class: "chips" }, ...person.topics.map((t) => h("span", { class: "badge" }, `${t.topic} ${fmt(t.score, 2)}`))) : empty("No topic influence.")),
    section("Brand stances", person.brandStances.length ? h("ul", {}, ...person.brandStances.map((s) => h("li", {}, `${s.side} of ${s.brand} (${s.posts} posts, sentiment ${fmt(s.sentiment, 2)})`))) : empty("No stance on a tracked brand.")),
    section("Sentiment", person.sentimentTrend.length ? h("div", { class: "chart" }, chart) : empty("No posts to chart.")),
    section("Recent conversations", posts(person.conversations)),
  ];
  if (person.contacts.length) {
    cards.push(section("CRM contacts", h("ul", {}, ...person.contacts.map((c) => h("li", {}, `${c.source}:${c.sourceId} — ${[c.name, c.title, c.company, c.city].filter(Boolean).join(", ")}${c.emails ? ` — ${c.emails.join(", ")}` : ""}`)))));
  }
  if (person.consents) {
    cards.push(section("Consent", person.consents.length
      ? h("ul", {}, ...person.consents.map((c) => h("li", {}, h("span", { class: `badge ${c.status}` }, c.status), ` ${c.purpose} (${c.channel}, ${c.source || "unknown source"})`)))
      : empty("No consent records: the configured default applies.")));
  }
  if (data.personHistory) {
    cards.push(section("History", data.personHistory.length
      ? h("ul", { class: "small" }, ...data.personHistory.map((e) => h("li", {}, `${e.at.slice(0, 19)} ${e.action} by ${e.by || "system"}${e.reason ? ` — ${e.reason}` : ""}`)))
      : empty("No history.")));
  }
  show(view, header, h("div", { class: "grid two", style: "margin-top:16px" }, ...cards));

  const drawEgo = (asked) => egoPicture(ego, id, Number(depth.value), context, asked).catch((error) => show(ego, failure(error)));
  depth.addEventListener("change", () => drawEgo(null));
  drawEgo(firstEgo);
  if (atLeast(context.role, "marketer")) warmPath(warm, id);
  if (person.sentimentTrend.length) {
    drawChart(chart, {
      type: "line",
      data: {
        labels: person.sentimentTrend.map((p) => p.bucket),
        datasets: [{ label: "mean sentiment", data: person.sentimentTrend.map((p) => p.sentiment), borderColor: "#1d4ed8", tension: 0.2 }],
      },
      options: { scales: { y: { min: -1, max: 1 } } },
    });
  }
}
