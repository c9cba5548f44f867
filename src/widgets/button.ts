// Button (ipywidgets' Button): a click in the page sends {method: "custom", content: {event: "click"}};
// the kernel runs the onClick handlers with the button.
import { DOMWidget, oneOf, type DOMWidgetOptions } from "./domwidget.js";
import { BUTTON_STYLES, type ButtonStyleName } from "./selection.js";
import { ButtonStyle } from "./style.js";
import { Widget } from "./widget.js";

export interface ButtonOptions extends DOMWidgetOptions {
  description?: string;
  disabled?: boolean;
  icon?: string;
  buttonStyle?: ButtonStyleName;
  style?: ButtonStyle | Record<string, unknown>;
  /** Called with the button on each click (the same as onClick(handler)). */
  onClick?: (button: Button) => void;
}
export interface Button {
  description: string;
  disabled: boolean;
  icon: string;
  buttonStyle: ButtonStyleName;
  style: ButtonStyle;
}
export class Button extends DOMWidget {
  static spec = Widget.extend(DOMWidget.spec, { modelName: "ButtonModel", viewName: "ButtonView", traits: { description: "", disabled: false, icon: "", button_style: "", style: undefined } });

  constructor(options: ButtonOptions = {}) {
    super(options);
  }

  private get handlers(): ((b: Button) => void)[] {
    return ((this as unknown as { _clicks?: ((b: Button) => void)[] })._clicks ??= []);
  }

  protected configure(options: Record<string, unknown>): Record<string, unknown> {
    const s = options.style;
    this.state.style = s instanceof Widget ? s : new ButtonStyle(s ?? {});
    if (typeof options.onClick === "function") this.handlers.push(options.onClick as (b: Button) => void);
    else if (options.onClick !== undefined) throw new TypeError(`Button: onClick must be a function, got ${typeof options.onClick}`);
    delete options.style;
    delete options.onClick;
    return super.configure(options);
  }

  protected extraOptions(): string[] {
    return ["style", "onClick"];
  }

  protected validate(name: string, value: unknown): unknown {
    if (name === "button_style") return oneOf("Button", name, value, BUTTON_STYLES);
    return super.validate(name, value);
  }

  /** Runs `handler(button)` on each click; `remove` takes it off again. */
  onClick(handler: (button: Button) => void, remove = false): this {
    if (remove) {
      const i = this.handlers.indexOf(handler);
      if (i >= 0) this.handlers.splice(i, 1);
    } else this.handlers.push(handler);
    return this;
  }

  /** As if it were clicked in the page: runs the handlers. */
  click(): void {
    for (const h of [...this.handlers]) h(this);
  }

  protected handleCustom(content: unknown, buffers: Uint8Array[]): void {
    if ((content as { event?: string } | null)?.event === "click") this.click();
    super.handleCustom(content, buffers);
  }
}
