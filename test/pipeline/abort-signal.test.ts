import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Resource } from "../../src/core/resource.js";
import { type PipelineSandbox, pipelineSandbox } from "../support/pipeline-helpers.js";

/** A resource of `pages` pages of 10 records; `onPage` runs before each page is yielded. */
function paged(pages: number, onPage: (page: number) => void = () => {}): Resource {
  return {
    name: "items",
    hints: { write_disposition: "merge", primary_key: "id" },
    async *read() {
      for (let page = 0; page < pages; page++) {
        onPage(page);
        await new Promise((r) => setTimeout(r, 1));
        yield Array.from({ length: 10 }, (_, i) => ({ id: page * 10 + i }));
      }
    },
  };
}

describe("pipeline.run with an AbortSignal", () => {
  let sb: PipelineSandbox;
  afterEach(() => sb?.cleanup());

  it("an abort mid-extract rejects with the signal's reason, loads nothing, leaves no package or lock", async () => {
    sb = pipelineSandbox();
    const p = sb.make("abort");
    const controller = new AbortController();
    const reason = new Error("stop now");
    await expect(
      p.run(
        paged(50, (page) => page === 5 && controller.abort(reason)),
        { signal: controller.signal },
      ),
    ).rejects.toBe(reason);
    expect(p.listPackages().filter((m) => m.status !== "loaded")).toEqual([]);
    expect(existsSync(join(p.workingDir, "run.lock"))).toBe(false);
    // The next run extracts everything again and loads it exactly once.
    await p.run(paged(50));
    expect(await sb.count("items")).toBe(500);
  });

  it("an abort while a package loads lets that load finish: all of it is committed, nothing half-loaded", async () => {
    sb = pipelineSandbox();
    const controller = new AbortController();
    const p = sb.make("during_load", {
      progress: (e) => {
        if (e.type === "stage_start" && e.stage === "load") controller.abort(new Error("late"));
      },
    });
    const info = await p.run(paged(20), { signal: controller.signal });
    expect(controller.signal.aborted).toBe(true);
    expect(info.rowCounts).toEqual({ items: 200 });
    expect(await sb.count("items")).toBe(200);
    expect(p.listPackages().filter((m) => m.status !== "loaded")).toEqual([]);
  });

  it("an already aborted signal stops the run before it extracts anything", async () => {
    sb = pipelineSandbox();
    const p = sb.make("pre");
    let reads = 0;
    await expect(
      p.run(
        paged(3, () => reads++),
        { signal: AbortSignal.abort(new Error("early")) },
      ),
    ).rejects.toThrow("early");
    expect(reads).toBe(0);
  });
});
