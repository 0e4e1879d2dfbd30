"""Provisioning benchmark: N storefronts through `retailer_provision`, then `migrate_schemas`.

    DATABASE_URL=postgres://... uv run python bench/provisioning.py --count 1000

Prints the median and p95 time per storefront (overall and for the last tenth, i.e.
with ~N retailers already present), then times `migrate_schemas` with nothing to
apply over every schema. Everything it created is deleted at the end (rows and
schemas), also on Ctrl-C or error. Loopback database only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopsocial.settings.dev")
os.environ.setdefault("DEBUG", "false")  # no query log growing with every statement

from bench.common import percentile, storefront_provision  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="storefronts to create")
    parser.add_argument(
        "--standard-sample",
        type=int,
        default=0,
        help="also time this many storefronts with django-tenants' own migrate-per-schema path",
    )
    parser.add_argument("--keep", action="store_true", help="do not delete what was created")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from retailers import crypto
    from retailers.models import Domain, Retailer
    from retailers.services import company_tenant_ensure, retailer_provision

    host = settings.DATABASES["default"].get("HOST") or ""
    if host not in ("", "127.0.0.1", "localhost", "::1") and not host.startswith("/"):
        print(f"refusing to run against a non-loopback database host: {host}")
        return 2

    company_tenant_ensure()
    prefix = f"bench{uuid.uuid4().hex[:6]}"
    created: list[int] = []
    timings: list[float] = []
    tax_id = crypto.encrypt("123456789")
    before = Retailer.objects.filter(kind=Retailer.Kind.RETAILER).count()
    print(f"{before} retailers present before the run; creating {args.count} ({prefix}-*)")
    try:
        for i in range(args.count):
            start = time.perf_counter()
            retailer = storefront_provision(f"{prefix}-{i}", i, tax_id)
            timings.append(time.perf_counter() - start)
            created.append(retailer.pk)
            if (i + 1) % max(1, args.count // 10) == 0:
                print(f"  {i + 1:>5} created, last {timings[-1] * 1000:.1f} ms", flush=True)

        tail = timings[-max(1, len(timings) // 10) :]
        total = Retailer.objects.filter(kind=Retailer.Kind.RETAILER).count()
        print(f"\nProvisioning ({len(timings)} storefronts, {total} retailers at the end)")
        print(f"  median {statistics.median(timings) * 1000:7.1f} ms")
        print(f"  p95    {percentile(timings, 95) * 1000:7.1f} ms")
        print(
            f"  last 10% (≈{total} present): median {statistics.median(tail) * 1000:.1f} ms,"
            f" p95 {percentile(tail, 95) * 1000:.1f} ms"
        )

        if args.standard_sample:
            settings.TENANT_TEMPLATE_CLONE = False
            std: list[float] = []
            for i in range(args.standard_sample):
                start = time.perf_counter()
                retailer = retailer_provision(slug=f"{prefix}-std-{i}", display_name="Std")
                std.append(time.perf_counter() - start)
                created.append(retailer.pk)
            settings.TENANT_TEMPLATE_CLONE = True
            print(
                f"  django-tenants migrate-per-schema path ({len(std)} storefronts): "
                f"median {statistics.median(std) * 1000:.1f} ms, p95 {percentile(std, 95) * 1000:.1f} ms"
            )

        schemas = Retailer.objects.exclude(schema_name="public").count()
        start = time.perf_counter()
        call_command("migrate_schemas", interactive=False, verbosity=0)
        elapsed = time.perf_counter() - start
        print(
            f"\nmigrate_schemas with nothing to apply over {schemas} tenant schemas: "
            f"{elapsed:.2f} s"
        )
    finally:
        if not args.keep and created:
            connection.set_schema_to_public()
            start = time.perf_counter()
            names = list(
                Retailer.objects.filter(pk__in=created).values_list("schema_name", flat=True)
            )
            with connection.cursor() as cur:
                for name in names:
                    cur.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
            Domain.objects.filter(tenant_id__in=created).delete()
            Retailer.objects.filter(pk__in=created).delete()
            print(
                f"cleaned up {len(names)} retailers and schemas "
                f"in {time.perf_counter() - start:.1f} s"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
