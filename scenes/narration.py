"""The explainer's words: one script per figure, written from the trace, and how to read a line aloud.

Each figure function reads its lines from `figure(trace, n)` (a dict, line name -> words) and says them with
scene.say(words): the subtitle shows the words as written ("z1", "dLoss/dW2", "about -1.41"), the voice speaks
`spoken(words)` ("z one", "d loss by d W two", "about minus one point four one"). Counts come from the
trace's shapes, numbers from its values (`approx`: as a teacher reads them), the activation, loss and penalty
from its configuration, so the words fit any network the trace describes.
"""
import math
import re

# Said after a note that quotes a number the article misprinted (figures 12, 13 and 16 of its own network).
MISPRINT = "The article printed other numbers here; the ones shown follow from the formula."

ACTIVATION_RANGE = {"sigmoid": "between 0 and 1", "tanh": "between -1 and 1"}
ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen").split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
# Written words a speech engine would spell out or misread, and what to say instead.
SAY_INSTEAD = {"(i, j)": "i, j", "XOR": "ex-or", "LEGO": "Lego", "tanh": "tan h", "mlp_core": "M L P core",
               "fan-in": "fan in"}


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

class Network:
    """What the words say about the trace's network: sizes, activations, loss, penalty, batch."""

    def __init__(self, trace):
        config, values = trace.config, trace.values
        layers = sum(1 for name in values if re.fullmatch(r"W\d+", name))
        sizes = [values["W1"].shape[0]] + [values[f"W{k}"].shape[1] for k in range(1, layers + 1)]
        self.batch = values["X"].shape[0]
        self.n_in, self.hidden_sizes, self.n_out = sizes[0], sizes[1:-1], sizes[-1]
        self.hidden = sizes[1]  # the units W1 leads to
        self.activation = config.activation
        loss = getattr(config, "loss", "mse")
        self.cross_entropy = loss == "cross-entropy"
        self.output = (getattr(config, "output_activation", None)
                       or ("softmax" if self.cross_entropy else config.activation))
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
            middle = (f"hidden layers of {', '.join(map(str, self.hidden_sizes[:-1]))} and {self.hidden_sizes[-1]} "
                      "units")
        else:
            middle = "no hidden layer"
        return f"{count(self.n_in, 'input')}, {middle} and {count(self.n_out, 'output')}"

    def squash(self, name):
        """What an activation does to a number, in words."""
        if name in ACTIVATION_RANGE:
            return f"which squashes any number into a narrow range, {ACTIVATION_RANGE[name]}"
        return "which bends the straight line of the weighted sum"


def first_entry(trace, name):
    return trace.values[name][0, 0]


# The script, figure by figure ----------------------------------------------------------------------------------

def overview(trace):
    return {
        "bricks": "A neural network is a stack of simple pieces, like LEGO bricks.",
        "forward": "The forward pass climbs the stack: each layer computes its values from the one below.",
        "loss": "At the top, the loss measures how far the prediction is from the label.",
        "backward": "The backward pass goes down again: the chain rule gives the gradient of the loss "
                    "for each weight matrix.",
        "update": "Each weight matrix then takes a small step against its gradient.",
    }


def xor(trace):
    net = Network(trace)
    circled = "point" if net.batch == 1 else f"{net.batch} points"
    return {
        "rule": "Our network will learn XOR: the label is 1 when exactly one of x1 and x2 is positive.",
        "lines": "No straight line puts the zeros on one side and the ones on the other.",
        "data": f"The real data: {net.points} random points, labelled by the same XOR rule.",
        "circled": f"The training iteration we work by hand uses only the circled {circled}.",
    }


def pipeline(trace):
    net = Network(trace)
    return {
        "bricks": "Each brick has one job: input, weights, an activation, weights again, the output, "
                  "and the labels to compare with.",
        "network": f"Drawn as a network, with {net.layers()}, every weight is an edge between two units.",
        "matrices": "The same network as matrices: the input row times W1 gives the hidden layer, "
                    "times W2 gives the output.",
        "first": "The first hidden unit is the input row times the first column of W1."
                 + (" The others follow, column by column." if net.hidden > 1 else ""),
    }


