// The console's only way to the data: the GraphQL API, with the signed-in user's session cookie.
// Every state-changing request carries the session's CSRF token; errors keep their GraphQL code.

let csrf = null;

export class ApiError extends Error {
  constructor(message, code, path) {
    super(message);
    this.code = code || "INTERNAL";
    this.path = path || null;
  }
}

export function setCsrf(token) {
  csrf = token;
}

async function send(url, body) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  if (csrf) headers["X-CSRF-Token"] = csrf;
  return fetch(url, { method: "POST", headers, body: JSON.stringify(body), credentials: "same-origin" });
}

/** Run a GraphQL operation; resolves to `data`, rejects with an ApiError naming the code. */
export async function gql(query, variables = {}) {
  let response;
  try {
    response = await send("/graphql", { query, variables });
  } catch (err) {
    throw new ApiError("The service cannot be reached. Check the connection and try again.", "UNAVAILABLE");
  }
  let body = null;
  try {
    body = await response.json();
  } catch (err) {
    throw new ApiError(`The service answered ${response.status} without a result.`, "INTERNAL");
  }
  if (body.errors && body.errors.length) {
    const first = body.errors[0];
    const code = (first.extensions && first.extensions.code) || "INTERNAL";
    if (code === "UNAUTHENTICATED") window.dispatchEvent(new CustomEvent("graphsvc:signed-out"));
    throw new ApiError(first.message, code, first.path);
  }
  return body.data;
}

/** The signed-in session ({user, role, csrf}) or null. */
export async function session() {
  const response = await fetch("/console/session", { credentials: "same-origin" });
  if (!response.ok) return null;
  const data = await response.json();
  setCsrf(data.csrf);
  return data;
}

export async function signIn(username, password) {
  const response = await send("/console/login", { username, password });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const wait = response.headers.get("Retry-After");
    const message = data.error || data.message || "Sign-in failed.";
    throw new ApiError(wait ? `${message} Try again in ${Math.ceil(Number(wait) / 60)} min.` : message, data.code);
  }
  setCsrf(data.csrf);
  return data;
}

export async function signOut() {
  await send("/console/logout", {}).catch(() => null);
  setCsrf(null);
}
