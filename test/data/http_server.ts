// A local HTTP server on 127.0.0.1 serving files from memory, with ways to misbehave on purpose.
import { createServer, type Server } from "node:http";

export interface TestServer {
  url: string;
  /** Requests seen, by path. */
  hits: Record<string, number>;
  close(): Promise<void>;
}

/** `cut`: paths whose body stops halfway and whose connection is then destroyed. */
export async function serve(files: Record<string, Buffer>, cut: Set<string> = new Set()): Promise<TestServer> {
  const hits: Record<string, number> = {};
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url!, "http://x").pathname).slice(1);
    hits[path] = (hits[path] ?? 0) + 1;
    const body = files[path];
    if (!body) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-length": body.length, "content-type": "application/octet-stream" });
    if (cut.has(path)) {
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, hits, close: () => new Promise((r) => server.close(() => r())) };
}
