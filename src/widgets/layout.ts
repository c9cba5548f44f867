// Layout (ipywidgets' LayoutModel): CSS properties of a widget's view, every one unset by default.
import { BASE, BASE_VERSION, Widget, type ModelSpec } from "./widget.js";

const CSS = [
  "align_content", "align_items", "align_self", "border_bottom", "border_left", "border_right", "border_top", "bottom", "display", "flex", "flex_flow",
  "grid_area", "grid_auto_columns", "grid_auto_flow", "grid_auto_rows", "grid_column", "grid_gap", "grid_row", "grid_template_areas", "grid_template_columns",
  "grid_template_rows", "height", "justify_content", "justify_items", "left", "margin", "max_height", "max_width", "min_height", "min_width", "object_fit",
  "object_position", "order", "overflow", "padding", "right", "top", "visibility", "width",
];

export interface LayoutOptions {
  alignContent?: string | null; alignItems?: string | null; alignSelf?: string | null; border?: string | null; borderBottom?: string | null;
  borderLeft?: string | null; borderRight?: string | null; borderTop?: string | null; bottom?: string | null; display?: string | null; flex?: string | null;
  flexFlow?: string | null; gridArea?: string | null; gridAutoColumns?: string | null; gridAutoFlow?: string | null; gridAutoRows?: string | null;
  gridColumn?: string | null; gridGap?: string | null; gridRow?: string | null; gridTemplateAreas?: string | null; gridTemplateColumns?: string | null;
  gridTemplateRows?: string | null; height?: string | null; justifyContent?: string | null; justifyItems?: string | null; left?: string | null;
  margin?: string | null; maxHeight?: string | null; maxWidth?: string | null; minHeight?: string | null; minWidth?: string | null; objectFit?: string | null;
  objectPosition?: string | null; order?: string | null; overflow?: string | null; padding?: string | null; right?: string | null; top?: string | null;
  visibility?: string | null; width?: string | null;
}

export interface Layout extends LayoutOptions {}

export class Layout extends Widget {
  static spec: ModelSpec = Widget.extend(Widget.spec, {
    modelName: "LayoutModel",
    viewName: "LayoutView",
    viewModule: BASE,
    viewModuleVersion: BASE_VERSION,
    traits: Object.fromEntries(CSS.map((k) => [k, null])),
  });

  constructor(options: LayoutOptions = {}) {
    super(options);
  }

  /** `border` sets the four sides (as ipywidgets' Layout.border does); it reads back only when they agree. */
  protected configure(options: Record<string, unknown>): Record<string, unknown> {
    if ("border" in options) {
      const b = options.border;
      delete options.border;
      for (const side of ["border_bottom", "border_left", "border_right", "border_top"]) this.state[side] = b;
    }
    return options;
  }

  protected extraOptions(): string[] {
    return ["border"];
  }

  get border(): string | null {
    const sides = ["border_bottom", "border_left", "border_right", "border_top"].map((k) => this.state[k]);
    return sides.every((s) => s === sides[0]) ? (sides[0] as string | null) : null;
  }

  set border(v: string | null) {
    this.set({ border_bottom: v, border_left: v, border_right: v, border_top: v });
  }
}
