"""The merchandiser's daily flows in a real browser against a live server and the sandbox."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from catalog.models import MasterProduct, PlatformMapping
from imports.models import ChannelConnection, ImportJob
from imports.services import import_job_run, import_job_start
from tests.browser.conftest import log_in, select_and_run
from tests.factories import MasterProductFactory
from tests.sandbox_fixtures import connect_sandbox

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.usefixtures("seeded_fee_rules"),
]


def _import(connection) -> ImportJob:
    """An import run here, in the test, for flows that start from an imported catalog."""
    job = import_job_start(connection=connection, queue=False)
    return import_job_run(job_id=job.pk)


def test_log_in_and_connect_a_shopee_shop_through_its_authorization_page(
    owner_page, organization, sandbox
):
    page = owner_page
    credentials = sandbox.credentials()["shopee"]
    page.goto("/admin/imports/channelconnection/add/")
    page.select_option("#id_organization", label=organization.name)
    page.select_option("#id_platform", value="shopee")
    page.fill("#id_name", "Toko Satu di Shopee")
    page.fill("#id_base_url", credentials["base_url"])
    page.fill("#id_partner_id", str(credentials["partner_id"]))
    page.fill("#id_partner_key", credentials["partner_key"])
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()

    page.click("a.connect-shop")
    # The sandbox's Shopee authorization page, on the marketplace's own host.
    expect(page).to_have_url(re.compile(re.escape(sandbox.base_url) + "/shopee/"))
    expect(page.get_by_text("Toko Sandbox Shopee")).to_be_visible()
    page.click("button[name=decision][value=confirm]")

    expect(page.locator(".messagelist .success")).to_contain_text("is connected to")
    expect(page.locator(".field-access_token_state")).to_contain_text("set")
    connection = ChannelConnection.objects.get(name="Toko Satu di Shopee")
    assert connection.status == ChannelConnection.Status.ACTIVE
    assert connection.shop_id == str(credentials["shop_id"])
    assert connection.access_token and connection.refresh_token
    # The secret never reaches the page.
    assert connection.access_token not in page.content()
    assert credentials["partner_key"] not in page.content()


def test_connect_a_tiktok_shop_through_its_seller_center_page(
    owner_page, organization, make_sandbox, live_server
):
    # The app's redirect URL, as registered in TikTok's Partner Center.
    callback = f"{live_server.url}/imports/oauth/tiktokshop/callback/"
    sandbox = make_sandbox(tiktok_redirect_uri=callback)
    credentials = sandbox.credentials()["tiktokshop"]
    page = owner_page
    page.goto("/admin/imports/channelconnection/add/")
    page.select_option("#id_organization", label=organization.name)
    page.select_option("#id_platform", value="tiktokshop")
    page.fill("#id_name", "Toko Satu di TikTok")
    page.fill("#id_base_url", credentials["base_url"])
    page.fill("#id_auth_base_url", credentials["auth_base_url"])
    page.fill("#id_authorize_url", credentials["authorize_url"])
    page.fill("#id_app_key", credentials["app_key"])
    page.fill("#id_app_secret", credentials["app_secret"])
    page.fill("#id_service_id", credentials["service_id"])
    page.click("input[name=_continue]")
    expect(page.locator(".field-callback_url")).to_contain_text(callback)

    page.click("a.connect-shop")
    expect(page.get_by_text("Toko Sandbox TikTok")).to_be_visible()
    page.click("button[name=decision][value=authorize]")

    expect(page.locator(".messagelist .success")).to_contain_text("is connected to")
    connection = ChannelConnection.objects.get(name="Toko Satu di TikTok")
    assert connection.status == ChannelConnection.Status.ACTIVE
    assert connection.shop_cipher == credentials["shop_cipher"]
    assert credentials["app_secret"] not in page.content()


def test_import_from_the_admin_and_watch_the_progress_bar_reach_the_end(
    owner_page, organization, make_sandbox, worker
):
    page = owner_page
    sandbox = make_sandbox(products=400)
    # A rate limit that makes the import last a few seconds, so the bar is seen moving.
    connection = connect_sandbox(sandbox, organization, "tiktokshop", rate_limit_qps=80)
    page.goto("/admin/imports/channelconnection/")
    select_and_run(page, [connection.pk], "Import now (full)")
    page.click(".messagelist .success a")  # "import #N queued"

    bar = page.locator("#progress-bar")
    seen: set[int] = set()
    for _ in range(240):
        seen.add(int(bar.get_attribute("aria-valuenow") or 0))
        if page.locator("#import-progress[data-status=succeeded]").count():
            break
        page.wait_for_timeout(250)
    expect(page.locator("#import-progress[data-status=succeeded]")).to_have_count(1)
    expect(bar).to_have_attribute("aria-valuenow", "100")
    assert any(0 < value < 100 for value in seen), f"the bar never moved: {sorted(seen)}"
    expect(page.locator("#progress-text")).to_contain_text("400 / 400")
    job = ImportJob.objects.get(connection=connection)
    assert (job.status, job.stored_count, job.processed_count) == ("succeeded", 400, 400)


def test_confirm_and_reject_suggestions_in_the_review_queue(owner_page, organization, make_sandbox):
    # A real seller's catalog: the few matches a person has to decide go to the queue.
    sandbox = make_sandbox(products=300, profile="dirty-seller", seed=11)
    _import(connect_sandbox(sandbox, organization, "shopee"))
    _import(connect_sandbox(sandbox, organization, "tiktokshop"))
    queue = PlatformMapping.objects.filter(
        organization=organization, review_status=PlatformMapping.ReviewStatus.NEEDS_REVIEW
    )
    suggestions = queue.filter(match_method=PlatformMapping.MatchMethod.SIMILARITY).order_by("pk")
    assert suggestions.count() >= 2, "the dirty seller's uncertain title matches need review"
    to_confirm, to_reject = suggestions[0], suggestions[1]
    queued = queue.count()
    products_before = MasterProduct.objects.filter(organization=organization).count()

    page = owner_page
    page.goto("/admin/catalog/matchreview/")
    expect(page.locator("#result_list tbody tr")).to_have_count(queued)
    page.goto(f"/admin/catalog/matchreview/{to_confirm.pk}/change/")
    side_by_side = page.locator("#side-by-side")
    expect(side_by_side).to_contain_text(to_confirm.platform_title[:30])
    expect(side_by_side).to_contain_text(to_confirm.master_product.name[:30])
    page.click("#confirm-match")
    expect(page.locator(".messagelist .success")).to_contain_text("Match confirmed")

    page.goto(f"/admin/catalog/matchreview/{to_reject.pk}/change/")
    page.click("#reject-match")
    expect(page.locator(".messagelist .success")).to_contain_text("Match rejected")
    expect(page.locator("#result_list tbody tr")).to_have_count(queued - 2)

    to_confirm.refresh_from_db()
    to_reject.refresh_from_db()
    assert to_confirm.review_status == PlatformMapping.ReviewStatus.CONFIRMED
    assert to_reject.review_status == PlatformMapping.ReviewStatus.REJECTED
    assert to_reject.master_product.mappings.count() == 1  # its own product now
    assert MasterProduct.objects.filter(organization=organization).count() == products_before + 1


def test_an_edited_product_keeps_the_edit_through_a_reimport(
    owner_page, organization, make_sandbox
):
    sandbox = make_sandbox(products=60)
    connection = connect_sandbox(sandbox, organization, "shopee")
    _import(connection)
    # The marketplace changes a few listings; the next import brings them.
    changed = sandbox.catalog.shopee.mutate("update", count=5)
    mapping = PlatformMapping.objects.get(
        organization=organization, platform_product_id=str(changed[0])
    )
    product = mapping.master_product
    synced_before = mapping.updated_at

    page = owner_page
    page.goto(f"/admin/catalog/masterproduct/{product.pk}/change/")
    page.fill("#id_name", "Kemeja Batik Pilihan Toko Satu")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator("label[for=id_name]")).to_contain_text("🔒")
    expect(page.locator("#id_name")).to_have_attribute("data-locked", "true")

    job = _import(connection)
    assert job.updated_count >= 1
    mapping.refresh_from_db()
    assert mapping.updated_at > synced_before  # the re-import did refresh this listing

    page.reload()
    expect(page.locator("#id_name")).to_have_value("Kemeja Batik Pilihan Toko Satu")
    differences = page.locator(".field-platform_differences")
    expect(differences).to_contain_text("name 🔒")
    product.refresh_from_db()
    assert product.name == "Kemeja Batik Pilihan Toko Satu"
    assert "name" in product.locked_fields


def test_recalculate_prices_previews_then_writes(owner_page, organization, make_sandbox):
    sandbox = make_sandbox(products=30)
    _import(connect_sandbox(sandbox, organization, "shopee"))
    mapping = (
        PlatformMapping.objects.filter(organization=organization, platform_price__isnull=False)
        .order_by("pk")
        .first()
    )
    priced = mapping.platform_price
    # A stale price, as if the fee rules had changed since the import.
    PlatformMapping.objects.filter(pk=mapping.pk).update(platform_price=Decimal("1000"))

    page = owner_page
    page.goto("/admin/catalog/masterproduct/")
    select_and_run(page, [mapping.master_product_id], "Recalculate platform prices")
    preview = page.locator("#price-preview")
    expect(preview).to_contain_text("Rp 1.000")
    expect(preview).to_contain_text(f"Rp {int(priced):,}".replace(",", "."))
    mapping.refresh_from_db()
    assert mapping.platform_price == Decimal("1000")  # a preview writes nothing

    page.click("#confirm-prices")
    expect(page.locator(".messagelist .success")).to_be_visible()
    mapping.refresh_from_db()
    assert mapping.platform_price == priced


def test_quality_dashboard_shows_its_chart(owner_page, organization, make_sandbox):
    sandbox = make_sandbox(products=80)
    _import(connect_sandbox(sandbox, organization, "shopee"))
    page = owner_page
    page.goto("/admin/catalog/masterproduct/")
    page.click("a#quality-dashboard-link")
    chart = page.locator("#quality-charts svg").first
    expect(chart).to_be_visible()
    assert chart.locator("rect").count() >= 3  # one bar per tier
    expect(page.locator("#quality-charts")).to_contain_text("80")
    expect(page.locator("#common-findings tr").first).to_be_visible()


def test_api_docs_render_the_catalog_endpoints(owner_page):
    page = owner_page
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("SyncStore API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/products/" in p for p in paths)


def test_the_admin_in_bahasa_indonesia_and_back_to_english(make_page, owner, organization):
    MasterProductFactory(
        organization=organization, name="Sepatu Lari Pria", base_price=Decimal("150000")
    )
    page = make_page(locale="id-ID")  # the browser asks for Indonesian
    log_in(page, owner.username)
    expect(page.locator("#content h1")).to_have_text("Administrasi katalog")
    page.goto("/admin/catalog/masterproduct/")
    expect(page.locator("#result_list")).to_contain_text("Rp 150.000")
    expect(page.locator("select[name=action]")).to_contain_text("Hitung ulang harga platform")

    page.select_option("#language-switcher select", "en")
    expect(page.locator("select[name=action]")).to_contain_text("Recalculate platform prices")
    page.goto("/admin/")
    expect(page.locator("#content h1")).to_have_text("Catalog administration")
