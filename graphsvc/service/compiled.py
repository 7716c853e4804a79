"""Compiled reads: a GraphQL query operation answered by one Cypher statement, no field resolvers.

``plan(schema, document, operation, variables, reads_pii)`` walks a validated operation and, when every
field it selects is in the compiled part of the schema, returns a ``Plan``: one Cypher statement whose
single value already has the response's shape (nested lists, one per selected object, in selection
order), the parameters to bind, and how to turn those lists into the ``data`` dict with the response
keys (aliases included). Anything outside the compiled part gives None, and the caller runs the
resolvers instead. ``run(db, plan)`` executes it.

The compiled part today: the root field ``person(id)``; on ``Person`` its id, name, size, platforms,
``scores``, ``community`` (id, size, persons, topTopics, jobRun), ``identities(platform)`` (every field,
``handle`` masked for emails and phones below role analyst as the resolver masks it, ``scores``),
``contacts`` (their plain fields; the PII ones and ``importedAt`` fall back) and
``egoNetwork(depth, limit)`` (the service's expansion, filled in once the statement has found the
person: ``_Run.later``). The root lists ``influencers``, ``persons``, ``communities`` and ``contacts``
run their service function's page query and are shaped from its rows: edges, nodes, cursors, pageInfo,
totalCount (its count query), the nodes' plain fields (persons' scores, the influencer's score and
rank); a person field the row lacks (identities, say) comes from one statement for the page's persons
(``_person_list``). ``search`` shapes the service's hits, with each hit's person, contact or identity
by one statement per kind; ``segment`` its count and pages. ``__typename`` anywhere; aliases,
fragments, inline fragments and ``@skip``/``@include``. Semantics follow the resolvers: the same rows,
the same order (identities by platform and key, contacts by source and id), the same nulls. A plan
whose statement answers alone is ``direct``: its rows can come from any driver (``shaped``).

The statement is assembled from the fixed fragments below and the schema's own property names; every
value a caller sends (an id, an argument, a variable) is bound as a parameter, never written into the
text. Field names and aliases are used only on the Python side, to name the keys of the result.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLIncludeDirective,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableDefinitionNode,
    VariableNode,
)
from graphql.execution.values import VariableValues, get_argument_values, get_directive_values, get_variable_values

from graphsvc.db import Database
from graphsvc.service import contacts, influencers, paths, persons, search, segments
from graphsvc.service.cursors import Page

__all__ = ["Plan", "kept", "known", "plan", "run", "shaped"]

PII_PLATFORMS = ("email", "phone")

Shape = Callable[[Any], Any]


@dataclass
class Plan:
    """One statement (``text``, ``params``; None when no root needs one), the service calls of roots
    that a service function answers (``calls``), and how to shape both into ``data``."""

    text: str | None
    params: dict[str, Any]
    shape: Callable[[Any, Mapping[str, Any]], dict[str, Any]]
    calls: list[tuple[str, Callable[[Database], Any]]] = field(default_factory=list)
    #: (response key, person id) of each ``person(id)`` root field: who was opened, for the access log
    opened: list[tuple[str, str]] = field(default_factory=list)
    #: the least role that may read every root field it selects (as the resolvers' ``needs``)
    role: str = "viewer"
    #: whether the statement alone answers it (no service calls, nothing filled later): ``shaped``
    #: then turns its rows into ``data`` without the database, and a caller may run it on any driver
    direct: bool = False
    #: the document it was compiled from and the coerced variables it is bound to
    document: DocumentNode | None = None
    variables: VariableValues | None = None


class _Fallback(Exception):
    """Something the compiler does not cover: the resolvers answer instead."""


@dataclass
class _Run:
    """One execution of a plan: its database and bound parameters, and the fields still to fill
    (``later``: a field a service function answers once the statement has given its parent)."""

    db: Database
    params: Mapping[str, Any]
    later: list[Callable[[], None]] = field(default_factory=list)


_current: ContextVar[_Run] = ContextVar("graphsvc_compiled_run")


# -- collecting fields as graphql-core does (public API only) ----------------------------------


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: VariableValues,
        reads_pii: bool,
        consent_default: str,
    ) -> None:
        self.schema = schema
        self.reads_pii = reads_pii
        self.consent_default = consent_default
        self._consent_param: str | None = None
        self.fragments = fragments
        self.variables = variables
        self.binders: dict[str, Callable[[VariableValues], Any]] = {}
        self.directive_variables: set[str] = set()
        self.names = 0
        #: whether some field reads the database after the statement (a list by key, an ego network)
        self.deferred = False

    def bind(self, value_of: Callable[[VariableValues], Any]) -> str:
        """A parameter whose value ``value_of(variables)`` gives at each request."""
        name = f"p{len(self.binders)}"
        self.binders[name] = value_of
        return "$" + name

    def consent_default_param(self) -> str:
        """The parameter that carries the consent default (one per statement family, bound once)."""
        if self._consent_param is None:
            self._consent_param = self.bind(lambda variables: self.consent_default)
        return self._consent_param

    def var(self) -> str:
        self.names += 1
        return f"v{self.names}"

    def slot(self) -> str:
        """A parameter name the plan's own code fills at run time (ids a service function found)."""
        self.names += 1
        return f"k{self.names}"

    def included(self, node: Any) -> bool:
        for directive in node.directives or ():  # the plan holds for these variables' values only
            for argument in directive.arguments:
                if isinstance(argument.value, VariableNode):
                    self.directive_variables.add(argument.value.name.value)
        skip = get_directive_values(GraphQLSkipDirective, node, self.variables)
        if skip and skip.get("if") is True:
            return False
        include = get_directive_values(GraphQLIncludeDirective, node, self.variables)
        return not (include and include.get("if") is False)

    def fields(self, type_name: str, selections: Sequence[SelectionSetNode]) -> dict[str, list[FieldNode]]:
        """Response key -> the field nodes selected under it, in order (fields merge by key)."""
        found: dict[str, list[FieldNode]] = {}
        for selection_set in selections:
            self._collect(type_name, selection_set, found, set())
        return found

    def _collect(
        self, type_name: str, selection_set: SelectionSetNode, found: dict[str, list[FieldNode]], seen: set[str]
    ) -> None:
        for node in selection_set.selections:
            if not self.included(node):
                continue
            if isinstance(node, FieldNode):
                key = node.alias.value if node.alias else node.name.value
                found.setdefault(key, []).append(node)
            elif isinstance(node, InlineFragmentNode):
                if node.type_condition is not None and node.type_condition.name.value != type_name:
                    raise _Fallback("a fragment on another type")
                self._collect(type_name, node.selection_set, found, seen)
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                if name in seen:
                    continue
                seen.add(name)
                fragment = self.fragments[name]
                if fragment.type_condition.name.value != type_name:
                    raise _Fallback("a fragment on another type")
                self._collect(type_name, fragment.selection_set, found, seen)

    def arguments(self, type_name: str, node: FieldNode, variables: VariableValues | None = None) -> dict[str, Any]:
        """The field's coerced arguments, with these ``variables`` (else those it compiles with)."""
        type_ = self.schema.get_type(type_name)
        definition = type_.fields[node.name.value]  # type: ignore[union-attr]
        return get_argument_values(definition, node, variables or self.variables)


