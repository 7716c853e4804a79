// The benchmarks' baseline: what a competent engineer writes with the bare driver, best-practice
// UNWIND batches and MERGE on the same unique keys, given rows that are already clean: no reading,
// validation, normalisation, content hashes or provenance. `bench/ingest.py` times these against
// `graphsvc import` of the same rows from the files.

// name: baseline_contacts
UNWIND $rows AS row
MERGE (c:Contact {source: row.source, sourceId: row.sourceId})
SET c += row.props
WITH c, row
CALL (c, row) {
  UNWIND row.points AS point
  MERGE (i:Identity {platform: point.platform, key: point.key})
  MERGE (c)-[:HAS]->(i)
}
CALL (c, row) {
  WITH row WHERE row.org IS NOT NULL
  MERGE (o:Organization {key: row.org.key})
  MERGE (c)-[:WORKS_AT]->(o)
}
RETURN count(*) AS written;

// name: baseline_identities
UNWIND $rows AS row
MERGE (i:Identity {platform: row.platform, key: row.key})
SET i += row.props
RETURN count(*) AS written;

// name: baseline_follows
UNWIND $rows AS row
MERGE (a:Identity {platform: row.sp, key: row.sk})
MERGE (b:Identity {platform: row.dp, key: row.dk})
MERGE (a)-[r:FOLLOWS]->(b)
SET r.since = row.since, r.weight = row.weight
RETURN count(*) AS written;

// name: baseline_friends_with
UNWIND $rows AS row
MERGE (a:Identity {platform: row.sp, key: row.sk})
MERGE (b:Identity {platform: row.dp, key: row.dk})
MERGE (a)-[r:FRIENDS_WITH]->(b)
SET r.since = row.since, r.weight = row.weight
RETURN count(*) AS written;

// name: baseline_connected_to
UNWIND $rows AS row
MERGE (a:Identity {platform: row.sp, key: row.sk})
MERGE (b:Identity {platform: row.dp, key: row.dk})
MERGE (a)-[r:CONNECTED_TO]->(b)
SET r.since = row.since, r.weight = row.weight
RETURN count(*) AS written;

// name: baseline_posts
UNWIND $rows AS row
MERGE (p:Post {platform: row.platform, postId: row.postId})
SET p += row.props
MERGE (a:Identity {platform: row.platform, key: row.author})
MERGE (a)-[:POSTED]->(p)
FOREACH (target IN CASE WHEN row.replyTo IS NULL THEN [] ELSE [row.replyTo] END |
  MERGE (q:Post {platform: row.platform, postId: target})
  MERGE (p)-[:REPLY_TO]->(q))
FOREACH (target IN CASE WHEN row.shareOf IS NULL THEN [] ELSE [row.shareOf] END |
  MERGE (q:Post {platform: row.platform, postId: target})
  MERGE (p)-[:SHARES]->(q))
FOREACH (handle IN row.mentions |
  MERGE (m:Identity {platform: row.platform, key: handle})
  MERGE (p)-[:MENTIONS]->(m))
FOREACH (tag IN row.hashtags |
  MERGE (t:Topic {name: tag})
  MERGE (p)-[:TAGGED]->(t))
RETURN count(*) AS written;
