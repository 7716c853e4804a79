// Communities: the map (one node per community, the strongest ties between them), and one
// community opened: its topics, top members and members page by page.
import { gql } from "../api.js";
import { communityColour, drawGraph } from "../lib.js";
import { empty, failure, fmt, h, loading, personLink, show } from "../ui.js";

const MAP_SIZE = 60; // the largest communities are drawn (the API lists them largest first)

const MAP = `query Map($first: Int!, $after: String) {
  communities(first: $first, after: $after) {
    edges { node { id size persons topTopics ties { communityId weight } topMembers { id name } } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}`;

const ONE = `query Community($id: ID!, $after: String) {
  community(id: $id) {
    id size persons topTopics
    topMembers { id name scores { influence } }
    members(first: 25, after: $after) { nodes { id name platforms } pageInfo { hasNextPage endCursor } totalCount }
  }
}`;

const shortId = (id) => String(id).split(":").pop();

async function map(view, context) {
  const picture = h("div", { class: "graph tall", id: "community-map", role: "img", "aria-label": "community map" });
  const list = h("div", { class: "card" }, loading("Loading communities"));
  show(view, h("h1", {}, "Communities"), h("p", { class: "muted" }, "Each circle is a community found by the latest analytics run, sized by its members; lines join the most strongly tied ones. Click one to open it."), h("div", { class: "grid two" }, h("div", { class: "card" }, picture), list));
  const data = await gql(MAP, { first: MAP_SIZE, after: null });
  if (!context.alive()) return;
  const communities = data.communities.edges.map((e) => e.node);
  if (!communities.length) {
    show(picture, empty("No communities yet: run the communities job."));
    return show(list, empty("No communities yet."));
  }
  const drawn = communities;
  const ids = new Set(drawn.map((c) => c.id));
  const max = Math.max(...drawn.map((c) => c.size || 1));
  // a community is labelled by its most distinctive topic: the one fewest other communities share
  const shared = new Map();
  for (const c of drawn) for (const t of c.topTopics || []) shared.set(t, (shared.get(t) || 0) + 1);
  const label = (c) => {
    const topics = [...(c.topTopics || [])].sort((a, b) => shared.get(a) - shared.get(b));
    return `${topics[0] || (c.topMembers[0] && c.topMembers[0].name) || shortId(c.id)} (${c.size})`;
  };
  const nodes = drawn.map((c) => ({ id: c.id, label: label(c), colour: communityColour(c.id), size: 16 + 50 * Math.sqrt((c.size || 1) / max), border: 0 }));
  const seen = new Set();
  const edges = [];
  for (const c of drawn) {
    const top = Math.max(...(c.ties || []).map((t) => t.weight), 1e-9);
    for (const tie of c.ties || []) {
      const key = [c.id, tie.communityId].sort().join("|");
      if (!ids.has(tie.communityId) || seen.has(key)) continue;
      seen.add(key);
      edges.push({ id: key, source: c.id, target: tie.communityId, width: 1 + 5 * (tie.weight / top) });
    }
  }
  show(list, h("table", { id: "communities" },
    h("thead", {}, h("tr", {}, h("th", {}, "community"), h("th", { class: "num" }, "size"), h("th", {}, "topics"), h("th", {}, "top members"))),
    h("tbody", {}, ...drawn.map((c) => h("tr", {},
      h("td", {}, h("a", { href: `#/communities/${encodeURIComponent(c.id)}`, title: c.id }, `#${shortId(c.id)} ${label(c)}`)),
      h("td", { class: "num" }, fmt(c.size)),
      h("td", {}, (c.topTopics || []).join(", ")),
      h("td", {}, ...c.topMembers.slice(0, 3).flatMap((p, i) => [i ? ", " : "", personLink(p)])),
    )))),
    h("p", { class: "small muted" }, `${fmt(data.communities.totalCount)} communities in all; the ${drawn.length} largest are shown.`));
  await drawGraph(picture, nodes, edges, (id) => { location.hash = `#/communities/${encodeURIComponent(id)}`; });
}

async function one(view, id, context) {
  show(view, loading("Opening the community"));
  const cursors = [null];
  let page = 0;
  const members = h("div", {});
  const data = await gql(ONE, { id, after: null });
  if (!context.alive()) return;
  const community = data.community;
  if (!community) return show(view, failure({ message: `There is no community ${id}.`, code: "NOT_FOUND" }));
  const drawMembers = (connection) => {
    cursors[page + 1] = connection.pageInfo.endCursor;
    show(members,
      connection.nodes.length ? h("ul", {}, ...connection.nodes.map((p) => h("li", {}, personLink(p), h("span", { class: "small muted" }, ` ${(p.platforms || []).join(", ")}`)))) : empty("No resolved members."),
      h("div", { class: "row" },
        h("button", { type: "button", disabled: page === 0, onclick: () => turn(-1) }, "← Previous"),
        h("span", { class: "small muted" }, `page ${page + 1} of ${Math.max(1, Math.ceil(connection.totalCount / 25))}`),
        h("button", { type: "button", disabled: !connection.pageInfo.hasNextPage, onclick: () => turn(1) }, "Next →")));
  };
  const turn = async (by) => {
    page += by;
    show(members, loading("Loading members"));
    try {
      const more = await gql(ONE, { id, after: cursors[page] });
      if (context.alive()) drawMembers(more.community.members);
    } catch (error) {
      show(members, failure(error));
    }
  };
  show(view,
    h("p", {}, h("a", { href: "#/communities" }, "← All communities")),
    h("h1", { title: community.id }, `Community #${shortId(community.id)}`),
    h("p", { class: "muted" }, `${fmt(community.size)} members, ${fmt(community.persons)} resolved persons. Topics: ${(community.topTopics || []).join(", ") || "none"}.`),
    h("div", { class: "grid two" },
      h("section", { class: "card" }, h("h2", {}, "Most influential"), h("ol", {}, ...community.topMembers.map((p) => h("li", {}, personLink(p), ` ${fmt(p.scores?.influence)}`)))),
      h("section", { class: "card" }, h("h2", {}, "Members"), members)));
  drawMembers(community.members);
}

export async function render(view, args, context) {
  return args[0] ? one(view, args[0], context) : map(view, context);
}
