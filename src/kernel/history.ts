// The kernel's input history for history_request (tail, range, search), this session's cells.
// Porting note: IPython also keeps earlier sessions in SQLite; tsdl keeps the current session only.

type Entry = [session: number, line: number, input: string];
type WithOutput = [session: number, line: number, io: [input: string, output: string | null]];

/** Python's fnmatch-style glob (`*`, `?`) as IPython's history search uses it. */
function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, "s");
}

export class History {
  private readonly entries: Entry[] = [];
  private readonly outputs = new Map<number, string>();
  private readonly session = 1;

  /** Records a cell; `output` is the text of its result, if it had one. */
  add(line: number, input: string, output?: string): void {
    this.entries.push([this.session, line, input]);
    if (output !== undefined) this.outputs.set(line, output);
  }

  /** Answers a history_request's content. */
  query(c: Record<string, unknown>): (Entry | WithOutput)[] {
    const output = c.output === true;
    let result: Entry[];
    switch (c.hist_access_type) {
      case "range": {
        const start = Number(c.start ?? 0);
        const stop = c.stop == null ? Infinity : Number(c.stop);
        result = this.entries.filter(([, line]) => line >= start && line < stop);
        break;
      }
      case "search": {
        const re = globToRegExp(String(c.pattern ?? "*"));
        result = this.entries.filter(([, , input]) => re.test(input));
        if (c.unique) {
          const seen = new Set<string>();
          result = result.reverse().filter(([, , input]) => !seen.has(input) && !!seen.add(input)).reverse();
        }
        if (c.n != null) result = result.slice(-Number(c.n));
        break;
      }
      default: // "tail"
        result = this.entries.slice(-Number(c.n ?? 10));
    }
    return output ? result.map(([s, l, input]): WithOutput => [s, l, [input, this.outputs.get(l) ?? null]]) : result;
  }
}
