import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { StringDecoder } from "node:string_decoder";

export interface NdjsonWriterOptions {
  /** A new file starts once the current one passes this size (bytes, approximate). Default 128 MiB. */
  maxFileBytes?: number;
  /** Lines are buffered and written in chunks of about this size. Default 1 MiB. */
  bufferBytes?: number;
  /** fsync each file on close, so a manifest written afterwards never points at data still in the page cache. */
  fsync?: boolean;
  /**
   * Called when a rotation closes a file (not at `close`): the file is complete and may be loaded while
   * writing goes on. Must not throw and must not block (the writer is on the normalizer's hot path).
   */
  onFileClosed?: (file: string) => void;
}

/**
 * Characters buffered across every writer in the process. A writer's own buffer is sized for one big
 * table; a package with many tables (100 resources, their child tables) would otherwise hold up to a full
 * buffer per table until the package ends, so memory grew with tables × rows. Past this total, every
 * writer flushes.
 */
const SHARED_BUFFER_CHARS = 8 * 1024 * 1024;
const buffering = new Set<NdjsonWriter>();
let bufferedTotal = 0;

/**
 * Appends JSON lines to `<dir>/<stem>.<n>.ndjson`, rotating by size. Writes are synchronous and buffered:
 * callers (the normalizer's row sink) are synchronous, and big sequential writes are what disks like.
 */
export class NdjsonWriter {
  private readonly maxFileBytes: number;
  private readonly bufferChars: number;
  private readonly fsync: boolean;
  private readonly onFileClosed: ((file: string) => void) | undefined;
  private fd: number | null = null;
  private parts: string[] = [];
  private buffered = 0;
  private fileBytes = 0;
  private seq = 0;
  readonly files: string[] = [];
  rows = 0;

  constructor(
    private readonly dir: string,
    private readonly stem: string,
    options: NdjsonWriterOptions = {},
  ) {
    this.maxFileBytes = options.maxFileBytes ?? 128 * 1024 * 1024;
    this.bufferChars = options.bufferBytes ?? 1024 * 1024;
    this.fsync = options.fsync ?? true;
    this.onFileClosed = options.onFileClosed;
  }

  /** One JSON document, without the trailing newline. */
  write(line: string): void {
    if (this.buffered === 0) buffering.add(this);
    this.parts.push(line);
    this.buffered += line.length + 1;
    bufferedTotal += line.length + 1;
    this.rows++;
    if (this.buffered >= this.bufferChars) this.flush();
    else if (bufferedTotal >= SHARED_BUFFER_CHARS) NdjsonWriter.flushAll();
  }

  private static flushAll(): void {
    for (const w of [...buffering]) w.flush();
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    if (this.fd === null) {
      const file = join(this.dir, `${this.stem}.${this.seq++}.ndjson`);
      this.fd = openSync(file, "w");
      this.files.push(file);
      this.fileBytes = 0;
    }
    this.parts.push("");
    const chunk = this.parts.join("\n");
    this.parts = [];
    bufferedTotal -= this.buffered;
    buffering.delete(this);
    this.buffered = 0;
    this.fileBytes += writeSync(this.fd, chunk);
    if (this.fileBytes >= this.maxFileBytes) {
      this.closeFile();
      this.onFileClosed?.(this.files[this.files.length - 1] as string);
    }
  }

  private closeFile(): void {
    if (this.fd === null) return;
    if (this.fsync) fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
  }

  /** Flushes and closes; returns every file written (absolute paths). */
  close(): string[] {
    this.flush();
    this.closeFile();
    return this.files;
  }
}

/** Lines of an NDJSON file, in batches, reading big chunks (no per-line stream overhead). */
export async function* readNdjsonLines(file: string, chunkBytes = 4 * 1024 * 1024): AsyncGenerator<string[]> {
  const handle = await open(file, "r");
  try {
    const buf = Buffer.allocUnsafe(chunkBytes);
    const decoder = new StringDecoder("utf8");
    let rest = "";
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, chunkBytes, null);
      if (bytesRead === 0) break;
      const text = rest + decoder.write(buf.subarray(0, bytesRead));
      const lines = text.split("\n");
      rest = lines.pop() ?? "";
      const nonEmpty = lines.filter((l) => l.length > 0);
      if (nonEmpty.length > 0) yield nonEmpty;
    }
    rest += decoder.end();
    if (rest.length > 0) yield [rest];
  } finally {
    await handle.close();
  }
}
