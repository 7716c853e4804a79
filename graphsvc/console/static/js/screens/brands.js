// Brands and trends: per brand the volume and sentiment over time, its advocates and detractors;
// topics on the rise; people asking for what a brand sells.
import { gql } from "../api.js";
import { drawChart } from "../lib.js";
import { atLeast, empty, failure, fmt, h, loading, personLink, select, show } from "../ui.js";

const BRANDS = `query Brands { brands { name category posts } trendingTopics(days: 7, minPosts: 2, first: 15) { topic current previous growth } }`;
const BRAND = (marketer) => `query Brand($name: String!) {
  brand(name: $name) {
    name category products posts
    sentimentTrend(unit: WEEK, days: 365) { bucket posts sentiment positive negative }
    ${marketer ? `advocates(first: 10) { edges { score posts sentiment node { id name } } }
    detractors(first: 10) { edges { score posts sentiment node { id name } } }` : ""}
  }
  ${marketer ? `demandSignals(brand: $name, days: 90, first: 20) { platform postId text createdAt authorPlatform authorHandle influence person { id name } }` : ""}
}`;

function stances(title, connection) {
  if (!connection) return null;
  return h("section", { class: "card" }, h("h2", {}, title), connection.edges.length
    ? h("ol", {}, ...connection.edges.map((e) => h("li", {}, personLink(e.node), h("span", { class: "small muted" }, ` score ${fmt(e.score)}, ${e.posts} posts, sentiment ${fmt(e.sentiment, 2)}`))))
    : empty("Nobody yet: run the influence job after posts mention the brand."));
}

function postLink(signal) {
  // posts keep the platform's id; a link where the platform has a public URL scheme
  const base = { twitter: "https://x.com/i/web/status/" }[signal.platform];
  return base ? h("a", { href: base + encodeURIComponent(signal.postId), rel: "noopener noreferrer", target: "_blank" }, "open post") : h("span", { class: "small muted" }, `${signal.platform} post ${signal.postId}`);
}

export async function render(view, args, context) {
  show(view, loading("Loading brands"));
  const data = await gql(BRANDS);
  if (!context.alive()) return;
  const brands = data.brands;
  const chosen = args[0] || (brands[0] && brands[0].name) || "";
  const picker = select(brands.map((b) => [b.name, `${b.name} (${b.posts} posts)`]), chosen);
  picker.id = "brand";
  picker.addEventListener("change", () => { location.hash = `#/brands/${encodeURIComponent(picker.value)}`; });
  const detail = h("div", { class: "stack" });
  const trending = data.trendingTopics.length
    ? h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "topic"), h("th", { class: "num" }, "this week"), h("th", { class: "num" }, "the week before"), h("th", { class: "num" }, "growth"))),
      h("tbody", {}, ...data.trendingTopics.map((t) => h("tr", {}, h("td", {}, h("a", { href: `#/influencers/${encodeURIComponent(t.topic)}` }, t.topic)), h("td", { class: "num" }, t.current), h("td", { class: "num" }, t.previous), h("td", { class: "num" }, `${fmt(100 * t.growth, 0)}%`)))))
    : empty("No topic is growing this week.");
  show(view, h("h1", {}, "Brands & trends"),
    brands.length ? h("div", { class: "row" }, h("label", { for: "brand" }, "Brand"), picker) : empty("No tracked brands: add one with `graphsvc brands set NAME`."),
    detail, h("section", { class: "card", style: "margin-top:16px" }, h("h2", {}, "Trending topics"), trending));
  if (!chosen) return;

  show(detail, loading("Loading the brand"));
  try {
    const marketer = atLeast(context.role, "marketer");
    const one = await gql(BRAND(marketer), { name: chosen });
    if (!context.alive()) return;
    const brand = one.brand;
    if (!brand) return show(detail, failure({ message: `There is no tracked brand ${chosen}.`, code: "NOT_FOUND" }));
    const canvas = h("canvas", { id: "brand-trend", role: "img", "aria-label": `${brand.name} volume and sentiment per week` });
    const signals = one.demandSignals;
    show(detail,
      h("section", { class: "card" }, h("h2", {}, `${brand.name}${brand.category ? ` · ${brand.category}` : ""}`),
        brand.sentimentTrend.length ? h("div", { class: "chart" }, canvas) : empty("No posts mention this brand.")),
      marketer ? h("div", { class: "grid two" }, stances("Advocates", brand.advocates), stances("Detractors", brand.detractors)) : h("p", { class: "muted small" }, "Advocates, detractors and demand signals need role marketer."),
      signals ? h("section", { class: "card" }, h("h2", {}, "Demand signals"), signals.length
        ? h("ul", { class: "stack" }, ...signals.map((s) => h("li", { class: "post" }, h("div", { class: "small muted" }, `${s.createdAt.slice(0, 10)} · `, s.person ? personLink(s.person) : `${s.authorPlatform}:${s.authorHandle}`, ` · influence ${fmt(s.influence)} · `, postLink(s)), h("div", {}, s.text || ""))))
        : empty("Nobody asked about this brand or its category lately.")) : null,
    );
    if (brand.sentimentTrend.length) {
      drawChart(canvas, {
        type: "bar",
        data: {
          labels: brand.sentimentTrend.map((p) => p.bucket),
          datasets: [
            { type: "bar", label: "posts", data: brand.sentimentTrend.map((p) => p.posts), backgroundColor: "#c7d2fe", yAxisID: "posts" },
            { type: "line", label: "mean sentiment", data: brand.sentimentTrend.map((p) => p.sentiment), borderColor: "#b45309", yAxisID: "sentiment" },
          ],
        },
        options: { scales: { posts: { position: "left", beginAtZero: true }, sentiment: { position: "right", min: -1, max: 1 } } },
      });
    }
  } catch (error) {
    if (context.alive()) show(detail, failure(error));
  }
}
