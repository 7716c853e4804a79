// Search: people, handles and companies by name (the full-text index), opening a person.
import { gql } from "../api.js";
import { empty, fmt, h, loading, personLink, show } from "../ui.js";

const SEARCH = `query Search($text: String!) {
  search(text: $text, first: 25) {
    score kind
    person { id name platforms }
    identity { platform handle displayName person { id name } }
    contact { id name company person { id name } }
    organization { name }
  }
}`;

export async function render(view, args, context) {
  const text = args[0] || "";
  show(view, h("h1", {}, `Search: ${text}`), loading("Searching"));
  const data = await gql(SEARCH, { text });
  if (!context.alive()) return;
  const hits = data.search;
  const line = (hit) => {
    if (hit.person) return [personLink(hit.person), ` ${(hit.person.platforms || []).join(", ")}`];
    if (hit.identity) return [`${hit.identity.platform}:${hit.identity.handle ?? "(hidden)"} ${hit.identity.displayName || ""} `, hit.identity.person ? personLink(hit.identity.person) : ""];
    if (hit.contact) return [`${hit.contact.id} ${hit.contact.name || ""} ${hit.contact.company || ""} `, hit.contact.person ? personLink(hit.contact.person) : ""];
    return [hit.organization ? hit.organization.name : hit.kind];
  };
  show(view, h("h1", {}, `Search: ${text}`), hits.length
    ? h("ul", { class: "card stack", id: "search-results" }, ...hits.map((hit) => h("li", {}, h("span", { class: "badge" }, hit.kind), " ", ...line(hit), h("span", { class: "small muted" }, ` ${fmt(hit.score, 2)}`))))
    : empty("Nothing matches. Try a name, a handle or a company."));
}
