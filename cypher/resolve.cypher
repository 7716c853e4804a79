// Identity resolution: read the records, write persons, memberships and match candidates.
// A record is addressed as {kind, source, key}: a Contact (source, sourceId) or an Identity
// (platform, key). Every write MERGEs, so an interrupted run can simply run again.

// name: identities
// Times come as microseconds since the epoch: hydrating a driver DateTime per value took most of the load.
MATCH (i:Identity)
OPTIONAL MATCH (p:Person)-[:HAS_MEMBER]->(i)
RETURN i.platform AS platform, i.key AS key, i.matchKey AS matchKey, i.displayName AS displayName, i.bio AS bio,
       i.location AS location, i.url AS url, i.avatarUrl AS avatarUrl, i.followers AS followers,
       i.importedAt.epochSeconds * 1000000 + i.importedAt.microsecond AS importedAt,
       i.updatedAt.epochSeconds * 1000000 + i.updatedAt.microsecond AS updatedAt, i.influence AS influence,
       p.id AS person;

// name: contacts
MATCH (c:Contact)
OPTIONAL MATCH (c)-[:HAS]->(i:Identity)
WITH c, collect(i {.platform, .key, .matchKey}) AS points
OPTIONAL MATCH (p:Person)-[:HAS_MEMBER]->(c)
RETURN c {.source, .sourceId, .name, .givenName, .familyName, .company, .title, .city, .country, .street, .postcode,
          .birthDate, importedAt: c.importedAt.epochSeconds * 1000000 + c.importedAt.microsecond,
          updatedAt: c.updatedAt.epochSeconds * 1000000 + c.updatedAt.microsecond} AS contact,
       points, p.id AS person;

// name: decisions
// Human decisions on candidate pairs: accepted ones are must-links, rejected ones cannot-links.
MATCH (a)-[r:MATCH_CANDIDATE]->(b)
WHERE r.status IN ['accepted', 'rejected']
RETURN r.pairId AS pairId, r.status AS status, r.decidedAt AS decidedAt, r.a AS a, r.b AS b;

// name: last_run
MATCH (j:JobRun {kind: 'resolve', status: 'succeeded'})
RETURN j.startedAt AS startedAt ORDER BY j.startedAt DESC LIMIT 1;

// name: decided_since
// Records whose pair was decided after $since: an incremental run re-clusters their components.
MATCH ()-[r:MATCH_CANDIDATE]->()
WHERE r.status IN ['accepted', 'rejected'] AND r.decidedAt >= $since
RETURN r.a AS a, r.b AS b;

// name: write_persons
// One row per person whose membership changed: the person and all its members. A member is
// first detached from any other person, so a record always belongs to exactly one.
UNWIND $rows AS row
MERGE (p:Person {id: row.id})
ON CREATE SET p.createdAt = $now
SET p.name = CASE WHEN 'name' IN coalesce(p.edited, []) THEN p.name ELSE row.name END,
    p.size = size(row.members), p.platforms = row.platforms, p.resolvedAt = $now,
    p.resolveRun = $run
WITH p, row
CALL (p, row) {
  UNWIND row.members AS m
  OPTIONAL MATCH (c:Contact {source: m.source, sourceId: m.key}) WHERE m.kind = 'contact'
  OPTIONAL MATCH (i:Identity {platform: m.source, key: m.key}) WHERE m.kind = 'identity'
  WITH coalesce(c, i) AS n WHERE n IS NOT NULL
  OPTIONAL MATCH (other:Person)-[o:HAS_MEMBER]->(n) WHERE other <> p
  DELETE o
  MERGE (p)-[:HAS_MEMBER]->(n)
  RETURN collect(n) AS members
}
OPTIONAL MATCH (p)-[gone:HAS_MEMBER]->(n) WHERE NOT n IN members
DELETE gone
RETURN count(DISTINCT p) AS written;

// name: drop_empty_persons
MATCH (p:Person) WHERE p.id IN $ids AND NOT (p)-[:HAS_MEMBER]->()
DETACH DELETE p
RETURN count(*) AS dropped;

