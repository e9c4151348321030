"""CI: Swagger UI at /docs as a person uses it, in headless Chromium (Debian's chromium and
chromedriver, selenium from PyPI): sign in through the Authorize dialog (OAuth 2 password flow),
reload (the authorization persists), open GET /api/v1/partners by its deep link, Try it out,
Execute, and read the 200 on the page."""

import os
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

BASE = os.environ.get("PRM_URL", "http://127.0.0.1:8080")


def browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    # This machine's network is closed: no background connections, no first-run work.
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tempfile.mkdtemp()}",
        "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def main() -> None:
    email, password = os.environ["PRM_EMAIL"], os.environ["PRM_PASSWORD"]
    driver = browser()
    wait = WebDriverWait(driver, 20)
    try:
        driver.get(f"{BASE}/")
        wait.until(ec.title_contains("prm"))
        authorize = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "button.authorize")))
        authorize.click()
        dialog = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".modal-ux")))
        flow = next(
            c
            for c in dialog.find_elements(By.CSS_SELECTOR, ".auth-container")
            if "password" in c.text and c.find_elements(By.ID, "oauth_username")
        )
        flow.find_element(By.ID, "oauth_username").send_keys(email)
        flow.find_element(By.ID, "oauth_password").send_keys(password)
        flow.find_element(By.CSS_SELECTOR, "button.authorize").click()
        wait.until(lambda _: flow.find_elements(By.CSS_SELECTOR, "button.btn-done, button.logout")
                   and "Logout" in flow.text)
        dialog.find_element(By.CSS_SELECTOR, "button.btn-done").click()

        # A reload keeps the authorization (persistAuthorization), and the deep link opens the
        # operation itself.
        driver.get(f"{BASE}/docs/#/Partners/list_partners")
        driver.refresh()
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "button.authorize.locked")))
        operation: WebElement = wait.until(
            ec.visibility_of_element_located((By.ID, "operations-Partners-list_partners"))
        )
        wait.until(lambda _: operation.find_elements(By.CSS_SELECTOR, "button.try-out__btn"))
        # Try it out is on from the start (tryItOutEnabled); press it only when it is not.
        if not operation.find_elements(By.CSS_SELECTOR, "button.execute"):
            operation.find_element(By.CSS_SELECTOR, "button.try-out__btn").click()
        wait.until(lambda _: operation.find_elements(By.CSS_SELECTOR, "button.execute"))
        operation.find_element(By.CSS_SELECTOR, "button.execute").click()
        status = wait.until(
            lambda _: operation.find_element(
                By.CSS_SELECTOR, ".live-responses-table tr.response .response-col_status"
            ).text.strip()
            or False
        )
        if not str(status).startswith("200"):
            raise SystemExit(f"GET /api/v1/partners from Swagger UI answered {status}")
        print(f"Swagger UI: signed in through Authorize, Try it out on GET /api/v1/partners: {status}")
    except Exception:
        driver.save_screenshot("/tmp/prm-docs-failure.png")
        print(driver.page_source[:2000], file=sys.stderr)
        raise
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
