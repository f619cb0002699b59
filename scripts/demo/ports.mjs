// Port choice: take the wanted port when it is free, else whatever the OS hands out, so a stale demo or the
// Debian system Orthanc (8042) never makes us fail or talk to the wrong server.
import net from 'node:net';

function canListen(port, host) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

export async function isPortFree(port) {
  // Orthanc binds 0.0.0.0, our server 127.0.0.1: the port must be free on both.
  return (await canListen(port, '127.0.0.1')) && (await canListen(port, '0.0.0.0'));
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen({ port: 0, host: '0.0.0.0' }, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export async function pickPort(wanted) {
  if (wanted && (await isPortFree(wanted))) return wanted;
  return freePort();
}