def initialized_network(trace):
    net = Network(trace)
    return {
        "weights": "Before training, the weights are the numbers we were given." if net.given_weights
                   else "Before training, the weights are random numbers.",
        "input": "The input of this iteration is one data point X, with its label Y." if net.batch == 1
                 else f"The input of this iteration is a batch of {net.batch} data points X, with their labels Y.",
        "W1": f"W1 holds the weights of the edges w1 to w{net.n_in * net.hidden}, from the inputs to the "
              "hidden layer.",
        "W2": "W2 holds those from the hidden layer to the outputs.",
    }


def product_words(trace, name, right, units, unit_name):
    """The first entry worked out and the rest of a product figure (5 and 7)."""
    net = Network(trace)
    left = trace.step(name).inputs[0]
    plus = f", plus the bias b{name[1:]}" if net.bias else ""
    if units > 1:
        rest = f"The other columns of {right} give the other {unit_name} the same way."
    elif net.batch > 1:
        rest = f"The other rows of {left} give the other rows of {name} the same way."
    else:
        rest = f"That one entry is all of {name}."
    return (f"Each entry of {name} pairs a row of {left} with a column of {right}: multiply entry by entry, "
            f"then add{plus}. The first comes to {approx(first_entry(trace, name))}."), rest


def z1(trace):
    net = Network(trace)
    rows = "the input row" if net.batch == 1 else f"the {net.batch} input rows"
    first, rest = product_words(trace, "z1", "W1", net.hidden, "hidden units")
    return {"formula": f"The forward pass starts by mixing the inputs: z1 is {rows} times the weight matrix W1"
                       + (", plus the bias b1." if net.bias else "."),
            "first": first, "rest": rest}


def h1(trace):
    net = Network(trace)
    z, h = first_entry(trace, "z1"), first_entry(trace, "h1")
    inputs = f"{count(net.n_in, 'input')} {'are' if net.n_in > 1 else 'is'} now {count(net.hidden, 'number')}"
    return {
        "formula": f"Then each entry of z1 goes through the {net.activation}, {net.squash(net.activation)}.",
        "curve": f"Follow each value up to the {net.activation} curve and read off the hidden activation h1: "
                 f"{approx(z)} becomes {approx(h)}.",
        "result": f"The hidden layer's activations: the {inputs}." if net.batch == 1
                  else f"The hidden layer's activations: each row's {inputs}.",
    }


def z2(trace):
    net = Network(trace)
    _, rest = product_words(trace, "z2", "W2", net.n_out, "outputs")
    return {"formula": "The second layer repeats the recipe: the hidden activations are now the input, "
                       f"W2 the weights{', b2 the bias' if net.bias else ''}.",
            "first": f"Again a row meets a column: products, then their sum, {approx(first_entry(trace, 'z2'))} "
                     "for the first.",
            "rest": rest}


def h2(trace):
    net = Network(trace)
    h = trace.values["h2"]
    prediction = ("h2 is the network's prediction for this input: "
                  + " and ".join(approx(v) for v in h[0]) + ".") if net.batch == 1 and net.n_out <= 3 \
        else "h2 holds the network's predictions for these inputs."
    return {
        "formula": f"And the {net.output} once more, on the output layer." if net.output == net.activation
                   else f"The output layer has its own activation, the {net.output}.",
        "curve": "Each output value comes from its z2 through the same curve." if net.output == net.activation
                 else "Each output value comes from its z2 through that curve.",
        "result": prediction,
    }


def loss(trace):
    net = Network(trace)
    measure = "the cross-entropy" if net.cross_entropy else "half the mean squared difference"
    return {
        "formula": f"How wrong is the prediction? The loss compares it with the label: {measure}, "
                   "plus a penalty on large weights.",
        "gaps": "Actual minus predicted: the label y against the output h2, unit by unit.",
        "numbers": f"Put in the numbers; with lambda at {approx(net.reg)}, the penalty term vanishes." if net.reg == 0
                   else f"Put in the numbers, with lambda {approx(net.reg)} for the penalty.",
        "value": f"This iteration's loss is {approx(trace.values['loss'])}: the number training will push down.",
    }


def chain_w2(trace):
    return {
        "question": "Now backwards. How does the loss change when we nudge the weights W2? "
                    "The chain rule splits that question into three smaller ones.",
        "factors": "dLoss/dW2 = dLoss/dh2 · dh2/dz2 · dz2/dW2: how the loss moves with the output h2, "
                   "how h2 moves with its input z2, and how z2 moves with W2.",
        "definitions": "Each factor is a short formula of its own.",
    }