# -- the compiled part of the schema ----------------------------------------------------------


def _sub(nodes: list[FieldNode]) -> list[SelectionSetNode]:
    return [n.selection_set for n in nodes if n.selection_set is not None]


def _object(
    walk: _Walk, type_name: str, nodes: list[FieldNode], var: str, table: Mapping[str, Callable[..., tuple[str, Shape]]]
) -> tuple[str, Shape]:
    """A selection on ``type_name`` over the Cypher variable ``var``: a list expression and its shape."""
    parts: list[str] = []
    keys: list[tuple[str, int | None, Shape | str]] = []
    for key, selected in walk.fields(type_name, _sub(nodes)).items():
        name = selected[0].name.value
        if name == "__typename":
            keys.append((key, None, type_name))
            continue
        compile_field = table.get(name)
        if compile_field is None:
            raise _Fallback(f"{type_name}.{name} is not compiled")
        expr, shape = compile_field(walk, selected, var)
        keys.append((key, len(parts), shape))
        parts.append(expr)

    def shaped(values: Any) -> Any:
        if values is None:
            return None
        out: dict[str, Any] = {}
        for key, index, how in keys:
            out[key] = how if index is None else how(values[index])  # type: ignore[operator]
        return out

    return "[" + ", ".join(parts) + "]", shaped


def _same(value: Any) -> Any:
    return value


def _prop(expr: str) -> Callable[..., tuple[str, Shape]]:
    def compile_field(walk: _Walk, nodes: list[FieldNode], var: str) -> tuple[str, Shape]:
        if any(n.arguments for n in nodes):
            raise _Fallback("arguments on a plain field")
        return expr.format(v=var), _same

    return compile_field


def _as_str(value: Any) -> Any:
    return None if value is None else str(value)


def _id(expr: str) -> Callable[..., tuple[str, Shape]]:
    def compile_field(walk: _Walk, nodes: list[FieldNode], var: str) -> tuple[str, Shape]:
        return expr.format(v=var), _as_str

    return compile_field


def _profiled(walk: _Walk, var: str) -> str:
    """Whether the person ``var`` may be profiled: api.cypher's profiling predicate, word for word."""
    default = walk.consent_default_param()
    c = walk.var()
    return (
        f"CASE WHEN COUNT {{ ({var})-[:GAVE]->() }} = 0 THEN {default} = 'granted' "
        f"ELSE coalesce(head(COLLECT {{ MATCH ({var})-[:GAVE]->({c}:Consent {{purpose: 'profiling'}}) "
        f"WHERE {c}.expiresAt IS NULL OR {c}.expiresAt > datetime() RETURN {c}.status "
        f"ORDER BY coalesce({c}.withdrawnAt, {c}.givenAt, {c}.recordedAt) DESC, {c}.recordedAt DESC "
        f"LIMIT 1 }}), {default}) = 'granted' END"
    )


def _person_scores(walk: _Walk, nodes: list[FieldNode], var: str) -> tuple[str, Shape]:
    expr, shape = _object(walk, "Scores", nodes, var, SCORES)
    # Scores.from_row: null when neither a job run nor an influence is recorded, or not to be shown
    return (
        f"CASE WHEN {var}.scoresJobRun IS NULL AND {var}.influence IS NULL THEN null "
        f"WHEN {_profiled(walk, var)} THEN {expr} END",
        shape,
    )


def _identity_scores(walk: _Walk, nodes: list[FieldNode], var: str) -> tuple[str, Shape]:
    expr, shape = _object(walk, "Scores", nodes, var, SCORES)
    owner = walk.var()
    return (
        f"CASE WHEN {var}.scoresJobRun IS NULL AND {var}.influence IS NULL THEN null "
        f"WHEN NOT EXISTS {{ MATCH ({owner}:Person)-[:HAS_MEMBER]->({var}) WHERE NOT {_profiled(walk, owner)} }} "
        f"THEN {expr} END",
        shape,
    )


def _community(walk: _Walk, nodes: list[FieldNode], var: str) -> tuple[str, Shape]:
    c = walk.var()
    expr, shape = _object(walk, "Community", nodes, c, COMMUNITY)
    found = f"head(COLLECT {{ MATCH ({c}:Community {{id: {var}.community}}) RETURN {expr} LIMIT 1 }})"
    return f"CASE WHEN {_profiled(walk, var)} THEN {found} END", shape


def _handle(walk: _Walk, nodes: list[FieldNode], var: str) -> tuple[str, Shape]:
    if walk.reads_pii:
        return f"{var}.key", _as_str
    hidden = ", ".join(f"'{p}'" for p in PII_PLATFORMS)
    return f"CASE WHEN {var}.platform IN [{hidden}] THEN null ELSE {var}.key END", _as_str


