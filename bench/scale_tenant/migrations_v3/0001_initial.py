import importlib

Migration = importlib.import_module("bench.scale_tenant.migrations_v1.0001_initial").Migration
