// Conversations: tracked brands, post enrichment, and the roll-ups over time.

// name: brands
MATCH (b:Brand)
RETURN b.name AS name, coalesce(b.aliases, []) AS aliases, coalesce(b.products, []) AS products,
       b.category AS category, COUNT { (b)<-[:MENTIONS]-(:Post) } AS posts
ORDER BY name;

// name: set_brand
MERGE (b:Brand {name: $brand})
SET b.aliases = $aliases, b.products = $products, b.category = $category, b.updatedAt = datetime()
RETURN b.name AS name, b.aliases AS aliases, b.products AS products, b.category AS category;

// name: topic_vocabulary
// Topics used as hashtags at least $min times: words worth finding in plain text too.
MATCH (t:Topic)
WHERE size(t.name) >= 3 AND COUNT { (t)<-[:TAGGED]-(:Post) } >= $min
RETURN t.name AS name;

// name: all_posts
MATCH (p:Post) WHERE p.createdAt IS NOT NULL
RETURN p.platform AS platform, p.postId AS postId, p.text AS text, p.lang AS lang,
       [(p)-[:TAGGED]->(t:Topic) | t.name] AS topics;

// name: write_enrichment
// Re-enrichment replaces a post's brand mentions (the brand list may have changed) and adds topics.
UNWIND $rows AS row
MATCH (p:Post {platform: row.platform, postId: row.postId})
SET p += row.props
WITH p, row
CALL (p, row) {
  OPTIONAL MATCH (p)-[old:MENTIONS]->(b:Brand) WHERE NOT b.name IN row.brands
  DELETE old
}
FOREACH (brand IN row.brands | MERGE (b:Brand {name: brand}) MERGE (p)-[:MENTIONS]->(b))
FOREACH (tag IN row.topics | MERGE (t:Topic {name: tag}) MERGE (p)-[:TAGGED]->(t))
RETURN count(*) AS written;

// name: latest_post_time
MATCH (p:Post) WHERE p.createdAt IS NOT NULL
RETURN max(p.createdAt) AS at;

// name: brand_trend
// Volume and sentiment of the posts mentioning a brand, per $unit ('day' or 'week') bucket.
MATCH (b:Brand {name: $brand})<-[:MENTIONS]-(post:Post)
WHERE post.createdAt >= $from AND post.createdAt < $to
WITH date.truncate($unit, post.createdAt) AS bucket, post
RETURN bucket, count(post) AS posts, avg(post.sentiment) AS sentiment,
       sum(CASE post.sentimentLabel WHEN 'positive' THEN 1 ELSE 0 END) AS positive,
       sum(CASE post.sentimentLabel WHEN 'negative' THEN 1 ELSE 0 END) AS negative
ORDER BY bucket;

// name: persons_trend
// The same for the posts of a set of persons (one person, or a segment), optionally about one brand.
UNWIND $ids AS id
MATCH (:Person {id: id})-[:HAS_MEMBER]->(:Identity)-[:POSTED]->(post:Post)
WHERE post.createdAt >= $from AND post.createdAt < $to
  AND ($brand IS NULL OR EXISTS { (post)-[:MENTIONS]->(:Brand {name: $brand}) })
WITH DISTINCT post
WITH date.truncate($unit, post.createdAt) AS bucket, post
RETURN bucket, count(post) AS posts, avg(post.sentiment) AS sentiment,
       sum(CASE post.sentimentLabel WHEN 'positive' THEN 1 ELSE 0 END) AS positive,
       sum(CASE post.sentimentLabel WHEN 'negative' THEN 1 ELSE 0 END) AS negative
ORDER BY bucket;

// name: trending_topics
// Posts per topic in the window ending at $to and in the window before it; growth = (now - before) / before.
MATCH (t:Topic)<-[:TAGGED]-(post:Post)
WHERE post.createdAt >= $previousFrom AND post.createdAt < $to
WITH t, sum(CASE WHEN post.createdAt >= $from THEN 1 ELSE 0 END) AS current,
        sum(CASE WHEN post.createdAt < $from THEN 1 ELSE 0 END) AS previous
WHERE current >= $minPosts
RETURN t.name AS topic, current, previous,
       toFloat(current - previous) / CASE WHEN previous = 0 THEN 1 ELSE previous END AS growth
ORDER BY growth DESC, current DESC, topic
LIMIT $limit;

// name: demand_signals
// Questions about a tracked brand or its category since $since, newest first, with who asked.
MATCH (i:Identity)-[:POSTED]->(post:Post {demand: true})
WHERE post.createdAt >= $since AND ($brand IS NULL OR EXISTS { (post)-[:MENTIONS]->(:Brand {name: $brand}) }
      OR EXISTS { MATCH (b:Brand {name: $brand}) WHERE post.text CONTAINS b.category })
OPTIONAL MATCH (person:Person)-[:HAS_MEMBER]->(i)
RETURN post.platform AS platform, post.postId AS postId, post.text AS text, post.createdAt AS createdAt,
       post.sentiment AS sentiment, [(post)-[:MENTIONS]->(b:Brand) | b.name] AS brands,
       i.platform AS authorPlatform, i.key AS authorHandle, person.id AS personId, person.name AS personName,
       coalesce(person.influence, i.influence, 0.0) AS influence
ORDER BY post.createdAt DESC
LIMIT $limit;

// name: person_posts
MATCH (:Person {id: $id})-[:HAS_MEMBER]->(i:Identity)-[:POSTED]->(post:Post)
RETURN post.platform AS platform, post.postId AS postId, post.text AS text, post.createdAt AS createdAt,
       post.sentiment AS sentiment, post.sentimentLabel AS sentimentLabel, post.question AS question,
       [(post)-[:MENTIONS]->(b:Brand) | b.name] AS brands, [(post)-[:TAGGED]->(t:Topic) | t.name] AS topics,
       i.key AS author
ORDER BY post.createdAt DESC
SKIP $offset LIMIT $limit;
