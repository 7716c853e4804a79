// The console's shell: the session, the navigation a role may use, and the hash router.
import { session, signIn, signOut } from "./api.js";
import { atLeast, failure, h, show } from "./ui.js";

const SCREENS = {
  influencers: { module: "./screens/influencers.js", role: "viewer", title: "Influencers" },
  person: { module: "./screens/person.js", role: "viewer", title: "Person" },
  communities: { module: "./screens/communities.js", role: "viewer", title: "Communities" },
  segments: { module: "./screens/segments.js", role: "marketer", title: "Segments" },
  brands: { module: "./screens/brands.js", role: "viewer", title: "Brands & trends" },
  review: { module: "./screens/review.js", role: "analyst", title: "Review queue" },
  jobs: { module: "./screens/jobs.js", role: "analyst", title: "Jobs" },
  search: { module: "./screens/search.js", role: "viewer", title: "Search" },
};

const view = document.getElementById("view");
let me = null;
let generation = 0;

function route() {
  const parts = (location.hash.replace(/^#\/?/, "") || "influencers").split("/").map(decodeURIComponent);
  return { name: parts[0], args: parts.slice(1) };
}

async function render() {
  const current = ++generation;
  if (!me) return showSignIn();
  const { name, args } = route();
  const screen = SCREENS[name];
  for (const link of document.querySelectorAll("#nav a")) {
    link.toggleAttribute("aria-current", link.getAttribute("href") === `#/${name}`);
    if (link.hasAttribute("aria-current")) link.setAttribute("aria-current", "page");
  }
  if (!screen) return show(view, failure({ message: `There is no page "${name}".` }));
  if (!atLeast(me.role, screen.role)) {
    return show(view, failure({ message: `${screen.title} needs role ${screen.role} or above; you are ${me.role}.`, code: "FORBIDDEN" }));
  }
  document.title = `${screen.title} · graphsvc`;
  const module = await import(screen.module);
  if (current !== generation) return;
  const alive = () => current === generation;
  try {
    await module.render(view, args, { role: me.role, user: me.user, alive });
  } catch (error) {
    if (alive()) show(view, failure(error, render));
  }
}

function setSignedIn(data) {
  me = data;
  document.getElementById("nav").hidden = !me;
  document.getElementById("who").hidden = !me;
  document.getElementById("search").hidden = !me;
  if (!me) return;
  document.getElementById("who-name").textContent = me.user;
  document.getElementById("who-role").textContent = me.role;
  for (const link of document.querySelectorAll("#nav a")) link.hidden = !atLeast(me.role, link.dataset.role);
}

function showSignIn() {
  document.title = "Sign in · graphsvc";
  const form = document.getElementById("sign-in-template").content.cloneNode(true);
  show(view, form);
  const element = document.getElementById("sign-in-form");
  const problem = document.getElementById("sign-in-error");
  document.getElementById("username").focus();
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = element.querySelector("button");
    button.disabled = true;
    problem.hidden = true;
    try {
      const data = await signIn(element.username.value.trim(), element.password.value);
      setSignedIn(data);
      if (!location.hash || location.hash === "#/") location.hash = "#/influencers";
      else render();
    } catch (error) {
      problem.textContent = error.message;
      problem.hidden = false;
      element.password.select();
    } finally {
      button.disabled = false;
    }
  });
}

document.getElementById("sign-out").addEventListener("click", async () => {
  await signOut();
  setSignedIn(null);
  render();
});

document.getElementById("search").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = document.getElementById("search-text").value.trim();
  if (text) location.hash = `#/search/${encodeURIComponent(text)}`;
});

window.addEventListener("graphsvc:signed-out", () => {
  setSignedIn(null);
  render();
});
window.addEventListener("hashchange", () => {
  render();
  view.focus({ preventScroll: true });
});

(async () => {
  show(view, h("div", { class: "state", role: "status" }, "Loading…"));
  try {
    setSignedIn(await session());
  } catch (error) {
    setSignedIn(null);
  }
  render();
})();
