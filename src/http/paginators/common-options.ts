import { z } from "zod";

/** Options several paginators share, described once. */

export const maximumPages = () =>
  z.number().int().positive().optional().describe("Stop after this many pages (a safety cap).");

export const stopAfterEmptyPage = () =>
  z.boolean().optional().describe("Stop when a page has no records; default true.");

export const hasMorePath = () =>
  z.string().optional().describe("JSON path of a boolean in the response that is false on the last page.");

export const cursorParam = () =>
  z.string().optional().describe('Query parameter the cursor is sent in; default "cursor".');
