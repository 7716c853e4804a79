// Starts GraphiQL on #graphiql. The vendored UMD builds loaded before this script define the globals
// React, ReactDOM and GraphiQL; the element's data attributes name the endpoint and the session URL.
"use strict";

(function () {
  const root = document.getElementById("graphiql");
  const endpoint = new URL(root.dataset.endpoint, window.location.href);
  const DEFAULT_QUERY = [
    "# The graphsvc GraphQL API. Ctrl-Enter runs the query, Ctrl-Space completes a name;",
    "# the Docs button lists every type and field. An API key goes in Headers:",
    '# {"Authorization": "Bearer gsk_..."}',
    "",
    "{",
    "  health {",
    "    graphsvcVersion",
    "    neo4jVersion",
    "    schemaVersion",
    "  }",
    "}",
    "",
  ].join("\n");

  // The console session's CSRF token, or null: no session endpoint (404) or nobody signed in (401).
  async function csrfToken() {
    try {
      const response = await fetch(root.dataset.session, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) {
        return null;
      }
      const body = await response.json();
      return typeof body.csrf === "string" && body.csrf ? body.csrf : null;
    } catch (error) {
      return null;
    }
  }

  function websocketUrl(url) {
    const ws = new URL(url);
    ws.protocol = ws.protocol === "https:" ? "wss:" : "ws:";
    return ws.toString();
  }

  // The query lives in the address (?q=...), so a link shares it; the server ignores q.
  function rememberQuery(query) {
    const address = new URL(window.location.href);
    address.searchParams.set("q", query);
    window.history.replaceState(null, "", address);
  }

  csrfToken().then(function (csrf) {
    const fetcher = GraphiQL.createFetcher({
      url: endpoint.toString(),
      subscriptionUrl: websocketUrl(endpoint),
      headers: csrf ? { "X-CSRF-Token": csrf } : {},
      fetch: function (input, init) {
        return window.fetch(input, Object.assign({}, init, { credentials: "same-origin" }));
      },
    });
    const shared = new URLSearchParams(window.location.search).get("q");
    ReactDOM.createRoot(root).render(
      React.createElement(GraphiQL, {
        fetcher: fetcher,
        defaultQuery: DEFAULT_QUERY,
        query: shared || undefined,
        onEditQuery: rememberQuery,
        defaultEditorToolsVisibility: true,
        isHeadersEditorEnabled: true,
      }),
    );
  });
})();
