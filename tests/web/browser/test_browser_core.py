"""In a real browser (Debian Chromium): log in, admin pages, refusal as viewer, language switch, API docs."""

from __future__ import annotations

from typing import Any

from tests.web.browser.conftest import LiveServer, log_in, shoot


def _no_errors(page: Any) -> None:
    assert not page.jasyl_errors, page.jasyl_errors


def test_login_page_in_three_languages_keeps_the_page(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/login?next=%2Fadmin%2Fusers")
    assert page.locator("html").get_attribute("lang") == "kk"  # Kazakh first (browser locale kk-KZ)
    shoot(page, "login-kk")
    for lang, heading in (("ru", "Вход"), ("en", "Log in"), ("kk", "Жүйеге кіру")):
        page.click(f".lang-switch a[data-lang={lang}]")
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("h1").inner_text() == heading
        assert "/login" in page.url and "next=%2Fadmin%2Fusers" in page.url
        shoot(page, f"login-{lang}")
    _no_errors(page)


def test_admin_logs_in_and_sees_users_and_audit(page: Any, live_server: LiveServer) -> None:
    log_in(page, live_server, "admin1", next_url="/admin/users?lang=en")
    assert page.url.endswith("/admin/users?lang=en")
    assert page.locator("table.data").first.is_visible()
    assert page.get_by_role("link", name="viewer1").is_visible()
    shoot(page, "admin-users-en")
    page.fill("#f-username", "newcomer")
    page.fill("#f-display_name", "<b>Newcomer</b>")
    page.fill("#f-password", "a-long-password-1")
    page.select_option("#f-role", "analyst")
    page.click("form.grid-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/admin/users/" in page.url
    assert page.locator("h2").first.inner_text() == "newcomer · <b>Newcomer</b>"  # shown as text
    page.goto(f"{live_server.url}/admin/audit?lang=ru")
    assert page.locator("table.audit tbody tr").first.locator("code").inner_text() == "user.create"
    shoot(page, "admin-audit-ru")
    _no_errors(page)


def test_viewer_is_refused_admin_pages(page: Any, live_server: LiveServer) -> None:
    log_in(page, live_server, "viewer1", next_url="/admin/users")
    assert page.locator("h1").inner_text() == "Кіруге рұқсат жоқ"  # 403 in Kazakh
    assert page.locator(".account .who").inner_text() == "Test viewer"
    assert page.get_by_role("link", name="Әкімшілік").count() == 0
    shoot(page, "viewer-refused-kk")
    page.click(".account button")  # log out (POST with CSRF token)
    page.wait_for_load_state("networkidle")
    assert page.locator(".account a").inner_text() == "Кіру"


def test_api_docs_render_from_vendored_swagger(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/api/docs?lang=en")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    assert page.locator(".swagger-ui .opblock").count() >= 5
    shoot(page, "api-docs-en")
    _no_errors(page)


def test_vendored_vega_draws_a_chart_under_the_csp(page: Any, live_server: LiveServer) -> None:
    """vega-embed's interpreter mode needs no eval: a spec renders to SVG under script-src 'self'."""
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(f"{live_server.url}/login?lang=en")
    for path in ("vendor/vega-6.2.0/vega.min.js", "vendor/vega-lite-6.4.1/vega-lite.min.js",
                 "vendor/vega-embed-7.3.0/vega-embed.min.js", "vendor/leaflet-1.9.4/leaflet.js"):
        page.add_script_tag(url=f"{live_server.url}/static/{path}")
    page.evaluate("""() => {
        const div = document.createElement('div');
        div.className = 'vega-chart';
        div.id = 'probe';
        document.querySelector('main').appendChild(div);
        return window.vegaEmbed(div, {
            $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
            data: {values: [{x: 'a', y: 3}, {x: 'b', y: 7}]},
            transform: [{calculate: 'datum.y * 2', as: 'y2'}],
            mark: 'bar', encoding: {x: {field: 'x', type: 'nominal'}, y: {field: 'y2', type: 'quantitative'}}
        }, {ast: true, renderer: 'svg', actions: false, defaultStyle: false,
            tooltip: {disableDefaultStyle: true}}).then(() => true);
    }""")
    page.wait_for_selector("#probe svg .mark-rect path")
    assert page.locator("#probe svg .mark-rect path").count() == 2
    shoot(page, "vega-probe-en")
    assert not violations, violations
    _no_errors(page)
