// Data-subject rights: everything held on one person (export) and its erasure.
//
// A person's records are the Person node, its member Contacts and Identities, the contact points
// (email/phone identities) its contacts state unless another person or contact holds them too, and
// the posts of those identities.

// name: export
MATCH (p:Person {id: $person})
CALL (p) {
  MATCH (p)-[:HAS_MEMBER]->(i:Identity) RETURN i
  UNION
  MATCH (p)-[:HAS_MEMBER]->(:Contact)-[:HAS]->(i:Identity) RETURN i
}
WITH p, collect(i) AS identities
RETURN p {.*} AS person,
       COLLECT { MATCH (p)-[:HAS_MEMBER]->(c:Contact)
                 RETURN c {.*, contactPoints: [(c)-[:HAS]->(i:Identity) | i.platform + ':' + i.key],
                           organizations: [(c)-[:WORKS_AT]->(o:Organization) | o {.*}]} } AS contacts,
       [i IN identities | i {.*}] AS identities,
       COLLECT { UNWIND identities AS i MATCH (i)-[:POSTED]->(post:Post)
                 RETURN post {.*, author: i.platform + ':' + i.key,
                              topics: [(post)-[:TAGGED]->(t:Topic) | t.name],
                              brands: [(post)-[:MENTIONS]->(b:Brand) | b.name],
                              mentions: [(post)-[:MENTIONS]->(m:Identity) | m.platform + ':' + m.key],
                              replyTo: [(post)-[:REPLY_TO]->(q:Post) | q.platform + ':' + q.postId],
                              shareOf: [(post)-[:SHARES]->(q:Post) | q.platform + ':' + q.postId]} } AS posts,
       COLLECT { UNWIND identities AS i MATCH (i)-[r:FOLLOWS|FRIENDS_WITH|CONNECTED_TO|INTERACTED]-(o:Identity)
                 RETURN {type: type(r), identity: i.platform + ':' + i.key, other: o.platform + ':' + o.key,
                         direction: CASE WHEN startNode(r) = i THEN 'out' ELSE 'in' END,
                         properties: properties(r)} } AS ties,
       COLLECT { MATCH (p)-[:HAS_MEMBER]->(n)-[r:MATCH_CANDIDATE]-() RETURN properties(r) } AS matchCandidates,
       COLLECT { MATCH (p)-[:GAVE]->(c:Consent) RETURN c {.*} } AS consents,
       COLLECT { MATCH (p)-[r:IN_COMMUNITY]->(c:Community) RETURN c {.id, .size, .topTopics, .jobRun} } AS communities,
       COLLECT { MATCH (p)-[r:TOPIC_INFLUENCE]->(t:Topic) RETURN {topic: t.name, score: r.score, rank: r.rank} }
         AS topics,
       COLLECT { MATCH (p)-[r:ADVOCATES|DETRACTS]->(b:Brand)
                 RETURN {brand: b.name, side: type(r), score: r.score, posts: r.posts, sentiment: r.sentiment} }
         AS brandStances,
       COLLECT { MATCH (a:AccessEvent) WHERE p.id IN a.personIds RETURN a {.id, .at, .apiKeyId, .user, .operation} }
         AS accessEvents,
       COLLECT { MATCH (a:AuditEvent {personId: p.id}) RETURN a {.*} ORDER BY a.at } AS auditTrail;

