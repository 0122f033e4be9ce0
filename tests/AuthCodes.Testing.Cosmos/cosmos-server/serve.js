// Starts @vercel/cosmosdb-server over plain HTTP on the given host and port, as its cli.js does with
// --no-ssl, but keeping connections open between requests as the Cosmos gateway does. The cli.js
// server answers every request with "connection: close", so each request opened a new TCP
// connection on both sides, which cost the one-threaded server more CPU than the request itself.
// Usage: node serve.js HOST PORT
const { createHttpServer } = require("@vercel/cosmosdb-server");

const [host, port] = process.argv.slice(2);
const server = createHttpServer({ keepAlive: true });

// The client closes idle connections; the server never does, so a request never meets a socket the
// server closed while it was on its way.
server.keepAliveTimeout = 0;
server.listen(Number(port), host, () => {
  console.log(`Ready to accept HTTP connections at ${host}:${port}`);
});
