// The analytics benchmark's loader (`bench/analytics.py`): a generated graph written into an empty
// database with CREATE, as fast as the bare driver allows. Rows are lists to keep batches small.

// name: identities
UNWIND $rows AS r
CREATE (:Identity {platform: r[0], key: r[1], followers: r[2]});

// name: persons
UNWIND $rows AS r
CREATE (p:Person {id: r.id})
WITH p, r
UNWIND r.members AS m
MATCH (i:Identity {platform: m[0], key: m[1]})
CREATE (p)-[:HAS_MEMBER]->(i);

// name: follows
UNWIND $rows AS r
MATCH (a:Identity {platform: r[0], key: r[1]})
MATCH (b:Identity {platform: r[2], key: r[3]})
CREATE (a)-[:FOLLOWS]->(b);

// name: interactions
UNWIND $rows AS r
MATCH (a:Identity {platform: r[0], key: r[1]})
MATCH (b:Identity {platform: r[2], key: r[3]})
CREATE (a)-[:INTERACTED {weight: r[4], count: r[5], lastAt: r[6]}]->(b);

// name: topics
UNWIND $names AS name
CREATE (:Topic {name: name});

// name: brands
UNWIND $names AS name
CREATE (:Brand {name: name});

// name: posts
UNWIND $rows AS r
MATCH (a:Identity {platform: r[0], key: r[1]})
MATCH (t:Topic {name: r[3]})
CREATE (a)-[:POSTED]->(p:Post {platform: r[0], postId: r[2], createdAt: $at, sentiment: r[5]})-[:TAGGED]->(t)
WITH p, r WHERE r[4] IS NOT NULL
MATCH (b:Brand {name: r[4]})
CREATE (p)-[:MENTIONS]->(b);
