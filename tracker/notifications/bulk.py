"""INSERT … SELECT into an outbox-like table, against its unique key, in one statement.

Alert planning writes up to one row per organization or member at once (100,000 for a
provincial program): `bulk_create` would bring every row through Python and, on SQLite (999
parameters per statement), need one INSERT per few dozen rows. The SELECT is a queryset, so the
conditions stay ORM expressions; ON CONFLICT DO NOTHING (SQLite >= 3.24, PostgreSQL) skips only
rows the unique key already has.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BigIntegerField, Value
from django.db.models.functions import Cast

# values() names may not shadow the queried model's fields: each column is selected under this
# prefix, which `insert_select` strips.
ALIAS = "insert_"
# A NULL foreign key in a SELECT list (a row kind without that reader).
NULL_ID = Cast(Value(None), BigIntegerField())


def columns(**values):
    """`values` as keyword arguments for `queryset.values()`, each under ALIAS."""
    return {ALIAS + name: value for name, value in values.items()}


def insert_select(model, queryset):
    """Insert the rows of `queryset` (a `.values(**columns(...))`) into `model`'s table; returns
    how many were new. SQLite parses ON CONFLICT after a SELECT only if the SELECT has a WHERE:
    callers filter."""
    compiler = queryset.query.get_compiler(connection=connection)
    try:
        select_sql, params = compiler.as_sql()
    except EmptyResultSet:  # a condition that matches nothing (a closed program's dates)
        return 0
    names = [alias.removeprefix(ALIAS) for _, _, alias in compiler.select]
    sql = "INSERT INTO {table} ({columns}) {select} ON CONFLICT DO NOTHING".format(
        table=connection.ops.quote_name(model._meta.db_table),
        columns=", ".join(
            connection.ops.quote_name(model._meta.get_field(name).column) for name in names
        ),
        select=select_sql,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)
