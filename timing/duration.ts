// Durations as people write them in Pulumi programs ("45m", "1h30m", "90s", "2h"): the one
// grammar of the project, used by every schema that takes a duration.
import { z } from "zod";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/** Parses a duration, or throws an error that names the field and shows valid forms. */
export function parseDuration(text: string, field: string): number {
  const trimmed = text.trim();
  let total = 0;
  let consumed = 0;
  for (const match of trimmed.matchAll(PART)) {
    if (match.index !== consumed) break;
    total += Number(match[1]) * UNIT_MS[match[2]];
    consumed += match[0].length;
  }
  if (consumed === 0 || consumed !== trimmed.length || total <= 0) {
    throw new Error(`${field}: '${text}' is not a duration; write it like '90s', '45m' or '1h30m'`);
  }
  return total;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
}

/** A zod schema for a duration: accepts exactly what parseDuration accepts (and nothing of 0). */
export function durationSchema(): z.ZodString {
  return z.string({ message: "write durations like '90s', '45m' or '1h30m'" }).superRefine((text, ctx) => {
    try {
      parseDuration(text, "duration");
    } catch {
      ctx.addIssue({ code: "custom", message: `'${text}' is not a duration greater than zero; write it like '90s', '45m' or '1h30m'` });
    }
  }) as unknown as z.ZodString;
}
