"""The committee's search of ideas: the stored search document, its index and the search.

On PostgreSQL the document is a weighted tsvector (Swedish stemming, the title weighs most)
with a GIN index, searched with `websearch_to_tsquery` (quoted phrases, -exclusion, or) and
ranked. Other databases (SQLite for the demo and the default test run) have no tsvector and
no GIN: they store the same texts as plain text, without an index, and find every word in it.
The database computes the document from the idea's fields (`Idea.search_document`), so it
follows every change, erasure included, with no code to keep it up to date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import connection
from django.db.backends.ddl_references import Statement
from django.db.models import Expression, F, Func, Q, QuerySet, Value
from django.db.models.functions import Coalesce

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor
    from django.db.models import Model
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType

    from ideas.models import Idea

# The text search configuration: Swedish stemming ("bredbandet" finds "bredband").
CONFIG = "swedish"
# The longest search text and the most words the plain search looks for.
MAX_LENGTH = 200
MAX_WORDS = 8


class SearchDocumentField(SearchVectorField):
    """A tsvector column on PostgreSQL, a text column elsewhere."""

    def db_type(self, connection: BaseDatabaseWrapper) -> str:
        return "tsvector" if connection.vendor == "postgresql" else "text"


class SearchDocument(Func):
    """The texts of an idea to search, in the database's own terms.

    On PostgreSQL the first field weighs most (A), the others together B, each stemmed with
    `config`; elsewhere the fields joined by spaces. Empty fields count as "".
    """

    output_field = SearchDocumentField()
    template = "(%(expressions)s)"
    arg_joiner = " || ' ' || "

    def __init__(self, first: str, *others: str, config: str) -> None:
        super().__init__(first, *others)
        self.config = config

    def _texts(self) -> list[Any]:
        return [Coalesce(expression, Value("")) for expression in self.get_source_expressions()]

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> _AsSqlType:
        clone = self.copy()
        clone.set_source_expressions(self._texts())
        return super(SearchDocument, clone).as_sql(
            compiler, connection, function, template, arg_joiner, **extra_context
        )

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> _AsSqlType:
        first, *others = self.get_source_expressions()
        document: Expression = SearchVector(first, config=self.config, weight="A")
        if others:
            document = document + SearchVector(*others, config=self.config, weight="B")
        return compiler.compile(document)


class SearchIndex(GinIndex):
    """A GIN index on PostgreSQL; other databases have no GIN and get no index."""

    def create_sql(
        self,
        model: type[Model],
        schema_editor: BaseDatabaseSchemaEditor,
        using: str = "",
        **kwargs: Any,
    ) -> Statement:
        if schema_editor.connection.vendor != "postgresql":
            return _nothing(self)
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def remove_sql(
        self, model: type[Model], schema_editor: BaseDatabaseSchemaEditor, **kwargs: Any
    ) -> str:
        if schema_editor.connection.vendor != "postgresql":
            return str(_nothing(self))
        return super().remove_sql(model, schema_editor, **kwargs)


def _nothing(index: GinIndex) -> Statement:
    # The schema editor executes whatever an index returns (it cannot skip one, None fails):
    # a comment, which the database runs as nothing and `sqlmigrate` shows with its reason.
    return Statement("-- no index %(name)s: GIN exists on PostgreSQL only", name=index.name)


def search_ideas(queryset: QuerySet[Idea], text: str) -> QuerySet[Idea]:
    """The ideas whose texts match, or whose reference number is the text.

    On PostgreSQL in web search syntax with Swedish stemming, each idea annotated with its
    `rank` (a match in the title ranks higher); elsewhere every word must occur somewhere.
    """
    text = text.strip()[:MAX_LENGTH]
    if not text:
        return queryset
    by_reference = Q(reference__iexact=text)
    if connection.vendor == "postgresql":
        query = SearchQuery(text, search_type="websearch", config=CONFIG)
        return queryset.annotate(rank=SearchRank(F("search_document"), query)).filter(
            Q(search_document=query) | by_reference
        )
    words = Q()
    for word in text.split()[:MAX_WORDS]:
        words &= Q(search_document__icontains=word)
    return queryset.filter(words | by_reference)
