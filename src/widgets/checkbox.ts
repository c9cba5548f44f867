// Checkbox (ipywidgets' Checkbox): a boolean value.
import { DescriptionWidget, type DescriptionOptions } from "./domwidget.js";
import { CheckboxStyle } from "./style.js";
import { Widget } from "./widget.js";

export interface CheckboxOptions extends DescriptionOptions {
  value?: boolean;
  disabled?: boolean;
  /** Leave room on the left for a description (true), as other controls do. */
  indent?: boolean;
}
export interface Checkbox {
  value: boolean;
  disabled: boolean;
  indent: boolean;
}
export class Checkbox extends DescriptionWidget {
  static styleClass = CheckboxStyle;
  static spec = Widget.extend(DescriptionWidget.spec, { modelName: "CheckboxModel", viewName: "CheckboxView", traits: { value: false, disabled: false, indent: true } });
  constructor(options: CheckboxOptions = {}) {
    super(options);
  }
  protected validate(name: string, value: unknown): unknown {
    if ((name === "value" || name === "disabled" || name === "indent") && typeof value !== "boolean") throw new TypeError(`Checkbox: ${name} must be true or false, got ${JSON.stringify(value)}`);
    return super.validate(name, value);
  }
}
