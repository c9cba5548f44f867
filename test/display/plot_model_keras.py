"""Keras 3's model_to_dot as the oracle of tsdl's plotModel (test/display/plot_model.test.ts).

Keras' own model_to_dot runs on each model with each set of options; the graph it builds is recorded
by a minimal stand-in for pydot's containers (Dot, Cluster, Node, Edge: model_to_dot only adds nodes,
edges and subgraphs and sets attributes; pydot itself is not installed and Graphviz is not needed to
build the graph). Writes, per case: the boxes (layer name and Keras' HTML-like label, in order), the
edges as (source layer, destination layer), the clusters (nested models) and the graph's attributes,
as JSON to the file named by argv[1].
"""

import json
import os
import sys
import types

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
from keras import layers  # noqa: E402
from keras.src.utils import model_visualization  # noqa: E402


class _Graph:
    def __init__(self, graph_name=None, **attrs):
        self.graph_name = graph_name
        self.attrs = dict(attrs)
        self.nodes, self.edges, self.subgraphs = [], [], []

    def set(self, key, value):
        self.attrs[key] = value

    def set_node_defaults(self, **attrs):
        self.node_defaults = attrs

    def add_node(self, node):
        self.nodes.append(node)

    def add_edge(self, edge):
        self.edges.append(edge)

    def get_edge(self, src, dst):
        return [e for e in self.edges if (e.src, e.dst) == (src, dst)]

    def add_subgraph(self, graph):
        self.subgraphs.append(graph)


class _Node:
    def __init__(self, name, label=None, **attrs):
        self.name = name
        self.attrs = {"label": label, **attrs}

    def set(self, key, value):
        self.attrs[key] = value


class _Edge:
    def __init__(self, src, dst):
        self.src, self.dst = src, dst
        self.attrs = {}

    def set(self, key, value):
        self.attrs[key] = value


model_visualization.pydot = types.SimpleNamespace(Dot=_Graph, Cluster=_Graph, Node=_Node, Edge=_Edge)


def toy_resnet():
    inputs = keras.Input(shape=(32, 32, 3), name="img")
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    block_1_output = layers.MaxPooling2D(3)(x)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_1_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_2_output = layers.add([x, block_1_output])
    x = layers.GlobalAveragePooling2D()(block_2_output)
    x = layers.Dense(256, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(10)(x)
    return keras.Model(inputs, outputs, name="toy_resnet")


def convnet():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ])


def nested():
    """A functional model with a nested Sequential, a nested functional model, a shared layer, two outputs."""
    block = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(4), layers.BatchNormalization()], name="block")
    t_in = keras.Input(shape=(4,), name="t_in")
    tower = keras.Model(t_in, layers.Dense(2, name="t_out")(layers.Dense(4, activation="relu", name="t_hidden")(t_in)), name="tower")
    a = keras.Input(shape=(8,), name="a")
    b = keras.Input(shape=(4,), name="b")
    h = block(a)
    shared = layers.Dense(4, name="shared")
    c = layers.concatenate([tower(shared(h)), shared(b)])
    frozen = layers.Dense(3, name="frozen")
    frozen.trainable = False
    return keras.Model([a, b], [frozen(c), layers.Dense(1, activation="sigmoid", name="score")(c)], name="nested")


def sequential_of_models():
    inner = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(5), layers.Dense(6)], name="inner")
    x = keras.Input(shape=(6,), name="x")
    z = layers.Dense(3, name="post")(inner(layers.Dense(6, name="pre")(x)))
    middle = keras.Model(x, z, name="middle")
    return keras.Sequential([keras.Input(shape=(6,)), layers.Dense(6), middle, layers.Dense(2)], name="outer")


ALL = dict(show_shapes=True, show_dtype=True, show_layer_names=True, show_layer_activations=True, show_trainable=True)

CASES = {
    "toy_resnet": (toy_resnet, dict()),
    "toy_resnet_all": (toy_resnet, ALL),
    "toy_resnet_lr": (toy_resnet, dict(rankdir="LR", show_shapes=True, dpi=96)),
    "convnet": (convnet, dict(show_layer_names=True)),
    "convnet_shapes": (convnet, dict(show_shapes=True, show_layer_activations=True)),
    "nested": (nested, dict(show_layer_names=True, show_shapes=True)),
    "nested_expanded": (nested, dict(expand_nested=True, **ALL)),
    "sequential_of_models": (sequential_of_models, dict(show_layer_names=True)),
    "sequential_of_models_expanded": (sequential_of_models, dict(expand_nested=True, show_layer_names=True, show_shapes=True)),
}


def all_layers(model):
    out = {}
    for layer in model._operations if hasattr(model, "_operations") else model.layers:
        out[str(id(layer))] = layer.name
        if hasattr(layer, "layers"):
            out.update(all_layers(layer))
    return out


def record(graph, names, out):
    for node in graph.nodes:
        out["nodes"].append({"name": names[node.name], "label": node.attrs["label"], "attrs": {k: v for k, v in node.attrs.items() if k != "label"}})
    for edge in graph.edges:
        out["edges"].append([names[edge.src], names[edge.dst]])
    for sub in graph.subgraphs:
        out["clusters"].append({"name": sub.graph_name, "attrs": sub.attrs})
        record(sub, names, out)


def main():
    result = {}
    for name, (build, kwargs) in CASES.items():
        keras.backend.clear_session()
        model = build()
        dot = model_visualization.model_to_dot(model, **kwargs)
        names = all_layers(model)
        names[str(id(model))] = model.name
        out = {"graph": {k: (v if isinstance(v, (str, int, float, bool)) else str(v)) for k, v in dot.attrs.items()}, "node_defaults": dot.node_defaults, "nodes": [], "edges": [], "clusters": []}
        record(dot, names, out)
        result[name] = out
    with open(sys.argv[1], "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
