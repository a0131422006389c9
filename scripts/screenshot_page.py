"""Take the README's picture of the search page: the bundled sample indexed in a temporary
directory, `arsearch serve` on a free loopback port, a query typed in headless Chromium.

    python scripts/screenshot_page.py [--out docs/search-page.png] [--query "..."]

Needs the dev extra (Playwright) and Debian's Chromium (/usr/bin/chromium), as the page's test does.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from arsearch import Index, read_records

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "search-page.png")
    parser.add_argument("--query", default="زيارة وزير الخارجية للمملكة")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        index_dir = Path(workdir) / "ix"
        with Index.create(index_dir) as index:
            index.add(read_records([str(ROOT / "samples" / "news.jsonl")]))
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "arsearch", "serve", "--index", str(index_dir), "--port", str(port)],
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(150):
                try:
                    urllib.request.urlopen(url + "/health", timeout=2).close()
                    break
                except OSError:
                    time.sleep(0.2)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
                page = browser.new_page(locale="ar", viewport={"width": 1100, "height": 820})
                page.goto(url + "/")
                page.get_by_label("ابحث في المقالات").fill(args.query)
                page.keyboard.press("Enter")
                page.wait_for_selector("#hits li")
                page.screenshot(path=str(args.out))
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
