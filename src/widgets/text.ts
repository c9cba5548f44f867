// Strings (ipywidgets' Text, Textarea, Label, HTML).
import { DescriptionWidget, type DescriptionOptions } from "./domwidget.js";
import { HTMLStyle, LabelStyle, TextStyle } from "./style.js";
import { Widget, type ModelSpec } from "./widget.js";

export interface StringOptions extends DescriptionOptions {
  value?: string;
  /** Shown while the value is empty (ipywidgets' default is a zero-width space). */
  placeholder?: string;
}
export interface StringWidget {
  value: string;
  placeholder: string;
}
export abstract class StringWidget extends DescriptionWidget {
  protected validate(name: string, value: unknown): unknown {
    if ((name === "value" || name === "placeholder") && typeof value !== "string") throw new TypeError(`${this.constructor.name}: ${name} must be a string, got ${JSON.stringify(value)}`);
    return super.validate(name, value);
  }
}

const stringSpec = (modelName: string, viewName: string, traits: Record<string, unknown> = {}): ModelSpec =>
  Widget.extend(DescriptionWidget.spec, { modelName, viewName, traits: { value: "", placeholder: "\u200b", ...traits } });

export interface TextOptions extends StringOptions {
  disabled?: boolean;
  continuousUpdate?: boolean;
}
export interface Text {
  disabled: boolean;
  continuousUpdate: boolean;
}
export class Text extends StringWidget {
  static styleClass = TextStyle;
  static spec = stringSpec("TextModel", "TextView", { disabled: false, continuous_update: true });
  constructor(options: TextOptions = {}) {
    super(options);
  }
  /** Runs `handler(text)` when Enter is pressed in the page. */
  onSubmit(handler: (text: Text) => void): this {
    return this.onMsg((content) => {
      if ((content as { event?: string } | null)?.event === "submit") handler(this);
    });
  }
}

export interface TextareaOptions extends TextOptions {
  rows?: number | null;
}
export interface Textarea {
  rows: number | null;
}
export class Textarea extends StringWidget {
  static styleClass = TextStyle;
  static spec = stringSpec("TextareaModel", "TextareaView", { disabled: false, continuous_update: true, rows: null });
  constructor(options: TextareaOptions = {}) {
    super(options);
  }
}

export class Label extends StringWidget {
  static styleClass = LabelStyle;
  static spec = stringSpec("LabelModel", "LabelView");
  constructor(options: StringOptions = {}) {
    super(options);
  }
}

/** Its value is HTML, shown as such. */
export class HTML extends StringWidget {
  static styleClass = HTMLStyle;
  static spec = stringSpec("HTMLModel", "HTMLView");
  constructor(options: StringOptions = {}) {
    super(options);
  }
}