// name: write_candidates
// Candidate pairs from this run; a human decision already on the pair is kept as it is.
UNWIND $rows AS row
OPTIONAL MATCH (ac:Contact {source: row.a.source, sourceId: row.a.key}) WHERE row.a.kind = 'contact'
OPTIONAL MATCH (ai:Identity {platform: row.a.source, key: row.a.key}) WHERE row.a.kind = 'identity'
OPTIONAL MATCH (bc:Contact {source: row.b.source, sourceId: row.b.key}) WHERE row.b.kind = 'contact'
OPTIONAL MATCH (bi:Identity {platform: row.b.source, key: row.b.key}) WHERE row.b.kind = 'identity'
WITH row, coalesce(ac, ai) AS a, coalesce(bc, bi) AS b
WHERE a IS NOT NULL AND b IS NOT NULL
MERGE (a)-[r:MATCH_CANDIDATE]->(b)
ON CREATE SET r.pairId = row.pairId, r.a = row.a.id, r.b = row.b.id, r.createdAt = $now
SET r.score = row.score, r.weight = row.weight, r.evidence = row.evidence, r.value = row.value, r.run = $run,
    r.status = CASE WHEN r.status IN ['accepted', 'rejected'] THEN r.status ELSE row.status END
RETURN count(r) AS written;

// name: drop_stale_candidates
// Undecided candidates touching $keys that this run did not produce again.
UNWIND $keys AS key
CALL (key) {
  MATCH ()-[r:MATCH_CANDIDATE]->() WHERE r.a = key RETURN r
  UNION
  MATCH ()-[r:MATCH_CANDIDATE]->() WHERE r.b = key RETURN r
}
WITH DISTINCT r WHERE r.status IN ['pending', 'auto'] AND r.run <> $run
DELETE r
RETURN count(*) AS dropped;

// name: drop_all_stale_candidates
MATCH ()-[r:MATCH_CANDIDATE]->()
WHERE r.status IN ['pending', 'auto'] AND r.run <> $run
CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS;

// name: start_run
CREATE (j:JobRun {id: $run, kind: 'resolve', status: 'running', startedAt: $now, params: $params})
RETURN j.id AS id;

// name: finish_run
// $model: the learnt match model of a full run (JSON), reused by incremental runs; null otherwise.
MATCH (j:JobRun {id: $run})
SET j.status = $status, j.finishedAt = datetime(), j.stats = $stats, j.model = $model
RETURN j.id AS id;

// name: last_model
MATCH (j:JobRun {kind: 'resolve', status: 'succeeded'}) WHERE j.model IS NOT NULL
RETURN j.model AS model, j.id AS run, toString(j.finishedAt) AS finishedAt ORDER BY j.startedAt DESC LIMIT 1;

// name: membership
MATCH (p:Person)-[:HAS_MEMBER]->(n)
RETURN p.id AS person,
       CASE WHEN n:Contact THEN 'contact:' + n.source + ':' + n.sourceId
            ELSE 'identity:' + n.platform + ':' + n.key END AS record;

// name: review_queue
// Pending pairs in the uncertain band, most valuable first (reach, CRM contacts, influence), then the
// least certain; both sides' attributes, the evidence and the avatars for a side-by-side view.
MATCH (a)-[r:MATCH_CANDIDATE]->(b)
WHERE r.status = $status
RETURN r.pairId AS id, r.status AS status, r.score AS score, r.weight AS weight, r.evidence AS evidence,
       r.value AS value, r.decidedBy AS decidedBy, r.decidedAt AS decidedAt, r.reason AS reason,
       CASE WHEN a:Contact THEN a {kind: 'contact', id: r.a, .source, .sourceId, .name, .company, .title, .city, .country}
            ELSE a {kind: 'identity', id: r.a, .platform, .key, .displayName, .bio, .location, .url, .avatarUrl,
                    .followers} END AS a,
       CASE WHEN b:Contact THEN b {kind: 'contact', id: r.b, .source, .sourceId, .name, .company, .title, .city, .country}
            ELSE b {kind: 'identity', id: r.b, .platform, .key, .displayName, .bio, .location, .url, .avatarUrl,
                    .followers} END AS b
ORDER BY r.value DESC, abs(r.score - 0.5) ASC, r.pairId
SKIP $offset LIMIT $limit;

