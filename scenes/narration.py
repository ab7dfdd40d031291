"""The explainer's words: one script per section, written from the trace, and how to read a line aloud.

Each section of scenes/outline.py has its words(trace): one of the functions below, given the layer k where the
section has one, returning a dict, line name -> words. Its figure function says them with scene.say(words): the
subtitle shows the words as written ("z1", "dLoss/dW2", "about -1.41"), the voice speaks `spoken(words)` ("z one",
"d loss by d W two", "about minus one point four one"). Counts come from the trace's shapes (any number of layers),
numbers from its values (`approx`: as a teacher reads them), the activations, loss and penalty from its
configuration, so the words fit any network the trace describes.
"""
import math
import re

import numpy as np

from mlp_core.activations import LEAK
from mlp_core.config import output_activation

# Said after a note that quotes a number the article misprinted (figures 12, 13 and 16 of its own network).
MISPRINT = "The article printed other numbers here; the ones shown follow from the formula."

ACTIVATION_RANGE = {"sigmoid": "between 0 and 1", "tanh": "between -1 and 1"}
ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen").split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
# Written words a speech engine would spell out or misread, and what to say instead.
SAY_INSTEAD = {"(i, j)": "i, j", "XOR": "ex-or", "LEGO": "Lego", "tanh": "tan h", "mlp_core": "M L P core",
               "fan-in": "fan in", "ReLU": "rel-you"}


# Numbers and symbols, written and spoken ------------------------------------------------------------------------

def approx(x, digits=2):
    """A trace number as a teacher says it: two decimals (two significant digits below 0.1), "about" when
    rounding changed it; whole numbers as they are. approx(-1.40982136) == "about -1.41"."""
    x = float(x)
    if not math.isfinite(x):
        return "not a number" if math.isnan(x) else f"{'minus ' if x < 0 else ''}infinity"
    if x == round(x) and abs(x) < 1e9:
        return str(int(round(x)))
    places = max(digits, digits - 1 - math.floor(math.log10(abs(x))))
    text = f"{x:.{places}f}".rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    return text if float(text) == x else f"about {text}"


def count(n, noun, plural=None):
    """'3 hidden units', '1 hidden unit'."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def integer_words(n):
    """0 <= n < 10**9 in words: 300 -> "three hundred", 6 -> "six"."""
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else "-" + ONES[n % 10])
    for size, name in ((10 ** 6, "million"), (1000, "thousand"), (100, "hundred")):
        if n >= size:
            head, rest = divmod(n, size)
            return f"{integer_words(head)} {name}" + ("" if rest == 0 else " " + integer_words(rest))
    raise AssertionError(n)


def number_words(text):
    """A written number read aloud: "-1.41" -> "minus one point four one" (decimals digit by digit)."""
    sign, text = ("minus ", text[1:]) if text.startswith("-") else ("", text)
    whole, _, decimals = text.partition(".")
    words = integer_words(int(whole)) if len(whole) <= 9 else " ".join(ONES[int(d)] for d in whole)
    if decimals:
        words += " point " + " ".join(ONES[int(d)] for d in decimals)
    return sign + words


def name_words(name):
    """A trace name read aloud: "W2" -> "W two", "Loss" -> "loss", "x1" -> "x one"."""
    if name == "Loss":
        return "loss"
    match = re.fullmatch(r"([A-Za-z]+)(\d+)", name)
    return f"{match[1]} {integer_words(int(match[2]))}" if match else name


def spoken(words):
    """A subtitle line as the voice says it: symbols as words, numbers as a teacher reads them."""
    words = re.sub(r"\bd(Loss|[A-Za-z]\d*)/d([A-Za-z]\d*)\b",
                   lambda m: f"d {name_words(m[1])} by d {name_words(m[2])}", words)
    words = words.replace(" = ", " is ").replace(" · ", ", times ")
    for written, said in SAY_INSTEAD.items():
        words = re.sub(rf"(?<![\w-]){re.escape(written)}(?![\w-])", said, words)
    words = re.sub(r"\b([A-Za-z])(\d+)\b", lambda m: name_words(m[0]), words)
    return re.sub(r"(?<![\w.])-?\d+(?:\.\d+)?", lambda m: number_words(m[0]), words)


# What the words are made of ------------------------------------------------------------------------------------

# How the words write each activation (the trace's names, such as leaky_relu, are not words a voice can read).
ACTIVATION_NAMES = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "leaky ReLU",
                    "linear": "linear activation", "softmax": "softmax"}
ORDINALS = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth", "nine": "ninth",
            "twelve": "twelfth"}


def ordinal(n):
    """n >= 1 as an ordinal in words: 2 -> "second", 21 -> "twenty-first"."""
    words = integer_words(n)
    cut = max(words.rfind(" "), words.rfind("-")) + 1
    last = words[cut:]
    last = ORDINALS.get(last) or (last[:-1] + "ieth" if last.endswith("y") else last + "th")
    return words[:cut] + last


def listing(items, comma=False):
    """['a', 'b', 'c'] -> 'a, b and c' ('a, b, and c' with the serial comma)."""
    items = list(items)
    if len(items) < 3:
        return " and ".join(items)
    return ", ".join(items[:-1]) + (", and " if comma else " and ") + items[-1]


def symbol(name):
    """A factor's trace name as the formulas write it: "dL_dh2" -> "dLoss/dh2", "dh2_dz2" -> "dh2/dz2"."""
    top, bottom = name.split("_")
    return f"{'dLoss' if top == 'dL' else top}/{bottom}"


