import picomatch from 'picomatch';

/**
 * Operation patterns: a tool name or a glob (`delete*`, `*Confluence*`, `resource:jira://*`, `*`).
 * picomatch with `bash: true` lets one `*` cross `/` (operations such as `resource:<uri>` are not
 * paths), `nocase` makes matching case-insensitive, and `dot` lets `*` match a leading dot.
 */
const OPTIONS = { nocase: true, dot: true, bash: true } as const;

const PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['[', ']'],
  ['{', '}'],
  ['(', ')'],
];

/** Why a pattern is not a usable glob, or undefined when it is. */
export function globProblem(pattern: string): string | undefined {
  if (pattern.trim().length === 0) return 'the operation is empty';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(pattern)) return 'the operation contains control characters';
  if (pattern.endsWith('\\')) return 'the operation ends with a lone backslash';
  for (const [open, close] of PAIRS) {
    let depth = 0;
    for (const char of pattern) {
      if (char === open) depth += 1;
      else if (char === close) depth -= 1;
      if (depth < 0) return `“${close}” closes nothing`;
    }
    if (depth !== 0) return `“${open}” is never closed`;
  }
  try {
    // picomatch answers an expression that matches nothing (`$^`) for a pattern it cannot read.
    if (picomatch.makeRe(pattern, OPTIONS).source === '$^') return 'picomatch cannot read this pattern';
  } catch (error) {
    return `picomatch cannot read this pattern (${error instanceof Error ? error.message : String(error)})`;
  }
  return undefined;
}

export type OperationMatcher = (operation: string) => boolean;

/** A compiled matcher; `*` alone is answered without a regular expression. */
export function compileGlob(pattern: string): OperationMatcher {
  if (pattern === '*') return () => true;
  if (!/[*?[\]{}()!+@]/.test(pattern)) {
    const exact = pattern.toLowerCase();
    return (operation) => operation.toLowerCase() === exact;
  }
  const re = picomatch.makeRe(pattern, OPTIONS);
  return (operation) => re.test(operation);
}
