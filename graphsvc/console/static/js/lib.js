// The vendored drawing libraries (graphsvc/console/static/vendor), loaded when a screen first needs one.
const loaded = new Map();

function script(src, global) {
  if (!loaded.has(src)) {
    loaded.set(
      src,
      new Promise((resolve, reject) => {
        const tag = document.createElement("script");
        tag.src = src;
        tag.onload = () => resolve(window[global]);
        tag.onerror = () => reject(new Error(`could not load ${src}`));
        document.head.append(tag);
      }),
    );
  }
  return loaded.get(src);
}

export const cytoscapeLib = () => script("/static/vendor/cytoscape/cytoscape.min.js", "cytoscape");
export const chartLib = () => script("/static/vendor/chart.js/chart.umd.min.js", "Chart");

/** A colour per community id, stable across screens. */
export function communityColour(id) {
  if (id === null || id === undefined) return "#9ca3af";
  let hash = 0;
  for (const ch of String(id)) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const palette = ["#1d4ed8", "#b45309", "#047857", "#7c3aed", "#be123c", "#0e7490", "#4d7c0f", "#a21caf", "#c2410c", "#334155"];
  return palette[hash % palette.length];
}

/** Draw nodes and edges with Cytoscape in `container`; `onOpen(id)` is called when a node is chosen. */
export async function drawGraph(container, nodes, edges, onOpen, layout = { name: "cose" }) {
  const cytoscape = await cytoscapeLib();
  const graph = cytoscape({
    container,
    elements: [...nodes.map((data) => ({ data })), ...edges.map((data) => ({ data }))],
    style: [
      {
        selector: "node",
        style: {
          "background-color": "data(colour)",
          width: "data(size)",
          height: "data(size)",
          label: "data(label)",
          "font-size": 10,
          color: "#111827",
          "text-valign": "bottom",
          "text-margin-y": 3,
          "border-width": "data(border)",
          "border-color": "#111827",
        },
      },
      { selector: "edge", style: { width: "data(width)", "line-color": "#cbd5e1", "curve-style": "haystack", opacity: 0.8 } },
    ],
    layout: { animate: false, randomize: false, nodeRepulsion: () => 8000, idealEdgeLength: () => 70, numIter: 600, ...layout },
    wheelSensitivity: 0.3,
  });
  graph.on("tap", "node", (event) => onOpen(event.target.id()));
  container.setAttribute("data-nodes", String(nodes.length));
  return graph;
}

/** A line (or bar) chart with Chart.js. */
export async function drawChart(canvas, config) {
  const Chart = await chartLib();
  return new Chart(canvas, { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...(config.options || {}) } });
}