class Network:
    """What the words say about the trace's network: sizes, activations, loss, penalty, batch; the layers' names."""

    def __init__(self, trace):
        config, values = trace.config, trace.values
        self.L, self.sizes = trace.layers, trace.sizes()
        self.batch = values["X"].shape[0]
        self.n_in, self.hidden_sizes, self.n_out = self.sizes[0], self.sizes[1:-1], self.sizes[-1]
        self.hidden = self.sizes[1]  # the units W1 leads to
        self.activation = config.activation
        self.cross_entropy = config.loss == "cross-entropy"
        self.output = output_activation(config)
        self.bias = "b1" in values
        self.exact = config.convention == "exact"
        self.reg = config.reg
        self.given_weights = "W1" in config.values
        self.points = config.points

    def layers(self):
        """The layer sizes in words: '2 inputs, 3 hidden units and 2 outputs'."""
        if len(self.hidden_sizes) == 1:
            middle = count(self.hidden_sizes[0], "hidden unit")
        elif self.hidden_sizes:
            middle = f"hidden layers of {listing(map(str, self.hidden_sizes))} units"
        else:
            middle = "no hidden layer"
        return f"{count(self.n_in, 'input')}, {middle} and {count(self.n_out, 'output')}"

    def activation_of(self, k):
        """Layer k's activation (its trace name): the hidden layers', or the output's for k = L."""
        return self.output if k == self.L else self.activation

    def hidden_layer(self, k):
        """Hidden layer k's name: 'hidden layer' while there is one, else 'second hidden layer'."""
        return "hidden layer" if self.L == 2 else f"{ordinal(k)} hidden layer"

    def layer(self, k):
        """Layer k of the drawing (0: the inputs, L: the output layer), with its article."""
        return "the inputs" if k == 0 else "the output layer" if k == self.L else f"the {self.hidden_layer(k)}"

    def below(self, k):
        """What comes into zk: 'the input X', 'the hidden layer h1'."""
        return "the input X" if k == 1 else f"the {self.hidden_layer(k - 1)} h{k - 1}"

    def squash(self, name):
        """What an activation does to a number, in words."""
        if name in ACTIVATION_RANGE:
            return f"which squashes any number into a narrow range, {ACTIVATION_RANGE[name]}"
        if name == "relu":
            return "which sets every negative number to 0 and leaves the others unchanged"
        if name == "leaky_relu":
            return f"which multiplies every negative number by {approx(LEAK)} and leaves the others unchanged"
        if name == "linear":
            return "which leaves every number unchanged"
        return "which bends the straight line of the weighted sum"


def curve(name):
    """The curve of an activation, as a figure draws it: 'sigmoid curve'."""
    return "straight line of the linear activation" if name == "linear" else f"{ACTIVATION_NAMES[name]} curve"


def slope_rule(name, h):
    """The slope of a piecewise linear activation, given its output `h` ('' for the curved ones)."""
    if name == "relu":
        return f": 1 where {h} is positive, 0 elsewhere"
    if name == "leaky_relu":
        return f": 1 where {h} is positive, {approx(LEAK)} elsewhere"
    if name == "linear":
        return ": 1 everywhere"
    return ""


def first_entry(trace, name):
    return trace.values[name][0, 0]


