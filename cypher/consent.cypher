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
