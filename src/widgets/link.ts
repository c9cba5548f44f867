// Links made in the front end (ipywidgets' jslink, jsdlink): the page keeps two widgets' traits equal
// without a round trip to the kernel. Each is a model with no view.
import { camel, CONTROLS, CONTROLS_VERSION, snake, Widget } from "./widget.js";

export type Endpoint = readonly [Widget, string];

function endpoint(what: string, e: unknown): [Widget, string] {
  if (!Array.isArray(e) || e.length !== 2 || !(e[0] instanceof Widget) || typeof e[1] !== "string") throw new TypeError(`jslink: ${what} must be [widget, traitName], got ${JSON.stringify(e)}`);
  const name = snake(e[1]);
  if (!(name in (e[0].constructor as typeof Widget).spec.traits)) throw new TypeError(`jslink: ${e[0].constructor.name} has no synced trait ${JSON.stringify(e[1])}`);
  return [e[0], name];
}

export interface Link {
  source: [Widget, string];
  target: [Widget, string];
}
export class Link extends Widget {
  static spec = Widget.extend(Widget.spec, { modelName: "LinkModel", modelModule: CONTROLS, modelModuleVersion: CONTROLS_VERSION, viewModule: CONTROLS, viewModuleVersion: CONTROLS_VERSION, traits: { source: null, target: null } });
  constructor(source: Endpoint, target: Endpoint) {
    super({ source: endpoint("source", source), target: endpoint("target", target) });
  }
  getState(keys?: string[]): Record<string, unknown> {
    const s = super.getState(keys);
    for (const k of ["source", "target"]) if (Array.isArray(s[k])) s[k] = [(s[k] as unknown[])[0], (this.state[k] as [Widget, string])[1]];
    return s;
  }
  /** Stops linking (closes the model). */
  unlink(): void {
    this.close();
  }
  toString(): string {
    const e = (k: string) => `${(this.state[k] as [Widget, string])[0].constructor.name}.${camel((this.state[k] as [Widget, string])[1])}`;
    return `${this.constructor.name}(${e("source")} -> ${e("target")})`;
  }
}

export class DirectionalLink extends Link {
  static spec = Widget.extend(Link.spec, { modelName: "DirectionalLinkModel" });
}

/** Keeps source's and target's traits equal in the page, both ways. Trait names may be camelCase. */
export function jslink(source: Endpoint, target: Endpoint): Link {
  return new Link(source, target);
}

/** Copies source's trait to target's in the page, one way. */
export function jsdlink(source: Endpoint, target: Endpoint): DirectionalLink {
  return new DirectionalLink(source, target);
}
