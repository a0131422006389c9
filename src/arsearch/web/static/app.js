// arsearch's search page: plain JavaScript over the JSON API of the same app.
// Everything from the index is inserted with textContent, except the
// highlighted titles and snippets, whose HTML the server builds with the
// article text escaped (arsearch.highlight). URLs are relative, so the page
// works wherever the app is mounted. The state lives in the URL's hash, so
// Back, reload and shared links work.
"use strict";

const PAGE_SIZE = 10;
const $ = (id) => document.getElementById(id);

function readState() {
  const params = new URLSearchParams(location.hash.slice(1));
  return {
    q: params.get("q") || "",
    page: Math.max(1, parseInt(params.get("page") || "1", 10) || 1),
    source: params.getAll("source"),
    category: params.getAll("category"),
    from: params.get("from") || "",
    to: params.get("to") || "",
    article: params.get("article") || "",
    // "0": search the query as typed (the reader followed "search instead for")
    rewrite: params.get("rewrite") === "0" ? "0" : "",
  };
}

function stateParams(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  if (state.page > 1) params.set("page", String(state.page));
  state.source.forEach((value) => params.append("source", value));
  state.category.forEach((value) => params.append("category", value));
  if (state.from) params.set("from", state.from);
  if (state.to) params.set("to", state.to);
  if (state.rewrite) params.set("rewrite", state.rewrite);
  return params;
}

function go(state) {
  location.hash = stateParams(state).toString();
}

async function getJSON(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ? body.error.message : response.statusText);
  return body;
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

// "date · source · category"; the date is its own left-to-right island
function meta(item, tag) {
  const line = element(tag || "p", null, "meta");
  const parts = [];
  if (item.date) {
    const time = element("time", item.date.slice(0, 10));
    time.dateTime = item.date.slice(0, 10);
    parts.push(time);
  }
  for (const value of [item.source, item.category]) if (value) parts.push(element("bdi", value));
  parts.forEach((part, position) => line.append(...(position ? [" · ", part] : [part])));
  return line;
}

function articleLink(item, useHighlight) {
  const link = element("a");
  link.href = "#" + new URLSearchParams({ article: item.id }).toString();
  if (useHighlight && item.title_highlighted) {
    link.innerHTML = item.title_highlighted.html; // escaped by the server
  } else {
    link.textContent = item.title || item.id;
  }
  return link;
}

function renderFacet(name, counts, state) {
  const box = document.querySelector(`#${name}-facet .options`);
  box.replaceChildren();
  const entries = Object.entries(counts || {});
  document.getElementById(`${name}-facet`).hidden = entries.length === 0 && state[name].length === 0;
  entries.forEach(([value, count], position) => {
    const id = `${name}-${position}`;
    const input = element("input");
    input.type = "checkbox";
    input.id = id;
    input.value = value;
    input.checked = state[name].includes(value);
    input.addEventListener("change", () => {
      const chosen = input.checked
        ? [...state[name], value]
        : state[name].filter((other) => other !== value);
      go({ ...state, [name]: chosen, page: 1 });
    });
    const label = element("label");
    label.htmlFor = id;
    label.append(input, " ", element("span", value), " ", element("span", `(${count})`, "count"));
    box.append(label);
  });
}

async function showSearch(state) {
  $("article-view").hidden = true;
  $("search-view").hidden = false;
  $("q").value = state.q;
  $("from").value = state.from;
  $("to").value = state.to;
  const hits = $("hits");
  if (!state.q.trim()) {
    hits.replaceChildren();
    $("status").textContent = "اكتب كلمات البحث ثم اضغط «بحث».";
    $("filters").hidden = true;
    $("pages").hidden = true;
    return;
  }
  const params = stateParams(state);
  params.set("limit", String(PAGE_SIZE));
  $("status").textContent = "جارٍ البحث…";
  let results;
  try {
    results = await getJSON("search?" + params.toString());
  } catch (error) {
    hits.replaceChildren();
    $("status").textContent = "تعذّر البحث: " + error.message;
    return;
  }
  const status = $("status");
  status.replaceChildren(
    element("span", results.total === 0 ? "لا نتائج." : `${results.total.toLocaleString("ar")} نتيجة`)
  );
  if (results.rewrite) {
    // searched as meant (the keyboard was on the other layout): say so, and offer the query as typed
    const asTyped = element("a", results.rewrite.typed);
    asTyped.id = "search-as-typed";
    asTyped.href = "#" + stateParams({ ...state, q: results.rewrite.typed, page: 1, rewrite: "0" }).toString();
    const searched = element("p", null, "rewrite");
    searched.append("نتائج البحث عن ", element("bdi", results.rewrite.searched), " — ابحث بدلًا من ذلك عن ");
    searched.append(asTyped);
    status.append(searched);
  }
  if (results.suggestion) {
    const fix = element("a", results.suggestion);
    fix.href = "#" + stateParams({ ...state, q: results.suggestion, page: 1 }).toString();
    status.append(" هل تقصد: ", fix, "؟");
  }
  hits.replaceChildren(
    ...results.hits.map((hit) => {
      const item = element("li");
      const heading = element("h2");
      heading.append(articleLink(hit, true));
      item.append(heading, meta(hit));
      hit.snippets.forEach((snippet) => {
        const paragraph = element("p", null, "snippet");
        paragraph.innerHTML = snippet.html; // escaped by the server
        item.append(paragraph);
      });
      if (hit.copies.length) {
        // the same story in other outlets: "also in: outlet, outlet"
        const outlets = [...new Set(hit.copies.map((copy) => copy.source || copy.id))];
        const also = element("p", null, "copies");
        also.append("نُشر أيضًا في: ");
        outlets.forEach((outlet, position) => {
          if (position) also.append("، ");
          also.append(element("bdi", outlet));
        });
        item.append(also);
      }
      return item;
    })
  );
  $("filters").hidden = false;
  renderFacet("source", results.facets.source, state);
  renderFacet("category", results.facets.category, state);
  const pages = Math.min(results.pages, 100);
  $("pages").hidden = pages <= 1;
  $("page-of").textContent = `صفحة ${state.page} من ${pages}`;
  $("previous").disabled = state.page <= 1;
  $("next").disabled = state.page >= pages;
}

