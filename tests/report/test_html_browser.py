"""The HTML report of a real run, opened from file:// by a real headless Chromium (Debian's
`chromium` and `chromium-driver`, which scripts/test.sh installs where apt exists)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from ai_workflow.cli import main
from tests.helpers import commit_all, make_repo

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sample-project"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
)


def _browser_paths() -> tuple[str, str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if browser and driver:
        return browser, driver
    if shutil.which("apt-get") and os.geteuid() == 0:
        pytest.fail("chromium is missing: scripts/test.sh installs it (chromium chromium-driver)")
    pytest.skip("no chromium and chromedriver here, and no apt-get as root to install them")


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    binary, driver_path = _browser_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def two_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """The bundled example, run twice in parallel: the second run reuses the steps whose inputs
    did not change, so its timeline has bars for some steps and reasons for the others."""
    target = tmp_path / "minicalc"
    shutil.copytree(EXAMPLE, target)
    (target / ".workflow-config.yaml").write_text(f"tech_stack:\n  python: {sys.executable}\n")
    make_repo(target)
    commit_all(target, "import minicalc")
    summary: dict[str, Any] = {}
    for _ in range(2):
        code = main(["run", "--target", str(target), "--auto", "--parallel", "--json"])
        summary = json.loads(capsys.readouterr().out)
        assert code == 0
    return summary


def _requests(driver: WebDriver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def test_the_report_of_a_real_run_in_chromium(
    browser: WebDriver, two_runs: dict[str, Any], tmp_path: Path
) -> None:
    summary = two_runs
    backlog = Path(summary["target"]) / ".ai_workflow" / "backlog" / summary["run_id"]
    report = backlog / "report.html"
    findings = json.loads((backlog / "findings.json").read_text())["findings"]

    browser.get("about:blank")
    browser.get_log("performance")  # only the report's own requests from here on
    browser.get(report.as_uri())
    assert browser.execute_script("return document.body.getAttribute('data-ready')") == "1"

    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    assert _requests(browser) == [report.as_uri()]  # the page itself, nothing else

    assert summary["tests"]["passed"] == 4  # the (reused) test step's counts, for the trends
    steps = summary["steps"]
    nodes = browser.find_elements(By.CSS_SELECTOR, "#dag g.dag-node")
    assert sorted(n.get_attribute("data-step") for n in nodes) == sorted(s["id"] for s in steps)
    ran = ("passed", "warning", "failed", "interrupted")  # not reused, skipped or not run
    executed = [s["id"] for s in steps if s["status"] in ran]
    assert any(s["status"] == "reused" for s in steps) and executed  # both kinds of rows
    bars = browser.find_elements(By.CSS_SELECTOR, "#gantt rect.tl-bar")
    assert sorted(b.get_attribute("data-step") for b in bars) == sorted(executed)

    count = browser.find_element(By.ID, "findings-count")
    assert count.get_attribute("data-total") == str(len(findings))
    assert count.get_attribute("data-shown") == str(len(findings))

    rule = "tests/untested-function"
    expected = sum(1 for f in findings if f["rule"] == rule)
    assert expected >= 2
    rules = Select(browser.find_element(By.ID, "f-rule"))
    rules.select_by_visible_text(f"{rule} ({expected})")
    rows = browser.find_elements(By.CSS_SELECTOR, "#findings-rows tr.finding")
    assert [r.get_attribute("data-rule") for r in rows] == [rule] * expected
    assert count.get_attribute("data-shown") == str(expected)
    link = rows[0].find_element(By.CSS_SELECTOR, "td.loc a").get_attribute("href")
    assert link.startswith((Path(summary["target"]) / "src").as_uri())  # the file, from the page

    node = nodes[-1]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", node)
    node.click()  # jumps to that step's row, which flashes
    row = browser.find_element(By.ID, "step-" + str(node.get_attribute("data-step")))
    assert "flash" in str(row.get_attribute("class"))
    height = browser.execute_script("return document.body.scrollHeight")
    browser.set_window_size(1400, min(int(height) + 100, 8000))  # the whole page, top to bottom
    browser.execute_script("window.scrollTo(0, 0)")
    browser.save_screenshot(str(tmp_path / "report.png"))  # for a person to look at
    assert (tmp_path / "report.png").stat().st_size > 10_000