def _keyed(shape: Shape) -> Shape:
    """A list of ``[key, key, value]`` items: ordered by the two keys (as Python orders them: by code
    point, nulls last), each pair of keys once, shaped. Neo4j reads a pattern comprehension for far
    less than an ordered, de-duplicated subquery, so the ordering is done here."""

    def order(item: list[Any]) -> tuple[Any, ...]:
        return (item[0] is None, item[0] or "", item[1] is None, item[1] or "")

    def shaped(values: Any) -> Any:
        out = []
        last: Any = None
        for item in sorted(values, key=order):
            if last is not None and item[0] == last[0] and item[1] == last[1]:
                continue  # reached both as a member and through a contact: one identity
            last = item
            out.append(shape(item[2]))
        return out

    return shaped


def _identities(walk: _Walk, nodes: list[FieldNode], var: str) -> tuple[str, Shape]:
    """A person's identities (its members and its contacts' contact points), by platform and key."""
    node = _same_arguments(walk, "Person", nodes)

    def platform(variables: VariableValues) -> str | None:
        given = walk.arguments("Person", node, variables).get("platform")
        return given.lower() if isinstance(given, str) else None

    wanted = walk.bind(platform)
    i = walk.var()
    expr, shape = _object(walk, "Identity", nodes, i, IDENTITY)
    where = f"WHERE {wanted} IS NULL OR {i}.platform = {wanted}"
    item = f"[{i}.platform, {i}.key, {expr}]"
    text = (
        f"([({var})-[:HAS_MEMBER]->({i}:Identity) {where} | {item}] + "
        f"[({var})-[:HAS_MEMBER]->(:Contact)-[:HAS]->({i}:Identity) {where} | {item}])"
    )
    return text, _keyed(shape)


def _contacts(walk: _Walk, nodes: list[FieldNode], var: str) -> tuple[str, Shape]:
    """A person's CRM contacts, by source and source id."""
    c = walk.var()
    expr, shape = _object(walk, "Contact", nodes, c, CONTACT)
    return f"[({var})-[:HAS_MEMBER]->({c}:Contact) | [{c}.source, {c}.sourceId, {expr}]]", _keyed(shape)


SCORES: dict[str, Callable[..., tuple[str, Shape]]] = {
    "influence": _prop("{v}.influence"),
    "pagerank": _prop("{v}.pagerank"),
    "reach": _prop("{v}.reach"),
    "engagement": _prop("{v}.engagement"),
    "kcore": _prop("{v}.kcore"),
    "betweenness": _prop("{v}.betweenness"),
    "jobRun": _prop("{v}.scoresJobRun"),
}
COMMUNITY: dict[str, Callable[..., tuple[str, Shape]]] = {
    "id": _id("{v}.id"),
    "size": _prop("{v}.size"),
    "persons": _prop("{v}.persons"),
    "topTopics": _prop("coalesce({v}.topTopics, [])"),
    "jobRun": _prop("{v}.jobRun"),
}
IDENTITY: dict[str, Callable[..., tuple[str, Shape]]] = {
    "platform": _prop("{v}.platform"),
    "displayName": _prop("{v}.displayName"),
    "bio": _prop("{v}.bio"),
    "location": _prop("{v}.location"),
    "url": _prop("{v}.url"),
    "avatarUrl": _prop("{v}.avatarUrl"),
    "followers": _prop("{v}.followers"),
    "following": _prop("{v}.following"),
    "verified": _prop("{v}.verified"),
    "lang": _prop("{v}.lang"),
    "handle": _handle,
    "scores": _identity_scores,
}
CONTACT: dict[str, Callable[..., tuple[str, Shape]]] = {
    "id": _id("{v}.source + ':' + {v}.sourceId"),
    "source": _prop("{v}.source"),
    "sourceId": _prop("{v}.sourceId"),
    "name": _prop("{v}.name"),
    "givenName": _prop("{v}.givenName"),
    "familyName": _prop("{v}.familyName"),
    "company": _prop("{v}.company"),
    "title": _prop("{v}.title"),
    "city": _prop("{v}.city"),
    "country": _prop("{v}.country"),
    "region": _prop("{v}.region"),
}


def _same_arguments(walk: _Walk, type_name: str, nodes: list[FieldNode]) -> FieldNode:
    """The one node of a response key whose nodes all have the same arguments (else the resolvers answer)."""
    if len(nodes) > 1 and len({str(walk.arguments(type_name, n)) for n in nodes}) > 1:
        raise _Fallback("one key, different arguments")
    return nodes[0]


Fetch = Callable[[Sequence[Any]], list[Any]]


def _by_key(walk: _Walk, type_name: str, nodes: list[FieldNode] | None, match: str) -> Fetch:
    """Records of ``type_name`` by key, one statement for a whole list: ``fetch(keys)`` gives each key's
    shaped selection (``nodes``; None: only whether it exists, as True), or None where there is none,
    in the keys' order. ``match`` matches ``{v}`` from the key ``k``."""
    walk.deferred = True
    v, keys = walk.var(), walk.slot()
    shape: Shape = _same
    expr = "true"
    if nodes is not None:
        expr, shape = _object(walk, type_name, nodes, v, TABLES[type_name])
    text = (
        f"UNWIND ${keys} AS k OPTIONAL MATCH {match.format(v=v)} "
        f"RETURN CASE WHEN {v} IS NULL THEN null ELSE {expr} END AS r"
    )

    def fetch(wanted: Sequence[Any]) -> list[Any]:
        if not wanted:
            return []
        run = _current.get()
        rows = run.db.read_generated(text, {**run.params, keys: list(wanted)})
        return [None if row["r"] is None else shape(row["r"]) for row in rows]

    return fetch


def _person_list(walk: _Walk, nodes: list[FieldNode] | None) -> Fetch:
    """Persons by id, each with the selection ``nodes`` (every compiled Person field), in one statement."""
    return _by_key(walk, "Person", nodes, "({v}:Person {{id: k}})")