// name: candidate
MATCH (a)-[r:MATCH_CANDIDATE]->(b)
WHERE r.pairId = $id
RETURN r.pairId AS id, r.status AS status, r.score AS score, r.weight AS weight, r.evidence AS evidence,
       r.value AS value, r.decidedBy AS decidedBy, r.decidedAt AS decidedAt, r.reason AS reason,
       CASE WHEN a:Contact THEN a {kind: 'contact', id: r.a, .source, .sourceId, .name, .company, .title, .city, .country}
            ELSE a {kind: 'identity', id: r.a, .platform, .key, .displayName, .bio, .location, .url, .avatarUrl,
                    .followers} END AS a,
       CASE WHEN b:Contact THEN b {kind: 'contact', id: r.b, .source, .sourceId, .name, .company, .title, .city, .country}
            ELSE b {kind: 'identity', id: r.b, .platform, .key, .displayName, .bio, .location, .url, .avatarUrl,
                    .followers} END AS b;

// name: decide
// A human decision: it outranks every automated score from now on (see decisions).
MATCH ()-[r:MATCH_CANDIDATE]->()
WHERE r.pairId = $id
SET r.status = $status, r.decidedBy = $by, r.decidedAt = datetime(), r.reason = $reason
RETURN r.pairId AS id, r.status AS status, r.a AS a, r.b AS b;

// name: ties
// Declared ties between identities, for the "same rare connections" evidence.
// One row per identity with all it points to: a row per tie cost more in the driver than the ties themselves.
MATCH (a:Identity)-[:FOLLOWS|FRIENDS_WITH|CONNECTED_TO]->(b:Identity)
WITH a, collect('identity:' + b.platform + ':' + b.key) AS targets
RETURN 'identity:' + a.platform + ':' + a.key AS a, targets;

// name: person_members
// A person and its member records (as record keys), for a split or a detach.
MATCH (p:Person {id: $id})
OPTIONAL MATCH (p)-[:HAS_MEMBER]->(n)
WITH p, n ORDER BY n.source, n.sourceId, n.platform, n.key
RETURN p.id AS id, p.name AS name,
       [m IN collect(n) | CASE WHEN m:Contact THEN 'contact:' + m.source + ':' + m.sourceId
                               ELSE 'identity:' + m.platform + ':' + m.key END] AS members;

// name: cannot_link
// Rejected pairs a human made by splitting a person: cannot-links for every later run.
UNWIND $rows AS row
OPTIONAL MATCH (ac:Contact {source: row.a.source, sourceId: row.a.key}) WHERE row.a.kind = 'contact'
OPTIONAL MATCH (ai:Identity {platform: row.a.source, key: row.a.key}) WHERE row.a.kind = 'identity'
OPTIONAL MATCH (bc:Contact {source: row.b.source, sourceId: row.b.key}) WHERE row.b.kind = 'contact'
OPTIONAL MATCH (bi:Identity {platform: row.b.source, key: row.b.key}) WHERE row.b.kind = 'identity'
WITH row, coalesce(ac, ai) AS a, coalesce(bc, bi) AS b
WHERE a IS NOT NULL AND b IS NOT NULL
MERGE (a)-[r:MATCH_CANDIDATE]->(b)
ON CREATE SET r.pairId = row.pairId, r.a = row.a.id, r.b = row.b.id, r.createdAt = $now, r.score = 0.0,
              r.weight = 0.0, r.evidence = '[]', r.value = 0.0, r.run = $run
SET r.status = 'rejected', r.decidedBy = $by, r.decidedAt = $now, r.reason = $reason
RETURN count(r) AS written;

// name: audit
// Audit events (merges, splits, decisions): who, when, why, the members before and after.
UNWIND $events AS e
CREATE (a:AuditEvent {id: e.id, personId: e.personId, at: $now, action: e.action, by: e.by, reason: e.reason,
                      run: e.run, before: e.before, after: e.after, related: e.related})
RETURN count(a) AS written;

// name: person_history
MATCH (a:AuditEvent {personId: $id})
RETURN a.id AS id, a.at AS at, a.action AS action, a.by AS by, a.reason AS reason, a.run AS run,
       a.before AS before, a.after AS after, a.related AS related
ORDER BY a.at DESC, a.id DESC
LIMIT $limit;

// name: persons_of
// The person of each record key in $keys (records with no person are left out).
UNWIND $keys AS key
MATCH (p:Person)-[:HAS_MEMBER]->(n)
WHERE (n:Contact AND 'contact:' + n.source + ':' + n.sourceId = key)
   OR (n:Identity AND 'identity:' + n.platform + ':' + n.key = key)
RETURN key, p.id AS person;

