"""The search page in a real browser: headless Chromium (Debian's) driven by Playwright.

`arsearch serve` runs on 127.0.0.1 over an index of the sample (plus one
article full of markup); the test types an Arabic query, reads highlighted
results and facets, filters, pages, opens an article with its related list,
checks a phone-sized viewport, and saves screenshots in its tmp dir.
Skipped, with the reason, only when Chromium or Playwright is missing
(`.ci/run` installs both).
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from arsearch import Index
from arsearch.records.ingest import read_records
from helpers import SAMPLE

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HOSTILE = {
    "id": "hostile",
    "title": '<img src=x onerror="alert(1)"> خبر عن المملكة <script>alert(2)</script>',
    "text": 'نص عن المملكة فيه <script>alert(3)</script> و<b onclick="alert(4)">وسم</b>',
    "source": "<i>مصدر</i>",
}

#: sample-05's outlet (its copy, added below, names another)
ORIGINAL_SOURCE = "الوطن"

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install -e '.[dev]')")
expect = sync_api.expect
if not Path(CHROMIUM).exists():
    pytest.skip(
        "Chromium is not installed here (apt-get install chromium); .ci/run installs it", allow_module_level=True
    )

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    index_dir = tmp_path_factory.mktemp("page") / "ix"
    with Index.create(index_dir) as index:
        index.add(read_records([str(SAMPLE)]))
        original = index.get("sample-05").to_record()
        copy = {**original, "id": "sample-05-copy", "source": "جريدة أخرى", "title": "وزير الخارجية في المملكة"}
        index.add([HOSTILE, copy])
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "arsearch", "serve", "--index", str(index_dir), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/health", timeout=2).close()
            break
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, "arsearch serve did not come up"
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="ar")
    opened = context.new_page()
    dialogs: list[str] = []
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not dialogs, f"a script from the data ran: {dialogs}"
    assert not errors, errors


def search(page: Any, base_url: str, query: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("ابحث في المقالات").fill(query)
    page.keyboard.press("Enter")
    page.wait_for_selector("#hits li")


def test_search_highlights_facets_filters_and_pages(page: Any, base_url: str, tmp_path: Path) -> None:
    page.goto(base_url + "/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    search(page, base_url, "زيارة وزير الخارجية للمملكة")
    expect(page.locator("#article-view")).to_be_hidden()
    titles = page.locator("#hits h2").all_inner_texts()
    story = [title for title in titles if "وزير الخارجية يزور المملكة" in title or "وزير الخارجية في المملكة" in title]
    assert len(story) == 1 and story[0] == titles[0]  # the story once: its copy in another paper folds into it
    also = page.locator("#hits li").first.locator(".copies").inner_text()
    assert also.startswith("نُشر أيضًا في") and ("جريدة أخرى" in also or ORIGINAL_SOURCE in also), also
    assert page.locator("#hits mark").count() > 0  # matched words are highlighted
    assert "للمملكة" in page.locator("#hits").inner_text() or "المملكة" in page.locator("#hits").inner_text()
    total = page.locator("#hits li").count()
    sources = page.locator("#source-facet input[type=checkbox]")
    assert sources.count() > 1 and page.locator("#category-facet input").count() >= 1
    page.screenshot(path=str(tmp_path / "results.png"), full_page=True)

    # a facet is a labelled checkbox; ticking it filters the results
    label = page.locator("#source-facet label").first
    expected = int(label.locator(".count").inner_text().strip("()"))
    label.locator("input").check()
    expect(page.locator("#hits li")).to_have_count(expected)
    assert page.locator("#hits li").count() <= total

    # a date range narrows them too
    page.goto(base_url + "/#q=" + "المملكة")
    page.wait_for_selector("#hits li")
    page.locator("#from").fill("2024-10-01")
    page.locator("#from").dispatch_event("change")
    page.wait_for_url(re.compile("from=2024-10-01"))
    # the filtered answer replaces the list the page still shows while it is asked for (a slower
    # server under load showed the old one here): wait for the new list, then read it
    page.wait_for_function(
        """() => {
            const dates = [...document.querySelectorAll('#hits .meta time')].map((time) => time.textContent);
            return dates.length > 0 && dates.every((date) => date >= '2024-10-01');
        }"""
    )
    dates = page.locator("#hits .meta time").all_inner_texts()
    assert dates and all(date >= "2024-10-01" for date in dates)
    expect(page.locator("#pages")).to_be_hidden()  # one page: no page buttons

    # a broad query has pages; Next shows other articles
    search(page, base_url, "وزارة المملكة الصحة التعليم الاقتصاد النفط")
    assert page.locator("#pages").is_visible()
    first_page = page.locator("#hits h2").all_inner_texts()
    page.get_by_role("button", name="التالي").click()
    page.wait_for_url(re.compile("page=2"))
    expect(page.locator("#page-of")).to_have_text(re.compile(r"^صفحة 2 من"))
    assert set(page.locator("#hits h2").all_inner_texts()).isdisjoint(first_page)


def test_a_query_typed_on_the_english_layout_says_so_and_searches_as_typed_on_request(page: Any, base_url: str) -> None:
    search(page, base_url, ",.dv hgohv[dm")  # وزير الخارجية, typed with the keyboard left on English
    expect(page.locator("#status .rewrite")).to_contain_text("وزير الخارجية")
    assert "وزير الخارجية" in page.locator("#hits h2").first.inner_text()
    as_typed = page.locator("#search-as-typed")
    assert as_typed.inner_text() == ",.dv hgohv[dm"
    as_typed.click()
    page.wait_for_url(re.compile("rewrite=0"))
    expect(page.locator("#status")).to_contain_text("لا نتائج")
    expect(page.locator("#status .rewrite")).to_have_count(0)
    # a new search from the box reads the keys again
    page.get_by_label("ابحث في المقالات").fill(",.dv hgohv[dm")
    page.keyboard.press("Enter")
    page.wait_for_selector("#hits li")
    expect(page.locator("#status .rewrite")).to_have_count(1)


def test_article_view_with_related_and_back(page: Any, base_url: str, tmp_path: Path) -> None:
    search(page, base_url, "زيارة وزير الخارجية")
    page.locator("#hits h2 a").first.click()
    page.wait_for_selector("#article-view:not([hidden])")
    page.wait_for_selector("#related li a")
    expect(page.locator("#search-view")).to_be_hidden()  # one view at a time
    assert "وزير الخارجية" in page.locator("#article-title").inner_text()
    assert page.locator("#article-text p").count() >= 1
    assert page.locator("#related li a").count() >= 1
    # the same story printed elsewhere is listed as such, not as a related article
    expect(page.locator("#duplicates-section")).to_be_visible()
    opened = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).fragment)["article"][0]
    other = {"sample-05": "sample-05-copy", "sample-05-copy": "sample-05"}[opened]
    assert page.locator("#duplicates li a").all_inner_texts() == [other]
    assert other not in page.locator("#related").inner_html()
    page.screenshot(path=str(tmp_path / "article.png"), full_page=True)
    assert (tmp_path / "article.png").stat().st_size > 10_000
    page.get_by_role("button", name="العودة إلى النتائج").click()
    page.wait_for_selector("#search-view:not([hidden]) #hits li")


def test_autocomplete_and_keyboard_only_use(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    expect(page.locator("#q")).to_be_focused()  # the search box has the focus on arrival
    page.keyboard.type("وزا")
    expect(page.locator("#suggestions option").first).to_be_attached()
    assert page.locator("#suggestions option").first.get_attribute("value") == "وزارة"  # as written
    page.keyboard.type("رة")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "بحث"  # the labelled search button
    page.keyboard.press("Enter")
    page.wait_for_selector("#hits li")
    # results and facets are reachable by keyboard, in order
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "checkbox"


def test_markup_in_articles_stays_text(page: Any, base_url: str) -> None:
    search(page, base_url, "وسم المملكة")
    hit = page.locator("#hits li", has_text="خبر عن المملكة").first
    assert "<script>alert(2)</script>" in hit.locator("h2").inner_text()
    assert page.locator("#hits script, #hits img, #hits b").count() == 0
    hit.locator("h2 a").click()
    page.wait_for_selector("#article-view:not([hidden])")
    expect(page.locator("#article-title")).to_contain_text("<img")
    assert page.locator("#article-view script, #article-view img, #article-view b").count() == 0
    assert "<i>مصدر</i>" in page.locator("#article-meta").inner_text()


def test_phone_sized_viewport(browser: Any, base_url: str, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True)
    phone = context.new_page()
    search(phone, base_url, "المملكة")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the screen
    box = phone.locator("#q").bounding_box()
    assert box is not None and box["width"] > 150
    phone.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    context.close()


def test_page_headers_forbid_foreign_and_inline_scripts(base_url: str) -> None:
    with urllib.request.urlopen(base_url + "/", timeout=5) as response:
        policy = response.headers["Content-Security-Policy"]
        html = response.read().decode()
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "http" not in html.replace("http-equiv", "")  # no CDN: every asset is the app's own
    assert "<script>" not in html  # only the external, same-origin app.js
