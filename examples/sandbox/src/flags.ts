import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';

/**
 * A simulation CLI's flags (`pnpm chaos`, `pnpm lifecycle`): parsed strictly, then checked by the
 * schema. A bad flag prints what is wrong and the usage, and exits 2 (a usage error).
 */
export function readFlags<S extends z.ZodType>(options: NonNullable<ParseArgsConfig['options']>, schema: S, usage: string): z.infer<S> {
  try {
    const { values } = parseArgs({ options, strict: true });
    return schema.parse(values);
  } catch (error) {
    console.error(error instanceof z.ZodError ? z.prettifyError(error) : error instanceof Error ? error.message : String(error));
    console.error(usage);
    process.exit(2);
  }
}
