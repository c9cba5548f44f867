// Style models (ipywidgets' *StyleModel): the looks a widget's view takes from its `style`.
import { BASE, BASE_VERSION, CONTROLS, CONTROLS_VERSION, Widget, type ModelSpec } from "./widget.js";

function styleSpec(modelName: string, traits: Record<string, unknown>): ModelSpec {
  return Widget.extend(Widget.spec, { modelName, modelModule: CONTROLS, modelModuleVersion: CONTROLS_VERSION, viewName: "StyleView", viewModule: BASE, viewModuleVersion: BASE_VERSION, traits });
}

const FONT = { font_family: null, font_size: null, font_style: null, font_variant: null, font_weight: null, text_color: null, text_decoration: null };

export interface DescriptionStyle { descriptionWidth: string }
export class DescriptionStyle extends Widget {
  static spec = styleSpec("DescriptionStyleModel", { description_width: "" });
}

export interface SliderStyle { handleColor: string | null }
export class SliderStyle extends DescriptionStyle {
  static spec = styleSpec("SliderStyleModel", { description_width: "", handle_color: null });
}

export interface ProgressStyle { barColor: string | null }
export class ProgressStyle extends DescriptionStyle {
  static spec = styleSpec("ProgressStyleModel", { description_width: "", bar_color: null });
}

export interface CheckboxStyle { background: string | null }
export class CheckboxStyle extends DescriptionStyle {
  static spec = styleSpec("CheckboxStyleModel", { description_width: "", background: null });
}

export interface ToggleButtonsStyle { buttonWidth: string; fontWeight: string }
export class ToggleButtonsStyle extends DescriptionStyle {
  static spec = styleSpec("ToggleButtonsStyleModel", { description_width: "", button_width: "", font_weight: "" });
}

export interface TextStyle { background: string | null; fontSize: string | null; textColor: string | null }
export class TextStyle extends DescriptionStyle {
  static spec = styleSpec("TextStyleModel", { description_width: "", background: null, font_size: null, text_color: null });
}

export class HTMLStyle extends TextStyle {
  static spec = styleSpec("HTMLStyleModel", { description_width: "", background: null, font_size: null, text_color: null });
}

export interface LabelStyle { background: string | null; fontFamily: string | null; fontSize: string | null; fontStyle: string | null; fontVariant: string | null; fontWeight: string | null; textColor: string | null; textDecoration: string | null }
export class LabelStyle extends DescriptionStyle {
  static spec = styleSpec("LabelStyleModel", { description_width: "", background: null, ...FONT });
}

export interface ButtonStyle { buttonColor: string | null; fontFamily: string | null; fontSize: string | null; fontStyle: string | null; fontVariant: string | null; fontWeight: string | null; textColor: string | null; textDecoration: string | null }
export class ButtonStyle extends Widget {
  static spec = styleSpec("ButtonStyleModel", { button_color: null, ...FONT });
}