def divisor(trace, name):
    """The n an output gradient is divided by (the batch size N in the exact convention, 1 in the seed one)."""
    return trace.step(name).expr.get("n", 1)


# The script, section by section (scenes/outline.py) -------------------------------------------------------------

def overview(trace):
    return {
        "bricks": "A neural network is a stack of simple pieces, like LEGO bricks.",
        "forward": "The forward pass climbs the stack: each layer computes its values from the one below.",
        "loss": "At the top, the loss measures how far the prediction is from the label.",
        "backward": "The backward pass goes down again: the chain rule gives the gradient of the loss "
                    "for each weight matrix.",
        "update": "Each weight matrix then takes a small step against its gradient.",
    }


def data(trace):
    """The data set (mlp_core/data.py) and the points of this iteration."""
    net = Network(trace)
    circled = f"The training iteration we work by hand uses only the circled " \
              f"{'point' if net.batch == 1 else f'{net.batch} points'}."
    kind = trace.config.data
    if kind == "xor":
        return {
            "rule": "Our network will learn XOR: the label is 1 when exactly one of x1 and x2 is positive.",
            "lines": "No straight line puts the zeros on one side and the ones on the other.",
            "data": f"The real data: {net.points} random points, labelled by the same XOR rule.",
            "circled": circled,
        }
    described = {
        "circle": f"Our network will learn to tell a disc from the ring around it: {net.points} random points, "
                  "class 1 inside the disc, class 0 in the ring. No straight line separates them.",
        "gauss": f"Our network will learn to tell two Gaussian clouds apart: {net.points} random points, class 1 "
                 "scattered around the upper right, class 0 around the lower left.",
        "spiral": f"Our network will learn two interleaved spirals: {net.points} points on two arms that wind "
                  "around each other, one arm per class. No straight line separates them.",
    }
    return {"data": described[kind], "circled": circled}


def pipeline(trace):
    net = Network(trace)
    L = net.L
    if L == 1:
        bricks, matrices = "input, weights, the output", "the input row times W1 gives the output"
    elif L == 2:
        bricks = "input, weights, an activation, weights again, the output"
        matrices = "the input row times W1 gives the hidden layer, times W2 gives the output"
    else:
        bricks = f"input, weights and an activation for each of the {L - 1} hidden layers, weights again, the output"
        if L <= 4:
            matrices = ("the input row times W1 gives the first hidden layer h1, "
                        + "".join(f"times W{k} gives h{k}, " for k in range(2, L)) + f"times W{L} gives the output")
        else:
            matrices = ("the input row times W1 gives the first hidden layer h1, and each layer's activations times "
                        f"the next matrix give the layer above, up to W{L}, which gives the output")
    return {
        "bricks": f"Each brick has one job: {bricks}, and the labels to compare with.",
        "network": f"Drawn as a network, with {net.layers()}, every weight is an edge between two units.",
        "matrices": f"The same network as matrices: {matrices}.",
        "first": f"The first {'hidden unit' if L > 1 else 'output'} is the input row times the first column of W1."
                 + (" The others follow, column by column." if net.hidden > 1 else ""),
    }


def initialized_network(trace):
    """W1's edges are w1 .. w(n_in * n1) (W1[i, j] is w(j * n_in + i + 1)); later matrices' edges follow on."""
    net = Network(trace)
    L, edges = net.L, net.n_in * net.hidden
    lines = {
        "weights": "Before training, the weights are the numbers we were given." if net.given_weights
                   else "Before training, the weights are random numbers.",
        "input": "The input of this iteration is one data point X, with its label Y." if net.batch == 1
                 else f"The input of this iteration is a batch of {net.batch} data points X, with their labels Y.",
        "W1": f"W1 holds the weights of the {'edge w1' if edges == 1 else f'edges w1 to w{edges}'}, from the inputs "
              f"to {'the outputs' if L == 1 else 'the ' + net.hidden_layer(1)}.",
    }
    for k in range(2, L + 1):
        lines[f"W{k}"] = (f"W{k} holds those from the {net.hidden_layer(k - 1)} to the outputs." if k == L
                          else f"W{k} holds the weights from the {net.hidden_layer(k - 1)} to the {ordinal(k)}.")
    return lines


