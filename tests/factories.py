"""Small, explicit factories: SubFactory only for required relations."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from catalog.models import MasterProduct, PlatformMapping
from core.models import Membership, Organization
from core.platforms import Platform
from imports.models import ImportJob, RawImportRecord


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.django.Password("pw-for-tests-1")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Toko {n}")
    slug = factory.Sequence(lambda n: f"toko-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.MERCHANDISER


class MasterProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MasterProduct

    organization = factory.SubFactory(OrganizationFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Kaos Polos Cotton Combed {n}")
    base_price = Decimal("99000")


class PlatformMappingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlatformMapping

    master_product = factory.SubFactory(MasterProductFactory)
    organization = factory.SelfAttribute("master_product.organization")
    platform = Platform.SHOPEE
    platform_product_id = factory.Sequence(lambda n: str(30_000_000_000 + n))


class ImportJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportJob

    organization = factory.SubFactory(OrganizationFactory)
    platform = Platform.SHOPEE


class RawImportRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RawImportRecord

    import_job = factory.SubFactory(ImportJobFactory)
    organization = factory.SelfAttribute("import_job.organization")
    platform = factory.SelfAttribute("import_job.platform")
    platform_product_id = factory.Sequence(lambda n: str(40_000_000_000 + n))
    raw_data = factory.LazyAttribute(
        lambda o: {"item_id": int(o.platform_product_id), "item_name": "Kaos Polos"}
    )
    content_hash = factory.LazyAttribute(
        lambda o: hashlib.sha256(json.dumps(o.raw_data, sort_keys=True).encode()).hexdigest()
    )
