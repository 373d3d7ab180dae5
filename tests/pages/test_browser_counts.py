"""The queue's total in a real browser: counted down as comments are decided, with Dutch
thousands separators, and left alone when it is a capped "10.000+"."""

import pytest
from helpers.browser import posted_and_found, require_browser

pytestmark = pytest.mark.browser
require_browser()
expect = pytest.importorskip("playwright.sync_api").expect


def _approve_first(page):
    page.keyboard.press("j")
    page.keyboard.press("a")


def test_the_total_counts_down_and_a_capped_total_stays(page, server):
    for i in range(3):
        server.post(f"teller{i}", f"Een gewone reactie over de begroting tellertest{i}")
    item = posted_and_found(page, server, "teller-x", "Nog een reactie over de begroting tellertest", "tellertest")
    total = page.locator("[data-total]")
    assert total.inner_text() == "4 reacties"
    _approve_first(page)
    expect(total).to_have_text("3 reacties")
    # a total past the cap cannot be counted down: pretend this one was
    page.evaluate(
        "t => { t.setAttribute('data-capped', ''); t.textContent = '10.000+ reacties'; }", total.element_handle()
    )
    _approve_first(page)
    expect(page.locator("article.item")).to_have_count(2)
    assert total.inner_text() == "10.000+ reacties"
    assert item is not None and page.js_errors == []
