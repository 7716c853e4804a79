// Service health and bookkeeping.

// name: server_components
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions[0] AS version, edition;

// name: schema_version
OPTIONAL MATCH (s:SchemaVersion {id: 'graphsvc'})
RETURN coalesce(s.version, 0) AS version, s.appliedAt AS appliedAt;

// name: set_schema_version
MERGE (s:SchemaVersion {id: 'graphsvc'})
SET s.version = $version, s.appliedAt = datetime()
RETURN s.version AS version;

// name: ping
RETURN 1 AS ok;

// name: constraints
SHOW CONSTRAINTS YIELD name, type RETURN name, type ORDER BY name;

// name: indexes
SHOW INDEXES YIELD name, type, state WHERE type <> 'LOOKUP' RETURN name, type, state ORDER BY name;

// name: wipe_data
// Removes every node but the schema bookkeeping; used by the test suite between tests.
MATCH (n) WHERE NOT n:SchemaVersion
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS;

// name: graph_counts
// Served from Neo4j's count store: cheap whatever the graph's size.
RETURN COUNT { (:Contact) } AS contacts, COUNT { (:Identity) } AS identities, COUNT { (:Person) } AS persons,
       COUNT { (:Organization) } AS organizations, COUNT { (:Post) } AS posts, COUNT { (:Topic) } AS topics,
       COUNT { ()-[:FOLLOWS|FRIENDS_WITH|CONNECTED_TO]->() } AS ties, COUNT { ()-[:INTERACTED]->() } AS interactions,
       COUNT { ()-[]->() } AS relationships;

// name: warmup_sample
// What the API server's warm-up reads are asked about: one person (with the most identities among
// the first hundred, so its page has something to show), one community, one identity's handle.
OPTIONAL MATCH (p:Person)
WITH p LIMIT 100
WITH p ORDER BY COUNT { (p)-[:HAS_MEMBER]->(:Identity) } DESC LIMIT 1
OPTIONAL MATCH (p)-[:HAS_MEMBER]->(i:Identity)
WITH p, i LIMIT 1
OPTIONAL MATCH (c:Community)
WITH p, i, c LIMIT 1
RETURN p.id AS person, c.id AS community, i.handle AS handle