async function showArticle(id, state) {
  $("search-view").hidden = true;
  const view = $("article-view");
  view.hidden = false;
  $("article-title").textContent = "…";
  $("article-meta").textContent = "";
  $("article-text").replaceChildren();
  $("related").replaceChildren();
  $("duplicates").replaceChildren();
  const path = "articles/" + encodeURIComponent(id);
  try {
    const [article, related, copies] = await Promise.all([
      getJSON(path),
      getJSON(path + "/related?limit=5"),
      getJSON(path + "/duplicates"),
    ]);
    $("article-title").textContent = article.title || article.id;
    $("article-meta").replaceChildren(...meta(article, "span").childNodes);
    $("article-text").replaceChildren(
      ...String(article.text || "")
        .split(/\n+/)
        .filter((line) => line.trim())
        .map((line) => element("p", line))
    );
    $("related").replaceChildren(
      ...related.map((item) => {
        const entry = element("li");
        entry.append(articleLink(item, false), " ", meta(item, "span"));
        if (item.duplicates.length) entry.append(element("span", ` (+${item.duplicates.length} نسخ)`, "meta"));
        return entry;
      })
    );
    if (related.length === 0) $("related").append(element("li", "لا مقالات ذات صلة."));
    $("duplicates-section").hidden = copies.length === 0;
    $("duplicates").replaceChildren(
      ...copies.map((copyId) => {
        const entry = element("li");
        entry.append(articleLink({ id: copyId, title: copyId }, false));
        return entry;
      })
    );
  } catch (error) {
    $("article-title").textContent = "تعذّر عرض المقال: " + error.message;
  }
  view.focus();
}

function render() {
  const state = readState();
  if (state.article) {
    showArticle(state.article, state);
  } else {
    showSearch(state).then(() => {
      if (document.activeElement === document.body) $("q").focus();
    });
  }
}

let suggestTimer = 0;
function suggest() {
  clearTimeout(suggestTimer);
  const typed = $("q").value;
  suggestTimer = setTimeout(async () => {
    if (!typed.trim()) return;
    try {
      const found = await getJSON("suggest?" + new URLSearchParams({ q: typed, limit: "8" }).toString());
      $("suggestions").replaceChildren(
        ...found.map((suggestion) => {
          const option = element("option");
          option.value = suggestion.text;
          return option;
        })
      );
    } catch (error) {
      // suggestions are a convenience: a failure leaves the box as it is
    }
  }, 150);
}

let lastSearch = "";
document.addEventListener("DOMContentLoaded", () => {
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    go({ ...readState(), article: "", q: $("q").value.trim(), page: 1, rewrite: "" });
  });
  $("q").addEventListener("input", suggest);
  for (const id of ["from", "to"]) {
    $(id).addEventListener("change", () => go({ ...readState(), [id]: $(id).value, page: 1 }));
  }
  $("previous").addEventListener("click", () => go({ ...readState(), page: readState().page - 1 }));
  $("next").addEventListener("click", () => go({ ...readState(), page: readState().page + 1 }));
  $("back").addEventListener("click", () => {
    if (lastSearch) location.hash = lastSearch;
    else history.back();
  });
  window.addEventListener("hashchange", () => {
    if (!readState().article) lastSearch = location.hash;
    render();
  });
  if (!readState().article) lastSearch = location.hash;
  render();
});
