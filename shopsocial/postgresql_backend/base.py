"""django-tenants' PostgreSQL backend, minus the `SET search_path` a connection already has.

django-tenants (with TENANT_LIMIT_SET_CALLS) sends `SET search_path` before the
first query of every request, because the middleware selects the schema again
for each request. On a persistent connection that is one extra round trip per
request even when the previous request used the same schema. This backend
remembers what it last set on the server and skips the statement when it would
change nothing. What it remembers is forgotten whenever the setting may have
been undone or lost: on close (a new or pooled connection) and on rollback and
savepoint rollback (a `SET` inside a rolled-back transaction is reverted).
"""

from __future__ import annotations

from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from django_tenants.utils import get_limit_set_calls

from .introspection import DatabaseIntrospection


class DatabaseWrapper(TenantDatabaseWrapper):
    def __init__(self, *args, **kwargs) -> None:
        self._server_search_path: list[str] | None = None
        super().__init__(*args, **kwargs)
        self.introspection = DatabaseIntrospection(self)

    def _handle_search_path(self, cursor=None):
        if self._setting_search_path:
            return
        if get_limit_set_calls() and self.search_path_set_schemas:
            return
        if (
            self._server_search_path is not None
            and self.schema_name
            and self._get_cursor_search_paths() == self._server_search_path
        ):
            self.search_path_set_schemas = self._server_search_path
            return
        super()._handle_search_path(cursor)
        self._server_search_path = self.search_path_set_schemas

    def close(self):
        self._server_search_path = None
        super().close()

    def rollback(self):
        self._server_search_path = None
        super().rollback()

    def savepoint_rollback(self, sid):
        self._server_search_path = None
        super().savepoint_rollback(sid)
