// The peer of bench/api.py: the Neo4j GraphQL Library (@neo4j/graphql 7) on Apollo Server, over the
// same Neo4j and graph as graphsvc. Its schema is what a user of that library would write for
// graphsvc's persons, identities and consent records; the library translates each request into one
// Cypher query. Started and stopped by bench/api.py:
//   NEO4J_URI=... NEO4J_USER=... NEO4J_PASSWORD=... PORT=... node bench/peer/server.mjs
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

const typeDefs = /* GraphQL */ `
  type Person @node {
    id: ID!
    name: String
    influence: Float
    pagerank: Float
    identities: [Identity!]! @relationship(type: "HAS_MEMBER", direction: OUT)
    consents: [Consent!]! @relationship(type: "GAVE", direction: OUT)
  }

  type Identity @node {
    platform: String!
    key: String!
    displayName: String
    followers: Int
  }

  type Consent @node {
    purpose: String
    status: String
  }
`;

const driver = neo4j.driver(
  process.env.NEO4J_URI,
  neo4j.auth.basic(process.env.NEO4J_USER || "neo4j", process.env.NEO4J_PASSWORD || ""),
  { maxConnectionPoolSize: 64 },
);
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
const server = new ApolloServer({ schema });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT), host: "127.0.0.1" },
  context: async () => ({ sessionConfig: { database: process.env.NEO4J_DATABASE || "neo4j" } }),
});
console.log(`peer ready at ${url}`);