def path_w2(trace):
    return {
        "edges": "On the network: W2 is every edge between the hidden layer and the output layer.",
        "path": "Its gradient travels back from the loss, through the output layer, to W2: one factor per step.",
    }


def factors_w2(trace):
    net = Network(trace)
    return {
        "dL_dh2": "Now the numbers, from the forward pass. First, how the loss moves with the output: "
                  "the output's error, with a minus sign"
                  + (f", divided by the batch size, {net.batch}." if net.batch > 1 and net.exact else "."),
        "dh2_dz2": f"Second: the slope of the output's {net.output}, written with the output itself.",
        "dz2_dW2": "Third: z2 grows with W2 in proportion to what comes into it, the hidden layer h1.",
        "misprint": MISPRINT,
    }


def update_w2(trace):
    return {
        "gradient": "Multiplied together, the factors give the gradient, one number per weight of W2: "
                    "entry (i, j) pairs column i of h1 with column j of the other two factors.",
        "misprint": MISPRINT,
        "update": "Each weight then takes a small step against its gradient: the learning rate alpha, "
                  f"{approx(trace.config.lr)}, times the gradient.",
    }


def chain_w1(trace):
    return {
        "deeper": "W1 sits one layer deeper, so its chain rule has a factor that needs the chain rule itself: "
                  "dLoss/dh1, how the loss changes with the hidden layer h1.",
        "reuse": "Its first part, how the loss changes with z2, was already computed for W2: "
                 "backpropagation reuses it instead of computing it again.",
        "rest": "The other two factors work just like those of W2, one layer further down.",
    }


def path_w1(trace):
    net = Network(trace)
    return {
        "edges": "On the network: W1 is every edge between the inputs and the hidden layer.",
        "path": "The gradient now travels from the loss all the way back to the hidden layer, "
                f"through its {net.activation}, to W1.",
    }


def factors_w1(trace):
    net = Network(trace)
    return {
        "dL_dh1": "The numbers for W1. First, how the loss moves with the hidden layer: "
                  "the reused product, sent back through W2.",
        "dh1_dz1": f"Second: the slope of the hidden layer's {net.activation}.",
        "dz1_dW1": "Third: z1 grows with W1 in proportion to the input X.",
        "misprint": MISPRINT,
    }


def update_w1(trace):
    return {
        "gradient": "Their product is the gradient for W1: entry (i, j) pairs column i of the input X "
                    "with column j of the other two factors.",
        "misprint": MISPRINT,
        "update": "And W1 takes its step too: the same rule, the same learning rate.",
    }


def copy(trace):
    return {
        "copy": "The iteration ends by copying the new weights over the old ones.",
        "old": "These were the weights we started from...",
        "new": "...and these are the weights the next iteration starts from, each nudged a little "
               "against its gradient.",
    }


def code(trace):
    """Figure 19 shows the article's training code (as mlp_core.article transcribes it), whatever the trace."""
    return {
        "init": "The article's own code for all of this, which mlp_core keeps and checks its training against: "
                "first the weights are drawn at random and scaled by one over the square root of their fan-in.",
        "forward": "Forward: two matrix products, each through the activation.",
        "loss": "The loss: half the mean squared error, plus the penalty on the weights.",
        "backward": "Backward: the chain-rule factors, exactly as we multiplied them by hand.",
        "updates": "And the updates: each weight steps against its gradient.",
    }


SCRIPTS = {1: overview, 2: xor, 3: pipeline, 4: initialized_network, 5: z1, 6: h1, 7: z2, 8: h2, 9: loss,
           10: chain_w2, 11: path_w2, 12: factors_w2, 13: update_w2, 14: chain_w1, 15: path_w1, 16: factors_w1,
           17: update_w1, 18: copy, 19: code}


def figure(trace, number):
    """The lines of figure `number` (1-19) for `trace`: line name -> words as the subtitle writes them."""
    return SCRIPTS[number](trace)


def script(trace, numbers=None):
    """The whole script (or the figures `numbers`): {figure number: {line name: words}}."""
    return {n: SCRIPTS[n](trace) for n in (numbers or SCRIPTS)}
