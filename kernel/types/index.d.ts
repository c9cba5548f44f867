// Globals the tsdl kernel gives every cell (no import needed).

/** Shows a value richly (its `[Symbol.for("Jupyter.display")]()` bundle, else text). With `displayId`, later calls with `update: true` replace it in place. */
declare function display(value: unknown, options?: { displayId?: string; update?: boolean }): void;

/** Asks the user for a line of text in the notebook (Python's `input()`); `password` hides what is typed. */
declare function input(prompt?: string, options?: { password?: boolean }): Promise<string>;

/** Clears the cell's output; with `wait`, only when new output arrives (no flicker). */
declare function clearOutput(options?: { wait?: boolean }): void;
