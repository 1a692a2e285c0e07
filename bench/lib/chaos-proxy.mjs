import { connect, createServer } from 'node:net';

/**
 * A TCP proxy in front of one shared service (PostgreSQL, Redis, NATS, ClickHouse, MailDev's SMTP). The campaign
 * points the platform at the proxy and "stops" the service by `down()`: every open connection is reset and new ones
 * are refused (the listening socket closes), as when the service's process is gone. `up()` listens again. The
 * machine's services are shared with other sessions, so the campaign never stops them itself.
 */
export async function startProxy(targetPort, host = '127.0.0.1') {
  const sockets = new Set();
  let server = null;
  let port = 0;
  const listen = () =>
    new Promise((resolve, reject) => {
      server = createServer((client) => {
        const upstream = connect(targetPort, host);
        sockets.add(client).add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      server.once('error', reject);
      server.listen(port, host, () => {
        port = server.address().port;
        resolve();
      });
    });
  await listen();
  return {
    get port() {
      return port;
    },
    down: async () => {
      const closing = server ? new Promise((resolve) => server.close(resolve)) : Promise.resolve();
      for (const socket of sockets) {
        try {
          socket.resetAndDestroy();
        } catch {
          socket.destroy();
        }
      }
      sockets.clear();
      server = null;
      await closing;
    },
    up: async () => {
      if (!server) await listen();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      if (server) await new Promise((resolve) => server.close(resolve));
    },
  };
}
