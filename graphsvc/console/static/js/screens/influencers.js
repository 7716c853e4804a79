// Influencers: who to work with on a topic, platform or community, and why they rank.
import { gql } from "../api.js";
import { avatar, csv, download, empty, failure, field, fmt, h, loading, personLink, select, show } from "../ui.js";

const PAGE = 25;
const EXPORT_PAGE = 100;
const EXPORT_MAX = 10000;
const COMPONENTS = ["influence", "pagerank", "reach", "engagement", "kcore", "betweenness"];

const QUERY = `query Influencers($topic: String, $platform: String, $community: ID, $minScore: Float,
                                 $purpose: String, $sort: InfluencerSort, $first: Int, $after: String) {
  influencers(topic: $topic, platform: $platform, community: $community, minScore: $minScore,
              purpose: $purpose, sort: $sort, first: $first, after: $after) {
    edges { score rank node { id name platforms
      identities { platform avatarUrl followers }
      scores { influence pagerank reach engagement kcore betweenness } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const PURPOSES = `query { consentPurposes }`;

const state = { topic: "", platform: "", community: "", minScore: "", purpose: "", sort: "score", cursors: [null], page: 0 };

function row(edge, position) {
  const person = edge.node;
  const scores = person.scores || {};
  const followers = (person.identities || []).reduce((sum, i) => sum + (i.followers || 0), 0);
  const components = h(
    "div",
    { class: "components", "aria-label": "score components" },
    ...["pagerank", "reach", "engagement", "kcore", "betweenness"].flatMap((name) => [
      h("span", { class: "muted" }, name),
      h("span", { class: "bar" }, h("span", { style: `width:${Math.round(100 * Math.min(1, rank01(name, scores[name])))}%` })),
      h("span", {}, fmt(scores[name])),
    ]),
  );
  return h(
    "tr",
    { "data-person": person.id },
    h("td", { class: "num" }, edge.rank ?? position),
    h("td", {}, h("div", { class: "row" }, avatar(person), h("div", {}, personLink(person), h("div", { class: "small muted" }, (person.platforms || []).join(" · "))))),
    h("td", { class: "num" }, h("strong", {}, fmt(edge.score))),
    h("td", { class: "num" }, fmt(followers)),
    h("td", {}, components),
  );
}

// components have different scales: show each bar against a plausible top of its own range
function rank01(name, value) {
  if (value === null || value === undefined) return 0;
  const top = { pagerank: 0.01, reach: 10000, engagement: 100, kcore: 50, betweenness: 0.05 }[name] || 1;
  return value / top;
}

function variables(first, after) {
  return {
    topic: state.topic || null,
    platform: state.platform || null,
    community: state.community || null,
    minScore: state.minScore === "" ? null : Number(state.minScore),
    purpose: state.purpose || null,
    sort: state.sort.toUpperCase(),
    first,
    after,
  };
}

function csvRow(edge, index) {
  return {
    rank: edge.rank ?? index + 1, id: edge.node.id, name: edge.node.name, platforms: (edge.node.platforms || []).join(" "), score: edge.score,
    ...Object.fromEntries(COMPONENTS.map((c) => [c, (edge.node.scores || {})[c]])),
  };
}

export async function render(view, args, context) {
  if (args[0] !== undefined && args[0] !== state.topic) Object.assign(state, { topic: args[0], cursors: [null], page: 0 });
  const topic = h("input", { type: "text", value: state.topic, placeholder: "any topic", name: "topic" });
  const platform = select([["", "any platform"], ["twitter", "X / Twitter"], ["linkedin", "LinkedIn"], ["facebook", "Facebook"], ["instagram", "Instagram"], ["github", "GitHub"], ["forum", "Forums"]], state.platform);
  platform.name = "platform";
  const community = h("input", { type: "text", value: state.community, placeholder: "any", name: "community", size: 8 });
  const minScore = h("input", { type: "number", min: 0, max: 1, step: 0.05, value: state.minScore, name: "minScore", style: "width:7em" });
  const sort = select([["score", state.topic ? "topic score" : "influence"], ...COMPONENTS.slice(1).map((c) => [c, c])], state.sort);
  sort.name = "sort";
  const purpose = select([["", "marketing and profiling"]], state.purpose);
  purpose.name = "purpose";
  const results = h("div", { class: "card" });
  const exportButton = h("button", { type: "button", disabled: true }, "Export CSV");
  const form = h(
    "form",
    { class: "filters", role: "search", "aria-label": "Influencer filters" },
    field("Topic", topic),
    field("Platform", platform),
    field("Community", community),
    field("Minimum score", minScore),
    field("Consent granted for", purpose),
    field("Rank by", sort),
    h("button", { type: "submit", class: "primary" }, "Apply"),
    exportButton,
  );
  show(view, h("h1", {}, "Influencers"), h("p", { class: "muted" }, "Ranked by influence across platforms, per unified person, or by one of its components. People who denied marketing or profiling (or the purpose you pick) never appear."), form, results);

  let edges = [];
  const load = async () => {
    show(results, loading("Finding influencers"));
    exportButton.disabled = true;
    try {
      const data = await gql(QUERY, variables(PAGE, state.cursors[state.page]));
      if (!context.alive()) return;
      const connection = data.influencers;
      edges = connection.edges;
      state.cursors[state.page + 1] = connection.pageInfo.endCursor;
      if (!edges.length) return show(results, empty("No influencers match these filters. Try another topic or a lower minimum score."));
      const table = h(
        "table",
        { id: "influencers" },
        h("caption", { class: "visually-hidden" }, "Influencers"),
        h("thead", {}, h("tr", {}, h("th", { class: "num" }, "#"), h("th", {}, "Person"), h("th", { class: "num" }, state.topic ? "topic score" : "influence"), h("th", { class: "num" }, "followers"), h("th", {}, "why they rank"))),
        h("tbody", {}, ...edges.map((edge, n) => row(edge, state.page * PAGE + n + 1))),
      );
      const pager = h(
        "div",
        { class: "row spread", style: "margin-top:12px" },
        h("span", { class: "muted small" }, `page ${state.page + 1}`),
        h("div", { class: "row" },
          h("button", { type: "button", disabled: state.page === 0, onclick: () => { state.page -= 1; load(); } }, "← Previous"),
          h("button", { type: "button", disabled: !connection.pageInfo.hasNextPage, onclick: () => { state.page += 1; load(); } }, "Next →"),
        ),
      );
      show(results, table, pager);
      exportButton.disabled = false;
    } catch (error) {
      if (context.alive()) show(results, failure(error, load));
    }
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    Object.assign(state, { topic: topic.value.trim(), platform: platform.value, community: community.value.trim(), minScore: minScore.value, purpose: purpose.value, sort: sort.value, cursors: [null], page: 0 });
    load();
  });
  for (const control of [sort, purpose]) {
    control.addEventListener("change", () => {
      Object.assign(state, { sort: sort.value, purpose: purpose.value, cursors: [null], page: 0 });
      load();
    });
  }
  // the whole list as the filters give it, page by page, up to EXPORT_MAX rows
  exportButton.addEventListener("click", async () => {
    exportButton.disabled = true;
    const label = exportButton.textContent;
    const all = [];
    try {
      let after = null;
      do {
        exportButton.textContent = `Exporting… ${all.length}`;
        const page = (await gql(QUERY, variables(EXPORT_PAGE, after))).influencers;
        all.push(...page.edges);
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after && all.length < EXPORT_MAX);
      const rows = all.slice(0, EXPORT_MAX).map(csvRow);
      download(`influencers${state.topic ? "-" + state.topic : ""}.csv`, csv(["rank", "id", "name", "platforms", "score", ...COMPONENTS], rows));
    } catch (error) {
      if (context.alive()) show(results, failure(error, load));
    } finally {
      exportButton.textContent = label;
      exportButton.disabled = false;
    }
  });
  gql(PURPOSES).then((data) => {
    for (const name of data.consentPurposes) purpose.append(h("option", { value: name, selected: name === state.purpose }, name));
  }).catch(() => {});  // the filter keeps its default; the list itself reports errors
  await load();
}