def product(trace, k):
    """Layer k's weighted sums zk = h{k-1} Wk (+ bk)."""
    net = Network(trace)
    z, W = f"z{k}", f"W{k}"
    left = trace.step(z).inputs[0]
    units = net.sizes[k]
    unit_name = "outputs" if k == net.L else "hidden units" if net.L == 2 else f"units of the {net.hidden_layer(k)}"
    if units > 1:
        rest = f"The other columns of {W} give the other {unit_name} the same way."
    elif net.batch > 1:
        rest = f"The other rows of {left} give the other rows of {z} the same way."
    else:
        rest = f"That one entry is all of {z}."
    first = approx(first_entry(trace, z))
    if k == 1:
        rows = "the input row" if net.batch == 1 else f"the {net.batch} input rows"
        return {"formula": f"The forward pass starts by mixing the inputs: z1 is {rows} times the weight matrix W1"
                           + (", plus the bias b1." if net.bias else "."),
                "first": f"Each entry of z1 pairs a row of {left} with a column of W1: multiply entry by entry, "
                         f"then add{', plus the bias b1' if net.bias else ''}. The first comes to {first}.",
                "rest": rest}
    below = "the hidden activations" if net.L == 2 else f"the {net.hidden_layer(k - 1)}'s activations h{k - 1}"
    return {"formula": f"The {ordinal(k)} layer repeats the recipe: {below} are now the input, "
                       f"{W} the weights{f', b{k} the bias' if net.bias else ''}.",
            "first": f"Again a row meets a column: products, then their sum{', plus the bias' if net.bias else ''}, "
                     f"{first} for the first.",
            "rest": rest}


def activation(trace, k):
    """Layer k's activations hk = act(zk): a hidden layer's (config.activation), or the output's (k = L)."""
    net = Network(trace)
    act = net.activation_of(k)
    name = ACTIVATION_NAMES[act]
    z, h = trace.values[f"z{k}"], trace.values[f"h{k}"]
    example = f"{approx(z[0, 0])} becomes {approx(h[0, 0])}"
    if k < net.L:
        if k == 1:
            inputs = f"{count(net.n_in, 'input')} {'are' if net.n_in > 1 else 'is'} now {count(net.sizes[1], 'number')}"
        else:
            inputs = (f"{count(net.sizes[k - 1], 'number')} of h{k - 1} {'are' if net.sizes[k - 1] > 1 else 'is'} "
                      f"now {count(net.sizes[k], 'number')}")
        whose = "the" if net.batch == 1 else "each row's"
        return {
            "formula": f"Then each entry of z{k} goes through the {name}, {net.squash(act)}.",
            "curve": f"Follow each value up to the {curve(act)} and read off the hidden activation h{k}: {example}.",
            "result": f"The {net.hidden_layer(k)}'s activations: {whose} {inputs}.",
        }
    numbers = (lambda row: listing(approx(v) for v in row))
    if act == "softmax":
        formula = (f"The output layer has its own activation, the softmax, which turns each row of z{k} into "
                   "probabilities.")
        shown = (f"{numbers(z[0])} become {numbers(h[0])}" if net.n_out <= 4
                 else f"the first entry, {approx(z[0, 0])}, becomes {approx(h[0, 0])}")
        curve_line = ("The softmax takes a whole row at once: each row's exponentials are divided by their sum, so "
                      "the outputs are positive and add up to 1. "
                      + (f"Here, {shown}." if net.batch == 1 else f"In the first row, {shown}."))
    elif net.L == 1:
        formula = f"Then each entry of z{k} goes through the {name}, {net.squash(act)}."
        curve_line = f"Follow each value up to the {curve(act)} and read off the output h{k}: {example}."
    elif act == net.activation:
        formula = f"And the {name} once more, on the output layer."
        curve_line = f"Each output value comes from its z{k} through the same curve."
    else:
        formula = f"The output layer has its own activation, the {name}, {net.squash(act)}."
        curve_line = f"Each output value comes from its z{k} through that curve: {example}."
    kinds = ", a probability for each class" if act == "softmax" else ""
    if net.batch == 1 and net.n_out <= 3:
        result = f"h{k} is the network's prediction for this input: {numbers(h[0])}{kinds}."
    elif net.batch == 1:
        result = f"h{k} is the network's prediction for this input, {count(net.n_out, 'number')}{kinds}."
    else:
        result = f"h{k} holds the network's predictions for these inputs" + (
            ", one row of probabilities per input." if act == "softmax" else ".")
    return {"formula": formula, "curve": curve_line, "result": result}