// name: write_golden
// Each person's surviving field values with their provenance (see graphsvc/resolve/survivorship.py).
// A field a human edited (listed in p.edited) is never overwritten.
UNWIND $rows AS row
MATCH (p:Person {id: row.id})
WITH p, row, coalesce(p.edited, []) AS edited
SET p.name = CASE WHEN 'name' IN edited THEN p.name ELSE row.name END,
    p.nameSource = CASE WHEN 'name' IN edited THEN p.nameSource ELSE row.nameSource END,
    p.nameAt = CASE WHEN 'name' IN edited THEN p.nameAt ELSE row.nameAt END,
    p.nameRule = CASE WHEN 'name' IN edited THEN p.nameRule ELSE row.nameRule END,
    p.email = CASE WHEN 'email' IN edited THEN p.email ELSE row.email END,
    p.emailSource = CASE WHEN 'email' IN edited THEN p.emailSource ELSE row.emailSource END,
    p.emailAt = CASE WHEN 'email' IN edited THEN p.emailAt ELSE row.emailAt END,
    p.emailRule = CASE WHEN 'email' IN edited THEN p.emailRule ELSE row.emailRule END,
    p.phone = CASE WHEN 'phone' IN edited THEN p.phone ELSE row.phone END,
    p.phoneSource = CASE WHEN 'phone' IN edited THEN p.phoneSource ELSE row.phoneSource END,
    p.phoneAt = CASE WHEN 'phone' IN edited THEN p.phoneAt ELSE row.phoneAt END,
    p.phoneRule = CASE WHEN 'phone' IN edited THEN p.phoneRule ELSE row.phoneRule END,
    p.company = CASE WHEN 'company' IN edited THEN p.company ELSE row.company END,
    p.companySource = CASE WHEN 'company' IN edited THEN p.companySource ELSE row.companySource END,
    p.companyAt = CASE WHEN 'company' IN edited THEN p.companyAt ELSE row.companyAt END,
    p.companyRule = CASE WHEN 'company' IN edited THEN p.companyRule ELSE row.companyRule END,
    p.title = CASE WHEN 'title' IN edited THEN p.title ELSE row.title END,
    p.titleSource = CASE WHEN 'title' IN edited THEN p.titleSource ELSE row.titleSource END,
    p.titleAt = CASE WHEN 'title' IN edited THEN p.titleAt ELSE row.titleAt END,
    p.titleRule = CASE WHEN 'title' IN edited THEN p.titleRule ELSE row.titleRule END,
    p.location = CASE WHEN 'location' IN edited THEN p.location ELSE row.location END,
    p.locationSource = CASE WHEN 'location' IN edited THEN p.locationSource ELSE row.locationSource END,
    p.locationAt = CASE WHEN 'location' IN edited THEN p.locationAt ELSE row.locationAt END,
    p.locationRule = CASE WHEN 'location' IN edited THEN p.locationRule ELSE row.locationRule END,
    p.avatar = CASE WHEN 'avatar' IN edited THEN p.avatar ELSE row.avatar END,
    p.avatarSource = CASE WHEN 'avatar' IN edited THEN p.avatarSource ELSE row.avatarSource END,
    p.avatarAt = CASE WHEN 'avatar' IN edited THEN p.avatarAt ELSE row.avatarAt END,
    p.avatarRule = CASE WHEN 'avatar' IN edited THEN p.avatarRule ELSE row.avatarRule END
RETURN count(p) AS written;

// name: edit_person
// A human edit of one field: it wins over every rule from now on ($value null: back to the rules).
MATCH (p:Person {id: $id})
WITH p, [f IN coalesce(p.edited, []) WHERE f <> $field] AS others
CALL (p, others) {
  WITH p, others WHERE $value IS NOT NULL
  SET p[$field] = $value, p[$field + 'Source'] = $source, p[$field + 'At'] = $now, p[$field + 'Rule'] = 'human edit',
      p.edited = others + [$field]
  UNION
  WITH p, others WHERE $value IS NULL
  SET p.edited = others
}
RETURN p.id AS id, p.edited AS edited;

// name: person
// A person's surviving values with provenance, and its members.
MATCH (p:Person {id: $id})
OPTIONAL MATCH (p)-[:HAS_MEMBER]->(n)
WITH p, n ORDER BY n.source, n.sourceId, n.platform, n.key
RETURN p {.*} AS person,
       [m IN collect(n) | CASE WHEN m:Contact THEN 'contact:' + m.source + ':' + m.sourceId
                               ELSE 'identity:' + m.platform + ':' + m.key END] AS members;
