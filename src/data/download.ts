// Downloads into the cache that never corrupts: the file is written under a temporary name beside its
// destination, its checksum checked, and only then renamed into place. A failed, interrupted or
// mismatching download removes the temporary file and says what happened.
import { createHash } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, basename } from "node:path";
import { KeyboardInterrupt, interruptSignal } from "../interrupt.js";
import { progress } from "./progress.js";

export interface Checksum {
  /** Expected SHA-256 of the file (hex). */
  sha256?: string;
  /** Expected MD5 (hex), where only that is published (CIFAR-10). */
  md5?: string;
}

export class DownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DownloadError";
  }
}

/** Downloads `url` to `dest` (atomically); returns `dest`. An existing `dest` is trusted and kept. */
export async function download(url: string, dest: string, checksum: Checksum = {}): Promise<string> {
  if (existsSync(dest)) return dest;
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = `${dest}.part-${process.pid}-${Date.now()}`;
  const signal = interruptSignal();
  const bar = progress(`Downloading ${basename(dest)}`, "bytes");
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal });
    } catch (e) {
      if (signal.aborted) throw new KeyboardInterrupt(`download of ${url} interrupted`);
      throw new DownloadError(`could not download ${url}: ${(e as Error).message}${(e as { cause?: Error }).cause ? ` (${(e as { cause: Error }).cause.message})` : ""}`);
    }
    if (!response.ok || !response.body) throw new DownloadError(`could not download ${url}: HTTP ${response.status} ${response.statusText}`);
    const total = Number(response.headers.get("content-length")) || undefined;
    const sha = createHash("sha256");
    const md5 = checksum.md5 ? createHash("md5") : undefined; // only where that is the published checksum
    const out = createWriteStream(tmp);
    const failed = new Promise<never>((_, reject) => out.once("error", reject));
    failed.catch(() => {});
    let done = 0;
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        sha.update(chunk);
        md5?.update(chunk);
        done += chunk.byteLength;
        if (!out.write(chunk)) await Promise.race([new Promise<void>((r) => out.once("drain", () => r())), failed]);
        bar.update(done, total);
      }
    } catch (e) {
      if (signal.aborted) throw new KeyboardInterrupt(`download of ${url} interrupted after ${done} bytes`);
      throw new DownloadError(`the download of ${url} broke off after ${done}${total ? ` of ${total}` : ""} bytes: ${(e as Error).message}`);
    } finally {
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    }
    if (total !== undefined && done !== total) throw new DownloadError(`the download of ${url} ended after ${done} of ${total} bytes`);
    const gotSha = sha.digest("hex");
    const gotMd5 = md5?.digest("hex");
    if (checksum.sha256 && gotSha !== checksum.sha256) throw new DownloadError(`checksum mismatch for ${url}: SHA-256 ${gotSha}, expected ${checksum.sha256}; the file was not kept`);
    if (checksum.md5 && gotMd5 !== checksum.md5) throw new DownloadError(`checksum mismatch for ${url}: MD5 ${gotMd5}, expected ${checksum.md5}; the file was not kept`);
    renameSync(tmp, dest);
    bar.finish(`Downloaded ${basename(dest)} (${done} bytes, SHA-256 ${gotSha.slice(0, 12)}...)`);
    return dest;
  } catch (e) {
    rmSync(tmp, { force: true });
    bar.finish(`Download of ${basename(dest)} failed`);
    if (e instanceof DownloadError || e instanceof KeyboardInterrupt) throw e;
    throw new DownloadError(`could not save ${url} to ${dest}: ${(e as Error).message}`);
  }
}