def loss(trace):
    net = Network(trace)
    out = f"h{net.L}"
    if not net.cross_entropy:
        measure = "half the mean squared difference"
        gaps = f"Actual minus predicted: the label y against the output {out}, unit by unit."
    else:
        measure = (f"the cross-entropy, minus the sum of y log {out} over the outputs" if net.batch == 1
                   else f"the cross-entropy, minus the mean over the {net.batch} rows of y log {out}, summed over "
                        "the outputs")
        y, h = np.asarray(trace.values["y"]), trace.values[out]
        if np.all((y == 0) | (y == 1)) and np.all(y.sum(axis=1) == 1):
            p = h[0, int(np.argmax(y[0]))]  # the first row's probability of its true class
            term = approx(-math.log(p)) if p > 0 else "infinite"
            gaps = ("Label and prediction are both probabilities: y puts all of its weight on the true class, so only "
                    f"that class's term counts, minus the log of the probability {out} gives it. "
                    f"{'Here' if net.batch == 1 else 'In the first row'} that probability is {approx(p)}, so the "
                    f"term is {term}.")
        else:
            gaps = (f"Label and prediction are both probabilities, compared class by class: each entry of y weighs the "
                    f"log of its entry of {out}.")
    return {
        "formula": f"How wrong is the prediction? The loss compares it with the label: {measure}, "
                   "plus a penalty on large weights.",
        "gaps": gaps,
        "numbers": f"Put in the numbers; with lambda at {approx(net.reg)}, the penalty term vanishes." if net.reg == 0
                   else f"Put in the numbers, with lambda {approx(net.reg)} for the penalty.",
        "value": f"This iteration's loss is {approx(trace.values['loss'])}: the number training will push down.",
    }


def chain(trace, k):
    """The chain rule for dLoss/dWk: its factors at the output layer (k = L), what is reused below it."""
    net = Network(trace)
    names = trace.factors(k)
    if k == net.L:
        meaning = {f"dL_dh{k}": f"how the loss moves with the output h{k}",
                   f"dh{k}_dz{k}": f"how h{k} moves with its input z{k}",
                   f"dL_dz{k}": f"how the loss moves with the softmax's input z{k}",
                   f"dz{k}_dW{k}": f"how z{k} moves with W{k}"}
        return {
            "question": f"Now backwards. How does the loss change when we nudge the weights W{k}? "
                        f"The chain rule splits that question into {integer_words(len(names))} smaller ones.",
            "factors": f"dLoss/dW{k} = {' · '.join(symbol(name) for name in names)}: "
                       f"{listing((meaning[name] for name in names), comma=True)}.",
            "definitions": "Each factor is a short formula of its own.",
        }
    others = integer_words(len(names) - 1)
    if k == net.L - 1 and net.cross_entropy:
        act = net.activation_of(k)
        rest = (f"The other {others} factors are those of any hidden layer: the slope of its "
                f"{ACTIVATION_NAMES[act]}, and what comes into z{k}, {net.below(k)}.")
    else:
        rest = f"The other {others} factors work just like those of W{k + 1}, one layer further down."
        if k < net.L - 1:
            rest += (" It is the same step as one layer up: backpropagation repeats it, layer after layer, "
                     + ("down to W1." if k > 1 else "and here it reaches W1."))
    return {
        "deeper": f"W{k} sits one layer deeper, so its chain rule has a factor that needs the chain rule itself: "
                  f"dLoss/dh{k}, how the loss changes with the {net.hidden_layer(k)} h{k}.",
        "reuse": f"Its first part, how the loss changes with z{k + 1}, was already computed for W{k + 1}: "
                 "backpropagation reuses it instead of computing it again.",
        "rest": rest,
    }


def path(trace, k):
    net = Network(trace)
    name = ACTIVATION_NAMES[net.activation_of(k)]
    if k == net.L:
        way = f"Its gradient travels back from the loss, through the output layer, to W{k}: one factor per step."
    elif k == net.L - 1:
        way = (f"The gradient now travels from the loss all the way back to the {net.hidden_layer(k)}, "
               f"through its {name}, to W{k}.")
    else:
        way = (f"The gradient now travels from the loss all the way back, through the {count(net.L - k, 'layer')} "
               f"above, to the {net.hidden_layer(k)}, through its {name}, to W{k}.")
    return {"edges": f"On the network: W{k} is every edge between {net.layer(k - 1)} and {net.layer(k)}.",
            "path": way}


