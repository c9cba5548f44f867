// clearOutput and input, importable from "tsdl" as well as being the kernel's globals: in the kernel they
// go through hooks it installs; outside it (a script, a test) they do what makes sense there.
import { createInterface } from "node:readline";

type ClearHook = (options?: { wait?: boolean }) => void;
type InputHook = (prompt?: string, options?: { password?: boolean }) => Promise<string>;

function hook<T>(name: string): T | undefined {
  return (globalThis as unknown as Record<symbol, T | undefined>)[Symbol.for(name)];
}

/**
 * Clears the cell's output; with `wait`, only when new output arrives (no flicker). Outside the notebook
 * kernel there is no output area, and this does nothing (a terminal's screen is left as it is).
 */
export function clearOutput(options?: { wait?: boolean }): void {
  const clear = hook<ClearHook>("tsdl.clearOutput");
  if (clear) clear(options);
}

/**
 * Asks for a line of text (Python's `input()`): in the notebook through the frontend, in a script on the
 * terminal (the prompt on stdout, the answer read from stdin). `password` hides what is typed where the
 * frontend or terminal can.
 */
export function input(prompt = "", options?: { password?: boolean }): Promise<string> {
  const ask = hook<InputHook>("tsdl.input");
  if (ask) return ask(prompt, options);
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY === true });
    if (options?.password && process.stdin.isTTY) {
      // Echo nothing after the prompt while the answer is typed.
      const out = rl as unknown as { _writeToOutput?: (s: string) => void };
      let prompted = false;
      out._writeToOutput = (s: string) => {
        if (!prompted) process.stdout.write(s);
        prompted = true;
      };
    }
    let answered = false;
    rl.question(prompt, (answer) => {
      answered = true;
      rl.close();
      if (options?.password && process.stdin.isTTY) process.stdout.write("\n");
      resolve(answer);
    });
    rl.on("close", () => {
      if (!answered) reject(Object.assign(new Error("input: stdin ended before an answer was given"), { name: "EOFError" }));
    });
  });
}
