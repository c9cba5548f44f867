// tsdl's widgets: ipywidgets 8.1's models and names in camelCase TypeScript, rendered by the standard
// widget front ends (jupyterlab_widgets 3, Notebook 7). `import { widgets } from "tsdl"`.
export { Widget, managerState, liveWidgets, PROTOCOL_VERSION, WIDGET_VIEW_MIME, type Change, type Observer, type State } from "./widget.js";
export { Layout, type LayoutOptions } from "./layout.js";
export { DescriptionStyle, SliderStyle, ProgressStyle, CheckboxStyle, ToggleButtonsStyle, TextStyle, HTMLStyle, LabelStyle, ButtonStyle } from "./style.js";
export { DOMWidget, DescriptionWidget, type DOMWidgetOptions, type DescriptionOptions } from "./domwidget.js";
export { IntSlider, FloatSlider, FloatLogSlider, IntRangeSlider, type SliderOptions, type FloatLogSliderOptions } from "./sliders.js";
export { Dropdown, RadioButtons, ToggleButtons, Selection, type SelectionOptions, type RadioButtonsOptions, type ToggleButtonsOptions, type Options } from "./selection.js";
export { Checkbox, type CheckboxOptions } from "./checkbox.js";
export { Button, type ButtonOptions } from "./button.js";
export { Text, Textarea, Label, HTML, type TextOptions, type TextareaOptions, type StringOptions } from "./text.js";
export { IntProgress, FloatProgress, type ProgressOptions } from "./progress.js";
export { Output, type OutputEntry } from "./output.js";
export { Box, HBox, VBox, Tab, Accordion, type BoxOptions, type SelectionContainerOptions } from "./box.js";
export { Image, type ImageOptions } from "./image.js";
export { jslink, jsdlink, Link, DirectionalLink } from "./link.js";
export { interact, interactive, Interactive, widgetFromAbbrev } from "./interact.js";
export { FitControls } from "./training_controls.js";