// name: erase_targets
// What an erasure removes (element ids), and the other people's posts that mention the identities
// (their texts are redacted, not deleted).
MATCH (p:Person {id: $person})
CALL (p) {
  MATCH (p)-[:HAS_MEMBER]->(i:Identity) RETURN i
  UNION
  MATCH (p)-[:HAS_MEMBER]->(:Contact)-[:HAS]->(i:Identity)
  WHERE NOT EXISTS { (other:Person)-[:HAS_MEMBER]->(i) WHERE other <> p }
    AND NOT EXISTS { (c:Contact)-[:HAS]->(i) WHERE NOT EXISTS { (p)-[:HAS_MEMBER]->(c) } }
  RETURN i
}
WITH p, collect(i) AS identities
RETURN elementId(p) AS person,
       COLLECT { MATCH (p)-[:HAS_MEMBER]->(c:Contact) RETURN elementId(c) } AS contacts,
       COLLECT { MATCH (p)-[:HAS_MEMBER]->(c:Contact) RETURN 'contact:' + c.source + ':' + c.sourceId } AS contactKeys,
       [i IN identities | elementId(i)] AS identities,
       [i IN identities | {platform: i.platform, key: i.key}] AS keys,
       COLLECT { MATCH (p)-[:HAS_MEMBER]->(c:Contact) RETURN {platform: 'contact', key: c.source + ':' + c.sourceId} }
         AS contactIdentifiers,
       COLLECT { UNWIND identities AS i MATCH (i)-[:POSTED]->(post:Post) RETURN elementId(post) } AS posts,
       COLLECT { MATCH (p)-[:GAVE]->(c:Consent) RETURN elementId(c) } AS consents,
       COLLECT { UNWIND identities AS i MATCH (post:Post)-[:MENTIONS]->(i)
                 WHERE NOT EXISTS { (i)-[:POSTED]->(post) } AND post.text IS NOT NULL
                 RETURN DISTINCT {id: elementId(post), text: post.text} } AS mentioning;

// name: erase_texts
// Other people's posts and audit entries whose text holds one of $needles (lower case: the erased
// person's @handles, emails, phones, record keys and id), wherever they are: a scan, as an erasure
// is rare and must miss none. $erased: the element ids of the erased person's own nodes.
CALL () {
  MATCH (post:Post)
  WHERE post.text IS NOT NULL AND NOT elementId(post) IN $erased
    AND any(n IN $needles WHERE toLower(post.text) CONTAINS n)
  RETURN 'post' AS kind, elementId(post) AS id, post {.text} AS texts
  UNION ALL
  MATCH (a:AuditEvent)
  WHERE a.personId <> $personId
    AND any(n IN $needles WHERE toLower(coalesce(a.reason, '')) CONTAINS n
            OR any(x IN coalesce(a.before, []) + coalesce(a.after, []) + coalesce(a.related, [])
                   WHERE toLower(x) CONTAINS n))
  RETURN 'audit' AS kind, elementId(a) AS id, a {.reason, .before, .after, .related} AS texts
  UNION ALL
  MATCH ()-[r:MATCH_CANDIDATE]-()
  WHERE r.reason IS NOT NULL AND any(n IN $needles WHERE toLower(r.reason) CONTAINS n)
  RETURN DISTINCT 'candidate' AS kind, elementId(r) AS id, r {.reason} AS texts
}
RETURN kind, id, texts;

// name: erase_apply
// Redact the mentions, delete the records, drop the person from community summaries, delete the person's
// audit trail and redact erased records in others', and keep an audit event that names no personal data.
CALL () {
  UNWIND $redactions AS r
  MATCH (post:Post) WHERE elementId(post) = r.id
  SET post.text = r.texts.text
}
CALL () {
  UNWIND $audits AS r
  MATCH (a:AuditEvent) WHERE elementId(a) = r.id
  SET a += r.texts
}
CALL () {
  UNWIND $candidates AS r
  MATCH ()-[c:MATCH_CANDIDATE]-() WHERE elementId(c) = r.id
  SET c += r.texts
}
CALL () {
  UNWIND $nodes AS id
  MATCH (n) WHERE elementId(n) = id
  DETACH DELETE n
}
CALL () {
  MATCH (c:Community) WHERE $personId IN c.topMembers
  SET c.topMembers = [m IN c.topMembers WHERE m <> $personId]
}
CALL () {
  MATCH (a:AuditEvent {personId: $personId})
  DETACH DELETE a
}
MERGE (a:AuditEvent {id: $auditId})
ON CREATE SET a.at = $at, a.action = 'erase', a.personId = $personId, a.actor = $actor, a.counts = $counts
RETURN a.id AS auditId;
