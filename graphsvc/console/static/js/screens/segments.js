// Segments: build an audience from filters, watch the count, save it by name, export it as CSV.
import { gql } from "../api.js";
import { download, empty, failure, field, fmt, h, loading, personLink, select, show, toast } from "../ui.js";

const COUNT = `query Segment($filter: SegmentFilterInput!) {
  segment(filter: $filter) { count persons(first: 10) { nodes { id name platforms } } }
}`;
const EXPORT = `query Export($filter: SegmentFilterInput!, $after: String) {
  segment(filter: $filter) { export(format: CSV, after: $after) { rows data hasMore endCursor } }
}`;
const SAVED = `query Saved { savedSegments { name filter createdBy createdAt } }`;
const SAVE = `mutation Save($name: String!, $filter: SegmentFilterInput!) { saveSegment(name: $name, filter: $filter) { name } }`;

const FIELDS = ["community", "topic", "platform", "minInfluence", "city", "hasContact", "consentPurpose"];

function filterFrom(controls) {
  const filter = {};
  for (const name of FIELDS) {
    const value = controls[name].value.trim();
    if (value === "") continue;
    if (name === "minInfluence") filter[name] = Number(value);
    else if (name === "hasContact") filter[name] = value === "yes";
    else filter[name] = value;
  }
  return filter;
}

export async function render(view, args, context) {
  const controls = {
    community: h("input", { name: "community", placeholder: "any" }),
    topic: h("input", { name: "topic", placeholder: "any" }),
    platform: select([["", "any"], ["twitter", "X / Twitter"], ["linkedin", "LinkedIn"], ["facebook", "Facebook"], ["instagram", "Instagram"], ["github", "GitHub"], ["forum", "Forums"]], ""),
    minInfluence: h("input", { name: "minInfluence", type: "number", min: 0, max: 1, step: 0.05, style: "width:7em" }),
    city: h("input", { name: "city", placeholder: "any" }),
    hasContact: select([["", "either"], ["yes", "yes"], ["no", "no"]], ""),
    consentPurpose: select([["", "marketing and profiling"]], ""),
  };
  controls.consentPurpose.name = "consentPurpose";
  gql(`query { consentPurposes }`).then((data) => {
    for (const purpose of data.consentPurposes) controls.consentPurpose.append(h("option", { value: purpose }, purpose));
  }).catch(() => {});  // the filter keeps its default; the count reports errors
  const count = h("div", { class: "card", id: "segment-count", "aria-live": "polite" }, empty("Set filters to see how many people match."));
  const name = h("input", { name: "name", placeholder: "e.g. Berlin runners" });
  const saved = h("div", { class: "card" }, loading("Loading saved segments"));
  const exportButton = h("button", { type: "button", id: "export" }, "Export CSV");
  const form = h("form", { class: "filters", "aria-label": "Segment filters" },
    field("Community", controls.community), field("Topic", controls.topic), field("Platform", controls.platform),
    field("Minimum influence", controls.minInfluence), field("City", controls.city), field("Has a CRM contact", controls.hasContact),
    field("Consent granted for", controls.consentPurpose));
  const saveForm = h("form", { class: "row", "aria-label": "Save segment" }, field("Segment name", name), h("button", { type: "submit", class: "primary" }, "Save"), exportButton);
  show(view, h("h1", {}, "Segments"), h("p", { class: "muted" }, "Build an audience from filters. The count updates as you change them; consent rules always apply."), form, count, h("div", { class: "card", style: "margin:16px 0" }, saveForm), h("h2", {}, "Saved segments"), saved);

  let timer = null;
  let asked = 0;
  // typing waits for a pause before it asks; a change of a select or a submit asks at once
  const refresh = (event) => {
    clearTimeout(timer);
    const pause = event && event.type === "input" && event.target.tagName === "INPUT" ? 120 : 0;
    timer = setTimeout(async () => {
      const mine = ++asked;
      show(count, loading("Counting"));
      try {
        const data = await gql(COUNT, { filter: filterFrom(controls) });
        if (mine !== asked || !context.alive()) return;
        const segment = data.segment;
        show(count, h("p", {}, h("strong", { id: "segment-total" }, fmt(segment.count)), " people match."),
          segment.persons.nodes.length ? h("p", { class: "small muted" }, "For example: ", ...segment.persons.nodes.flatMap((p, i) => [i ? ", " : "", personLink(p)])) : empty("Nobody matches these filters."));
      } catch (error) {
        if (mine === asked) show(count, failure(error, refresh));
      }
    }, pause);
  };
  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
  form.addEventListener("submit", (event) => { event.preventDefault(); refresh(); });

  const loadSaved = async () => {
    try {
      const data = await gql(SAVED);
      if (!context.alive()) return;
      const list = data.savedSegments;
      if (!list.length) return show(saved, empty("No saved segments yet."));
      show(saved, h("table", { id: "saved-segments" },
        h("thead", {}, h("tr", {}, h("th", {}, "name"), h("th", {}, "filters"), h("th", {}, "saved by"), h("th", {}, ""))),
        h("tbody", {}, ...list.map((s) => h("tr", {},
          h("td", {}, s.name),
          h("td", { class: "small" }, Object.entries(s.filter || {}).map(([k, v]) => `${k}: ${v}`).join("; ") || "everyone"),
          h("td", { class: "small" }, `${s.createdBy || ""} ${String(s.createdAt || "").slice(0, 10)}`),
          h("td", {}, h("button", { type: "button", onclick: () => { apply(s.filter || {}); name.value = s.name; } }, "Open")),
        )))));
    } catch (error) {
      show(saved, failure(error, loadSaved));
    }
  };
  const apply = (filter) => {
    for (const key of FIELDS) {
      const value = filter[key];
      controls[key].value = value === undefined || value === null ? "" : key === "hasContact" ? (value ? "yes" : "no") : String(value);
    }
    refresh();
  };

  saveForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!name.value.trim()) return name.focus();
    try {
      await gql(SAVE, { name: name.value.trim(), filter: filterFrom(controls) });
      toast(`Saved "${name.value.trim()}"`);
      loadSaved();
    } catch (error) {
      show(count, failure(error));
    }
  });
  exportButton.addEventListener("click", async () => {
    exportButton.disabled = true;
    try {
      let after = null;
      let text = "";
      do {
        const data = await gql(EXPORT, { filter: filterFrom(controls), after });
        const part = data.segment.export;
        text += after ? part.data.split("\n").slice(1).join("\n") : part.data; // one header row
        after = part.hasMore ? part.endCursor : null;
      } while (after);
      download(`${(name.value.trim() || "segment").replace(/[^\w-]+/g, "-")}.csv`, text);
    } catch (error) {
      show(count, failure(error));
    } finally {
      exportButton.disabled = false;
    }
  });
  refresh();
  await loadSaved();
}