def factors(trace, k):
    """One line per factor of dLoss/dWk, keyed by its trace name, in the chain rule's order; with softmax and
    cross-entropy, "collapse" first, on why dLoss/dzL is hL - y; then "misprint"."""
    net = Network(trace)
    act = net.activation_of(k)
    name = ACTIVATION_NAMES[act]
    lines = {}
    for position, factor in enumerate(trace.factors(k)):
        nth = ordinal(position + 1).capitalize()
        if factor == f"dL_dz{k}":  # softmax with cross-entropy: the first factor at the output layer
            n = divisor(trace, factor)
            if n > 1:
                batch = f", divided by the batch size, {n}"
            elif net.batch > 1:
                batch = ", not divided by the batch size, as the article's code computes it"
            else:
                batch = ""
            lines["collapse"] = (f"Softmax and cross-entropy make this first factor simple. By the chain rule it is "
                                 f"the softmax's Jacobian times the loss's gradient, minus y over h{k}; since each "
                                 f"row of labels adds up to 1, the terms cancel, leaving h{k} minus y{batch}.")
            lines[factor] = (f"Now the numbers, from the forward pass. {nth}, how the loss moves with z{k}: the "
                             f"prediction minus the label, h{k} minus y{batch if n > 1 else ''}.")
        elif factor == f"dL_dh{k}" and k == net.L:
            lines[factor] = ("Now the numbers, from the forward pass. First, how the loss moves with the output: "
                             "the output's error, with a minus sign"
                             + (f", divided by the batch size, {net.batch}." if divisor(trace, factor) > 1 else "."))
        elif factor == f"dL_dh{k}":
            reused = ("the reused product" if k + 1 < net.L or not net.cross_entropy
                      else f"the reused dLoss/dz{k + 1}")
            lines[factor] = (f"The numbers for W{k}. {nth}, how the loss moves with the {net.hidden_layer(k)}: "
                             f"{reused}, sent back through W{k + 1}.")
        elif factor.startswith("dh"):
            if k == net.L:
                written = ", written with the output itself" if act in ACTIVATION_RANGE else ""
                lines[factor] = f"{nth}: the slope of the output's {name}{written}{slope_rule(act, 'the output')}."
            else:
                lines[factor] = f"{nth}: the slope of the {net.hidden_layer(k)}'s {name}{slope_rule(act, f'h{k}')}."
        elif k == 1 and net.L > 1:
            lines[factor] = f"{nth}: z1 grows with W1 in proportion to the input X."
        else:
            lines[factor] = f"{nth}: z{k} grows with W{k} in proportion to what comes into it, {net.below(k)}."
    lines["misprint"] = MISPRINT
    return lines


def update(trace, k):
    net = Network(trace)
    names = trace.factors(k)
    others = (f"the other factor, {symbol(names[0])}" if len(names) == 2
              else f"the other {integer_words(len(names) - 1)} factors")
    below = "the input X" if k == 1 else f"h{k - 1}"
    penalty = " The penalty on large weights adds its own share." \
        if trace.step(f"dL_dW{k}").op == "penalized" else ""
    if k == net.L:
        gradient = (f"Multiplied together, the factors give the gradient, one number per weight of W{k}: "
                    f"entry (i, j) pairs column i of {below} with column j of {others}.")
        step = ("Each weight then takes a small step against its gradient: the learning rate alpha, "
                f"{approx(trace.config.lr)}, times the gradient.")
    else:
        gradient = (f"Their product is the gradient for W{k}: entry (i, j) pairs column i of {below} "
                    f"with column j of {others}.")
        step = f"And W{k} takes its step too: the same rule, the same learning rate."
    return {"gradient": gradient + penalty, "misprint": MISPRINT, "update": step}


def copy(trace):
    return {
        "copy": "The iteration ends by copying the new weights over the old ones.",
        "old": "These were the weights we started from...",
        "new": "...and these are the weights the next iteration starts from, each nudged a little "
               "against its gradient.",
    }


def code(trace):
    """The last figure shows the article's training code (as mlp_core.article transcribes it), whatever the trace."""
    return {
        "init": "The article's own code for all of this, which mlp_core keeps and checks its training against: "
                "first the weights are drawn at random and scaled by one over the square root of their fan-in.",
        "forward": "Forward: two matrix products, each through the activation.",
        "loss": "The loss: half the mean squared error, plus the penalty on the weights.",
        "backward": "Backward: the chain-rule factors, exactly as we multiplied them by hand.",
        "updates": "And the updates: each weight steps against its gradient.",
    }
