// Consent records, one Consent node per statement (ISO/IEC TS 27560 / Kantara consent receipt
// fields): (:Person)-[:GAVE]->(:Consent {id, purpose, channel, status, legalBasis, collectionMethod,
// source, policyUrl, givenAt, withdrawnAt, expiresAt, recordedAt, recordedBy}). Records are never
// updated: a change of mind is a new record, and the most recent unexpired one per purpose counts.

// name: record
// MERGE on the record's id: a retried transaction writes it once.
MATCH (p:Person {id: $person})
MERGE (c:Consent {id: $id})
ON CREATE SET c += $props
MERGE (p)-[:GAVE]->(c)
RETURN c {.*} AS consent;

// name: targetable
// Which of $ids pass consent for every purpose in $purposes (the predicate of api.cypher's
// targeting queries, kept identical).
UNWIND $ids AS id
MATCH (p:Person {id: id})
RETURN id AS person,
       CASE WHEN COUNT { (p)-[:GAVE]->() } = 0 THEN $consentDefault = 'granted' OR size($purposes) = 0
           ELSE all(purpose IN $purposes WHERE coalesce(head(COLLECT { MATCH (p)-[:GAVE]->(c:Consent {purpose: purpose})
           WHERE c.expiresAt IS NULL OR c.expiresAt > datetime() RETURN c.status
           ORDER BY coalesce(c.withdrawnAt, c.givenAt, c.recordedAt) DESC, c.recordedAt DESC LIMIT 1 }),
           $consentDefault) = 'granted') END AS targetable;

// name: effective
// One person's effective consent per purpose: the most recent unexpired record.
MATCH (:Person {id: $person})-[:GAVE]->(c:Consent)
WHERE c.expiresAt IS NULL OR c.expiresAt > datetime()
WITH c ORDER BY coalesce(c.withdrawnAt, c.givenAt, c.recordedAt) DESC, c.recordedAt DESC
WITH c.purpose AS purpose, collect(c)[0] AS latest
RETURN purpose, latest.status AS status, latest.id AS id
ORDER BY purpose;

// name: purposes
// The purposes any consent record names, besides the targeting ones every list already requires:
// what a console offers as a consent filter. Read from the (purpose, status) index.
MATCH (c:Consent)
WHERE c.purpose IS NOT NULL AND NOT c.purpose IN $except
RETURN DISTINCT c.purpose AS purpose
ORDER BY purpose;

// name: unprofiled
// The persons whose effective consent for a purpose in $purposes is not granted, among those that
// hold something a job computed, or all of them with $all: analytics jobs skip them, and the sweep
// clears what an earlier run computed for them. With $consentDefault 'granted' only persons with a
// consent record can fail, and they are found from their records.
CALL () {
  MATCH (p:Person)-[:GAVE]->(:Consent)
  WHERE $consentDefault = 'granted'
  RETURN DISTINCT p
  UNION
  MATCH (p:Person)
  WHERE $consentDefault <> 'granted'
  RETURN p
}
WITH p
WHERE ($all OR p.scoresJobRun IS NOT NULL OR p.community IS NOT NULL
       OR EXISTS { (p)-[:TOPIC_INFLUENCE|ADVOCATES|DETRACTS|IN_COMMUNITY]->() }
       OR EXISTS { (p)-[:HAS_MEMBER]->(i:Identity) WHERE i.scoresJobRun IS NOT NULL })
  AND NOT CASE WHEN COUNT { (p)-[:GAVE]->() } = 0 THEN $consentDefault = 'granted' OR size($purposes) = 0
      ELSE all(purpose IN $purposes WHERE coalesce(head(COLLECT { MATCH (p)-[:GAVE]->(c:Consent {purpose: purpose})
      WHERE c.expiresAt IS NULL OR c.expiresAt > datetime() RETURN c.status
      ORDER BY coalesce(c.withdrawnAt, c.givenAt, c.recordedAt) DESC, c.recordedAt DESC LIMIT 1 }),
      $consentDefault) = 'granted') END
RETURN p.id AS person;

// name: clear_profile
// Remove everything the analytics jobs computed about $ids: their scores, their identities' scores,
// topic influence, brand stances and community membership (their community's member count and top
// members follow).
UNWIND $ids AS id
MATCH (p:Person {id: id})
CALL (p) {
  MATCH (p)-[r:TOPIC_INFLUENCE|ADVOCATES|DETRACTS]->()
  DELETE r
}
CALL (p) {
  MATCH (p)-[m:IN_COMMUNITY]->(c:Community)
  SET c.persons = c.persons - 1
  DELETE m
}
CALL (p) {
  MATCH (c:Community)
  WHERE p.id IN c.topMembers
  SET c.topMembers = [member IN c.topMembers WHERE member <> p.id]
}
CALL (p) {
  MATCH (p)-[:HAS_MEMBER]->(i:Identity)
  WHERE i.scoresJobRun IS NOT NULL
  REMOVE i.influence, i.pagerank, i.reach, i.engagement, i.kcore, i.betweenness, i.scoresJobRun
}
REMOVE p.influence, p.pagerank, p.reach, p.engagement, p.kcore, p.betweenness, p.scoresJobRun, p.community
RETURN count(p) AS cleared;