def _ego_network(walk: _Walk, nodes: list[FieldNode], var: str) -> tuple[str, Shape]:
    """``egoNetwork(depth, limit)``: the service's expansion (``paths.ego_network``) once the statement
    has found the person, its members and ties' persons in one statement each."""
    walk.deferred = True
    node = _same_arguments(walk, "Person", nodes)

    def limits(variables: VariableValues) -> list[int]:
        given = walk.arguments("Person", node, variables)
        return [given["depth"], given["limit"]]

    bounds = walk.bind(limits)[1:]
    keys: list[tuple[str, Any]] = []
    for key, selected in walk.fields("EgoNetwork", _sub(nodes)).items():
        name = selected[0].name.value
        if name == "__typename":
            keys.append((key, "EgoNetwork"))
        elif name == "members":
            keys.append((key, _ego_members(walk, selected)))
        elif name == "ties":
            keys.append((key, _ties(walk, selected)))
        else:
            raise _Fallback(f"EgoNetwork.{name}")

    def shaped(person_id: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        run = _current.get()

        def fill() -> None:
            depth, limit = run.params[bounds]
            found = paths.ego_network(
                run.db, str(person_id), depth=depth, limit=limit, consent_default=walk.consent_default
            )
            for key, how in keys:
                out[key] = how if isinstance(how, str) else how(found)

        run.later.append(fill)
        return out  # filled in place, in selection order, before the response leaves

    return f"{var}.id", shaped


def _ego_members(walk: _Walk, nodes: list[FieldNode]) -> Callable[[paths.EgoNetwork], list[Any]]:
    """The members, the center first, as the resolver lists them (persons no longer there left out)."""
    keys: list[tuple[str, str]] = []
    person_nodes: list[FieldNode] | None = None
    for key, selected in walk.fields("EgoMember", _sub(nodes)).items():
        name = selected[0].name.value
        if name not in ("person", "distance", "__typename"):
            raise _Fallback(f"EgoMember.{name}")
        if name == "person":
            if person_nodes is not None:
                raise _Fallback("two keys for one person")
            person_nodes = selected
        keys.append((key, name))
    fetch = _person_list(walk, person_nodes)

    def members(found: paths.EgoNetwork) -> list[Any]:
        ids = sorted(found.distances, key=lambda p: (found.distances[p], p != found.center))
        out = []
        for person_id, person in zip(ids, fetch(ids), strict=True):
            if person is None:
                continue
            values = {"person": person, "distance": found.distances[person_id], "__typename": "EgoMember"}
            out.append({key: values[name] for key, name in keys})
        return out

    return members


def _ties(walk: _Walk, nodes: list[FieldNode]) -> Callable[[Any], list[Any]]:
    """Ties (``paths.Tie``): strength, kinds, interactions, and the persons at either end."""
    keys: list[tuple[str, str, Fetch | None]] = []
    for key, selected in walk.fields("Tie", _sub(nodes)).items():
        name = selected[0].name.value
        if name in ("source", "target"):
            keys.append((key, name, _person_list(walk, selected)))
        elif name in ("strength", "kinds", "interactions", "__typename"):
            keys.append((key, name, None))
        else:
            raise _Fallback(f"Tie.{name}")

    def ties(found: Any) -> list[Any]:
        chosen = list(found.ties)
        ends: dict[str, dict[str, Any]] = {}
        for key, name, fetch in keys:
            if fetch is not None:
                ids = [getattr(t, name) for t in chosen]
                ends[key] = dict(zip(ids, fetch(ids), strict=True))
        out = []
        for tie in chosen:
            values = {
                "strength": tie.strength,
                "kinds": list(tie.kinds),
                "interactions": tie.interactions,
                "__typename": "Tie",
            }
            out.append({key: ends[key][getattr(tie, name)] if fetch else values[name] for key, name, fetch in keys})
        return out

    return ties


PERSON: dict[str, Callable[..., tuple[str, Shape]]] = {
    "id": _id("{v}.id"),
    "name": _prop("{v}.name"),
    "size": _prop("{v}.size"),
    "platforms": _prop("coalesce({v}.platforms, [])"),
    "scores": _person_scores,
    "community": _community,
    "identities": _identities,
    "contacts": _contacts,
    "egoNetwork": _ego_network,
}
TABLES: dict[str, Mapping[str, Callable[..., tuple[str, Shape]]]] = {
    "Person": PERSON,
    "Identity": IDENTITY,
    "Contact": CONTACT,
}


# -- rows a service function already read ----------------------------------------------------

RowShape = Callable[[Mapping[str, Any]], Any]


def _row_object(walk: _Walk, type_name: str, nodes: list[FieldNode], table: Mapping[str, Any]) -> RowShape:
    """A selection on ``type_name`` read off a row (a dict) the service returned, without Cypher."""
    keys: list[tuple[str, RowShape | None]] = []
    for key, selected in walk.fields(type_name, _sub(nodes)).items():
        name = selected[0].name.value
        if name == "__typename":
            keys.append((key, None))
            continue
        how = table.get(name)
        if how is None:
            raise _Fallback(f"{type_name}.{name} is not on the row")
        if any(n.arguments for n in selected):
            raise _Fallback("arguments on a row field")
        keys.append((key, how(walk, selected)))

    def shaped(row: Mapping[str, Any]) -> dict[str, Any]:
        return {key: type_name if how is None else how(row) for key, how in keys}

    return shaped


def _get(name: str, convert: Callable[[Any], Any] = _same) -> Callable[..., RowShape]:
    def compile_field(walk: _Walk, nodes: list[FieldNode]) -> RowShape:
        return lambda row: convert(row.get(name))

    return compile_field


def _row_scores(walk: _Walk, nodes: list[FieldNode]) -> RowShape:
    inner = _row_object(walk, "Scores", nodes, ROW_SCORES)
    # Scores.from_row: null when neither a job run nor an influence is recorded
    return lambda row: None if row.get("scoresJobRun") is None and row.get("influence") is None else inner(row)


def _listed(value: Any) -> list[Any]:
    return list(value or [])


ROW_SCORES: dict[str, Callable[..., RowShape]] = {
    "influence": _get("influence"),
    "pagerank": _get("pagerank"),
    "reach": _get("reach"),
    "engagement": _get("engagement"),
    "kcore": _get("kcore"),
    "betweenness": _get("betweenness"),
    "jobRun": _get("scoresJobRun"),
}
ROW_PERSON: dict[str, Callable[..., RowShape]] = {
    "id": _get("id", str),
    "name": _get("name"),
    "size": _get("size"),
    "platforms": _get("platforms", _listed),
    "scores": _row_scores,
}
ROW_COMMUNITY: dict[str, Callable[..., RowShape]] = {
    "id": _get("id", str),
    "size": _get("size"),
    "persons": _get("persons"),
    "topTopics": _get("topTopics", _listed),
    "jobRun": _get("jobRun"),
}


def _contact_id(walk: _Walk, nodes: list[FieldNode]) -> RowShape:
    return lambda row: f"{row['source']}:{row['sourceId']}"


ROW_CONTACT: dict[str, Callable[..., RowShape]] = {
    "id": _contact_id,
    **{name: _get(name) for name in ("source", "sourceId", "name", "givenName", "familyName", "company", "title")},
    **{name: _get(name) for name in ("city", "country", "region")},
}


@dataclass(frozen=True)
class _Node:
    """The node type of a connection: its GraphQL type, its row fields, and where a page row holds it."""

    type_name: str
    table: Mapping[str, Callable[..., RowShape]]
    inner: str | None = None  # the key of a page row that holds the node's row (None: the row itself)


PERSON_NODE = _Node("Person", ROW_PERSON)
RANKED_NODE = _Node("Person", ROW_PERSON, inner="person")


#: A root list: given the variables, the function that reads and shapes its page.
Binder = Callable[[VariableValues], Callable[[Database], Any]]


def _influencers(walk: _Walk, nodes: list[FieldNode], consent_default: str) -> Binder:
    """``influencers(...)``: the service's page (consent, ranking and cursors as the resolver has them),
    shaped straight from its rows."""
    shape, _ = _connection(walk, nodes, "InfluencerConnection", "InfluencerEdge", RANKED_NODE, counted=False)
    node = nodes[0]

    def bind(variables: VariableValues) -> Callable[[Database], Any]:
        given = walk.arguments("Query", node, variables)
        community, sort = given.get("community"), given.get("sort")
        wanted = influencers.InfluencerFilter(
            topic=given.get("topic"),
            platform=given.get("platform"),
            community=None if community is None else str(community),
            min_score=given.get("minScore"),
            purpose=given.get("purpose"),
            sort=str(getattr(sort, "value", sort or "score")).lower(),  # the enum's name, from the SDL
        )
        first, after = given.get("first"), given.get("after")

        def answer(db: Database) -> dict[str, Any]:
            page = influencers.influencers(db, wanted, first=first, after=after, consent_default=consent_default)
            return shape(page, after, None)

        return answer

    return bind


def _persons(walk: _Walk, nodes: list[FieldNode], consent_default: str) -> Binder:
    """``persons(filter, first, after)``: the service's page of persons; ``totalCount`` its count query."""

    def wanted(chosen: Mapping[str, Any]) -> persons.PersonFilter:
        community = chosen.get("community")
        return persons.PersonFilter(
            name=chosen.get("name"),
            community=None if community is None else str(community),
            platform=chosen.get("platform"),
            min_influence=chosen.get("minInfluence"),
            has_contact=chosen.get("hasContact"),
            consent_default=consent_default,
        )

    return _filtered(
        walk, nodes, "PersonConnection", "PersonEdge", PERSON_NODE, wanted, persons.persons_page, persons.persons_count
    )


def _filtered(
    walk: _Walk,
    nodes: list[FieldNode],
    type_name: str,
    edge_type: str,
    node_spec: _Node,
    wanted: Callable[[Mapping[str, Any]], Any],
    page_of: Callable[..., Page],
    count_of: Callable[[Database, Any], int],
) -> Binder:
    """A root list with a ``filter`` input, paged and counted by service functions."""
    shape, counted = _connection(walk, nodes, type_name, edge_type, node_spec, counted=True)
    node = nodes[0]

    def bind(variables: VariableValues) -> Callable[[Database], Any]:
        given = walk.arguments("Query", node, variables)
        chosen = wanted(given.get("filter") or {})  # graphql-core hands an input object as a dict of its names
        first, after = given.get("first"), given.get("after")

        def answer(db: Database) -> dict[str, Any]:
            page = page_of(db, chosen, first=first, after=after)
            return shape(page, after, count_of(db, chosen) if counted else None)

        return answer

    return bind


def _communities(walk: _Walk, nodes: list[FieldNode], consent_default: str) -> Binder:
    """``communities(first, after)``: the service's page, largest first; ``totalCount`` its count."""
    community = _Node("Community", ROW_COMMUNITY)
    shape, counted = _connection(walk, nodes, "CommunityConnection", "CommunityEdge", community, counted=True)
    node = nodes[0]

    def bind(variables: VariableValues) -> Callable[[Database], Any]:
        given = walk.arguments("Query", node, variables)
        first, after = given.get("first"), given.get("after")

        def answer(db: Database) -> dict[str, Any]:
            page = persons.communities_page(db, first=first, after=after)
            return shape(page, after, persons.communities_count(db) if counted else None)

        return answer

    return bind


def _contacts_page(walk: _Walk, nodes: list[FieldNode], consent_default: str) -> Binder:
    """``contacts(filter, first, after)``: the service's page of CRM contacts; ``totalCount`` its count."""

    def wanted(chosen: Mapping[str, Any]) -> contacts.ContactFilter:
        return contacts.ContactFilter(
            **{name: chosen.get(name) for name in ("source", "name", "company", "city", "country")}
        )

    node_spec = _Node("Contact", ROW_CONTACT)
    page_of, count_of = contacts.contacts_page, contacts.contacts_count
    return _filtered(walk, nodes, "ContactConnection", "ContactEdge", node_spec, wanted, page_of, count_of)


def _nodes(walk: _Walk, nodes: list[FieldNode], node: _Node) -> Callable[[Sequence[Mapping[str, Any]]], list[Any]]:
    """How to shape the node of each row of a page: off the row where it holds every selected field,
    else (a person's identities, say) by one statement for the page's persons."""
    try:
        shape = _row_object(walk, node.type_name, nodes, node.table)
    except _Fallback:
        if node.type_name != "Person":
            raise
        fetch = _person_list(walk, nodes)
        return lambda rows: fetch([str(row["id"]) for row in rows])
    return lambda rows: [shape(row) for row in rows]


def _connection(
    walk: _Walk, nodes: list[FieldNode], type_name: str, edge_type: str, node: _Node, counted: bool
) -> tuple[Callable[[Page, str | None, int | None], dict[str, Any]], bool]:
    """A Relay connection a service function pages: how to shape a page (edges, nodes, pageInfo, and
    totalCount where ``counted``), and whether the selection asks for the count."""
    _same_arguments(walk, "Query", nodes)
    return _connection_of(walk, nodes, type_name, edge_type, node, counted)


def _connection_of(
    walk: _Walk, nodes: list[FieldNode], type_name: str, edge_type: str, node: _Node, counted: bool
) -> tuple[Callable[[Page, str | None, int | None], dict[str, Any]], bool]:
    keys: list[tuple[str, Any]] = []
    for key, selected in walk.fields(type_name, _sub(nodes)).items():
        name = selected[0].name.value
        if name == "__typename":
            keys.append((key, type_name))
        elif name == "edges":
            keys.append((key, ("edges", _edge(walk, selected, edge_type, node))))
        elif name == "nodes" and node.inner is None:
            keys.append((key, ("nodes", _nodes(walk, selected, node))))
        elif name == "pageInfo":
            keys.append((key, ("pageInfo", _row_object(walk, "PageInfo", selected, PAGE_INFO))))
        elif name == "totalCount" and counted:
            keys.append((key, ("count",)))
        else:
            raise _Fallback(f"{type_name}.{name}")

    def shape(page: Page, after: str | None, total: int | None) -> dict[str, Any]:
        info = {
            "has_next": page.has_next,
            "has_previous": after is not None,
            "start": page.cursors[0] if page.cursors else None,
            "end": page.cursors[-1] if page.cursors else None,
        }
        out: dict[str, Any] = {}
        for key, how in keys:
            if isinstance(how, str):
                out[key] = how
            elif how[0] == "edges":
                out[key] = how[1](page.rows, page.cursors)
            elif how[0] == "nodes":
                out[key] = how[1](page.rows)
            elif how[0] == "count":
                out[key] = total
            else:
                out[key] = how[1](info)
        return out

    return shape, any(how == ("count",) for _, how in keys)


PAGE_INFO: dict[str, Callable[..., RowShape]] = {
    "hasNextPage": _get("has_next"),
    "hasPreviousPage": _get("has_previous"),
    "startCursor": _get("start"),
    "endCursor": _get("end"),
}


def _edge(
    walk: _Walk, nodes: list[FieldNode], edge_type: str, node: _Node
) -> Callable[[Sequence[Mapping[str, Any]], Sequence[str]], list[dict[str, Any]]]:
    """The edges of a page: each one's cursor, its node (read off the page row, or off ``node.inner`` of
    it), and for influencers the score and rank."""
    ranked = edge_type == "InfluencerEdge"
    keys: list[tuple[str, Any]] = []
    for key, selected in walk.fields(edge_type, _sub(nodes)).items():
        name = selected[0].name.value
        if name == "__typename":
            keys.append((key, edge_type))
        elif name == "node":
            keys.append((key, ("node", _nodes(walk, selected, node))))
        elif name == "cursor":
            keys.append((key, ("cursor",)))
        elif ranked and name in ("score", "rank"):
            keys.append((key, ("row", name)))
        else:
            raise _Fallback(f"{edge_type}.{name}")
    inner = node.inner

    def shaped(rows: Sequence[Mapping[str, Any]], cursors: Sequence[str]) -> list[dict[str, Any]]:
        held = [row[inner] if inner else row for row in rows]
        nodes_of = {key: how[1](held) for key, how in keys if not isinstance(how, str) and how[0] == "node"}
        out = []
        for n, (row, cursor) in enumerate(zip(rows, cursors, strict=True)):
            edge: dict[str, Any] = {}
            for key, how in keys:
                if isinstance(how, str):
                    edge[key] = how
                elif how[0] == "node":
                    edge[key] = nodes_of[key][n]
                elif how[0] == "cursor":
                    edge[key] = cursor
                else:
                    edge[key] = row[how[1]]
            out.append(edge)
        return out

    return shaped


ROW_ORGANIZATION: dict[str, Callable[..., RowShape]] = {
    "key": lambda walk, nodes: lambda row: row["key"][0],
    "name": lambda walk, nodes: lambda row: row["key"][1],
}


def _search(walk: _Walk, nodes: list[FieldNode], consent_default: str) -> Binder:
    """``search(text, first)``: the service's hits (the full-text index, PII as the caller may read),
    and the person, contact or identity of each by one statement per kind."""
    node = _same_arguments(walk, "Query", nodes)
    contact_match = "({v}:Contact {{source: k[0], sourceId: k[1]}})"
    identity_match = "({v}:Identity {{platform: k[0], key: k[1]}})"
    keys: list[tuple[str, str, Any]] = []
    for key, selected in walk.fields("SearchHit", _sub(nodes)).items():
        name = selected[0].name.value
        if name in ("score", "kind", "__typename"):
            keys.append((key, name, None))
        elif name == "person":
            keys.append((key, name, _person_list(walk, selected)))
        elif name == "contact":
            keys.append((key, name, _by_key(walk, "Contact", selected, contact_match)))
        elif name == "identity":
            keys.append((key, name, _by_key(walk, "Identity", selected, identity_match)))
        elif name == "organization":
            keys.append((key, name, _row_object(walk, "Organization", selected, ROW_ORGANIZATION)))
        else:
            raise _Fallback(f"SearchHit.{name}")

    def of(hit: Mapping[str, Any], name: str) -> Any:
        """The key to fetch the hit's ``name`` by, or None where the hit has none."""
        if name == "person":
            return hit["person"]
        return tuple(hit["key"]) if hit["kind"] == name else None

    def bind(variables: VariableValues) -> Callable[[Database], Any]:
        given = walk.arguments("Query", node, variables)
        text, first = given["text"], given["first"]

        def answer(db: Database) -> list[dict[str, Any]]:
            hits = search.search(db, text, limit=first, pii=walk.reads_pii, consent_default=consent_default)
            found: dict[str, list[Any]] = {}
            for key, name, how in keys:
                if how is not None and name != "organization":
                    wanted = [of(hit, name) for hit in hits]
                    fetched = iter(how([w if name == "person" else list(w) for w in wanted if w is not None]))
                    found[key] = [None if w is None else next(fetched) for w in wanted]
            out = []
            for n, hit in enumerate(hits):
                shaped: dict[str, Any] = {}
                for key, name, how in keys:
                    if how is None:
                        shaped[key] = "SearchHit" if name == "__typename" else hit[name]
                    elif name == "organization":
                        shaped[key] = how(hit) if hit["kind"] == "organization" else None
                    else:
                        shaped[key] = found[key][n]
                out.append(shaped)
            return out

        return answer

    return bind


def _segment(walk: _Walk, nodes: list[FieldNode], consent_default: str) -> Binder:
    """``segment(filter)``: its count and its pages of persons (consent applied), by the service's
    queries; the export (a recorded access) is the resolvers'."""
    node = _same_arguments(walk, "Query", nodes)
    keys: list[tuple[str, Any]] = []
    for key, selected in walk.fields("Segment", _sub(nodes)).items():
        name = selected[0].name.value
        if name == "__typename":
            keys.append((key, "Segment"))
        elif name == "count":
            keys.append((key, ("count",)))
        elif name == "persons":
            page_node = _same_arguments(walk, "Segment", selected)
            shape, counted = _connection_of(walk, selected, "PersonConnection", "PersonEdge", PERSON_NODE, True)
            keys.append((key, ("persons", page_node, shape, counted)))
        else:
            raise _Fallback(f"Segment.{name}")

    def bind(variables: VariableValues) -> Callable[[Database], Any]:
        given = walk.arguments("Query", node, variables)["filter"]
        community = given.get("community")
        wanted = segments.SegmentFilter(
            community=None if community is None else str(community),
            topic=given.get("topic"),
            platform=given.get("platform"),
            min_influence=given.get("minInfluence"),
            city=given.get("city"),
            has_contact=given.get("hasContact"),
            consent_purpose=given.get("consentPurpose"),
        )
        pages = {
            key: walk.arguments("Segment", how[1], variables)
            for key, how in keys
            if not isinstance(how, str) and how[0] == "persons"
        }

        def answer(db: Database) -> dict[str, Any]:
            wanted.params(consent_default)  # a bad filter: the resolver reports it, with its path
            counted: list[int] = []

            def count() -> int:
                if not counted:
                    counted.append(segments.segment_count(db, wanted, consent_default=consent_default))
                return counted[0]

            out: dict[str, Any] = {}
            for key, how in keys:
                if isinstance(how, str):
                    out[key] = how
                elif how[0] == "count":
                    out[key] = count()
                else:
                    first, after = pages[key].get("first"), pages[key].get("after")
                    page = segments.segment_page(db, wanted, first=first, after=after, consent_default=consent_default)
                    out[key] = how[2](page, after, count() if how[3] else None)
            return out

        return answer

    return bind


#: Root lists a service function pages, by field name.
PAGES: dict[str, Callable[[_Walk, list[FieldNode], str], Binder]] = {
    "persons": _persons,
    "communities": _communities,
    "contacts": _contacts_page,
}


# -- the operation ---------------------------------------------------------------------------


#: Compiled operations kept, least recently used first out; a compilation costs tens of microseconds.
CACHED_PLANS = 1024
#: The longest document text kept with its compilation (a longer one is compiled for its request only,
#: so that what strangers send cannot fill the cache with large texts).
KEPT_DOCUMENT = 16_384
_plans: OrderedDict[Hashable, Template | None] = OrderedDict()
#: per (source, operation, schema, PII reading, consent default): the operation's variable definitions
#: and the names of the variables its directives read
_directive_variables: dict[Hashable, tuple[tuple[VariableDefinitionNode, ...], tuple[str, ...]]] = {}

#: (source, operation, schema) of every document compiled (or found not compilable), for ``known``
_known: set[Hashable] = set()


def known(schema: GraphQLSchema, source: str, operation_name: str | None) -> bool:
    """Whether an earlier request brought this document and operation (for any role): a cheap test
    before a caller works out who is asking for ``kept``."""
    return (source, operation_name, schema) in _known


def kept(
    schema: GraphQLSchema,
    source: str,
    operation_name: str | None,
    raw_variables: Mapping[str, Any] | None,
    *,
    reads_pii: bool,
    consent_default: str,
) -> Plan | None:
    """The kept compilation of a document an earlier request compiled, bound to these (uncoerced)
    variables; None when there is none (the document is new, was not compiled, or its variables do not
    coerce). A document is kept only after graphql-core validated it, so a request that finds one may
    skip parsing and validating it again."""
    base: Hashable = (source, operation_name, schema, reads_pii, consent_default)
    known = _directive_variables.get(base)
    if known is None:
        return None
    definitions, names = known
    variables = get_variable_values(schema, definitions, dict(raw_variables or {}))
    if isinstance(variables, list):  # a coercion error: the resolver path reports it
        return None
    found = _plans.get((base, tuple(variables.coerced.get(name) for name in names)))
    if found is None:
        return None
    _plans.move_to_end((base, tuple(variables.coerced.get(name) for name in names)))
    return found.bind(variables)


def plan(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: VariableValues,
    *,
    reads_pii: bool,
    consent_default: str,
    source: str | None = None,
) -> Plan | None:
    """The compiled form of the operation with these variables, or None where the resolvers answer.

    ``variables`` are the coerced variable values (graphql-core's ``get_variable_values``). With the
    document's ``source`` text, the compilation is kept per document, operation, schema, PII reading
    and consent default (and the values of the variables its ``@skip``/``@include`` read), and later
    requests only bind their values to it.
    """
    base: Hashable = (source, operation_name, schema, reads_pii, consent_default)
    key: Hashable = None
    if source is not None and base in _directive_variables:
        key = (base, tuple(variables.coerced.get(name) for name in _directive_variables[base][1]))
        if key in _plans:
            _plans.move_to_end(key)
            found = _plans[key]
            return found.bind(variables) if found is not None else None
    made, walk, definitions = _compile(schema, document, operation_name, variables, reads_pii, consent_default)
    if source is not None:
        names = tuple(sorted(walk.directive_variables)) if walk else ()
        values = tuple(variables.coerced.get(name) for name in names)
        for addressed in _addresses(document, operation_name):
            kept_base = (source, addressed, schema, reads_pii, consent_default)
            _directive_variables[kept_base] = (definitions, names)
            _known.add((source, addressed, schema))
            _plans[(kept_base, values)] = made
        while len(_plans) > CACHED_PLANS:
            _plans.popitem(last=False)
        if len(_directive_variables) > 4 * CACHED_PLANS:
            _directive_variables.clear()
            _known.clear()
    return made.bind(variables) if made is not None else None


def _addresses(document: DocumentNode, operation_name: str | None) -> set[str | None]:
    """The operation names a request may give for the operation ``operation_name`` chose: that one,
    and for a document of one operation, none and its own name too."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        return {operation_name}
    own = operations[0].name
    return {operation_name, None, own.value if own else None}


@dataclass
class Template:
    """A compiled operation for any values of its variables (but those its directives read)."""

    text: str | None
    binders: dict[str, Callable[[VariableValues], Any]]
    shape: Callable[[Any, Mapping[str, Any]], dict[str, Any]]
    calls: list[tuple[str, Binder]]
    opened: list[tuple[str, Callable[[VariableValues], str]]]
    role: str = "viewer"
    direct: bool = False
    document: DocumentNode | None = None

    def bind(self, variables: VariableValues) -> Plan:
        return Plan(
            text=self.text,
            params={name: value_of(variables) for name, value_of in self.binders.items()},
            shape=self.shape,
            calls=[(key, bind(variables)) for key, bind in self.calls],
            opened=[(key, id_of(variables)) for key, id_of in self.opened],
            role=self.role,
            direct=self.direct,
            document=self.document,
            variables=variables,
        )


def _compile(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: VariableValues,
    reads_pii: bool,
    consent_default: str,
) -> tuple[Template | None, _Walk | None, tuple[VariableDefinitionNode, ...]]:
    """The template (None: the resolvers answer), the walk that made it, and the operation's variables."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)]
    if len(chosen) != 1 or chosen[0].operation is not OperationType.QUERY:
        return None, None, ()
    definitions = tuple(chosen[0].variable_definitions or ())
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    walk = _Walk(schema, fragments, variables, reads_pii, consent_default)
    statements: list[str] = []
    keys: list[tuple[str, Any]] = []
    calls: list[tuple[str, Binder]] = []
    opened: list[tuple[str, Callable[[VariableValues], str]]] = []
    role = "viewer"
    try:
        for key, nodes in walk.fields("Query", [chosen[0].selection_set]).items():
            name = nodes[0].name.value
            if name == "__typename":
                keys.append((key, ("const", "Query")))
            elif name == "person" and len(nodes) == 1:
                node = nodes[0]

                def person_id(variables: VariableValues, node: FieldNode = node) -> str:
                    return str(walk.arguments("Query", node, variables)["id"])

                p = walk.var()
                expr, shape = _object(walk, "Person", nodes, p, PERSON)
                statements.append(
                    f"CALL () {{ OPTIONAL MATCH ({p}:Person {{id: {walk.bind(person_id)}}}) "
                    f"RETURN CASE WHEN {p} IS NULL THEN null ELSE {expr} END AS r{len(statements)} }}"
                )
                keys.append((key, ("statement", len(statements) - 1, shape)))
                opened.append((key, person_id))
            elif name == "influencers":
                calls.append((key, _influencers(walk, nodes, consent_default)))
                keys.append((key, ("call",)))
            elif name == "search":
                calls.append((key, _search(walk, nodes, consent_default)))
                keys.append((key, ("call",)))
            elif name == "segment":
                calls.append((key, _segment(walk, nodes, consent_default)))
                keys.append((key, ("call",)))
                role = "marketer"
            elif name in PAGES:
                calls.append((key, PAGES[name](walk, nodes, consent_default)))
                keys.append((key, ("call",)))
            else:
                return None, walk, definitions
    except _Fallback:
        return None, walk, definitions
    if not statements and not calls:
        return None, walk, definitions
    text = None
    if statements:
        text = "\n".join(statements) + "\nRETURN [" + ", ".join(f"r{n}" for n in range(len(statements))) + "] AS data"

    def shape_data(values: Any, answers: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, how in keys:
            if how[0] == "const":
                out[key] = how[1]
            elif how[0] == "statement":
                out[key] = how[2](values[how[1]])
            else:
                out[key] = answers[key]
        return out

    template = Template(
        text=text,
        binders=dict(walk.binders),
        shape=shape_data,
        calls=calls,
        opened=opened,
        role=role,
        direct=text is not None and not calls and not walk.deferred,
        document=document,
    )
    return template, walk, definitions


def shaped(compiled: Plan, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``data`` of a ``direct`` plan from the rows of its statement (run on any driver)."""
    assert compiled.direct
    data: dict[str, Any] = compiled.shape(rows[0]["data"], {})
    return data


def run(db: Database, compiled: Plan) -> dict[str, Any]:
    """The ``data`` of a compiled operation: its statement, if any, the service calls of its roots, and
    the fields those leave to fill (ego networks), until none is left."""
    state = _Run(db, compiled.params)
    token = _current.set(state)
    try:
        values = db.read_generated(compiled.text, compiled.params)[0]["data"] if compiled.text else None
        answers = {key: answer(db) for key, answer in compiled.calls}
        shaped: dict[str, Any] = compiled.shape(values, answers)
        while state.later:
            pending, state.later = state.later, []
            for fill in pending:
                fill()
    finally:
        _current.reset(token)
    return shaped
