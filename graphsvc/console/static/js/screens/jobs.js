// Jobs: start the analytics jobs, follow a run's progress, see the recent runs.
import { gql } from "../api.js";
import { empty, failure, h, loading, show, toast } from "../ui.js";

const RUNS = `query Runs { jobRuns(first: 15) { id kind status error startedAt finishedAt stats } }`;
const RUN = `query Run($id: ID!) { jobRun(id: $id) { id kind status error finishedAt } }`;
const START = `mutation Start($kind: JobKind!) { runJob(kind: $kind) { id kind status } }`;
const RESOLVE = `mutation Resolve($incremental: Boolean!) { runResolve(incremental: $incremental) { id kind status } }`;

function seconds(run) {
  const total = run.stats && run.stats.seconds && run.stats.seconds.total;
  return total === undefined ? "" : `${total} s`;
}

export async function render(view, args, context) {
  const list = h("div", { class: "card" }, loading("Loading recent runs"));
  const status = h("p", { id: "job-status", role: "status", "aria-live": "polite" });
  const buttons = [
    ["RESOLVE", "Resolve what changed"],
    ["RESOLVE_FULL", "Resolve everything"],
    ["ALL", "Influence and communities"],
    ["INFLUENCE", "Influence only"],
    ["COMMUNITIES", "Communities only"],
  ].map(([kind, label]) => h("button", { type: "button", class: kind === "ALL" ? "primary" : "", "data-kind": kind, onclick: () => start(kind) }, label));
  show(view, h("h1", {}, "Jobs"),
    h("p", { class: "muted" }, "Resolution unifies records into persons (what changed since the last run, or everything). Analytics jobs project the social map into NetworkX, compute and write the results back. One of each runs at a time."),
    h("div", { class: "card stack" }, h("div", { class: "row" }, ...buttons), status), h("h2", { style: "margin-top:16px" }, "Recent runs"), list);

  const loadRuns = async () => {
    try {
      const data = await gql(RUNS);
      if (!context.alive()) return;
      const runs = data.jobRuns;
      if (!runs.length) return show(list, empty("No job has run yet."));
      show(list, h("table", { id: "job-runs" },
        h("thead", {}, h("tr", {}, h("th", {}, "run"), h("th", {}, "kind"), h("th", {}, "status"), h("th", {}, "started"), h("th", { class: "num" }, "took"))),
        h("tbody", {}, ...runs.map((r) => h("tr", {},
          h("td", { class: "small" }, r.id), h("td", {}, r.kind),
          h("td", {}, h("span", { class: `badge ${r.status === "failed" ? "denied" : r.status === "succeeded" ? "granted" : ""}`, title: r.error || "" }, r.status)),
          h("td", { class: "small" }, String(r.startedAt || "").slice(0, 19).replace("T", " ")),
          h("td", { class: "num" }, seconds(r)))))));
    } catch (error) {
      show(list, failure(error, loadRuns));
    }
  };

  const follow = async (id) => {
    while (context.alive()) {
      const data = await gql(RUN, { id });
      const run = data.jobRun;
      status.textContent = `${run.kind} ${run.id}: ${run.status}`;
      if (run.status !== "running") {
        toast(`${run.kind} ${run.status}`);
        for (const b of buttons) b.disabled = false;
        return loadRuns();
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };

  const start = async (kind) => {
    for (const b of buttons) b.disabled = true;
    status.textContent = `starting ${kind.toLowerCase()}…`;
    try {
      const run = kind.startsWith("RESOLVE")
        ? (await gql(RESOLVE, { incremental: kind === "RESOLVE" })).runResolve
        : (await gql(START, { kind })).runJob;
      loadRuns();
      await follow(run.id);
    } catch (error) {
      status.replaceChildren(failure(error));
      for (const b of buttons) b.disabled = false;
    }
  };
  await loadRuns();
}
